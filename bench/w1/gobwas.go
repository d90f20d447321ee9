package w1

import (
	"github.com/gobwas/glob"
	"github.com/ldpolicy/ldpolicy/policy"
)

// gobwasEngine is the same naive loop as regexpEngine over
// github.com/gobwas/glob patterns, the glob library LaunchDarkly's own
// patterns are documented against.
//
// Mapping: action globs are compiled as they are, with no separator;
// resource specifiers are compiled whole with ':' as the separator, so '*'
// never crosses a segment boundary. Each statement's list of patterns is
// matched one pattern at a time.
type gobwasEngine struct{ stmts []gobwasStatement }

type gobwasStatement struct {
	deny, notActions, notResources bool
	actions, resources             []*glob.Pattern
}

func newGobwas() (Engine, error) {
	stmts, err := w1Statements()
	if err != nil {
		return nil, err
	}
	e := &gobwasEngine{}
	for _, s := range stmts {
		acts, notActs := actionList(s)
		ress, notRess := resourceList(s)
		gs := gobwasStatement{deny: s.Effect == policy.Deny, notActions: notActs, notResources: notRess}
		for _, a := range acts {
			p, err := glob.Compile(a)
			if err != nil {
				return nil, err
			}
			gs.actions = append(gs.actions, p)
		}
		for _, r := range ress {
			p, err := glob.Compile(r, ':')
			if err != nil {
				return nil, err
			}
			gs.resources = append(gs.resources, p)
		}
		e.stmts = append(e.stmts, gs)
	}
	return e, nil
}

func (*gobwasEngine) Name() string { return "gobwas" }

func (e *gobwasEngine) Allowed(action, resource string) bool {
	allowed := false
	for i := range e.stmts {
		s := &e.stmts[i]
		if anyGlob(s.actions, action) == s.notActions ||
			anyGlob(s.resources, resource) == s.notResources {
			continue
		}
		if s.deny {
			return false
		}
		allowed = true
	}
	return allowed
}

func anyGlob(ps []*glob.Pattern, s string) bool {
	for _, p := range ps {
		if p.Match(s) {
			return true
		}
	}
	return false
}
