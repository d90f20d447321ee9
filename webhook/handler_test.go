package webhook

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"testing/iotest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ldpolicy/ldpolicy/event"
	"github.com/ldpolicy/ldpolicy/policy"
	"github.com/ldpolicy/ldpolicy/resource"
)

const testSecret = "whsec-test"

// testEvent returns an event with one access.
func testEvent(id string, date int64, action, res string) []byte {
	return fmt.Appendf(nil, `{"_id":%q,"date":%d,"kind":"flag","name":"Dark mode","accesses":[{"action":%q,"resource":%q}]}`, id, date, action, res)
}

// prodEvent returns an event that the production-flags policy delivers.
func prodEvent(id string, date int64) []byte {
	return testEvent(id, date, "updateOn", "proj/default:env/production:flag/dark-mode")
}

func productionFlags(t testing.TB) *policy.Set {
	t.Helper()
	set, err := policy.Compile(policy.ProductionFlags(), policy.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return set
}

// signed returns a POST of body as LaunchDarkly sends it.
func signed(body []byte) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/webhook", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set(SignatureHeader, Sign(testSecret, body))
	return r
}

// sink records the events a handler processes; fail, if set, decides
// whether processing an event fails.
type sink struct {
	mu     sync.Mutex
	events []string // the _ids processed, in order
	fail   func(ev *event.Event) error
}

func (s *sink) process(_ context.Context, ev *event.Event) error {
	if s.fail != nil {
		if err := s.fail(ev); err != nil {
			return err
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.events = append(s.events, ev.ID)
	return nil
}

func (s *sink) processed() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.events...)
}

// serve runs one request through h and returns the answer and what
// OnResult was told.
type served struct {
	status int
	body   string
	header http.Header
	result *Result
}

func newTestHandler(t testing.TB, s *sink, opts Options) (*Handler, *[]*Result) {
	t.Helper()
	var mu sync.Mutex
	results := &[]*Result{}
	user := opts.OnResult
	opts.OnResult = func(r *Result) {
		mu.Lock()
		*results = append(*results, r)
		mu.Unlock()
		if user != nil {
			user(r)
		}
	}
	if opts.Secrets == nil && !opts.Unsigned {
		opts.Secrets = []string{testSecret}
	}
	h, err := NewHandler(s.process, opts)
	if err != nil {
		t.Fatal(err)
	}
	return h, results
}

func serve(h *Handler, results *[]*Result, r *http.Request) served {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	s := served{status: w.Code, body: w.Body.String(), header: w.Header()}
	if n := len(*results); n > 0 {
		s.result = (*results)[n-1]
	}
	return s
}

