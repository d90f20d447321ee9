package workload

import (
	"testing"

	"github.com/ldpolicy/ldpolicy/policy"
)

// TestW1 holds the probes' expected decisions to ldpolicy, the reference
// every other engine is compared with.
func TestW1(t *testing.T) {
	set, err := policy.Load("w1.json", []byte(W1Policy), policy.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range W1Parity {
		d, err := set.Decide(p.Action, p.Resource)
		if err != nil {
			t.Fatalf("%s %s: %v", p.Action, p.Resource, err)
		}
		if d.Indeterminate || (d.Effect == policy.Allow) != p.Allow {
			t.Errorf("%s %s: %v, want allow=%v", p.Action, p.Resource, d, p.Allow)
		}
	}
}
