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
//  1. Reserve claims the _id before processing. It reports [ClaimNew], with
//     a Reservation, when the caller now holds the _id; [ClaimDone] when
//     the _id was processed within the window; and [ClaimBusy] when
//     another delivery holds it and is being processed now: neither a
//     duplicate nor new, since that processing may still fail.
//  2. Reservation.Commit, after processing succeeded, records the _id as
//     processed for the deduper's window, counted from then.
//  3. Reservation.Release, after processing failed, gives up the claim, so
//     that the retry is processed.
//
// A Reservation is one call's claim: its Commit or Release acts on that
// claim alone, never on a later one of the same _id (made after this one
// lapsed, or was forgotten). A Deduper whose claims lapse
// (webhook/redisdedup) keeps a Reservation alive until Commit or Release.
//
// An error from Reserve means that the deduper cannot tell: the Handler
// answers 503 and processes nothing, so that no event is acknowledged
// unprocessed. A Deduper must never report ClaimDone for an _id whose
// processing it did not see committed, even when a request to its store is
// retried after a timeout.
type Deduper interface {
	Reserve(ctx context.Context, id string) (Claim, Reservation, error)
}

// A Reservation is a claim on an _id that Deduper.Reserve granted. Exactly
// one of its methods is called, once.
type Reservation interface {
	Commit(ctx context.Context) error
	Release(ctx context.Context) error
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
// released, or until it is forgotten as the oldest entry (under a flood of
// distinct events). It is safe for concurrent use.
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
func (d *MemoryDeduper) Reserve(_ context.Context, id string) (Claim, Reservation, error) {
	now := d.clock.Now()
	d.mu.Lock()
	defer d.mu.Unlock()
	d.expire(now)
	if e, ok := d.ids[id]; ok {
		if e.Value.(*dedupEntry).done {
			return ClaimDone, nil, nil
		}
		return ClaimBusy, nil, nil
	}
	return ClaimNew, &memoryReservation{d, d.add(id, now)}, nil
}

// memoryReservation is a MemoryDeduper's reservation: its entry, which
// stays in the map until it expires, is forgotten as the oldest, or is
// released.
type memoryReservation struct {
	d     *MemoryDeduper
	entry *dedupEntry
}

// Commit records the _id as processed for the window, from now: its entry
// if it is still there, a new entry if it was forgotten. A reservation of
// the _id made since it was forgotten is left alone, to be committed or
// released by its own delivery. It never fails.
func (r *memoryReservation) Commit(context.Context) error {
	d := r.d
	now := d.clock.Now()
	d.mu.Lock()
	defer d.mu.Unlock()
	e, ok := d.ids[r.entry.id]
	switch {
	case !ok:
		d.add(r.entry.id, now).done = true // forgotten while it was processed: remember it again
	case e.Value.(*dedupEntry) == r.entry:
		r.entry.expires, r.entry.done = now.Add(d.window), true
		d.order.MoveToBack(e)
	}
	return nil
}

// Release forgets the _id, if its entry is this reservation's. It never
// fails.
func (r *memoryReservation) Release(context.Context) error {
	d := r.d
	d.mu.Lock()
	defer d.mu.Unlock()
	if e, ok := d.ids[r.entry.id]; ok && e.Value.(*dedupEntry) == r.entry {
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
// soonest if there is no room, and returns it.
func (d *MemoryDeduper) add(id string, now time.Time) *dedupEntry {
	for d.order.Len() >= d.max {
		d.remove(d.order.Front())
	}
	entry := &dedupEntry{id: id, expires: now.Add(d.window)}
	d.ids[id] = d.order.PushBack(entry)
	return entry
}

func (d *MemoryDeduper) remove(e *list.Element) {
	delete(d.ids, e.Value.(*dedupEntry).id)
	d.order.Remove(e)
}