func TestHandlerAnswers(t *testing.T) {
	good := prodEvent("e1", 1700000000000)
	withType := func(ct string) func(*http.Request) {
		return func(r *http.Request) {
			if ct == "" {
				r.Header.Del("Content-Type")
			} else {
				r.Header.Set("Content-Type", ct)
			}
		}
	}
	withSig := func(sig string) func(*http.Request) {
		return func(r *http.Request) { r.Header.Set(SignatureHeader, sig) }
	}
	big := prodEvent("big", 1700000000000)
	big = append(big[:len(big)-1], `,"description":"`+strings.Repeat("x", 2000)+`"}`...)
	tests := []struct {
		name    string
		method  string // POST when empty
		body    []byte
		edit    func(*http.Request)
		status  int
		outcome Outcome
		answer  string // the body of the answer, when it matters
	}{
		{name: "processed", body: good, status: 200, outcome: Processed, answer: "processed\n"},
		{name: "charset", body: good, edit: withType("application/json; charset=utf-8"), status: 200, outcome: Processed},
		{name: "upper-case type", body: good, edit: withType("Application/JSON"), status: 200, outcome: Processed},
		{name: "no _id", body: prodEvent("", 1700000000000), status: 200, outcome: Processed},
		{name: "filtered", body: testEvent("e2", 1, "updateOn", "proj/default:env/staging:flag/dark-mode"), status: 200, outcome: Filtered, answer: "filtered\n"},
		{name: "no accesses is filtered", body: []byte(`{"_id":"e3","accesses":[]}`), status: 200, outcome: Filtered},
		{name: "GET", method: http.MethodGet, body: nil, status: 405, outcome: BadMethod, answer: "webhook: expected POST, found GET\n"},
		{name: "PUT", method: http.MethodPut, body: good, status: 405, outcome: BadMethod},
		{name: "no content type", body: good, edit: withType(""), status: 415, outcome: BadContentType, answer: "webhook: no Content-Type: expected application/json\n"},
		{name: "form", body: good, edit: withType("application/x-www-form-urlencoded"), status: 415, outcome: BadContentType},
		{name: "text", body: good, edit: withType("text/plain; charset=utf-8"), status: 415, outcome: BadContentType},
		{name: "json prefix", body: good, edit: withType("application/jsonx"), status: 415, outcome: BadContentType},
		{name: "malformed type", body: good, edit: withType("application/json; charset"), status: 415, outcome: BadContentType},
		{name: "too large", body: big, status: 413, outcome: TooLarge, answer: "webhook: the body is larger than 1024 bytes\n"},
		{name: "too large, chunked", body: big, edit: func(r *http.Request) { r.ContentLength = -1 }, status: 413, outcome: TooLarge},
		{name: "declared too large, not read", body: good, edit: func(r *http.Request) {
			r.Body, r.ContentLength = io.NopCloser(iotest.ErrReader(errors.New("read"))), 1025
		}, status: 413, outcome: TooLarge},
		{name: "body cut off", body: good, edit: func(r *http.Request) {
			r.Body, r.ContentLength = io.NopCloser(iotest.ErrReader(errors.New("connection reset"))), -1
		}, status: 400, outcome: Malformed, answer: "webhook: reading the body: connection reset\n"},
		{name: "no signature", body: good, edit: func(r *http.Request) { r.Header.Del(SignatureHeader) }, status: 401, outcome: Unverified, answer: "webhook: no X-LD-Signature header\n"},
		{name: "malformed signature", body: good, edit: withSig("sha256=abc"), status: 401, outcome: Unverified},
		{name: "other secret", body: good, edit: withSig(Sign("other", good)), status: 401, outcome: Unverified, answer: "webhook: X-LD-Signature does not match the body\n"},
		{name: "re-encoded body", body: good, edit: func(r *http.Request) {
			r.Body = io.NopCloser(strings.NewReader(strings.ReplaceAll(string(good), ",", ", ")))
			r.ContentLength = -1
		}, status: 401, outcome: Unverified},
		{name: "malformed JSON", body: []byte(`{"_id":"e4",`), status: 400, outcome: Malformed},
		{name: "array", body: []byte(`[]`), status: 400, outcome: Malformed, answer: "event: byte 0: expected an event (a JSON object), found an array\n"},
		{name: "empty", body: []byte(``), status: 400, outcome: Malformed},
		{name: "no accesses field", body: []byte(`{"_id":"e5"}`), status: 400, outcome: Malformed, answer: "webhook: the event has no \"accesses\"\n"},
		{name: "malformed resource", body: testEvent("e6", 1, "updateOn", "proj/default:env/"), status: 400, outcome: Malformed},
		{name: "member of the wrong type", body: []byte(`{"_id":"e7","accesses":[],"member":5}`), status: 400, outcome: Malformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s sink
			h, results := newTestHandler(t, &s, Options{Policy: productionFlags(t), MaxBodySize: 1024})
			method := tt.method
			if method == "" {
				method = http.MethodPost
			}
			r := signed(tt.body)
			r.Method = method
			if tt.edit != nil {
				tt.edit(r)
			}
			have := serve(h, results, r)
			if have.status != tt.status || have.result == nil || have.result.Outcome != tt.outcome || have.result.Status != tt.status {
				t.Fatalf("have %d %q (result %+v), want %d %v", have.status, have.body, have.result, tt.status, tt.outcome)
			}
			if tt.answer != "" && have.body != tt.answer {
				t.Errorf("answer:\nhave %q\nwant %q", have.body, tt.answer)
			}
			if want := tt.outcome == Processed; (len(s.processed()) == 1) != want {
				t.Errorf("processed %v, want processed: %v", s.processed(), want)
			}
			if tt.outcome == BadMethod && have.header.Get("Allow") != "POST" {
				t.Errorf("Allow: %q", have.header.Get("Allow"))
			}
			res := have.result
			if wantErr := tt.status/100 != 2; (res.Err != nil) != wantErr {
				t.Errorf("Err = %v, want an error: %v", res.Err, wantErr)
			}
			if tt.outcome < Filtered && (res.Event != nil || res.Decisions != nil) {
				t.Errorf("Event %v, Decisions %v for an event that was not decided", res.Event, res.Decisions)
			}
			if tt.outcome >= Filtered && (res.Event == nil || len(res.Decisions) != len(res.Event.Accesses)) {
				t.Errorf("Event %v, Decisions %v for a decided event", res.Event, res.Decisions)
			}
		})
	}
}

