package policy

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/ldpolicy/ldpolicy/action"
	"github.com/ldpolicy/ldpolicy/match"
	"github.com/ldpolicy/ldpolicy/resource"
)

// Context says what an empty policy means. Non-empty policies decide the
// same in both contexts.
type Context uint8

const (
	// Webhook is the context of a webhook's policy filter: a webhook without
	// statements has no filter, so an empty policy allows every access.
	Webhook Context = iota
	// Role is the context of a custom role: a role without statements
	// grants nothing, so an empty policy denies every access.
	Role
)

func (c Context) String() string {
	if c == Role {
		return "role"
	}
	return "webhook"
}

// Options control how statements are compiled. The zero Options compile a
// webhook policy strictly, with no role attributes bound.
type Options struct {
	Context Context
	// Attributes binds role attributes: "${roleAttribute/projects}", as a
	// name or a tag pattern, stands for the values in
	// Attributes["projects"], each a pattern matched as the text it stands
	// for would be ("team-*"); the attribute matches when one value does.
	// Names are keys and values well-formed patterns (see
	// [resource.CheckValue]); a malformed one is an error that names the
	// attribute. A specifier that names an unbound role attribute matches
	// nothing.
	Attributes map[string][]string
	// Lenient reads the typo ":/type/" in a resource specifier as ":type/",
	// with a warning (see [Set.Warnings]), instead of rejecting it.
	Lenient bool
}

// Set is a compiled policy. A Set is immutable and safe for concurrent use
// by multiple goroutines.
type Set struct {
	ctx      Context
	stmts    []Statement     // as given, for explanations
	denies   []compiled      // the deny statements, in index order
	allows   []compiled      // the allow statements, in index order
	index    *resource.Index // the resource parts of denies, then allows
	plans    []plan          // one for each shape of index
	warnings ErrorList
}

// compiled is a compiled statement.
type compiled struct {
	index  int
	effect Effect
	notAct bool
	anyAct bool // the actions list has "*": the action part always holds
	acts   []*match.Pattern
	notRes bool
	res    []*resource.Matcher
}

// Compile validates and compiles a policy. It reports every problem at once,
// as an [ErrorList] of [*Error]s, each naming the statement, the field, the
// list index and, for a malformed specifier, the byte offset inside it; the
// list holds the warnings too, marked as such.
//
// The rules are those of the package documentation: an effect of exactly
// "allow" or "deny"; exactly one of Resources and NotResources and exactly
// one of Actions and NotActions, each with at least one element; every
// element a well-formed, non-empty specifier.
func Compile(stmts []Statement, opts Options) (*Set, error) {
	var errs ErrorList
	if len(stmts) > MaxStatements {
		errs = append(errs, &Error{Location: Location{Statement: MaxStatements, Index: -1, Offset: -1}, Err: fmt.Errorf("more than %d statements", MaxStatements)})
		stmts = stmts[:MaxStatements]
	}
	var attrErrs ErrorList
	opts.Attributes, attrErrs = checkAttributes(opts.Attributes)
	errs = append(errs, attrErrs...)
	set := &Set{ctx: opts.Context, stmts: make([]Statement, len(stmts))}
	for i, st := range stmts {
		set.stmts[i] = cloneStatement(st)
		c, serrs, warnings := compileStatement(i, st, opts)
		errs = append(errs, serrs...)
		set.warnings = append(set.warnings, warnings...)
		if st.Effect == Deny {
			set.denies = append(set.denies, c)
		} else {
			set.allows = append(set.allows, c)
		}
	}
	if len(errs) > 0 {
		errs = append(errs, set.warnings...)
		sortErrors(errs)
		return nil, errs
	}
	set.index, set.plans = makePlans(set.denies, set.allows)
	return set, nil
}

func cloneStatement(st Statement) Statement {
	// One array holds the four lists.
	all := make([]string, 0, len(st.Actions)+len(st.NotActions)+len(st.Resources)+len(st.NotResources))
	clone := func(l []string) []string {
		if l == nil {
			return nil
		}
		all = append(all, l...)
		return all[len(all)-len(l) : len(all) : len(all)]
	}
	return Statement{
		Effect:       st.Effect,
		Actions:      clone(st.Actions),
		NotActions:   clone(st.NotActions),
		Resources:    clone(st.Resources),
		NotResources: clone(st.NotResources),
	}
}

// checkAttributes checks that every role attribute name is a key and every
// value a well-formed pattern. It returns the bindings without the bad
// ones, so that they are reported once rather than at every specifier that
// uses them.
func checkAttributes(attrs map[string][]string) (map[string][]string, ErrorList) {
	var errs ErrorList
	valid := make(map[string][]string, len(attrs))
	names := make([]string, 0, len(attrs))
	for name := range attrs {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if !resource.IsKey(name) {
			errs = append(errs, &Error{Location: Location{Statement: -1, Index: -1, Offset: -1}, Err: fmt.Errorf("role attribute name %q is not a key", name)})
			continue
		}
		values := []string{}
		for _, v := range attrs[name] {
			var ae *resource.AttributeError
			if err := resource.CheckValue(name, v); errors.As(err, &ae) {
				errs = append(errs, &Error{Location: Location{Statement: -1, Index: -1, Offset: -1}, Err: fmt.Errorf("role attribute %q: malformed value %q at offset %d: %s", name, v, ae.Offset, ae.Msg)})
				continue
			}
			values = append(values, v)
		}
		valid[name] = values
	}
	return valid, errs
}

