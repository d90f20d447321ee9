package webhook

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"
)

func TestMemoryDeduper(t *testing.T) {
	ctx := context.Background()
	clock := newFakeClock()
	d := NewMemoryDeduper(DedupOptions{Window: time.Hour, Clock: clock})
	reserve := func(id string, want Claim) {
		t.Helper()
		if have, err := d.Reserve(ctx, id); have != want || err != nil {
			t.Errorf("Reserve(%q) = %v, %v; want %v", id, have, err, want)
		}
	}
	reserve("a", ClaimNew)
	reserve("a", ClaimBusy) // being processed
	d.Commit(ctx, "a")
	reserve("a", ClaimDone) // processed
	reserve("b", ClaimNew)
	d.Release(ctx, "b")
	reserve("b", ClaimNew) // released: processed again
	d.Commit(ctx, "b")

	clock.Advance(30 * time.Minute)
	d.Commit(ctx, "b") // the window of b starts again
	clock.Advance(30*time.Minute - time.Nanosecond)
	reserve("a", ClaimDone)
	clock.Advance(time.Nanosecond)
	reserve("a", ClaimNew) // the window has passed
	clock.Advance(30*time.Minute - time.Nanosecond)
	reserve("b", ClaimDone)
	clock.Advance(time.Nanosecond)
	reserve("b", ClaimNew)
}

// TestMemoryDeduperBound: however many _ids come, the deduper holds at most
// MaxEntries, forgetting those that would expire first.
func TestMemoryDeduperBound(t *testing.T) {
	ctx := context.Background()
	clock := newFakeClock()
	const max = 100
	d := NewMemoryDeduper(DedupOptions{Window: time.Hour, MaxEntries: max, Clock: clock})
	for i := range 10 * max {
		if c, _ := d.Reserve(ctx, fmt.Sprint(i)); c != ClaimNew {
			t.Fatalf("Reserve(%d) = %v", i, c)
		}
		if i%2 == 0 {
			d.Commit(ctx, fmt.Sprint(i))
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
	for _, c := range []struct {
		id   int
		want Claim
	}{{10*max - 1, ClaimBusy}, {10*max - 2, ClaimDone}, {9 * max, ClaimDone}, {9*max - 1, ClaimNew}, {0, ClaimNew}} {
		if have, _ := d.Reserve(ctx, fmt.Sprint(c.id)); have != c.want {
			t.Errorf("Reserve(%d) = %v, want %v", c.id, have, c.want)
		}
	}
	// Expired entries are swept: the deduper empties with time.
	clock.Advance(time.Hour)
	d.Reserve(ctx, "x")
	if d.Len() != 1 {
		t.Errorf("Len() = %d after the window, want 1", d.Len())
	}
}

// TestMemoryDeduperCommitForgotten: an _id forgotten while it was processed
// is remembered again when it is committed.
func TestMemoryDeduperCommitForgotten(t *testing.T) {
	ctx := context.Background()
	d := NewMemoryDeduper(DedupOptions{MaxEntries: 1})
	d.Reserve(ctx, "a")
	d.Reserve(ctx, "b") // forgets a
	d.Commit(ctx, "a")  // forgets b
	if c, _ := d.Reserve(ctx, "a"); c != ClaimDone || d.Len() != 1 {
		t.Errorf("Reserve(a) = %v, Len() = %d after committing a; want done, 1", c, d.Len())
	}
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
				if c, _ := d.Reserve(ctx, id); c == ClaimNew {
					mu.Lock()
					won[id]++
					mu.Unlock()
					d.Commit(ctx, id)
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