func TestHandlerDuplicate(t *testing.T) {
	var s sink
	h, results := newTestHandler(t, &s, Options{Policy: productionFlags(t)})
	ev := prodEvent("e1", 1700000000000)
	for i, want := range []Outcome{Processed, Duplicate, Duplicate} {
		have := serve(h, results, signed(ev))
		if have.status != 200 || have.result.Outcome != want {
			t.Errorf("delivery %d: have %d %v, want 200 %v", i, have.status, have.result.Outcome, want)
		}
	}
	if have := serve(h, results, signed(prodEvent("e2", 1700000000000))); have.result.Outcome != Processed {
		t.Errorf("another _id: %v", have.result.Outcome)
	}
	if diff := cmp.Diff([]string{"e1", "e2"}, s.processed()); diff != "" {
		t.Errorf("processed (-want +have):\n%s", diff)
	}
}

// TestHandlerRetryAfterFailure: an event whose processing failed is
// answered 500 and processed when LaunchDarkly retries it.
func TestHandlerRetryAfterFailure(t *testing.T) {
	failures := 1
	s := sink{fail: func(*event.Event) error {
		if failures > 0 {
			failures--
			return errors.New("database is down")
		}
		return nil
	}}
	h, results := newTestHandler(t, &s, Options{})
	ev := prodEvent("e1", 1700000000000)
	first := serve(h, results, signed(ev))
	if first.status != 500 || first.result.Outcome != Failed || first.result.Err.Error() != "database is down" {
		t.Fatalf("first: have %d %v %v", first.status, first.result.Outcome, first.result.Err)
	}
	if first.body != "webhook: processing the event failed\n" {
		t.Errorf("the answer gives the function's error away: %q", first.body)
	}
	for i, want := range []Outcome{Processed, Duplicate} {
		if have := serve(h, results, signed(ev)); have.status != 200 || have.result.Outcome != want {
			t.Errorf("retry %d: have %d %v, want 200 %v", i, have.status, have.result.Outcome, want)
		}
	}
	if diff := cmp.Diff([]string{"e1"}, s.processed()); diff != "" {
		t.Errorf("processed (-want +have):\n%s", diff)
	}
}

// TestHandlerConcurrentDuplicate: a second delivery that comes while the
// first is being processed is answered 409, neither processed nor
// acknowledged; if the first then fails, its retry is processed.
func TestHandlerConcurrentDuplicate(t *testing.T) {
	for _, firstFails := range []bool{false, true} {
		t.Run(fmt.Sprintf("first fails %v", firstFails), func(t *testing.T) {
			started, finish := make(chan struct{}), make(chan struct{})
			var calls int
			s := sink{fail: func(*event.Event) error {
				calls++
				if calls == 1 {
					close(started)
					<-finish
					if firstFails {
						return errors.New("failed")
					}
				}
				return nil
			}}
			h, results := newTestHandler(t, &s, Options{})
			ev := prodEvent("e1", 1700000000000)
			firstDone := make(chan int)
			go func() {
				w := httptest.NewRecorder()
				h.ServeHTTP(w, signed(ev))
				firstDone <- w.Code
			}()
			<-started
			w := httptest.NewRecorder()
			h.ServeHTTP(w, signed(ev))
			if w.Code != http.StatusConflict || w.Header().Get("Retry-After") == "" {
				t.Errorf("second delivery during the first: %d %q, Retry-After %q; want 409 with Retry-After", w.Code, w.Body, w.Header().Get("Retry-After"))
			}
			close(finish)
			code := <-firstDone
			want, retry := 200, Duplicate
			if firstFails {
				want, retry = 500, Processed
			}
			if code != want {
				t.Errorf("first delivery: have %d, want %d", code, want)
			}
			if have := serve(h, results, signed(ev)); have.result.Outcome != retry {
				t.Errorf("retry: have %v, want %v", have.result.Outcome, retry)
			}
			if diff := cmp.Diff([]string{"e1"}, s.processed()); diff != "" {
				t.Errorf("processed (-want +have):\n%s", diff)
			}
		})
	}
}