func compileStatement(i int, st Statement, opts Options) (c compiled, errs ErrorList, warnings ErrorList) {
	c.index, c.effect = i, st.Effect
	fail := func(field string, index int, err error) {
		errs = append(errs, &Error{Location: Location{Statement: i, Field: field, Index: index, Offset: -1}, Err: err})
	}
	switch st.Effect {
	case Allow, Deny:
	case "":
		fail(fieldEffect, -1, errors.New(`missing effect: expected "allow" or "deny"`))
	default:
		msg := fmt.Sprintf(`expected "allow" or "deny", found %q`, string(st.Effect))
		if lower := Effect(strings.ToLower(string(st.Effect))); lower == Allow || lower == Deny {
			msg += fmt.Sprintf(" (effects are case-sensitive: write %q)", string(lower))
		}
		fail(fieldEffect, -1, errors.New(msg))
	}

	var notAct, notRes bool
	var acts, res []list
	var buf [4]list // the lists of both parts, without allocating
	notAct, acts = pick(buf[:0:2], st.Actions, st.NotActions, fieldActions, fieldNotActions, fail)
	notRes, res = pick(buf[2:2], st.Resources, st.NotResources, fieldResources, fieldNotResources, fail)
	c.notAct, c.notRes = notAct, notRes
	each := func(lists []list, compile func(field string, j int, s string) error) {
		for _, l := range lists {
			for j, s := range l.items {
				if s == "" {
					fail(l.field, j, errors.New("empty string: expected a specifier"))
				} else if err := compile(l.field, j, s); err != nil {
					errs = append(errs, specifierError(i, l.field, j, s, err))
				}
			}
		}
	}
	c.acts = make([]*match.Pattern, 0, listsLen(acts))
	c.res = make([]*resource.Matcher, 0, listsLen(res))
	each(acts, func(_ string, _ int, s string) error {
		p, err := action.Parse(s)
		if err == nil {
			c.anyAct = c.anyAct || p.Shape() == match.Any
			c.acts = append(c.acts, p)
		}
		return err
	})
	each(res, func(field string, j int, s string) error {
		m, warn, err := compileSpecifier(s, opts)
		for _, w := range warn {
			e := specifierError(i, field, j, s, w)
			e.Warning = true
			warnings = append(warnings, e)
		}
		if err == nil {
			c.res = append(c.res, m)
		}
		return err
	})
	return c, errs, warnings
}

// listsLen returns the number of elements of the lists.
func listsLen(lists []list) int {
	n := 0
	for _, l := range lists {
		n += len(l.items)
	}
	return n
}

// specifierError locates the error of a malformed specifier.
func specifierError(stmt int, field string, index int, value string, err error) *Error {
	e := &Error{Location: Location{Statement: stmt, Field: field, Index: index, Value: value, Offset: -1}, Err: err}
	var rs *resource.SyntaxError
	var ms *match.SyntaxError
	switch {
	case errors.As(err, &rs):
		e.Offset = rs.Offset
	case errors.As(err, &ms):
		e.Offset = ms.Offset
	}
	return e
}

// list is a list field of a statement.
type list struct {
	field string
	items []string
}

// pick checks that exactly one of a list and its negation is present and
// not empty. It returns whether the negation is the one, and the lists
// whose elements are to be checked, appended to lists (which has room for
// two): both when both are present (an error, but their elements may have
// problems of their own).
func pick(lists []list, pos, neg []string, posName, negName string, fail func(string, int, error)) (not bool, _ []list) {
	switch {
	case pos == nil && neg == nil:
		fail("", -1, fmt.Errorf("missing %q or %q", posName, negName))
		return false, lists
	case pos != nil && neg != nil:
		fail(negName, -1, fmt.Errorf("both %q and %q: a statement has exactly one of them", posName, negName))
		lists = append(lists, list{posName, pos}, list{negName, neg})
	case neg != nil:
		not, lists = true, append(lists, list{negName, neg})
	default:
		lists = append(lists, list{posName, pos})
	}
	for i, l := range lists {
		switch {
		case len(l.items) == 0:
			fail(l.field, -1, fmt.Errorf("empty %q: a list has at least one element", l.field))
		case len(l.items) > MaxListLength:
			fail(l.field, MaxListLength, fmt.Errorf("more than %d elements", MaxListLength))
			lists[i].items = l.items[:MaxListLength]
		}
	}
	return not, lists
}

func compileSpecifier(s string, opts Options) (*resource.Matcher, []*resource.SyntaxError, error) {
	var spec *resource.Specifier
	var warnings []*resource.SyntaxError
	var err error
	if opts.Lenient {
		spec, warnings, err = resource.ParseLenient(s)
	} else {
		spec, err = resource.Parse(s)
	}
	if err != nil {
		return nil, nil, err
	}
	m, err := resource.Compile(spec, opts.Attributes)
	if err != nil {
		return nil, nil, err
	}
	return m, warnings, nil
}

// Len returns the number of statements.
func (s *Set) Len() int { return len(s.stmts) }

// Statement returns statement i as it was given.
func (s *Set) Statement(i int) Statement { return cloneStatement(s.stmts[i]) }

// Context returns the context the set was compiled for.
func (s *Set) Context() Context { return s.ctx }

// Warnings returns the problems that compiling accepted, such as the typos
// that [Options.Lenient] rewrites.
func (s *Set) Warnings() ErrorList {
	out := make(ErrorList, len(s.warnings))
	for i, w := range s.warnings {
		c := *w
		out[i] = &c
	}
	return out
}
