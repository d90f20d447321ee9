package webhook

import (
	"container/list"
	"context"
	"fmt"
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
//  1. Reserve claims the _id before processing. It reports [ClaimNew] when
//     the caller now holds the _id, [ClaimDone] when the _id was processed
//     within the window, and [ClaimBusy] when another delivery holds it
//     and is being processed now: neither a duplicate nor new, since that
//     processing may still fail. Reserve's context bounds the claim: a
//     Deduper whose claims lapse (webhook/redisdedup) keeps renewing the
//     claim until Commit or Release, or until the context is done.
//  2. Commit, after processing succeeded, records the _id as processed for
//     the deduper's window, counted from then.
//  3. Release, after processing failed, gives up the claim, so that the
//     retry is processed.
//
// An error from Reserve means that the deduper cannot tell: the Handler
// answers 503 and processes nothing, so that no event is acknowledged
// unprocessed. A Deduper must never report ClaimDone for an _id whose
// processing it did not see committed, even when a request to its store is
// retried after a timeout.
type Deduper interface {
	Reserve(ctx context.Context, id string) (Claim, error)
	Commit(ctx context.Context, id string) error
	Release(ctx context.Context, id string) error
}

// A Claim is what Deduper.Reserve found for an _id.
type Claim uint8

// The claims.
const (
	ClaimNew  Claim = iota + 1 // the caller holds the _id: process the event, then Commit or Release
	ClaimDone                  // the event was processed within the window: a duplicate
	ClaimBusy                  // another delivery of the event holds the _id and is being processed
)

var claimNames = [...]string{ClaimNew: "new", ClaimDone: "done", ClaimBusy: "busy"}

// String returns the claim's name, such as "busy".
func (c Claim) String() string {
	if int(c) < len(claimNames) && claimNames[c] != "" {
		return claimNames[c]
	}
	return fmt.Sprintf("Claim(%d)", uint8(c))
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
	done    bool // committed; otherwise reserved
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

// Reserve claims id: ClaimNew when it was free, ClaimDone when it was
// committed within the window, ClaimBusy when it is reserved. It never
// fails.
func (d *MemoryDeduper) Reserve(_ context.Context, id string) (Claim, error) {
	now := d.clock.Now()
	d.mu.Lock()
	defer d.mu.Unlock()
	d.expire(now)
	if e, ok := d.ids[id]; ok {
		if e.Value.(*dedupEntry).done {
			return ClaimDone, nil
		}
		return ClaimBusy, nil
	}
	d.add(id, now)
	return ClaimNew, nil
}

// Commit records id as processed for the window, from now. It never fails.
func (d *MemoryDeduper) Commit(_ context.Context, id string) error {
	now := d.clock.Now()
	d.mu.Lock()
	defer d.mu.Unlock()
	if e, ok := d.ids[id]; ok {
		entry := e.Value.(*dedupEntry)
		entry.expires, entry.done = now.Add(d.window), true
		d.order.MoveToBack(e)
		return nil
	}
	d.add(id, now) // forgotten while it was processed: remember it again
	d.ids[id].Value.(*dedupEntry).done = true
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
	d.ids[id] = d.order.PushBack(&dedupEntry{id: id, expires: now.Add(d.window)})
}

func (d *MemoryDeduper) remove(e *list.Element) {
	delete(d.ids, e.Value.(*dedupEntry).id)
	d.order.Remove(e)
}
