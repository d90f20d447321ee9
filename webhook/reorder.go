package webhook

import (
	"container/heap"
	"sync"
	"time"

	"github.com/ldpolicy/ldpolicy/event"
)

// Reorderer puts events back in chronological order. LaunchDarkly does not
// deliver events in the order of their dates; a Reorderer holds each event
// it is given for a window of time and releases the events it holds in
// order of date (events of one date in the order they came).
//
// An event is released when it has been held for the window, and with it
// every held event of an earlier or equal date, so that no event is held
// longer than the window. The events come out in order of date as long as
// each arrives within the window of the arrival of every event dated after
// it; an event that arrives later than that comes out late, after events
// dated after it.
//
// Events are released from a timer of the Clock, in its goroutine, and by
// Flush, in the caller's; emit is called for one event at a time, never
// concurrently, and must not call Flush. Add may be called from anywhere,
// emit included. A Reorderer is safe for concurrent use. It holds the
// events in memory: those it holds when the process stops are lost.
type Reorderer struct {
	window time.Duration
	emit   func(*event.Event)
	clock  Clock

	// emitMu is held while events are collected and emitted, so that
	// batches come out whole and in order; it is taken before mu.
	emitMu sync.Mutex
	mu     sync.Mutex
	byDate heldHeap     // the held events, earliest date first
	queue  []*heldEvent // the held events in order of arrival, from head
	head   int          // the first element of queue that counts
	seq    uint64       // arrivals so far
	gen    uint64       // the timer that counts; earlier ones do nothing
	stop   func() bool  // stops the pending timer; nil when none
}

type heldEvent struct {
	ev       *event.Event
	arrived  time.Time
	seq      uint64
	released bool
}

// NewReorderer returns a Reorderer that holds events for window and passes
// them to emit in order of date. clock is the time source; nil means
// SystemClock.
func NewReorderer(window time.Duration, emit func(*event.Event), clock Clock) *Reorderer {
	return &Reorderer{window: max(window, 0), emit: emit, clock: clockOrSystem(clock)}
}

// Add holds an event, to be released in order of date.
func (r *Reorderer) Add(ev *event.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.clock.Now()
	h := &heldEvent{ev: ev, arrived: now, seq: r.seq}
	r.seq++
	heap.Push(&r.byDate, h)
	r.queue = append(r.queue, h)
	if r.stop == nil {
		r.schedule(now)
	}
}

// Flush releases every held event now, in order of date.
func (r *Reorderer) Flush() {
	r.emitMu.Lock()
	defer r.emitMu.Unlock()
	r.mu.Lock()
	batch := make([]*event.Event, 0, len(r.byDate))
	for len(r.byDate) > 0 {
		batch = append(batch, heap.Pop(&r.byDate).(*heldEvent).ev)
	}
	r.queue, r.head = r.queue[:0], 0
	r.gen++
	if r.stop != nil {
		r.stop()
		r.stop = nil
	}
	r.mu.Unlock()
	for _, ev := range batch {
		r.emit(ev)
	}
}

// Len returns the number of events held.
func (r *Reorderer) Len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.byDate)
}

// fire is the timer's function: it releases what is due and sets the timer
// for what is due next.
func (r *Reorderer) fire(gen uint64) {
	r.emitMu.Lock()
	defer r.emitMu.Unlock()
	r.mu.Lock()
	if gen != r.gen { // stopped or replaced while it was starting
		r.mu.Unlock()
		return
	}
	r.stop = nil
	now := r.clock.Now()
	batch := r.due(now)
	r.schedule(now)
	r.mu.Unlock()
	for _, ev := range batch {
		r.emit(ev)
	}
}

// due takes out the events due at now: those held for the window, and
// every event dated no later than one of them. r.mu is held.
func (r *Reorderer) due(now time.Time) []*event.Event {
	var latest int64
	found := false
	for ; r.head < len(r.queue); r.head++ {
		h := r.queue[r.head]
		if h.released {
			continue
		}
		if now.Sub(h.arrived) < r.window {
			break
		}
		if !found || h.ev.Date > latest {
			latest, found = h.ev.Date, true
		}
	}
	var batch []*event.Event
	for found && len(r.byDate) > 0 && r.byDate[0].ev.Date <= latest {
		h := heap.Pop(&r.byDate).(*heldEvent)
		h.released = true
		batch = append(batch, h.ev)
	}
	r.compact()
	return batch
}

// schedule sets the timer for the event held longest, if any. r.mu is held
// and no timer is pending.
func (r *Reorderer) schedule(now time.Time) {
	for r.head < len(r.queue) && r.queue[r.head].released {
		r.head++
	}
	r.compact()
	if r.head == len(r.queue) {
		return
	}
	r.gen++
	gen := r.gen
	r.stop = r.clock.AfterFunc(r.queue[r.head].arrived.Add(r.window).Sub(now), func() { r.fire(gen) })
}

// compact drops the part of queue before head once it is half of it.
func (r *Reorderer) compact() {
	if r.head > 0 && r.head >= len(r.queue)/2 {
		n := copy(r.queue, r.queue[r.head:])
		clear(r.queue[n:])
		r.queue, r.head = r.queue[:n], 0
	}
}

// heldHeap orders held events by date, then by arrival.
type heldHeap []*heldEvent

func (h heldHeap) Len() int { return len(h) }
func (h heldHeap) Less(i, j int) bool {
	if h[i].ev.Date != h[j].ev.Date {
		return h[i].ev.Date < h[j].ev.Date
	}
	return h[i].seq < h[j].seq
}
func (h heldHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *heldHeap) Push(x any)   { *h = append(*h, x.(*heldEvent)) }
func (h *heldHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	return x
}
