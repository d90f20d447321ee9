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
	reserve := func(id string, want bool) {
		t.Helper()
		if have, err := d.Reserve(ctx, id); have != want || err != nil {
			t.Errorf("Reserve(%q) = %v, %v; want %v", id, have, err, want)
		}
	}
	reserve("a", true)
	reserve("a", false) // being processed
	d.Commit(ctx, "a")
	reserve("a", false) // processed
	reserve("b", true)
	d.Release(ctx, "b")
	reserve("b", true) // released: processed again
	d.Commit(ctx, "b")

	clock.Advance(30 * time.Minute)
	d.Commit(ctx, "b") // the window of b starts again
	clock.Advance(30*time.Minute - time.Nanosecond)
	reserve("a", false)
	clock.Advance(time.Nanosecond)
	reserve("a", true) // the window has passed
	clock.Advance(30*time.Minute - time.Nanosecond)
	reserve("b", false)
	clock.Advance(time.Nanosecond)
	reserve("b", true)
}

// TestMemoryDeduperBound: however many _ids come, the deduper holds at most
// MaxEntries, forgetting those that would expire first.
func TestMemoryDeduperBound(t *testing.T) {
	ctx := context.Background()
	clock := newFakeClock()
	const max = 100
	d := NewMemoryDeduper(DedupOptions{Window: time.Hour, MaxEntries: max, Clock: clock})
	for i := range 10 * max {
		if ok, _ := d.Reserve(ctx, fmt.Sprint(i)); !ok {
			t.Fatalf("Reserve(%d) = false", i)
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
		want bool
	}{{10*max - 1, false}, {9 * max, false}, {9*max - 1, true}, {0, true}} {
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
	if ok, _ := d.Reserve(ctx, "a"); ok || d.Len() != 1 {
		t.Errorf("Reserve(a) = %v, Len() = %d after committing a; want false, 1", ok, d.Len())
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
				if ok, _ := d.Reserve(ctx, id); ok {
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
