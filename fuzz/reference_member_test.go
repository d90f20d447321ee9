package fuzz

import (
	"strings"

	"github.com/ldpolicy/ldpolicy/policy"
)

// RefRole is one role of a member for the reference: a policy in the role
// context, and base permissions.
type RefRole struct {
	Policy *Reference // prepared with role set
	Base   policy.BasePermissions
}

// MemberOutcome is the reference's decision of one access for a member.
type MemberOutcome struct {
	Allow         bool
	Indeterminate bool
}

// DecideMember decides one access for a member who holds the roles, as
// SEMANTICS.md §7 says, role by role and then across roles:
//
//   - in a role, the access is allowed when no deny statement applies and
//     an allow statement applies or, with Reader base permissions, the
//     action's name starts with "view";
//   - an Unpublished role (a built-in role whose statements are unknown)
//     allows with unknown truth, denying when nothing is known;
//   - the member is allowed when some role allows.
//
// Each step is three-valued, and Allow is the value with unknown metadata
// taken as absent.
func DecideMember(roles []RefRole, action, resource string, meta map[string]Meta) (MemberOutcome, error) {
	c, err := parseConcrete(resource, meta)
	if err != nil {
		return MemberOutcome{}, err
	}
	member, allow := no, false
	for _, r := range roles {
		var t tv
		var abs bool
		switch r.Base {
		case policy.Unpublished:
			t, abs = unknown, false
		default:
			v := r.Policy.verdicts(action, c)
			granted := v.allowAny
			if r.Base == policy.Reader && strings.HasPrefix(action, "view") {
				granted = yes
			}
			t = and(not(v.denyAny), granted)
			abs = v.firstDeny < 0 && (v.firstAllow >= 0 || granted == yes)
		}
		member = or(member, t)
		allow = allow || abs
	}
	return MemberOutcome{Allow: allow, Indeterminate: member == unknown}, nil
}
