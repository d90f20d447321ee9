package redisstream

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/redis/go-redis/v9"

	"github.com/ldpolicy/ldpolicy/event"
	"github.com/ldpolicy/ldpolicy/internal/redistest"
	"github.com/ldpolicy/ldpolicy/webhook"
	"github.com/ldpolicy/ldpolicy/webhook/redisdedup"
)

func body(id string) []byte {
	return fmt.Appendf(nil, `{"_id":%q,"date":1700000000000,"kind":"flag","accesses":[{"action":"updateOn","resource":"proj/p:env/production:flag/f"}]}`, id)
}

func decode(t *testing.T, b []byte) *event.Event {
	t.Helper()
	ev, err := event.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

// entries returns the stream's entries as _id and event fields.
func entries(t *testing.T, c *redis.Client, stream string) (ids []string, events [][]byte) {
	t.Helper()
	msgs, err := c.XRange(context.Background(), stream, "-", "+").Result()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs {
		ids = append(ids, m.Values["_id"].(string))
		events = append(events, []byte(m.Values["event"].(string)))
	}
	return ids, events
}

func TestAppend(t *testing.T) {
	ctx := context.Background()
	c := redistest.Start(t).Client(nil)
	s := New(c, Options{})
	ev := decode(t, body("e1"))
	first, appended, err := s.Append(ctx, ev)
	if err != nil || !appended || first == "" {
		t.Fatalf("first Append = %q, %v, %v", first, appended, err)
	}
	again, appended, err := s.Append(ctx, ev)
	if err != nil || appended || again != first {
		t.Errorf("second Append = %q, %v, %v; want %q, false", again, appended, err, first)
	}
	noID := decode(t, []byte(`{"date":1,"accesses":[]}`))
	for range 2 {
		if _, appended, err := s.Append(ctx, noID); !appended || err != nil {
			t.Errorf("an event without an _id: appended %v, %v", appended, err)
		}
	}
	msgs, err := c.XRange(ctx, DefaultStream, "-", "+").Result()
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 3 {
		t.Fatalf("%d entries, want 3", len(msgs))
	}
	want := map[string]any{"_id": "e1", "date": "1700000000000", "kind": "flag", "event": string(body("e1"))}
	if diff := cmp.Diff(want, msgs[0].Values); diff != "" || msgs[0].ID != first {
		t.Errorf("entry %s (-want +have):\n%s", msgs[0].ID, diff)
	}
	if ttl := c.PTTL(ctx, s.IDKey("e1")).Val(); ttl <= webhook.DefaultDedupWindow/2 {
		t.Errorf("the _id record expires in %v, want the window", ttl)
	}
}

// TestAppendSentAgain: the script, sent again with the same arguments as a
// client does after a timeout, appends nothing more.
func TestAppendSentAgain(t *testing.T) {
	ctx := context.Background()
	c := redistest.Start(t).Client(nil)
	keys := []string{"events", "events:id:e1"}
	var ids []any
	for range 2 {
		res, err := appendScript.Run(ctx, c, keys, 60_000, "_id", "e1", "event", "{}").Slice()
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, res[0])
	}
	if n := c.XLen(ctx, "events").Val(); n != 1 || ids[0] != ids[1] {
		t.Errorf("%d entries, IDs %v; want 1 entry", n, ids)
	}
}

// TestInstancesShareStream: two instances of a receiver, each a Handler
// with a redisdedup.Deduper and a Sink on one Redis, get deliveries of the
// same events in any order, repeated, at once: the stream holds each
// delivered event once, with the bytes that were delivered.
func TestInstancesShareStream(t *testing.T) {
	srv := redistest.Start(t)
	c := srv.Client(nil)
	var handlers []*webhook.Handler
	for range 2 {
		s := New(c, Options{Stream: "hooks"})
		h, err := webhook.NewHandler(s.Process, webhook.Options{Secrets: []string{"s"}, Deduper: redisdedup.New(c, redisdedup.Options{})})
		if err != nil {
			t.Fatal(err)
		}
		handlers = append(handlers, h)
	}
	const events = 300
	var deliveries []int
	for i := range events {
		deliveries = append(deliveries, i, i, i) // each three times
	}
	rng := rand.New(rand.NewPCG(1, 2))
	rng.Shuffle(len(deliveries), func(i, j int) { deliveries[i], deliveries[j] = deliveries[j], deliveries[i] })

	jobs := make(chan int)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var problems []string
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				b := body(fmt.Sprint("e", i))
				// Retry as a sender would until the event is acknowledged,
				// alternating instances.
				for try := 0; ; try++ {
					req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(b))
					req.Header.Set("Content-Type", "application/json")
					req.Header.Set(webhook.SignatureHeader, webhook.Sign("s", b))
					rec := httptest.NewRecorder()
					handlers[(w+try)%2].ServeHTTP(rec, req)
					if rec.Code == 200 {
						break
					}
					if rec.Code != http.StatusConflict || try == 500 {
						mu.Lock()
						problems = append(problems, fmt.Sprintf("e%d: %d %q after %d tries", i, rec.Code, rec.Body, try+1))
						mu.Unlock()
						break
					}
					time.Sleep(10 * time.Millisecond) // the other delivery is being processed

				}
			}
		}()
	}
	for _, i := range deliveries {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	for _, p := range problems {
		t.Error(p)
	}
	ids, bodies := entries(t, c, "hooks")
	var want []string
	for i := range events {
		want = append(want, fmt.Sprint("e", i))
	}
	have := slices.Clone(ids)
	slices.Sort(have)
	slices.Sort(want)
	if diff := cmp.Diff(want, have); diff != "" {
		t.Errorf("the stream's _ids (-want +have):\n%s", diff)
	}
	for i, id := range ids {
		if !bytes.Equal(bodies[i], body(id)) {
			t.Errorf("entry %d (%s) holds %q", i, id, bodies[i])
		}
	}
}

// TestStreamSurvivesRestart: with the append-only file and appendfsync
// always, an entry appended before Redis is killed is there after it
// restarts, and its _id is still recorded.
func TestStreamSurvivesRestart(t *testing.T) {
	ctx := context.Background()
	srv := redistest.Start(t, "--appendonly", "yes", "--appendfsync", "always")
	c := srv.Client(&redis.Options{MaxRetries: 5})
	s := New(c, Options{})
	var want []string
	for i := range 50 {
		ev := decode(t, body(fmt.Sprint("e", i)))
		if _, _, err := s.Append(ctx, ev); err != nil {
			t.Fatal(err)
		}
		want = append(want, ev.ID)
	}
	srv.Restart()
	have, _ := entries(t, c, DefaultStream)
	if diff := cmp.Diff(want, have); diff != "" {
		t.Errorf("the stream after the restart (-want +have):\n%s", diff)
	}
	if _, appended, err := s.Append(ctx, decode(t, body("e0"))); appended || err != nil {
		t.Errorf("e0 after the restart: appended %v, %v; want it recorded", appended, err)
	}
}
