package terraform

import (
	"fmt"

	"github.com/ldpolicy/ldpolicy/policy"
)

// TeamRoles are the custom roles that a team holds: those of a
// launchdarkly_team_role_mapping, or of a launchdarkly_team, with the
// team's role attributes, which every one of its roles receives.
type TeamRoles struct {
	// Key is the team's key: team_key of a mapping, key of a team.
	Key string
	// Roles are the custom roles named by custom_role_keys, in order.
	Roles []RoleRef
	// Attributes are the team's role attributes (role_attributes), as
	// policy.Options.Attributes takes them; nil when not given.
	Attributes map[string][]string

	address string // of the resource
}

// RoleRef is one custom role that a team names.
type RoleRef struct {
	// Key is the role's key: as written, or, for a reference such as
	// launchdarkly_custom_role.shared.key, the key of that resource.
	Key string
	// Pos is where the team names the role.
	Pos policy.Position
	// Role is the custom role resource of the source that has the key, or
	// that the reference names; nil when the source has none, as when the
	// role is managed outside Terraform.
	Role *Resource

	ref string // the address a reference names
}

// Grants returns the grants of the team's roles, for [policy.NewMember]:
// each role's policy compiled in the policy.Role context, with the team's
// role attributes and, for the attributes that the team does not bind,
// those of opts; opts.Lenient applies too. The error lists every role that
// the source does not have, located where the team names it, and the
// problems of the roles that do not read or compile, located in their
// policies.
func (t *TeamRoles) Grants(opts policy.Options) ([]policy.Grant, error) {
	attrs := make(map[string][]string, len(t.Attributes)+len(opts.Attributes))
	for k, v := range opts.Attributes {
		attrs[k] = v
	}
	for k, v := range t.Attributes {
		attrs[k] = v
	}
	copts := policy.Options{Context: policy.Role, Attributes: attrs, Lenient: opts.Lenient}
	grants := make([]policy.Grant, 0, len(t.Roles))
	var errs ErrorList
	for _, ref := range t.Roles {
		role := ref.Role
		switch {
		case role == nil:
			errs = append(errs, &Error{Pos: ref.Pos, Address: t.address, Err: fmt.Errorf("custom role %q: no %s with this key was read with the team; its policy is not known", ref.Key, CustomRole)})
			continue
		case role.Err != nil:
			errs = append(errs, &Error{Pos: ref.Pos, Address: t.address, Err: fmt.Errorf("custom role %s could not be read", role.Address)})
			continue
		}
		set, err := role.Policy.Compile(copts)
		if err != nil {
			errs = append(errs, fromPolicy(role.Address, err)...)
			continue
		}
		base, _ := role.Policy.RoleBasePermissions()
		grants = append(grants, policy.Grant{Role: role.Policy.RoleKey, Policy: set, Base: base})
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return grants, nil
}

// Member returns the access of the team's members through the team's
// roles: [policy.NewMember] of [TeamRoles.Grants]. A team without roles
// grants nothing, and NewMember says so.
func (t *TeamRoles) Member(opts policy.Options) (*policy.Member, error) {
	grants, err := t.Grants(opts)
	if err != nil {
		return nil, err
	}
	return policy.NewMember(grants...)
}
