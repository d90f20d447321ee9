package fuzz

import (
	"fmt"
	"strings"
	"testing"

	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/gen"
	"github.com/leanovate/gopter/prop"

	"github.com/ldpolicy/ldpolicy/policy"
	"github.com/ldpolicy/ldpolicy/resource"
)

// checkMembers runs a property of members for a tenth of the cases of the
// other properties (at least 500): a case is up to three policies deciding
// twice the accesses, several times the work, and the long runs of .ci/run
// have a time budget.
func checkMembers(t *testing.T, p gopter.Prop) {
	t.Helper()
	checkCases(t, p, max(*cases/10, 500))
}

// memberCase is a member holding the roles of up to three generated cases,
// each with base permissions drawn from bases, and deciding the accesses of
// the first case, each also as a view action ("viewProject"), which
// Reader base permissions grant.
type memberCase struct {
	roles []Case
	bases []policy.BasePermissions
}

func newMemberCase(roles []Case, bases uint8) memberCase {
	m := memberCase{roles: append([]Case(nil), roles...)}
	for i := range m.roles {
		switch (bases >> (2 * i)) & 3 {
		case 0, 1:
			m.bases = append(m.bases, policy.NoAccess)
		case 2:
			m.bases = append(m.bases, policy.Reader)
		default:
			// A built-in role whose statements are not published: it has
			// none of its own.
			m.bases = append(m.bases, policy.Unpublished)
			m.roles[i].Stmts = nil
		}
	}
	return m
}

func (m memberCase) String() string {
	var b strings.Builder
	for i, c := range m.roles {
		fmt.Fprintf(&b, "\nrole %d, base permissions %v:%v", i, m.bases[i], c)
	}
	return b.String()
}

// accesses are those of the first role's case, and each as a view action.
func (m memberCase) accesses() []Access {
	var out []Access
	for _, a := range m.roles[0].Accesses {
		out = append(out, a, Access{Action: "viewProject", Resource: a.Resource})
	}
	return out
}

// engine compiles the member with the engine: each role in the role
// context, with its own case's role attributes.
func (m memberCase) engine() *policy.Member {
	grants := make([]policy.Grant, len(m.roles))
	for i, c := range m.roles {
		set, err := policy.Compile(c.Stmts, policy.Options{Context: policy.Role, Attributes: c.Attrs})
		if err != nil {
			panic(fmt.Sprintf("a generated policy does not compile: %v%v", err, c))
		}
		grants[i] = policy.Grant{Role: fmt.Sprint("role-", i), Policy: set, Base: m.bases[i]}
	}
	member, err := policy.NewMember(grants...)
	if err != nil {
		panic(err)
	}
	return member
}

func (m memberCase) reference() []RefRole {
	roles := make([]RefRole, len(m.roles))
	for i, c := range m.roles {
		ref, err := NewReference(c.Stmts, true, c.Attrs)
		if err != nil {
			panic(fmt.Sprintf("the reference refuses a generated policy: %v%v", err, c))
		}
		roles[i] = RefRole{Policy: ref, Base: m.bases[i]}
	}
	return roles
}

// decide decides an access for the member with the engine, with the
// metadata the first case's resolver knows.
func (m memberCase) decide(member *policy.Member, a Access) policy.MemberDecision {
	c, err := resource.ParseConcrete(a.Resource)
	if err != nil {
		panic(fmt.Sprintf("a generated resource does not parse: %v", err))
	}
	c.Resolve(m.roles[0].Resolver())
	return member.DecideConcrete(a.Action, &c)
}

func TestEngineDecidesMembersAsTheReference(t *testing.T) {
	checkMembers(t, prop.ForAll(func(a, b, c Case, n, bases uint8) *gopter.PropResult {
		m := newMemberCase([]Case{a, b, c}[:1+n%3], bases)
		member, ref := m.engine(), m.reference()
		for _, acc := range m.accesses() {
			got := m.decide(member, acc)
			want, err := DecideMember(ref, acc.Action, acc.Resource, m.roles[0].Meta)
			if err != nil {
				return report(false, "the reference refuses %q: %v", acc.Resource, err)
			}
			if g := (MemberOutcome{Allow: got.Allowed(), Indeterminate: got.Indeterminate}); g != want {
				return report(false, "%s on %s: engine %+v (%v), reference %+v%v", acc.Action, acc.Resource, g, got, want, m)
			}
			if got.Allowed() != (got.Index >= 0) {
				return report(false, "%s on %s: %v names role %d", acc.Action, acc.Resource, got, got.Index)
			}
		}
		return report(true, "")
	}, caseGen(), caseGen(), caseGen(), gen.UInt8(), gen.UInt8()))
}

