package webhook

import (
	"container/list"
	"context"
	"sync"
	"time"
)

// A Deduper remembers the _ids of the events a receiver has processed, so
// that a second delivery of an event (LaunchDarkly retries once after an
// answer other than 2xx, and a delivery can be replayed) is not processed
// again. An implementation is safe for concurrent use; [MemoryDeduper] keeps
// the _ids in the process, and package webhook/redisdedup in Redis, shared
// by the instances of a receiver.
//
// Processing an event takes three steps, so that two deliveries of one
// event that arrive together are not both processed, and a failed one is
// processed again when it is retried:
//
//  1. Reserve claims the _id before processing. It reports false when the
//     _id is claimed already: processed within the window, or being
//     processed now.
//  2. Commit, after processing succeeded, records the _id as processed for
//     the deduper's window, counted from then.
//  3. Release, after processing failed, gives up the claim, so that the
//     retry is processed.
type Deduper interface {
	Reserve(ctx context.Context, id string) (bool, error)
	Commit(ctx context.Context, id string) error
	Release(ctx context.Context, id string) error
}

// Defaults of DedupOptions.
const (
	DefaultDedupWindow     = 24 * time.Hour
	DefaultDedupMaxEntries = 100_000
)

// DedupOptions configure a MemoryDeduper. The zero value is the default.
type DedupOptions struct {
	// Window is how long an _id is remembered after its event was
	// processed; DefaultDedupWindow when 0. A receiver that refuses events
	// older than a maximum age (Options.MaxAge) refuses every replay when
	// the window is at least that age.
	Window time.Duration
	// MaxEntries bounds the _ids held, reserved ones included;
	// DefaultDedupMaxEntries when 0. When it is reached, the _id that would
	// expire first is forgotten: memory stays bounded under any load, at
	// the price of forgetting early under a flood of distinct events.
	MaxEntries int
	// Clock is the time source; nil means SystemClock.
	Clock Clock
}

// MemoryDeduper is a Deduper that keeps _ids in memory, for a receiver that
// runs as one process. It holds at most MaxEntries _ids, and forgets each
// when its window has passed; a reservation lasts until it is committed or
// released (or forgotten as the oldest entry). It is safe for concurrent
// use.
type MemoryDeduper struct {
	window time.Duration
	max    int
	clock  Clock

	mu sync.Mutex
	// order holds the entries by expiry, earliest first: every entry
	// expires a window after it was reserved or committed, and committing
	// moves an entry to the back.
	order *list.List
	ids   map[string]*list.Element
}

type dedupEntry struct {
	id      string
	expires time.Time
}

// NewMemoryDeduper returns an empty MemoryDeduper.
func NewMemoryDeduper(opts DedupOptions) *MemoryDeduper {
	if opts.Window <= 0 {
		opts.Window = DefaultDedupWindow
	}
	if opts.MaxEntries <= 0 {
		opts.MaxEntries = DefaultDedupMaxEntries
	}
	return &MemoryDeduper{
		window: opts.Window, max: opts.MaxEntries, clock: clockOrSystem(opts.Clock),
		order: list.New(), ids: map[string]*list.Element{},
	}
}

// Reserve claims id, reporting false when it is claimed already. It never
// fails.
func (d *MemoryDeduper) Reserve(_ context.Context, id string) (bool, error) {
	now := d.clock.Now()
	d.mu.Lock()
	defer d.mu.Unlock()
	d.expire(now)
	if _, ok := d.ids[id]; ok {
		return false, nil
	}
	d.add(id, now)
	return true, nil
}

// Commit records id as processed for the window, from now. It never fails.
func (d *MemoryDeduper) Commit(_ context.Context, id string) error {
	now := d.clock.Now()
	d.mu.Lock()
	defer d.mu.Unlock()
	if e, ok := d.ids[id]; ok {
		e.Value.(*dedupEntry).expires = now.Add(d.window)
		d.order.MoveToBack(e)
		return nil
	}
	d.add(id, now) // forgotten while it was processed: remember it again
	return nil
}

// Release forgets id. It never fails.
func (d *MemoryDeduper) Release(_ context.Context, id string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if e, ok := d.ids[id]; ok {
		d.remove(e)
	}
	return nil
}

// Len returns the number of _ids held, expired ones that have not been
// swept yet included.
func (d *MemoryDeduper) Len() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.order.Len()
}

// expire forgets the entries whose window has passed. Entries are in order
// of expiry, so it looks no further than the first that has not.
func (d *MemoryDeduper) expire(now time.Time) {
	for e := d.order.Front(); e != nil; e = d.order.Front() {
		if now.Before(e.Value.(*dedupEntry).expires) {
			return
		}
		d.remove(e)
	}
}

// add adds an entry for id, first forgetting the entries that expire
// soonest if there is no room.
func (d *MemoryDeduper) add(id string, now time.Time) {
	for d.order.Len() >= d.max {
		d.remove(d.order.Front())
	}
	d.ids[id] = d.order.PushBack(&dedupEntry{id, now.Add(d.window)})
}

func (d *MemoryDeduper) remove(e *list.Element) {
	delete(d.ids, e.Value.(*dedupEntry).id)
	d.order.Remove(e)
}
