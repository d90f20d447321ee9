package redisdedup

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/ldpolicy/ldpolicy/webhook"
)

// The tests run against a redis-server that TestMain starts on a free
// loopback port. Without one they are skipped, except in continuous
// integration (the environment variable CI set), where they fail.
var (
	redisAddr string
	noRedis   string // why there is no server
)

func TestMain(m *testing.M) {
	stop, err := startRedis()
	if err != nil {
		noRedis = err.Error()
		if os.Getenv("CI") != "" {
			fmt.Fprintf(os.Stderr, "redisdedup: %s; CI is set, so the tests fail rather than skip\n", noRedis)
			os.Exit(1)
		}
	}
	code := m.Run()
	if stop != nil {
		stop()
	}
	os.Exit(code)
}

// startRedis starts a redis-server that keeps nothing on disk, on a free
// loopback port, and waits until it answers.
func startRedis() (stop func(), err error) {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		return nil, errors.New("no redis-server on PATH (apt-get install redis-server)")
	}
	dir, err := os.MkdirTemp("", "redisdedup")
	if err != nil {
		return nil, err
	}
	// A port found free can be taken before the server binds it: try a few.
	for attempt := 0; attempt < 3; attempt++ {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		port := l.Addr().(*net.TCPAddr).Port
		l.Close()
		cmd := exec.Command(bin, "--bind", "127.0.0.1", "--port", strconv.Itoa(port),
			"--save", "", "--appendonly", "no", "--dir", dir)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			return nil, fmt.Errorf("starting redis-server: %v", err)
		}
		exited := make(chan struct{})
		go func() { cmd.Wait(); close(exited) }()
		addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
		client := redis.NewClient(&redis.Options{Addr: addr})
		ready := false
		for i := 0; i < 200 && !ready; i++ { // up to 10 seconds
			select {
			case <-exited:
				i = 200
			case <-time.After(50 * time.Millisecond):
				ready = client.Ping(context.Background()).Err() == nil
			}
		}
		client.Close()
		if ready {
			redisAddr = addr
			return func() {
				cmd.Process.Kill()
				<-exited
				os.RemoveAll(dir)
			}, nil
		}
		cmd.Process.Kill()
		<-exited
		err = fmt.Errorf("redis-server did not answer on %s: %s", addr, bytes.TrimSpace(out.Bytes()))
		if attempt == 2 {
			os.RemoveAll(dir)
			return nil, err
		}
	}
	panic("unreachable")
}

