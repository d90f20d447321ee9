package redisdedup

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/ldpolicy/ldpolicy/event"
	"github.com/ldpolicy/ldpolicy/internal/redistest"
	"github.com/ldpolicy/ldpolicy/webhook"
)

// reserver reserves _ids of a Deduper in a test, checking the claims.
type reserver struct {
	t *testing.T
	d *Deduper
}

// reserve reserves id, checks the claim, and returns the reservation.
func (r reserver) reserve(id string, want webhook.Claim) webhook.Reservation {
	r.t.Helper()
	have, rsv, err := r.d.Reserve(context.Background(), id)
	if have != want || err != nil || (rsv != nil) != (want == webhook.ClaimNew) {
		r.t.Errorf("Reserve(%q) = %v, %v, %v; want %v", id, have, rsv, err, want)
	}
	return rsv
}

func TestDeduper(t *testing.T) {
	ctx := context.Background()
	r := reserver{t, New(redistest.Start(t).Client(nil), Options{})}
	a := r.reserve("a", webhook.ClaimNew)
	r.reserve("a", webhook.ClaimBusy) // being processed
	if err := a.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	r.reserve("a", webhook.ClaimDone) // processed
	b := r.reserve("b", webhook.ClaimNew)
	if err := b.Release(ctx); err != nil {
		t.Fatal(err)
	}
	r.reserve("b", webhook.ClaimNew) // released: processed again
}

// TestDeduperExpiry checks the expiry of the keys: the lease while an _id
// is reserved, the window once it is committed.
func TestDeduperExpiry(t *testing.T) {
	ctx := context.Background()
	c := redistest.Start(t).Client(nil)
	r := reserver{t, New(c, Options{Prefix: "hooks:prod:", Window: 2 * time.Hour, Lease: time.Minute})}
	a := r.reserve("a", webhook.ClaimNew)
	if ttl := c.PTTL(ctx, "hooks:prod:a").Val(); ttl <= 0 || ttl > time.Minute {
		t.Errorf("reserved: the key expires in %v, want the lease of 1m", ttl)
	}
	a.Commit(ctx)
	if ttl := c.PTTL(ctx, "hooks:prod:a").Val(); ttl <= time.Hour || ttl > 2*time.Hour {
		t.Errorf("committed: the key expires in %v, want the window of 2h", ttl)
	}
	if v := c.Get(ctx, "hooks:prod:a").Val(); v != "done" {
		t.Errorf("committed: the key holds %q", v)
	}
	defaults := reserver{t, New(c, Options{})}
	b := defaults.reserve("b", webhook.ClaimNew)
	if ttl := c.PTTL(ctx, DefaultPrefix+"b").Val(); ttl <= DefaultLease-time.Second || ttl > DefaultLease {
		t.Errorf("default lease: %v", ttl)
	}
	b.Commit(ctx)
	if ttl := c.PTTL(ctx, DefaultPrefix+"b").Val(); ttl <= webhook.DefaultDedupWindow-time.Minute || ttl > webhook.DefaultDedupWindow {
		t.Errorf("default window: %v", ttl)
	}
	if short := New(c, Options{Lease: time.Millisecond}); short.lease != MinLease {
		t.Errorf("a 1ms lease is %v, want MinLease", short.lease)
	}
}

// TestDeduperInstances: two instances of a receiver share the _ids, and a
// reservation whose lease ran out does not undo, or mark done, the
// reservation made since, by another instance or by the same one.
func TestDeduperInstances(t *testing.T) {
	ctx := context.Background()
	c := redistest.Start(t).Client(nil)
	a, b := reserver{t, New(c, Options{})}, reserver{t, New(c, Options{})}
	lapse := func(id string) { c.Del(ctx, DefaultPrefix+id) } // as when the lease runs out

	x := a.reserve("x", webhook.ClaimNew)
	b.reserve("x", webhook.ClaimBusy) // a holds it
	x.Commit(ctx)
	b.reserve("x", webhook.ClaimDone)

	y := a.reserve("y", webhook.ClaimNew)
	lapse("y")
	y2 := b.reserve("y", webhook.ClaimNew)
	y.Release(ctx)
	a.reserve("y", webhook.ClaimBusy) // a's late release left b's reservation
	y2.Release(ctx)

	z := a.reserve("z", webhook.ClaimNew)
	lapse("z")
	z2 := b.reserve("z", webhook.ClaimNew)
	if err := z.Commit(ctx); !errors.Is(err, ErrLeaseLost) {
		t.Errorf("a's late commit over b's reservation: %v, want ErrLeaseLost", err)
	}
	z2.Release(ctx)
	a.reserve("z", webhook.ClaimNew) // a's late commit did not mark z done

	// The same instance, twice: the first delivery's lease runs out, a
	// second delivery reserves the _id, and the first then fails.
	v := a.reserve("v", webhook.ClaimNew)
	lapse("v")
	v2 := a.reserve("v", webhook.ClaimNew)
	v.Release(ctx)
	b.reserve("v", webhook.ClaimBusy) // the second delivery still holds v
	v2.Commit(ctx)
	b.reserve("v", webhook.ClaimDone)

	// A commit whose lease ran out, with no reservation since, still
	// records the _id.
	w := a.reserve("w", webhook.ClaimNew)
	lapse("w")
	if err := w.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	b.reserve("w", webhook.ClaimDone)
}

