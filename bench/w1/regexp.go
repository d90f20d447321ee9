package w1

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/ldpolicy/ldpolicy/policy"
)

// regexpEngine is the naive loop a user writes with the standard library:
// every statement's globs become anchored regular expressions, and every
// access walks all statements, deny overriding allow.
//
// Mapping: an action glob's '*' becomes ".*"; a resource specifier's '*'
// becomes "[^:]*", so that it stays within one segment (keys contain no
// ':'), and the rest is quoted. Since a specifier spells out every segment
// with its type, "^...$" also requires the same number of segments and the
// same types. notActions/notResources negate the "any pattern matches" test.
type regexpEngine struct{ stmts []regexpStatement }

type regexpStatement struct {
	deny, notActions, notResources bool
	actions, resources             []*regexp.Regexp
}

func newRegexp() (Engine, error) {
	stmts, err := w1Statements()
	if err != nil {
		return nil, err
	}
	e := &regexpEngine{}
	for _, s := range stmts {
		acts, notActs := actionList(s)
		ress, notRess := resourceList(s)
		rs := regexpStatement{deny: s.Effect == policy.Deny, notActions: notActs, notResources: notRess}
		for _, a := range acts {
			re, err := globRegexp(a, ".*")
			if err != nil {
				return nil, err
			}
			rs.actions = append(rs.actions, re)
		}
		for _, r := range ress {
			re, err := globRegexp(r, "[^:]*")
			if err != nil {
				return nil, err
			}
			rs.resources = append(rs.resources, re)
		}
		e.stmts = append(e.stmts, rs)
	}
	return e, nil
}

// globRegexp compiles a glob whose only metacharacter is '*' into an
// anchored regular expression, '*' becoming star.
func globRegexp(glob, star string) (*regexp.Regexp, error) {
	if strings.ContainsAny(glob, "?[]{}\\;") {
		return nil, fmt.Errorf("glob %q: only '*' is translated", glob)
	}
	var b strings.Builder
	b.WriteByte('^')
	for i, part := range strings.Split(glob, "*") {
		if i > 0 {
			b.WriteString(star)
		}
		b.WriteString(regexp.QuoteMeta(part))
	}
	b.WriteByte('$')
	return regexp.Compile(b.String())
}

func (*regexpEngine) Name() string { return "regexp" }

func (e *regexpEngine) Allowed(action, resource string) bool {
	allowed := false
	for i := range e.stmts {
		s := &e.stmts[i]
		if anyRegexp(s.actions, action) == s.notActions ||
			anyRegexp(s.resources, resource) == s.notResources {
			continue
		}
		if s.deny {
			return false
		}
		allowed = true
	}
	return allowed
}

func anyRegexp(res []*regexp.Regexp, s string) bool {
	for _, re := range res {
		if re.MatchString(s) {
			return true
		}
	}
	return false
}