func TestHandlerPanicReleases(t *testing.T) {
	panics := true
	s := sink{fail: func(*event.Event) error {
		if panics {
			panics = false
			panic("boom")
		}
		return nil
	}}
	h, results := newTestHandler(t, &s, Options{})
	ev := prodEvent("e1", 1700000000000)
	func() {
		defer func() {
			if r := recover(); r != "boom" {
				t.Errorf("recovered %v, want the function's panic", r)
			}
		}()
		h.ServeHTTP(httptest.NewRecorder(), signed(ev))
	}()
	if have := serve(h, results, signed(ev)); have.result.Outcome != Processed {
		t.Errorf("retry after a panic: %v", have.result.Outcome)
	}
}

func TestHandlerMaxAge(t *testing.T) {
	clock := newFakeClock()
	now := clock.Now().UnixMilli()
	var s sink
	h, results := newTestHandler(t, &s, Options{Policy: productionFlags(t), MaxAge: time.Hour, Clock: clock})
	tests := []struct {
		name    string
		body    []byte
		status  int
		outcome Outcome
	}{
		{"fresh", prodEvent("a", now-59*60*1000), 200, Processed},
		{"exactly the maximum age", prodEvent("b", now-60*60*1000), 200, Processed},
		{"too old", prodEvent("c", now-60*60*1000-1), 422, Stale},
		{"no date", prodEvent("d", 0), 422, Stale},
		{"future", prodEvent("e", now+24*60*60*1000), 200, Processed},
		{"too old but filtered", testEvent("f", 1, "updateOn", "proj/p:env/staging:flag/f"), 200, Filtered},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			have := serve(h, results, signed(tt.body))
			if have.status != tt.status || have.result.Outcome != tt.outcome {
				t.Errorf("have %d %v %q, want %d %v", have.status, have.result.Outcome, have.body, tt.status, tt.outcome)
			}
		})
	}
	have := serve(h, results, signed(prodEvent("g", now-2*60*60*1000)))
	if want := "webhook: the event is older than 1h0m0s: its date 2024-05-01T10:00:00Z is 2h0m0s before 2024-05-01T12:00:00Z\n"; have.body != want {
		t.Errorf("have %q\nwant %q", have.body, want)
	}
	// A stale event is not remembered: were the clock wrong, the event
	// would be processed once it is right.
	clock.Advance(-2 * time.Hour)
	if have := serve(h, results, signed(prodEvent("g", now-2*60*60*1000))); have.result.Outcome != Processed {
		t.Errorf("after the clock was set back: %v", have.result.Outcome)
	}
}

func TestHandlerDedupWindow(t *testing.T) {
	tests := []struct {
		maxAge time.Duration
		later  time.Duration
		want   Outcome
	}{
		{0, DefaultDedupWindow - time.Millisecond, Duplicate},
		{0, DefaultDedupWindow, Processed},
		// The default window covers the maximum age.
		{48 * time.Hour, 48*time.Hour - time.Millisecond, Duplicate},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.maxAge, tt.later), func(t *testing.T) {
			clock := newFakeClock()
			var s sink
			h, results := newTestHandler(t, &s, Options{MaxAge: tt.maxAge, Clock: clock})
			ev := prodEvent("e1", clock.Now().UnixMilli())
			serve(h, results, signed(ev))
			clock.Advance(tt.later)
			if have := serve(h, results, signed(ev)); have.result.Outcome != tt.want {
				t.Errorf("have %v, want %v", have.result.Outcome, tt.want)
			}
		})
	}
}

// brokenDeduper fails the steps it is told to.
type brokenDeduper struct {
	Deduper
	reserve, commit, release error
}

func (d brokenDeduper) Reserve(ctx context.Context, id string) (Claim, Reservation, error) {
	if d.reserve != nil {
		return 0, nil, d.reserve
	}
	c, r, err := d.Deduper.Reserve(ctx, id)
	if r != nil {
		r = brokenReservation{r, d}
	}
	return c, r, err
}

type brokenReservation struct {
	Reservation
	d brokenDeduper
}

func (r brokenReservation) Commit(ctx context.Context) error {
	if r.d.commit != nil {
		return r.d.commit
	}
	return r.Reservation.Commit(ctx)
}

func (r brokenReservation) Release(ctx context.Context) error {
	if r.d.release != nil {
		return r.d.release
	}
	return r.Reservation.Release(ctx)
}