// TestDeduperRetriedReserve: a reservation sent again, as go-redis sends a
// command again when its answer timed out though Redis ran it, is still the
// caller's, never "done" nor "busy"; a commit sent again stays done.
func TestDeduperRetriedReserve(t *testing.T) {
	ctx := context.Background()
	c := redistest.Start(t).Client(nil)
	key := []string{DefaultPrefix + "a"}
	for i := range 2 {
		if have, err := reserveScript.Run(ctx, c, key, "token-1", 60_000).Text(); have != "new" || err != nil {
			t.Errorf("reserve %d with the same token: %q, %v; want new", i, have, err)
		}
	}
	if have, _ := reserveScript.Run(ctx, c, key, "token-2", 60_000).Text(); have != "busy" {
		t.Errorf("reserve with another token: %q, want busy", have)
	}
	for i := range 2 {
		if n, err := commitScript.Run(ctx, c, key, "token-1", 60_000).Int(); n != 1 || err != nil {
			t.Errorf("commit %d: %d, %v; want 1", i, n, err)
		}
	}
	if have, _ := reserveScript.Run(ctx, c, key, "token-3", 60_000).Text(); have != "done" {
		t.Errorf("reserve after the commit: %q, want done", have)
	}
}

// TestDeduperRenews: a reservation outlives its lease while it is held,
// and lapses a lease after MaxHold, as when its function hangs.
func TestDeduperRenews(t *testing.T) {
	c := redistest.Start(t).Client(nil)
	// Renewals come every third of the lease: a lease of a second leaves
	// two thirds of a second for a renewal held up on a loaded machine.
	const lease, maxHold = time.Second, 3 * time.Second
	a := reserver{t, New(c, Options{Lease: lease, MaxHold: maxHold})}
	b := reserver{t, New(c, Options{Lease: lease, MaxHold: maxHold})}
	start := time.Now()
	held := a.reserve("x", webhook.ClaimNew)
	defer held.Release(context.Background())
	time.Sleep(2 * lease)
	b.reserve("x", webhook.ClaimBusy) // renewed beyond its lease
	deadline := start.Add(maxHold + 10*lease)
	for {
		claim, rsv, err := b.d.Reserve(context.Background(), "x")
		if err != nil {
			t.Fatal(err)
		}
		if claim == webhook.ClaimNew {
			rsv.Release(context.Background())
			if since := time.Since(start); since < maxHold {
				t.Errorf("x lapsed %v after it was reserved, before MaxHold (%v)", since, maxHold)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("x still %v ten leases after MaxHold", claim)
		}
		time.Sleep(lease / 10)
	}
}

func TestDeduperConcurrent(t *testing.T) {
	ctx := context.Background()
	c := redistest.Start(t).Client(nil)
	const ids, instances = 100, 4
	var mu sync.Mutex
	won := map[string]int{}
	var wg sync.WaitGroup
	for range instances {
		d := New(c, Options{})
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range ids {
				id := fmt.Sprint(i)
				claim, rsv, err := d.Reserve(ctx, id)
				if err != nil {
					t.Error(err)
					return
				}
				if claim == webhook.ClaimNew {
					mu.Lock()
					won[id]++
					mu.Unlock()
					rsv.Commit(ctx)
				}
			}
		}()
	}
	wg.Wait()
	for i := range ids {
		if n := won[fmt.Sprint(i)]; n != 1 {
			t.Errorf("_id %d reserved %d times", i, n)
		}
	}
}

func TestDeduperDown(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there now
	c := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1, DialerRetries: 1})
	defer c.Close()
	d := New(c, Options{})
	ctx := context.Background()
	if claim, rsv, err := d.Reserve(ctx, "a"); claim != 0 || rsv != nil || err == nil {
		t.Errorf("Reserve = %v, %v, %v; want an error", claim, rsv, err)
	}
}

