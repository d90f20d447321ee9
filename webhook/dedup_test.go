package webhook

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"
)

// reserver reserves _ids of a Deduper in a test, checking the claims.
type reserver struct {
	t *testing.T
	d Deduper
}

// reserve reserves id, checks the claim, and returns the reservation.
func (r reserver) reserve(id string, want Claim) Reservation {
	r.t.Helper()
	have, rsv, err := r.d.Reserve(context.Background(), id)
	if have != want || err != nil || (rsv != nil) != (want == ClaimNew) {
		r.t.Errorf("Reserve(%q) = %v, %v, %v; want %v", id, have, rsv, err, want)
	}
	return rsv
}

func TestMemoryDeduper(t *testing.T) {
	ctx := context.Background()
	clock := newFakeClock()
	r := reserver{t, NewMemoryDeduper(DedupOptions{Window: time.Hour, Clock: clock})}
	a := r.reserve("a", ClaimNew)
	r.reserve("a", ClaimBusy) // being processed
	a.Commit(ctx)
	r.reserve("a", ClaimDone) // processed
	b := r.reserve("b", ClaimNew)
	b.Release(ctx)
	b = r.reserve("b", ClaimNew) // released: processed again

	clock.Advance(30 * time.Minute)
	b.Commit(ctx) // the window of b starts now
	clock.Advance(30*time.Minute - time.Nanosecond)
	r.reserve("a", ClaimDone)
	clock.Advance(time.Nanosecond)
	r.reserve("a", ClaimNew) // the window has passed
	clock.Advance(30*time.Minute - time.Nanosecond)
	r.reserve("b", ClaimDone)
	clock.Advance(time.Nanosecond)
	r.reserve("b", ClaimNew)
}

// TestMemoryDeduperBound: however many _ids come, the deduper holds at most
// MaxEntries, forgetting those that would expire first.
func TestMemoryDeduperBound(t *testing.T) {
	ctx := context.Background()
	clock := newFakeClock()
	const max = 100
	d := NewMemoryDeduper(DedupOptions{Window: time.Hour, MaxEntries: max, Clock: clock})
	r := reserver{t, d}
	for i := range 10 * max {
		rsv := r.reserve(fmt.Sprint(i), ClaimNew)
		if i%2 == 0 {
			rsv.Commit(ctx)
		}
		if d.Len() > max {
			t.Fatalf("%d entries after %d _ids, more than %d", d.Len(), i+1, max)
		}
	}
	if d.Len() != max {
		t.Errorf("Len() = %d, want %d", d.Len(), max)
	}
	// The latest are remembered; the earliest were forgotten (and
	// reserving them again forgets the earliest of the rest).
	r.reserve(fmt.Sprint(10*max-1), ClaimBusy)
	r.reserve(fmt.Sprint(10*max-2), ClaimDone)
	r.reserve(fmt.Sprint(9*max), ClaimDone)
	r.reserve(fmt.Sprint(9*max-1), ClaimNew)
	r.reserve("0", ClaimNew)
	// Expired entries are swept: the deduper empties with time.
	clock.Advance(time.Hour)
	r.reserve("x", ClaimNew)
	if d.Len() != 1 {
		t.Errorf("Len() = %d after the window, want 1", d.Len())
	}
}

// TestMemoryDeduperForgotten: a reservation forgotten while its event was
// processed is remembered again when it is committed, and its commit or
// release leaves alone a reservation of the same _id made since.
func TestMemoryDeduperForgotten(t *testing.T) {
	ctx := context.Background()
	d := NewMemoryDeduper(DedupOptions{MaxEntries: 1})
	r := reserver{t, d}

	a := r.reserve("a", ClaimNew)
	r.reserve("b", ClaimNew) // forgets a
	a.Commit(ctx)            // forgets b
	r.reserve("a", ClaimDone)
	if d.Len() != 1 {
		t.Errorf("Len() = %d, want 1", d.Len())
	}

	first := r.reserve("c", ClaimNew)
	r.reserve("d", ClaimNew)           // forgets c
	second := r.reserve("c", ClaimNew) // a second delivery of c, now processed
	first.Release(ctx)                 // the first delivery failed
	r.reserve("c", ClaimBusy)          // the second still holds c
	first.Commit(ctx)
	r.reserve("c", ClaimBusy) // nor does a late commit of the first mark it done
	second.Commit(ctx)
	r.reserve("c", ClaimDone)
}

// TestMemoryDeduperConcurrent: of many goroutines that reserve one _id at
// once, exactly one gets it.
func TestMemoryDeduperConcurrent(t *testing.T) {
	ctx := context.Background()
	d := NewMemoryDeduper(DedupOptions{MaxEntries: 1000})
	const ids, workers = 200, 8
	var mu sync.Mutex
	won := map[string]int{}
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range ids {
				id := fmt.Sprint(i)
				if c, rsv, _ := d.Reserve(ctx, id); c == ClaimNew {
					mu.Lock()
					won[id]++
					mu.Unlock()
					rsv.Commit(ctx)
				}
			}
		}()
	}
	wg.Wait()
	if len(won) != ids {
		t.Errorf("%d _ids reserved, want %d", len(won), ids)
	}
	for id, n := range won {
		if n != 1 {
			t.Errorf("_id %s reserved %d times", id, n)
		}
	}
}