func TestHandlerDeduperFails(t *testing.T) {
	down := errors.New("redis: connection refused")
	t.Run("reserve", func(t *testing.T) {
		var s sink
		h, results := newTestHandler(t, &s, Options{Deduper: brokenDeduper{NewMemoryDeduper(DedupOptions{}), down, nil, nil}})
		have := serve(h, results, signed(prodEvent("e1", 1)))
		if have.status != 503 || have.result.Outcome != DedupFailed || !errors.Is(have.result.Err, down) || len(s.processed()) != 0 {
			t.Errorf("have %d %v %v, processed %v", have.status, have.result.Outcome, have.result.Err, s.processed())
		}
		if have.body != "webhook: cannot tell whether the event was processed before\n" {
			t.Errorf("answer %q", have.body)
		}
	})
	t.Run("commit", func(t *testing.T) {
		var s sink
		h, results := newTestHandler(t, &s, Options{Deduper: brokenDeduper{NewMemoryDeduper(DedupOptions{}), nil, down, nil}})
		have := serve(h, results, signed(prodEvent("e1", 1)))
		if have.status != 200 || have.result.Outcome != Processed || !errors.Is(have.result.Err, down) {
			t.Errorf("have %d %v %v", have.status, have.result.Outcome, have.result.Err)
		}
	})
	t.Run("release", func(t *testing.T) {
		s := sink{fail: func(*event.Event) error { return errors.New("failed") }}
		h, results := newTestHandler(t, &s, Options{Deduper: brokenDeduper{NewMemoryDeduper(DedupOptions{}), nil, nil, down}})
		have := serve(h, results, signed(prodEvent("e1", 1)))
		if have.status != 500 || have.result.Outcome != Failed || !errors.Is(have.result.Err, down) {
			t.Errorf("have %d %v %v", have.status, have.result.Outcome, have.result.Err)
		}
	})
}

func TestHandlerUnsigned(t *testing.T) {
	var s sink
	h, results := newTestHandler(t, &s, Options{Unsigned: true})
	r := signed(prodEvent("e1", 1))
	r.Header.Del(SignatureHeader)
	if have := serve(h, results, r); have.result.Outcome != Processed {
		t.Errorf("unsigned: %v", have.result.Outcome)
	}
	r = signed(prodEvent("e2", 1))
	r.Header.Set(SignatureHeader, "not checked")
	if have := serve(h, results, r); have.result.Outcome != Processed {
		t.Errorf("with a signature that is not checked: %v", have.result.Outcome)
	}
}

func TestHandlerRotation(t *testing.T) {
	var s sink
	h, results := newTestHandler(t, &s, Options{Secrets: []string{"old", "new"}})
	for _, secret := range []string{"old", "new"} {
		body := prodEvent("e-"+secret, 1)
		r := signed(body)
		r.Header.Set(SignatureHeader, Sign(secret, body))
		if have := serve(h, results, r); have.result.Outcome != Processed {
			t.Errorf("signed with %s: %v", secret, have.result.Outcome)
		}
	}
}

func TestNewHandlerErrors(t *testing.T) {
	fn := func(context.Context, *event.Event) error { return nil }
	tests := []struct {
		name string
		fn   func(context.Context, *event.Event) error
		opts Options
		want string
	}{
		{"no function", nil, Options{Secrets: []string{"s"}}, "webhook: NewHandler needs a function to call with the events"},
		{"no secret", fn, Options{}, "webhook: no secret to verify deliveries with: set Options.Secrets, or Options.Unsigned for a webhook without a secret"},
		{"empty secrets", fn, Options{Secrets: []string{}}, "webhook: no secret to verify deliveries with: set Options.Secrets, or Options.Unsigned for a webhook without a secret"},
		{"both", fn, Options{Secrets: []string{"s"}, Unsigned: true}, "webhook: Options.Unsigned is set with Options.Secrets: unsigned deliveries would be processed although there is a secret"},
		{"empty secret", fn, Options{Secrets: []string{"s", ""}}, "webhook: Options.Secrets[1] is empty"},
		{"negative size", fn, Options{Unsigned: true, MaxBodySize: -1}, "webhook: Options.MaxBodySize is -1: expected 0 (the default) or more"},
		{"negative age", fn, Options{Unsigned: true, MaxAge: -time.Second}, "webhook: Options.MaxAge is -1s: expected 0 (no limit) or more"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := NewHandler(tt.fn, tt.opts)
			if h != nil || err == nil || err.Error() != tt.want {
				t.Errorf("have %v, %v\nwant %s", h, err, tt.want)
			}
		})
	}
}