// newClient returns a client of the test server, its database emptied.
func newClient(t *testing.T) *redis.Client {
	t.Helper()
	if redisAddr == "" {
		t.Skip("redisdedup: " + noRedis)
	}
	c := redis.NewClient(&redis.Options{Addr: redisAddr})
	t.Cleanup(func() { c.Close() })
	if err := c.FlushDB(context.Background()).Err(); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestDeduper(t *testing.T) {
	ctx := context.Background()
	d := New(newClient(t), Options{})
	reserve := func(id string, want bool) {
		t.Helper()
		if have, err := d.Reserve(ctx, id); have != want || err != nil {
			t.Errorf("Reserve(%q) = %v, %v; want %v", id, have, err, want)
		}
	}
	reserve("a", true)
	reserve("a", false) // being processed
	if err := d.Commit(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	reserve("a", false) // processed
	reserve("b", true)
	if err := d.Release(ctx, "b"); err != nil {
		t.Fatal(err)
	}
	reserve("b", true) // released: processed again
}

// TestDeduperExpiry checks the expiry of the keys: the lease while an _id
// is reserved, the window once it is committed.
func TestDeduperExpiry(t *testing.T) {
	ctx := context.Background()
	c := newClient(t)
	d := New(c, Options{Prefix: "hooks:prod:", Window: 2 * time.Hour, Lease: time.Minute})
	d.Reserve(ctx, "a")
	if ttl := c.PTTL(ctx, "hooks:prod:a").Val(); ttl <= 0 || ttl > time.Minute {
		t.Errorf("reserved: the key expires in %v, want the lease of 1m", ttl)
	}
	d.Commit(ctx, "a")
	if ttl := c.PTTL(ctx, "hooks:prod:a").Val(); ttl <= time.Hour || ttl > 2*time.Hour {
		t.Errorf("committed: the key expires in %v, want the window of 2h", ttl)
	}
	if v := c.Get(ctx, "hooks:prod:a").Val(); v != "done" {
		t.Errorf("committed: the key holds %q", v)
	}
	defaults := New(c, Options{})
	defaults.Reserve(ctx, "b")
	if ttl := c.PTTL(ctx, DefaultPrefix+"b").Val(); ttl <= DefaultLease-time.Minute || ttl > DefaultLease {
		t.Errorf("default lease: %v", ttl)
	}
	defaults.Commit(ctx, "b")
	if ttl := c.PTTL(ctx, DefaultPrefix+"b").Val(); ttl <= webhook.DefaultDedupWindow-time.Minute || ttl > webhook.DefaultDedupWindow {
		t.Errorf("default window: %v", ttl)
	}
}

// TestDeduperInstances: two instances of a receiver share the _ids, and one
// whose lease ran out does not undo the reservation of the other.
func TestDeduperInstances(t *testing.T) {
	ctx := context.Background()
	c := newClient(t)
	a, b := New(c, Options{}), New(c, Options{})
	if ok, _ := a.Reserve(ctx, "x"); !ok {
		t.Fatal("a cannot reserve x")
	}
	if ok, _ := b.Reserve(ctx, "x"); ok {
		t.Error("b reserved x while a holds it")
	}
	a.Commit(ctx, "x")
	if ok, _ := b.Reserve(ctx, "x"); ok {
		t.Error("b reserved x after a processed it")
	}

	a.Reserve(ctx, "y")
	c.Del(ctx, a.Key("y")) // as when the lease runs out
	if ok, _ := b.Reserve(ctx, "y"); !ok {
		t.Fatal("b cannot reserve y after a's lease")
	}
	a.Release(ctx, "y")
	if ok, _ := a.Reserve(ctx, "y"); ok {
		t.Error("a's late release undid b's reservation")
	}
	b.Release(ctx, "y")

	a.Reserve(ctx, "z")
	c.Del(ctx, a.Key("z"))
	b.Reserve(ctx, "z")
	a.Commit(ctx, "z") // late: b's reservation stands
	b.Release(ctx, "z")
	if ok, _ := a.Reserve(ctx, "z"); !ok {
		t.Error("a's late commit marked z done over b's reservation")
	}

	// A commit whose lease ran out, with no reservation since, still
	// records the _id.
	a.Reserve(ctx, "w")
	c.Del(ctx, a.Key("w"))
	a.Commit(ctx, "w")
	if ok, _ := b.Reserve(ctx, "w"); ok {
		t.Error("w was processed, but b reserved it")
	}
}

func TestDeduperConcurrent(t *testing.T) {
	ctx := context.Background()
	c := newClient(t)
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
				ok, err := d.Reserve(ctx, id)
				if err != nil {
					t.Error(err)
					return
				}
				if ok {
					mu.Lock()
					won[id]++
					mu.Unlock()
					d.Commit(ctx, id)
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
	if ok, err := d.Reserve(ctx, "a"); ok || err == nil {
		t.Errorf("Reserve = %v, %v; want an error", ok, err)
	}
	if err := d.Commit(ctx, "a"); err == nil {
		t.Error("Commit: no error")
	}
}

// TestHandlers runs one delivery through two handlers, as two instances of
// a receiver behind one URL: the event is processed once.
func TestHandlers(t *testing.T) {
	c := newClient(t)
	var mu sync.Mutex
	processed := 0
	fn := func(context.Context, *webhook.Event) error {
		mu.Lock()
		processed++
		mu.Unlock()
		return nil
	}
	body := []byte(`{"_id":"e1","date":1,"accesses":[{"action":"updateOn","resource":"proj/p:env/production:flag/f"}]}`)
	for i := range 2 {
		h, err := webhook.NewHandler(fn, webhook.Options{Secrets: []string{"s"}, Deduper: New(c, Options{})})
		if err != nil {
			t.Fatal(err)
		}
		r := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		r.Header.Set(webhook.SignatureHeader, webhook.Sign("s", body))
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		want := []string{"processed\n", "duplicate\n"}[i]
		if w.Code != 200 || w.Body.String() != want {
			t.Errorf("instance %d: have %d %q, want 200 %q", i, w.Code, w.Body, want)
		}
	}
	if processed != 1 {
		t.Errorf("processed %d times", processed)
	}
}