// receiver is one instance of a receiver: a Handler with a Deduper of its
// own on a shared Redis, and a record of the events its function
// processed.
type receiver struct {
	h         *webhook.Handler
	mu        sync.Mutex
	processed map[string]int
	block     func(id string) // if set, called before the event is recorded
}

func newReceiver(t *testing.T, d *Deduper) *receiver {
	t.Helper()
	r := &receiver{processed: map[string]int{}}
	h, err := webhook.NewHandler(func(_ context.Context, ev *event.Event) error {
		if r.block != nil {
			r.block(ev.ID)
		}
		r.mu.Lock()
		r.processed[ev.ID]++
		r.mu.Unlock()
		return nil
	}, webhook.Options{Secrets: []string{"s"}, Deduper: d})
	if err != nil {
		t.Fatal(err)
	}
	r.h = h
	return r
}

func (r *receiver) count(id string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.processed[id]
}

func eventBody(id string) []byte {
	return fmt.Appendf(nil, `{"_id":%q,"date":1,"accesses":[{"action":"updateOn","resource":"proj/p:env/production:flag/f"}]}`, id)
}

// deliver posts one delivery of the event id to r and returns the answer.
func (r *receiver) deliver(id string) (int, string) {
	body := eventBody(id)
	req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(webhook.SignatureHeader, webhook.Sign("s", body))
	w := httptest.NewRecorder()
	r.h.ServeHTTP(w, req)
	return w.Code, w.Body.String()
}

// TestHandlers runs one delivery through two handlers, as two instances of
// a receiver behind one URL: the event is processed once.
func TestHandlers(t *testing.T) {
	c := redistest.Start(t).Client(nil)
	a, b := newReceiver(t, New(c, Options{})), newReceiver(t, New(c, Options{}))
	for i, r := range []*receiver{a, b} {
		want := []string{"processed\n", "duplicate\n"}[i]
		if code, answer := r.deliver("e1"); code != 200 || answer != want {
			t.Errorf("instance %d: have %d %q, want 200 %q", i, code, answer, want)
		}
	}
	if n := a.count("e1") + b.count("e1"); n != 1 {
		t.Errorf("processed %d times", n)
	}
}

// TestRedisStall: Redis stalls for longer than the client waits for an
// answer, so go-redis sends the reservations again after Redis ran them.
// No delivery may be answered 200 unless its event was processed; those
// answered otherwise are processed when they come again.
func TestRedisStall(t *testing.T) {
	srv := redistest.Start(t)
	// The client waits 200 ms for an answer and retries 3 times: a stall of
	// 700 ms outlasts the retries of some reservations, and ends during
	// the retries of others, which find what their first try did.
	c := srv.Client(&redis.Options{ReadTimeout: 200 * time.Millisecond, MaxRetries: 3})
	r := newReceiver(t, New(c, Options{Lease: time.Second}))
	const events = 20
	// Open a connection per delivery first, so that the reservations are
	// sent at once, not after a handshake that the stall would hold up:
	// Redis runs them when the stall ends, after the client gave up on
	// their answers.
	var warm sync.WaitGroup
	for range events {
		warm.Add(1)
		go func() { defer warm.Done(); c.Ping(context.Background()) }()
	}
	warm.Wait()
	// Load the scripts, so that what Redis runs after the stall is them,
	// not a NOSCRIPT error.
	for _, s := range []*redis.Script{reserveScript, renewScript, commitScript, releaseScript} {
		if err := s.Load(context.Background(), c).Err(); err != nil {
			t.Fatal(err)
		}
	}
	srv.Stall(700 * time.Millisecond)
	time.Sleep(50 * time.Millisecond) // let the stall begin
	type answer struct {
		code int
		body string
	}
	answers := make([]answer, events)
	var wg sync.WaitGroup
	for i := range events {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Spread over the stall, so that the retries end at different
			// points of it.
			time.Sleep(time.Duration(i) * 30 * time.Millisecond)
			code, body := r.deliver(fmt.Sprint("e", i))
			answers[i] = answer{code, body}
		}()
	}
	wg.Wait()
	refused := 0
	for i, a := range answers {
		id := fmt.Sprint("e", i)
		switch {
		case a.code == 200 && a.body == "processed\n" && r.count(id) == 1:
		case a.code == 503 || a.code == 409:
			refused++
		default:
			t.Errorf("%s: answered %d %q, processed %d times", id, a.code, a.body, r.count(id))
		}
	}
	// Reservations that Redis ran after the client gave up on them, and
	// that their cleanup did not reach, hold the _id until their lease
	// lapses.
	lost := 0
	for i := range events {
		if v := c.Get(context.Background(), DefaultPrefix+fmt.Sprint("e", i)).Val(); v != "done" && v != "" {
			lost++
		}
	}
	t.Logf("during the stall: %d of %d deliveries processed, %d refused; %d reservations ran whose answers were lost",
		events-refused, events, refused, lost)
	// LaunchDarkly's retry: every event is processed once in the end.
	deadline := time.Now().Add(20 * time.Second)
	for i := range events {
		id := fmt.Sprint("e", i)
		for {
			code, _ := r.deliver(id)
			if code == 200 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: still answered %d 20 s after the stall", id, code)
			}
			time.Sleep(100 * time.Millisecond)
		}
		if n := r.count(id); n != 1 {
			t.Errorf("%s processed %d times", id, n)
		}
	}
}

