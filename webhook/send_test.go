package webhook

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// receiver answers the statuses in turn, the last one from then on, and
// records the bodies and signatures it was sent.
type receiver struct {
	statuses []int
	calls    atomic.Int32
	bodies   chan string
	sigs     chan string
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	n := int(r.calls.Add(1)) - 1
	body, _ := io.ReadAll(req.Body)
	r.bodies <- string(body)
	r.sigs <- req.Header.Get(SignatureHeader)
	status := r.statuses[min(n, len(r.statuses)-1)]
	if status == http.StatusFound {
		http.Redirect(w, req, "/elsewhere", status)
		return
	}
	w.WriteHeader(status)
	io.WriteString(w, "answer line one\nline two\n")
}

func newReceiver(t *testing.T, statuses ...int) (*receiver, *httptest.Server) {
	r := &receiver{statuses: statuses, bodies: make(chan string, 10), sigs: make(chan string, 10)}
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	return r, srv
}

func TestSenderRetriesOnce(t *testing.T) {
	body := []byte(`{"_id":"e1"}`)
	for _, tt := range []struct {
		name     string
		statuses []int
		retried  bool
		status   int // of the SendError; 0 for success
		msg      string
		calls    int32
	}{
		{"ok at once", []int{200}, false, 0, "", 1},
		{"ok on the retry", []int{500, 204}, true, 0, "", 2},
		{"always 503", []int{503}, true, 503, "503 Service Unavailable: answer line one", 2},
		{"a redirect is a failure, not followed", []int{302}, true, 302, "302 Found", 2},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r, srv := newReceiver(t, tt.statuses...)
			c := &Config{URL: srv.URL + "/hook?token=secret-token", Sign: true, Secret: "s3cret"}
			retried, err := (&Sender{}).Send(context.Background(), c, body)
			if retried != tt.retried {
				t.Errorf("retried = %v, want %v", retried, tt.retried)
			}
			var se *SendError
			switch {
			case tt.status == 0 && err != nil:
				t.Errorf("Send: %v", err)
			case tt.status != 0 && !errors.As(err, &se):
				t.Fatalf("Send: %v, want a *SendError", err)
			case tt.status != 0 && se.Status != tt.status:
				t.Errorf("SendError.Status = %d, want %d", se.Status, tt.status)
			case tt.status != 0 && se.Msg != tt.msg:
				t.Errorf("SendError.Msg = %q, want %q", se.Msg, tt.msg)
			}
			if n := r.calls.Load(); n != tt.calls {
				t.Errorf("%d requests, want %d", n, tt.calls)
			}
			for range tt.calls {
				if b := <-r.bodies; b != string(body) {
					t.Errorf("body %q, want the event's bytes", b)
				}
				if err := Verify([]string{"s3cret"}, body, <-r.sigs); err != nil {
					t.Errorf("signature: %v", err)
				}
			}
		})
	}
}

func TestSenderUnsigned(t *testing.T) {
	r, srv := newReceiver(t, 200)
	if _, err := (&Sender{}).Send(context.Background(), &Config{URL: srv.URL, Secret: "unused"}, []byte(`{}`)); err != nil {
		t.Fatal(err)
	}
	<-r.bodies
	if sig := <-r.sigs; sig != "" {
		t.Errorf("a webhook that does not sign sent %s %q", SignatureHeader, sig)
	}
}

// TestSenderErrorsHideTheURL fails to connect, and times out: the errors
// never quote the URL (a dial error names the address it dialled), whose
// path and query can hold tokens.
func TestSenderErrorsHideTheURL(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(200 * time.Millisecond)
	}))
	defer srv.Close()
	closed := httptest.NewServer(http.NotFoundHandler())
	closedURL := closed.URL
	closed.Close()
	for name, url := range map[string]string{"closed port": closedURL, "timeout": srv.URL} {
		c := &Config{URL: url + "/hook?token=secret-token"}
		retried, err := (&Sender{Timeout: 20 * time.Millisecond}).Send(context.Background(), c, []byte(`{}`))
		if err == nil || !retried {
			t.Errorf("%s: retried %v, error %v; want a retry and an error", name, retried, err)
			continue
		}
		if strings.Contains(err.Error(), "secret-token") || strings.Contains(err.Error(), "/hook") {
			t.Errorf("%s: the error quotes the URL: %v", name, err)
		}
	}
}

// TestSenderCancelled does not retry once the context is done.
func TestSenderCancelled(t *testing.T) {
	r, srv := newReceiver(t, 500)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	retried, err := (&Sender{}).Send(ctx, &Config{URL: srv.URL}, []byte(`{}`))
	if err == nil || retried {
		t.Errorf("retried %v, error %v; want an error and no retry", retried, err)
	}
	if n := r.calls.Load(); n != 0 {
		t.Errorf("%d requests sent with a cancelled context", n)
	}
}
