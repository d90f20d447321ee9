package w1

import (
	"testing"

	"github.com/ldpolicy/ldpolicy/bench/workload"
)

// TestParity holds every engine to LaunchDarkly's decision on every probe
// of workload.W1Parity.
func TestParity(t *testing.T) {
	engines, err := Engines()
	if err != nil {
		t.Fatal(err)
	}
	if len(engines) != len(builders) {
		t.Fatalf("%d engines built, want %d", len(engines), len(builders))
	}
	for _, d := range CheckParity(engines) {
		t.Errorf("engine %s", d)
	}
}

// TestTimedProbesInParity makes sure every timed probe is also a parity
// probe, so that no timing runs on an unchecked access.
func TestTimedProbesInParity(t *testing.T) {
	for _, p := range workload.W1Timed {
		found := false
		for _, q := range workload.W1Parity {
			found = found || p.Action == q.Action && p.Resource == q.Resource && p.Allow == q.Allow
		}
		if !found {
			t.Errorf("timed probe %q (%s on %s) is not a parity probe", p.Name, p.Action, p.Resource)
		}
	}
}