// TestLostReservation: a reservation that Redis ran but whose answer never
// reached its instance (the client timed out, and the Handler answered
// 503) holds the _id for its lease: a delivery meanwhile is answered 409,
// not "duplicate", since the event was never processed; after the lease
// it is processed.
func TestLostReservation(t *testing.T) {
	c := redistest.Start(t).Client(nil)
	const lease = 600 * time.Millisecond
	r := newReceiver(t, New(c, Options{Lease: lease}))
	if err := reserveScript.Run(context.Background(), c, []string{DefaultPrefix + "e1"}, "lost-token", lease.Milliseconds()).Err(); err != nil {
		t.Fatal(err)
	}
	if code, body := r.deliver("e1"); code != http.StatusConflict {
		t.Errorf("within the lost reservation's lease: %d %q, want 409", code, body)
	}
	time.Sleep(lease + 100*time.Millisecond)
	if code, body := r.deliver("e1"); code != 200 || body != "processed\n" || r.count("e1") != 1 {
		t.Errorf("after the lease: %d %q, processed %d times; want 200 processed, once", code, body, r.count("e1"))
	}
}

// TestInstanceStopsMidProcessing: an instance cut off from Redis while its
// function runs (as when it is killed) holds the _id for a lease: another
// instance answers the event's deliveries 409 meanwhile, never 200, and
// processes it once the lease lapsed.
func TestInstanceStopsMidProcessing(t *testing.T) {
	srv := redistest.Start(t)
	const lease = 600 * time.Millisecond
	ca := srv.Client(nil)
	a := newReceiver(t, New(ca, Options{Lease: lease}))
	b := newReceiver(t, New(srv.Client(nil), Options{Lease: lease}))
	started, release := make(chan struct{}), make(chan struct{})
	a.block = func(string) { close(started); <-release }
	aDone := make(chan struct{})
	go func() { defer close(aDone); a.deliver("e1") }()
	<-started
	ca.Close() // a can no longer renew its lease, nor commit

	if code, body := b.deliver("e1"); code != http.StatusConflict {
		t.Errorf("within the lease: %d %q, want 409", code, body)
	}
	time.Sleep(2 * lease)
	if code, body := b.deliver("e1"); code != 200 || body != "processed\n" {
		t.Errorf("after the lease: %d %q, want 200 processed", code, body)
	}
	if code, body := b.deliver("e1"); code != 200 || body != "duplicate\n" {
		t.Errorf("again: %d %q, want 200 duplicate", code, body)
	}
	close(release)
	<-aDone
	if n := b.count("e1"); n != 1 {
		t.Errorf("b processed e1 %d times", n)
	}
}

// TestRedisRestart: with the append-only file, a Redis killed and started
// again remembers every _id; without persistence it forgets them, and the
// events are processed again (which is why the package doc asks for it).
func TestRedisRestart(t *testing.T) {
	for _, tt := range []struct {
		name      string
		args      []string
		remembers bool
	}{
		{"appendonly", []string{"--appendonly", "yes", "--appendfsync", "always"}, true},
		{"no persistence", nil, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := redistest.Start(t, tt.args...)
			// Reconnects after the restart: retries with backoff.
			c := srv.Client(&redis.Options{MaxRetries: 5})
			r := newReceiver(t, New(c, Options{}))
			const events = 200
			for i := range events {
				if code, body := r.deliver(fmt.Sprint("e", i)); code != 200 || body != "processed\n" {
					t.Fatalf("e%d: %d %q", i, code, body)
				}
			}
			srv.Restart() // SIGKILL, then start again
			again := 0
			for i := range events {
				code, body := r.deliver(fmt.Sprint("e", i))
				switch {
				case code == 200 && body == "duplicate\n":
				case code == 200 && body == "processed\n":
					again++
				default:
					t.Fatalf("e%d after the restart: %d %q", i, code, body)
				}
			}
			if want := map[bool]int{true: 0, false: events}[tt.remembers]; again != want {
				t.Errorf("after the restart, %d of %d events were processed again; want %d", again, events, want)
			}
		})
	}
}
