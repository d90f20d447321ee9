package webhook

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ldpolicy/ldpolicy/event"
)

// startServer serves h on a free loopback port with NewServer's settings,
// changed by adjust, and returns its address.
func startServer(t *testing.T, h http.Handler, adjust func(*http.Server)) string {
	t.Helper()
	srv := NewServer("127.0.0.1:0", h)
	if adjust != nil {
		adjust(srv)
	}
	ln, err := net.Listen("tcp", srv.Addr)
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	})
	return ln.Addr().String()
}

func TestNewServerTimeouts(t *testing.T) {
	srv := NewServer(":8080", http.NotFoundHandler())
	if srv.Addr != ":8080" || srv.ReadHeaderTimeout <= 0 || srv.ReadTimeout <= 0 ||
		srv.WriteTimeout < srv.ReadTimeout || srv.IdleTimeout <= 0 ||
		srv.MaxHeaderBytes <= 0 || srv.MaxHeaderBytes > 1<<20 {
		t.Errorf("NewServer: Addr %q, timeouts: header %v, read %v, write %v, idle %v; MaxHeaderBytes %d",
			srv.Addr, srv.ReadHeaderTimeout, srv.ReadTimeout, srv.WriteTimeout, srv.IdleTimeout, srv.MaxHeaderBytes)
	}
}

// headersOnly opens a connection to addr and sends a signed request's
// headers that claim a body of size bytes, and the first byte of the body.
func headersOnly(addr string, size int) (net.Conn, error) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	_, err = fmt.Fprintf(c, "POST / HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\n"+
		"X-LD-Signature: %s\r\nContent-Length: %d\r\n\r\n{", addr, strings.Repeat("0", 64), size)
	if err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// closedWithin reports whether the server closes c (or answers and closes
// it) within d; it reads and discards what the server sends.
func closedWithin(c net.Conn, d time.Duration) bool {
	c.SetReadDeadline(time.Now().Add(d))
	_, err := io.Copy(io.Discard, c)
	return !errors.Is(err, os.ErrDeadlineExceeded)
}

// heapInUse returns the bytes of live heap objects after a collection.
func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// TestHandlerHeaderOnlyFlood: 1,000 connections that claim 4 MiB bodies and
// send one byte cost the receiver little memory: a body is read as its
// bytes come, whatever Content-Length claims, and requests beyond
// MaxInFlight are answered 503 before their bodies are read.
func TestHandlerHeaderOnlyFlood(t *testing.T) {
	const conns = 1000
	for _, tt := range []struct {
		name     string
		inFlight int // Options.MaxInFlight
		held     int // the requests the handler reads at once
	}{
		{"default MaxInFlight", 0, MaxInFlightBytes / DefaultMaxBodySize},
		{"every request read", conns, conns},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h, err := NewHandler(func(context.Context, *event.Event) error { return nil },
				Options{Secrets: []string{testSecret}, MaxInFlight: tt.inFlight})
			if err != nil {
				t.Fatal(err)
			}
			addr := startServer(t, h, nil)
			before := heapInUse()

			var mu sync.Mutex
			overloaded := 0
			var wg sync.WaitGroup
			var open []net.Conn
			for range conns {
				c, err := headersOnly(addr, DefaultMaxBodySize)
				if err != nil {
					t.Fatal(err)
				}
				open = append(open, c)
				wg.Add(1)
				go func() { // the answer of a request refused at once
					defer wg.Done()
					resp, err := http.ReadResponse(bufio.NewReader(c), nil)
					if err == nil {
						if resp.StatusCode == http.StatusServiceUnavailable && resp.Header.Get("Retry-After") != "" {
							mu.Lock()
							overloaded++
							mu.Unlock()
						}
						resp.Body.Close()
					}
				}()
			}
			defer func() {
				for _, c := range open {
					c.Close()
				}
				wg.Wait()
			}()
			// Wait until every request is either being read or refused.
			deadline := time.Now().Add(30 * time.Second)
			for {
				mu.Lock()
				n := overloaded
				mu.Unlock()
				if len(h.slots)+n == conns && len(h.slots) == tt.held {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("%d requests being read, %d answered 503 after 30 s; want %d and %d", len(h.slots), n, tt.held, conns-tt.held)
				}
				time.Sleep(20 * time.Millisecond)
			}
			grown := int64(heapInUse()) - int64(before)
			// The heap holds, for each connection, the server's and the
			// test client's buffers, and for a request being read a body
			// buffer of at most bodyPresize and a byte: 64 KiB a
			// connection is generous. Sized from Content-Length, each
			// body read would take 4 MiB.
			if limit := int64(conns) * 64 << 10; grown > limit {
				t.Errorf("the heap grew by %d MiB with %d requests being read; want under %d MiB", grown>>20, tt.held, limit>>20)
			}
			t.Logf("%d connections, %d requests being read: heap grew by %.1f MiB (%.1f KiB a connection)",
				conns, tt.held, float64(grown)/(1<<20), float64(grown)/conns/(1<<10))
		})
	}
}

