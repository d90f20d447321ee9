package w1

import (
	"github.com/ldpolicy/ldpolicy/bench/workload"
	"github.com/ldpolicy/ldpolicy/policy"
)

// ldpolicyEngine is this project's engine, fed W1Policy unchanged.
type ldpolicyEngine struct{ set *policy.Set }

func newLDPolicy() (Engine, error) {
	set, err := policy.Load("w1.json", []byte(workload.W1Policy), policy.Options{})
	if err != nil {
		return nil, err
	}
	return ldpolicyEngine{set}, nil
}

func (ldpolicyEngine) Name() string { return "ldpolicy" }

func (e ldpolicyEngine) Allowed(action, resource string) bool {
	d, err := e.set.Decide(action, resource)
	return err == nil && d.Effect == policy.Allow
}