// TestAddingARoleNeverRemovesAccess: what a member may do, it may still do
// with one more role, whatever that role denies.
func TestAddingARoleNeverRemovesAccess(t *testing.T) {
	checkMembers(t, prop.ForAll(func(a, b Case, bases uint8) *gopter.PropResult {
		more := newMemberCase([]Case{a, b}, bases)
		fewer := memberCase{roles: more.roles[:1], bases: more.bases[:1]}
		small, large := fewer.engine(), more.engine()
		for _, acc := range more.accesses() {
			before, after := more.decide(small, acc), more.decide(large, acc)
			if before.Allowed() && !after.Allowed() || before.Allowed() && !before.Indeterminate && after.Indeterminate {
				return report(false, "%s on %s: %v with one role, %v with two%v", acc.Action, acc.Resource, before, after, more)
			}
		}
		return report(true, "")
	}, caseGen(), caseGen(), gen.UInt8()))
}

// TestADenyInOneRoleNeverAffectsAnother: adding deny statements to one role
// never takes away what another role allows.
func TestADenyInOneRoleNeverAffectsAnother(t *testing.T) {
	checkMembers(t, prop.ForAll(func(a, b, denies Case, bases uint8) *gopter.PropResult {
		m := newMemberCase([]Case{a, b}, bases)
		withDenies := newMemberCase([]Case{a, b}, bases)
		if withDenies.bases[1] != policy.Unpublished { // a built-in role has no statements to add to
			extra := &withDenies.roles[1]
			extra.Stmts = append([]policy.Statement(nil), extra.Stmts...)
			for _, st := range denies.Stmts {
				st.Effect = policy.Deny
				extra.Stmts = append(extra.Stmts, st)
			}
		}
		first := memberCase{roles: m.roles[:1], bases: m.bases[:1]}.engine()
		member := withDenies.engine()
		for _, acc := range m.accesses() {
			alone, together := m.decide(first, acc), m.decide(member, acc)
			if alone.Allowed() && !alone.Indeterminate && (!together.Allowed() || together.Indeterminate) {
				return report(false, "%s on %s: role 0 allows (%v), but with role 1's denies the member gets %v%v",
					acc.Action, acc.Resource, alone, together, withDenies)
			}
		}
		return report(true, "")
	}, caseGen(), caseGen(), caseGen(), gen.UInt8()))
}

// TestOneNoAccessRoleDecidesAsItsPolicy: a member with one role and
// no_access base permissions decides as the role's policy does in the role
// context.
func TestOneNoAccessRoleDecidesAsItsPolicy(t *testing.T) {
	checkMembers(t, prop.ForAll(func(c Case) *gopter.PropResult {
		m := memberCase{roles: []Case{c}, bases: []policy.BasePermissions{policy.NoAccess}}
		c.Role = true
		set := compiled(c)
		member := m.engine()
		for _, acc := range m.accesses() {
			want, err := decideEngine(set, acc, c.Resolver())
			if err != nil {
				return report(false, "%v", err)
			}
			got := m.decide(member, acc)
			if got.Allowed() != want.Allowed() || got.Indeterminate != want.Indeterminate {
				return report(false, "%s on %s: member %v, policy %v%v", acc.Action, acc.Resource, got, want, c)
			}
		}
		return report(true, "")
	}, caseGen()))
}

// TestDefiniteMemberDecisionsHoldForEveryValueOfUnknownMetadata: a member's
// decision that is not indeterminate is the same in every world the
// unknown metadata could be in; and an allowed access names a role that
// allows it, with an allow statement of that role or none (its base
// permissions).
func TestDefiniteMemberDecisionsHoldForEveryValueOfUnknownMetadata(t *testing.T) {
	checkMembers(t, prop.ForAll(func(a, b, c Case, n, bases uint8) *gopter.PropResult {
		m := newMemberCase([]Case{a, b, c}[:1+n%3], bases)
		member := m.engine()
		// Every role's statements decide which segments' metadata varies.
		all := m.roles[0]
		all.Stmts = nil
		for _, r := range m.roles {
			all.Stmts = append(all.Stmts, r.Stmts...)
		}
		for _, acc := range m.accesses() {
			d := m.decide(member, acc)
			if d.Allowed() {
				g := member.Grant(d.Index)
				switch {
				case g.Role != d.Role:
					return report(false, "%s on %s: %v names role %q, index %d is %q", acc.Action, acc.Resource, d, d.Role, d.Index, g.Role)
				case d.Statement >= 0 && g.Policy.Statement(d.Statement).Effect != policy.Allow:
					return report(false, "%s on %s: %v is allowed by a deny statement%v", acc.Action, acc.Resource, d, m)
				}
			}
			if d.Indeterminate {
				continue
			}
			worlds, ok := assignments(all, acc)
			if !ok {
				continue // too many to enumerate
			}
			for _, res := range worlds {
				w, err := member.Decide(acc.Action, res)
				if err != nil {
					return report(false, "%s: world %q: %v", acc.Action, res, err)
				}
				if w.Allowed() != d.Allowed() || w.Indeterminate {
					return report(false, "%s: definite %v, but %v where the resource is %q%v", acc.Action, d, w, res, m)
				}
			}
		}
		return report(true, "")
	}, caseGen(), caseGen(), caseGen(), gen.UInt8(), gen.UInt8()))
}
