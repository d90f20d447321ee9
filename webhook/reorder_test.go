package webhook

import (
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ldpolicy/ldpolicy/event"
)

// emitted records what a Reorderer emits, and when.
type emitted struct {
	clock *fakeClock
	mu    sync.Mutex
	out   []string // "id@seconds since the start"
	start time.Time
}

func (e *emitted) emit(ev *event.Event) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.out = append(e.out, fmt.Sprintf("%s@%v", ev.ID, e.clock.Now().Sub(e.start).Seconds()))
}

func (e *emitted) take() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := e.out
	e.out = nil
	return out
}

func TestReorderer(t *testing.T) {
	type arrival struct {
		at   float64 // seconds since the start
		id   string
		date int64
	}
	tests := []struct {
		name   string
		window time.Duration
		in     []arrival
		want   []string // id@the time it was emitted
	}{
		{
			name:   "one event is held for the window",
			window: 10 * time.Second,
			in:     []arrival{{0, "a", 1}},
			want:   []string{"a@10"},
		},
		{
			name:   "reversed within the window",
			window: 10 * time.Second,
			in:     []arrival{{0, "e", 5}, {1, "d", 4}, {2, "c", 3}, {3, "b", 2}, {4, "a", 1}},
			want:   []string{"a@10", "b@10", "c@10", "d@10", "e@10"},
		},
		{
			// a leaves alone; c, dated before b, arrives within the window
			// of b and leaves with it.
			name:   "batches",
			window: 10 * time.Second,
			in:     []arrival{{0, "a", 1}, {5, "b", 3}, {12, "c", 2}},
			want:   []string{"a@10", "c@15", "b@15"},
		},
		{
			name:   "an earlier date leaves with a later one that is due",
			window: 10 * time.Second,
			in:     []arrival{{0, "b", 2}, {9, "a", 1}},
			want:   []string{"a@10", "b@10"},
		},
		{
			name:   "a later date waits for its own window",
			window: 10 * time.Second,
			in:     []arrival{{0, "a", 1}, {9, "b", 2}},
			want:   []string{"a@10", "b@19"},
		},
		{
			name:   "one date keeps the order of arrival",
			window: 10 * time.Second,
			in:     []arrival{{0, "x", 7}, {1, "y", 7}, {2, "w", 6}, {3, "z", 7}},
			want:   []string{"w@10", "x@10", "y@10", "z@10"},
		},
		{
			// b arrives more than the window after a, which is dated after
			// it: b is late, and comes out after a.
			name:   "late",
			window: 10 * time.Second,
			in:     []arrival{{0, "a", 10}, {11, "b", 5}},
			want:   []string{"a@10", "b@21"},
		},
		{
			name:   "no window",
			window: 0,
			in:     []arrival{{0, "b", 2}, {0, "a", 1}, {1, "c", 0}},
			want:   []string{"a@0", "b@0", "c@1"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := newFakeClock()
			e := &emitted{clock: clock, start: clock.Now()}
			r := NewReorderer(tt.window, e.emit, clock)
			now := 0.0
			for _, a := range tt.in {
				// Events with one arrival time are added together, before
				// any timer runs.
				if a.at > now {
					clock.Advance(time.Duration((a.at - now) * float64(time.Second)))
					now = a.at
				}
				r.Add(&event.Event{ID: a.id, Date: a.date})
			}
			clock.Advance(time.Hour)
			if diff := cmp.Diff(tt.want, e.take()); diff != "" {
				t.Errorf("emitted (-want +have):\n%s", diff)
			}
			if r.Len() != 0 || clock.pending() != 0 {
				t.Errorf("%d events held, %d timers pending at the end", r.Len(), clock.pending())
			}
		})
	}
}

// TestReordererHoldsForTheWindow: an event leaves when its window has
// passed, not a nanosecond before.
func TestReordererHoldsForTheWindow(t *testing.T) {
	clock := newFakeClock()
	e := &emitted{clock: clock, start: clock.Now()}
	r := NewReorderer(time.Minute, e.emit, clock)
	r.Add(&event.Event{ID: "a", Date: 1})
	clock.Advance(time.Minute - time.Nanosecond)
	if out := e.take(); len(out) != 0 || r.Len() != 1 {
		t.Errorf("emitted %v before the window passed; %d held", out, r.Len())
	}
	clock.Advance(time.Nanosecond)
	if out := e.take(); len(out) != 1 || r.Len() != 0 {
		t.Errorf("emitted %v when the window passed; %d held", out, r.Len())
	}
}

func TestReordererFlush(t *testing.T) {
	clock := newFakeClock()
	e := &emitted{clock: clock, start: clock.Now()}
	r := NewReorderer(time.Minute, e.emit, clock)
	r.Add(&event.Event{ID: "b", Date: 2})
	r.Add(&event.Event{ID: "a", Date: 1})
	clock.Advance(time.Second)
	r.Flush()
	if diff := cmp.Diff([]string{"a@1", "b@1"}, e.take()); diff != "" {
		t.Errorf("Flush emitted (-want +have):\n%s", diff)
	}
	if clock.pending() != 0 {
		t.Errorf("%d timers pending after Flush", clock.pending())
	}
	// It goes on working after Flush.
	r.Add(&event.Event{ID: "c", Date: 3})
	clock.Advance(time.Minute)
	if diff := cmp.Diff([]string{"c@61"}, e.take()); diff != "" {
		t.Errorf("after Flush (-want +have):\n%s", diff)
	}
}

// TestReordererAddWhileEmitting: emit may add events; they are held like
// any other.
func TestReordererAddWhileEmitting(t *testing.T) {
	clock := newFakeClock()
	e := &emitted{clock: clock, start: clock.Now()}
	var r *Reorderer
	r = NewReorderer(time.Second, func(ev *event.Event) {
		e.emit(ev)
		if ev.ID == "a" {
			r.Add(&event.Event{ID: "follow-up", Date: ev.Date})
		}
	}, clock)
	r.Add(&event.Event{ID: "a", Date: 1})
	clock.Advance(10 * time.Second)
	if diff := cmp.Diff([]string{"a@1", "follow-up@2"}, e.take()); diff != "" {
		t.Errorf("emitted (-want +have):\n%s", diff)
	}
}

// TestReordererConcurrent adds events from many goroutines while time
// passes: every event comes out once, and in order of date, since all
// arrive within the window of each other.
func TestReordererConcurrent(t *testing.T) {
	clock := newFakeClock()
	var mu sync.Mutex
	var dates []int64
	r := NewReorderer(time.Hour, func(ev *event.Event) {
		mu.Lock()
		dates = append(dates, ev.Date)
		mu.Unlock()
	}, clock)
	const workers, each = 8, 250
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				r.Add(&event.Event{Date: int64((i*7919 + w) % 1000)})
				if i%50 == 0 {
					clock.Advance(time.Second)
				}
			}
		}()
	}
	wg.Wait()
	clock.Advance(2 * time.Hour)
	if len(dates) != workers*each {
		t.Fatalf("%d events emitted, want %d", len(dates), workers*each)
	}
	if !sort.SliceIsSorted(dates, func(i, j int) bool { return dates[i] < dates[j] }) {
		t.Errorf("emitted out of order: %v", dates)
	}
}
