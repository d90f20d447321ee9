package w1

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/ldpolicy/ldpolicy/bench/workload"
)

// statement is one statement of W1Policy as JSON has it, for the engines
// whose policies are translated from it mechanically (regexp, gobwas).
type statement struct {
	Effect       string   `json:"effect"`
	Actions      []string `json:"actions"`
	NotActions   []string `json:"notActions"`
	Resources    []string `json:"resources"`
	NotResources []string `json:"notResources"`
}

// w1Statements decodes W1Policy. It accepts only what W1Policy uses: a JSON
// array of statements with the four list fields and no modifiers or role
// attributes, which the translations do not handle.
func w1Statements() ([]statement, error) {
	dec := json.NewDecoder(bytes.NewReader([]byte(workload.W1Policy)))
	dec.DisallowUnknownFields()
	var stmts []statement
	if err := dec.Decode(&stmts); err != nil {
		return nil, fmt.Errorf("W1Policy: %w", err)
	}
	for i, s := range stmts {
		if s.Effect != "allow" && s.Effect != "deny" {
			return nil, fmt.Errorf("W1Policy statement %d: effect %q", i, s.Effect)
		}
		if (len(s.Actions) == 0) == (len(s.NotActions) == 0) ||
			(len(s.Resources) == 0) == (len(s.NotResources) == 0) {
			return nil, fmt.Errorf("W1Policy statement %d: needs exactly one of actions/notActions and of resources/notResources", i)
		}
	}
	return stmts, nil
}

// actionList returns the statement's action list and whether it is
// notActions.
func (s statement) actionList() ([]string, bool) {
	if len(s.NotActions) > 0 {
		return s.NotActions, true
	}
	return s.Actions, false
}

// resourceList returns the statement's resource list and whether it is
// notResources.
func (s statement) resourceList() ([]string, bool) {
	if len(s.NotResources) > 0 {
		return s.NotResources, true
	}
	return s.Resources, false
}
