package w1

import (
	"github.com/ldpolicy/ldpolicy/bench/workload"
	"github.com/ldpolicy/ldpolicy/policy"
)

// w1Statements reads W1Policy with ldpolicy's own loader, which checks it,
// for the engines whose policies are translated from it mechanically
// (regexp, gobwas). The translations handle the four list fields and globs;
// W1Policy has no modifiers or role attributes.
func w1Statements() ([]policy.Statement, error) {
	f, err := policy.ParseFile("w1.json", []byte(workload.W1Policy))
	if err != nil {
		return nil, err
	}
	if _, err := policy.Compile(f.Statements, policy.Options{}); err != nil {
		return nil, err
	}
	return f.Statements, nil
}

// actionList returns the statement's action list and whether it is
// notActions.
func actionList(s policy.Statement) ([]string, bool) {
	if len(s.NotActions) > 0 {
		return s.NotActions, true
	}
	return s.Actions, false
}

// resourceList returns the statement's resource list and whether it is
// notResources.
func resourceList(s policy.Statement) ([]string, bool) {
	if len(s.NotResources) > 0 {
		return s.NotResources, true
	}
	return s.Resources, false
}
