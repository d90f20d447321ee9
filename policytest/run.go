package policytest

import (
	"fmt"

	"github.com/ldpolicy/ldpolicy/policy"
)

// Result is how one case ran.
type Result struct {
	Case *Case
	// Outcome is the decision: Allow or Deny for an access, Delivered or
	// NotDelivered for an event.
	Outcome Outcome
	// Indeterminate is set when metadata nobody supplied could change
	// Outcome.
	Indeterminate bool
	// Statement is the index of the statement that decided, -1 when none
	// did. For an event, it is the deciding statement of the access that
	// decided the delivery (the first allowed one when the event is
	// delivered; with mode "all", the first denied one when it is not) or,
	// when no one access did, of the first access that a statement decided.
	Statement int
	// Accesses are the accesses decided, one for an access case, and
	// Explanations how each was decided.
	Accesses     []policy.Access
	Explanations []policy.Explanation
	// Delivery is the delivery of an event case.
	Delivery policy.Delivery
	// Failures say how the decision differs from what the case expects;
	// empty when the case passed.
	Failures []string
}

// Passed reports whether the decision is what the case expects.
func (r *Result) Passed() bool { return len(r.Failures) == 0 }

// Run runs the cases of the suite for which keep returns true (every case
// when keep is nil), in file order.
func (s *Suite) Run(keep func(*Case) bool) []Result {
	var results []Result
	for i := range s.File.Cases {
		c := &s.File.Cases[i]
		if keep == nil || keep(c) {
			results = append(results, s.run(c, &s.cases[i]))
		}
	}
	return results
}

func (s *Suite) run(c *Case, cc *compiledCase) Result {
	r := Result{Case: c, Accesses: cc.accesses, Explanations: make([]policy.Explanation, len(cc.accesses))}
	for i, a := range cc.accesses {
		r.Explanations[i] = s.Policy.Explain(a.Action, cc.event.Resource(i))
	}
	if !c.IsEvent() {
		d := r.Explanations[0].Decision
		r.Outcome, r.Indeterminate, r.Statement = Deny, d.Indeterminate, d.Statement
		if d.Allowed() {
			r.Outcome = Allow
		}
	} else {
		_, r.Delivery = s.Policy.DecideEvent(nil, &cc.event, c.Mode)
		r.Outcome, r.Indeterminate, r.Statement = NotDelivered, r.Delivery.Indeterminate, r.Delivery.Statement
		if r.Delivery.Delivered {
			r.Outcome = Delivered
		}
	}
	r.Failures = check(c, &r)
	return r
}

// check compares a result with what its case expects.
func check(c *Case, r *Result) []string {
	var failures []string
	if r.Outcome != c.Expect {
		failures = append(failures, fmt.Sprintf("expected %s, found %s", c.Expect, r.Outcome))
	}
	if c.Statement != nil && *c.Statement != r.Statement {
		failures = append(failures, fmt.Sprintf("expected %s to decide, found %s", statementName(*c.Statement), statementName(r.Statement)))
	}
	switch {
	case r.Indeterminate && !c.Indeterminate:
		failures = append(failures, "the decision is indeterminate: tags, properties or views nobody supplied could change it (supply them, or expect it with indeterminate: true)")
	case !r.Indeterminate && c.Indeterminate:
		failures = append(failures, "expected an indeterminate decision, found a definite one")
	}
	return failures
}

func statementName(i int) string {
	if i < 0 {
		return "no statement"
	}
	return fmt.Sprintf("statement %d", i)
}
