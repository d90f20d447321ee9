package fuzz

import (
	"fmt"

	"github.com/ldpolicy/ldpolicy/policy"
	"github.com/ldpolicy/ldpolicy/resource"
)

// Compile compiles the policy of c with the engine.
func (c Case) Compile() (*policy.Set, error) {
	opts := policy.Options{Attributes: c.Attrs}
	if c.Role {
		opts.Context = policy.Role
	}
	return policy.Compile(c.Stmts, opts)
}

// Reference prepares the policy of c for the reference evaluator.
func (c Case) Reference() (*Reference, error) {
	return NewReference(c.Stmts, c.Role, c.Attrs)
}

// decideEngine decides one access with the engine, resolving metadata from r.
func decideEngine(set *policy.Set, a Access, r resource.Resolver) (policy.Decision, error) {
	conc, err := resource.ParseConcrete(a.Resource)
	if err != nil {
		return policy.Decision{}, err
	}
	conc.Resolve(r)
	return set.DecideConcrete(a.Action, &conc), nil
}

// CheckAgainstReference decides every access of c, and the event made of
// them in both delivery modes, with the engine and with the reference, and
// reports the first disagreement. Both must accept or both reject the
// policy and each resource.
func CheckAgainstReference(c Case) error {
	set, err := c.Compile()
	ref, rerr := c.Reference()
	if (err == nil) != (rerr == nil) {
		return fmt.Errorf("compile: engine error %v, reference error %v", err, rerr)
	}
	if err != nil {
		return nil
	}
	r := c.Resolver()
	for i, a := range c.Accesses {
		got, err := decideEngine(set, a, r)
		want, rerr := ref.Decide(a.Action, a.Resource, c.Meta)
		if (err == nil) != (rerr == nil) {
			return fmt.Errorf("access %d: engine error %v, reference error %v", i, err, rerr)
		}
		if err != nil {
			continue
		}
		if g := (Outcome{Allow: got.Allowed(), Statement: got.Statement, Indeterminate: got.Indeterminate}); g != want {
			return fmt.Errorf("access %d: engine %+v, reference %+v", i, g, want)
		}
		// Explain walks every statement rather than the plans: it must
		// reach the same decision.
		conc, _ := resource.ParseConcrete(a.Resource)
		conc.Resolve(r)
		if ex := set.Explain(a.Action, &conc); ex.Decision != got {
			return fmt.Errorf("access %d: Explain decides %v, DecideConcrete %v", i, ex.Decision, got)
		}
	}
	for _, mode := range []policy.Mode{policy.AnyAccess, policy.EveryAccess} {
		var ev policy.Event
		err := ev.Parse(c.PolicyAccesses(), r)
		decisions, got := set.DecideEvent(nil, &ev, mode)
		want, rerr := ref.Deliver(c.Accesses, mode == policy.EveryAccess, c.Meta)
		if (err == nil) != (rerr == nil) {
			return fmt.Errorf("deliver %v: engine error %v, reference error %v", mode, err, rerr)
		}
		if err != nil {
			continue
		}
		if g := (Delivered{Delivered: got.Delivered, Indeterminate: got.Indeterminate, Access: got.Access}); g != want {
			return fmt.Errorf("deliver %v: engine %+v, reference %+v", mode, g, want)
		}
		for i, a := range c.Accesses {
			if d, _ := decideEngine(set, a, r); d != decisions[i] {
				return fmt.Errorf("deliver %v: access %d: DecideEvent decides %v, DecideConcrete %v", mode, i, decisions[i], d)
			}
		}
	}
	return nil
}