// TestHandlerOverloaded: beyond MaxInFlight requests, a request is answered
// 503 with Retry-After, and served again once a slot is free.
func TestHandlerOverloaded(t *testing.T) {
	started, finish := make(chan struct{}), make(chan struct{})
	var once sync.Once
	s := sink{fail: func(ev *event.Event) error {
		if ev.ID == "slow" {
			once.Do(func() { close(started) })
			<-finish
		}
		return nil
	}}
	h, results := newTestHandler(t, &s, Options{MaxInFlight: 1})
	done := make(chan struct{})
	go func() {
		defer close(done)
		serve(h, results, signed(prodEvent("slow", 1700000000000)))
	}()
	<-started
	have := serve(h, results, signed(prodEvent("e2", 1700000000000)))
	if have.status != http.StatusServiceUnavailable || have.result.Outcome != Overloaded || have.header.Get("Retry-After") == "" {
		t.Errorf("while the slot is taken: have %d %v, Retry-After %q; want 503 overloaded with Retry-After",
			have.status, have.result.Outcome, have.header.Get("Retry-After"))
	}
	if have.result.Body != nil {
		t.Errorf("the body of a refused request was read: %q", have.result.Body)
	}
	close(finish)
	<-done
	if have := serve(h, results, signed(prodEvent("e2", 1700000000000))); have.result.Outcome != Processed {
		t.Errorf("once the slot is free: %v", have.result.Outcome)
	}
}

// TestServerCutsOffSlowClients: a body sent a byte at a time is cut off by
// the read timeout, and an idle kept-alive connection by the idle timeout.
// The timeouts are shortened here; NewServer's are tens of seconds.
func TestServerCutsOffSlowClients(t *testing.T) {
	h, err := NewHandler(func(context.Context, *event.Event) error { return nil }, Options{Unsigned: true})
	if err != nil {
		t.Fatal(err)
	}
	addr := startServer(t, h, func(s *http.Server) {
		s.ReadTimeout, s.IdleTimeout = 500*time.Millisecond, 500*time.Millisecond
	})

	t.Run("slow body", func(t *testing.T) {
		c, err := headersOnly(addr, 1000)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		closed := make(chan bool, 1)
		go func() { closed <- closedWithin(c, 10*time.Second) }()
		// Dribble a byte every 100 ms, each well within any per-read
		// limit, for up to 5 s.
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for i := 0; ; i++ {
			select {
			case ok := <-closed:
				if !ok {
					t.Fatal("the connection was still open after 10 s")
				}
				return
			case <-tick.C:
				if i == 50 {
					t.Fatal("the server read a dribbled body for 5 s")
				}
				c.Write([]byte(" ")) // fails once the server closed it
			}
		}
	})

	t.Run("idle keep-alive", func(t *testing.T) {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		body := prodEvent("e1", 1700000000000)
		fmt.Fprintf(c, "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", len(body), body)
		br := bufio.NewReader(c)
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || resp.Close {
			t.Fatalf("have %d, close %v; want 200 on a kept-alive connection", resp.StatusCode, resp.Close)
		}
		// Now idle: the server must close it.
		c.SetReadDeadline(time.Now().Add(10 * time.Second))
		if _, err := br.ReadByte(); err == nil || errors.Is(err, os.ErrDeadlineExceeded) {
			t.Errorf("reading an idle connection for 10 s: %v; want the server to close it", err)
		}
	})
}