// TestHandlerDecides checks that the handler decides as dry-run does: with
// the metadata of the event's body, then the resolver's, and the mode.
func TestHandlerDecides(t *testing.T) {
	tagged := func(id string, tags string) []byte {
		return fmt.Appendf(nil, `{"_id":%q,"date":1,"kind":"flag","accesses":[
			{"action":"updateOn","resource":"proj/p:env/production:flag/f"}],
			"currentVersion":{"key":"f","tags":%s}}`, id, tags)
	}
	twoEnvs := []byte(`{"_id":"two","date":1,"kind":"flag","accesses":[
		{"action":"createFlag","resource":"proj/p:env/production:flag/f"},
		{"action":"createFlag","resource":"proj/p:env/staging:flag/f"}]}`)
	betaFlags := []policy.Statement{{Effect: policy.Allow, Actions: []string{"*"}, Resources: []string{"proj/*:env/*:flag/*;beta"}}}
	critical := []policy.Statement{{Effect: policy.Allow, Actions: []string{"*"}, Resources: []string{"proj/*:env/*;{critical:true}:flag/*"}}}
	meta, err := resource.ParseMetadataMap([]byte(`{"proj/default:env/production": {"properties": {"critical": true}}}`))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		stmts     []policy.Statement
		opts      Options
		body      []byte
		delivered bool
		indet     bool
	}{
		{"tags of the body", betaFlags, Options{}, tagged("a", `["beta"]`), true, false},
		{"other tags of the body", betaFlags, Options{}, tagged("b", `["alpha"]`), false, false},
		{"no tags in the body", betaFlags, Options{}, prodEvent("c", 1), false, true},
		{"resolver", critical, Options{Resolver: meta}, prodEvent("d", 1), true, false},
		{"no resolver", critical, Options{}, prodEvent("e", 1), false, true},
		{"any access", policy.ProductionFlags(), Options{}, twoEnvs, true, false},
		{"every access", policy.ProductionFlags(), Options{Mode: policy.EveryAccess}, twoEnvs, false, false},
		{"no policy", nil, Options{}, testEvent("f", 1, "updateName", "member/x"), true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := tt.opts
			if tt.stmts != nil {
				set, err := policy.Compile(tt.stmts, policy.Options{})
				if err != nil {
					t.Fatal(err)
				}
				opts.Policy = set
			}
			var s sink
			h, results := newTestHandler(t, &s, opts)
			have := serve(h, results, signed(tt.body))
			d := have.result.Delivery
			if d.Delivered != tt.delivered || d.Indeterminate != tt.indet {
				t.Errorf("have delivered %v, indeterminate %v (%s), want %v, %v", d.Delivered, d.Indeterminate, d.Reason(), tt.delivered, tt.indet)
			}
			if want := map[bool]Outcome{true: Processed, false: Filtered}[tt.delivered]; have.result.Outcome != want {
				t.Errorf("outcome %v, want %v", have.result.Outcome, want)
			}
			if len(have.result.Decisions) != len(have.result.Event.Accesses) {
				t.Errorf("%d decisions for %d accesses", len(have.result.Decisions), len(have.result.Event.Accesses))
			}
		})
	}
}

func TestHandlerResult(t *testing.T) {
	var s sink
	h, results := newTestHandler(t, &s, Options{Policy: productionFlags(t)})
	body := prodEvent("e1", 1700000000000)
	have := serve(h, results, signed(body)).result
	if !bytes.Equal(have.Body, body) || have.Event == nil || have.Event.ID != "e1" || string(have.Event.Raw()) != string(body) {
		t.Errorf("Body %q, Event %+v", have.Body, have.Event)
	}
	if len(have.Decisions) != 1 || !have.Decisions[0].Allowed() || have.Decisions[0].Statement != 0 || have.Delivery.Access != 0 {
		t.Errorf("Decisions %v, Delivery %+v", have.Decisions, have.Delivery)
	}
	if have.Outcome.String() != "processed" || Outcome(0).String() != "Outcome(0)" || Outcome(200).String() != "Outcome(200)" {
		t.Errorf("Outcome strings: %v %v %v", have.Outcome, Outcome(0), Outcome(200))
	}
}
