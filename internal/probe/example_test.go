package probe_test

import (
	"fmt"

	"github.com/ldpolicy/ldpolicy/internal/probe"
	"github.com/ldpolicy/ldpolicy/policy"
)

// Two versions of a webhook's policy compared on the accesses that exercise
// both: the new one no longer delivers flag deletions.
func ExampleAccesses() {
	old := policy.ProductionFlags()
	new := append(policy.ProductionFlags(), policy.Statement{
		Effect: policy.Deny, Actions: []string{"deleteFlag"}, Resources: []string{"proj/*:env/*:flag/*"},
	})
	accesses, complete := probe.Accesses(probe.Options{}, old, new)
	before, _ := policy.Compile(old, policy.Options{})
	after, _ := policy.Compile(new, policy.Options{})
	for _, a := range accesses {
		d1, _ := before.Decide(a.Action, a.Resource)
		d2, _ := after.Decide(a.Action, a.Resource)
		if d1.Effect != d2.Effect {
			fmt.Printf("%s %s: %s, then %s\n", a.Action, a.Resource, d1.Effect, d2.Effect)
		}
	}
	fmt.Println(complete)
	// Output:
	// deleteFlag proj/other-proj:env/production:flag/other-flag: allow, then deny
	// true
}
