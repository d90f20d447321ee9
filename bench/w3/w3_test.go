package w3

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestW3Parity builds the engines and checks that they deliver the same
// events of a small corpus, and that some but not all are delivered.
func TestW3Parity(t *testing.T) {
	dir := t.TempDir()
	env, err := Setup(dir) // fails with ErrNoJQ when jq is missing
	if err != nil {
		t.Fatal(err)
	}
	c, err := WriteCorpus(filepath.Join(dir, "corpus.ndjson"), 1000, 1)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Parity(env.Engines(), c.Path)
	if err != nil {
		t.Fatal(err)
	}
	if n := got["ldpolicy"]; n == 0 || n == c.Events {
		t.Errorf("ldpolicy delivers %d of %d events: the corpus does not test the filter", n, c.Events)
	}
	// One timed run of each, to check the timing path works.
	for _, e := range env.Engines() {
		r, err := Time(e, c.Path, DefaultPin())
		if err != nil {
			t.Fatal(err)
		}
		if r.Wall <= 0 || r.MaxRSS <= 0 || r.PeakRSS <= 0 {
			t.Errorf("%s: run %+v", e.Name, r)
		}
	}
}

func TestCountLines(t *testing.T) {
	for in, want := range map[string]int{"": 0, "a\n": 1, "a\nb": 2, "a\n\nb\n": 3, strings.Repeat("x", 100000) + "\n": 1} {
		if n, err := countLines(strings.NewReader(in)); err != nil || n != want {
			t.Errorf("countLines(%.20q) = %d, %v; want %d", in, n, err, want)
		}
	}
}

func TestEventsFor(t *testing.T) {
	n, err := EventsFor(1<<20, 1)
	if err != nil {
		t.Fatal(err)
	}
	if n < 100 || n > 5000 {
		t.Errorf("EventsFor(1 MiB) = %d: the events are not about 2 KB", n)
	}
}
