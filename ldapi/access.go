package ldapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/ldpolicy/ldpolicy/policy"
)

// Access is the access that LaunchDarkly's roles give a member, or a team:
// a [policy.Member] that decides accesses, and where each of its roles
// comes from.
type Access struct {
	// Member decides accesses as the package policy documents: the roles
	// are cumulative, a deny statement takes away only what its own role
	// grants, and a built-in role whose statements LaunchDarkly does not
	// publish (writer, admin, owner) makes decisions indeterminate.
	Member *policy.Member
	// Assignments[i] says where Member.Grant(i) comes from.
	Assignments []Assignment
	// Unmodeled lists what LaunchDarkly grants the member that the
	// decisions leave out: their permission grants, such as
	// "permission grant: maintainTeam on team/qa". A decision may deny
	// what one of them allows.
	Unmodeled []string
}

// Assignment is one role of an [Access]: which role, held how.
type Assignment struct {
	// Role is the key of the custom or preset role, or the name of the
	// built-in role.
	Role string
	// Builtin is set for a built-in role: reader, writer, admin, owner or
	// no_access.
	Builtin bool
	// Team is the key of the team through which the role is held; empty
	// for the member's own roles.
	Team string
	// Attributes are the role attributes the role's policy was compiled
	// with: the member's own, or the team's.
	Attributes map[string][]string
	// BaseAssumed is set when the role does not give its base
	// permissions: no_access, the REST API's default, was assumed.
	BaseAssumed bool
	// PresetStatements is how many of the role's "_presetStatements" (the
	// read-only statements of a role created from a preset) were added to
	// its policy because its "policy" does not repeat them.
	PresetStatements int
}

// RoleError is a role that could not be made into a grant: its policy has
// errors, or it is not a role. Err is what package policy reported; its
// positions are in Role.Raw, named "ld:role/KEY".
type RoleError struct {
	Role *Role
	Team string // the team the role was held through; empty for a member's own
	Err  error
}

func (e *RoleError) Error() string {
	via := ""
	if e.Team != "" {
		via = " (held through team " + e.Team + ")"
	}
	return fmt.Sprintf("ldapi: role %s%s: %v", e.Role.Key, via, e.Err)
}

func (e *RoleError) Unwrap() error { return e.Err }

// Access builds the access of a member, fetching their roles and teams:
// the member's custom and preset roles with the member's role attributes
// or, when they have none, their built-in role; then each role of each of
// their teams, with the team's role attributes. opts are used to compile
// each role's policy, with Context set to policy.Role and Attributes
// replaced by the assignment's.
//
// A Client remembers the roles and teams that Access and TeamAccess
// fetch, for its lifetime, so that building the access of many members
// fetches each once. Client.Role and Client.Team always fetch.
func (c *Client) Access(ctx context.Context, m *Member, opts policy.Options) (*Access, error) {
	a, err := buildAccess(ctx, c, m, opts)
	return a, c.scrub(err)
}

// holdings finds the roles and teams that access is built from: a Client
// fetches them, a Snapshot holds them. Both build access with the same
// code, buildAccess.
type holdings interface {
	heldRole(ctx context.Context, b *budget, key string) (*Role, error)
	heldTeam(ctx context.Context, b *budget, key string) (*Team, error)
}

func buildAccess(ctx context.Context, h holdings, m *Member, opts policy.Options) (*Access, error) {
	b := &budget{}
	a := &Access{}
	var grants []policy.Grant
	if len(m.CustomRoles) > 0 {
		for _, key := range m.CustomRoles {
			g, as, err := grant(ctx, h, b, key, "", m.RoleAttributes, opts)
			if err != nil {
				return nil, err
			}
			grants, a.Assignments = append(grants, g), append(a.Assignments, as)
		}
	} else {
		g, err := policy.BuiltinGrant(m.Role)
		if err != nil {
			return nil, fmt.Errorf("ldapi: member %s: %v", m.ID, err)
		}
		grants, a.Assignments = append(grants, g), append(a.Assignments, Assignment{Role: m.Role, Builtin: true})
	}
	for _, ts := range m.Teams {
		t, err := h.heldTeam(ctx, b, ts.Key)
		if err != nil {
			return nil, err
		}
		for _, key := range t.Roles {
			g, as, err := grant(ctx, h, b, key, t.Key, t.RoleAttributes, opts)
			if err != nil {
				return nil, err
			}
			grants, a.Assignments = append(grants, g), append(a.Assignments, as)
		}
	}
	for _, pg := range m.PermissionGrants {
		what := pg.ActionSet
		if len(pg.Actions) > 0 {
			what = strings.Join(pg.Actions, ", ")
		}
		a.Unmodeled = append(a.Unmodeled, fmt.Sprintf("permission grant: %s on %s", what, pg.Resource))
	}
	var err error
	if a.Member, err = policy.NewMember(grants...); err != nil {
		return nil, fmt.Errorf("ldapi: member %s: %v", m.ID, err)
	}
	return a, nil
}

// TeamAccess builds the access that a team's roles give, fetching the team
// and its roles, as [Client.Access] does for a member's teams. A team
// without roles grants nothing: its access is the built-in no_access role.
func (c *Client) TeamAccess(ctx context.Context, key string, opts policy.Options) (*Access, error) {
	a, err := buildTeamAccess(ctx, c, key, opts)
	return a, c.scrub(err)
}

func buildTeamAccess(ctx context.Context, h holdings, key string, opts policy.Options) (*Access, error) {
	b := &budget{}
	t, err := h.heldTeam(ctx, b, key)
	if err != nil {
		return nil, err
	}
	a := &Access{}
	var grants []policy.Grant
	for _, rk := range t.Roles {
		g, as, err := grant(ctx, h, b, rk, t.Key, t.RoleAttributes, opts)
		if err != nil {
			return nil, err
		}
		grants, a.Assignments = append(grants, g), append(a.Assignments, as)
	}
	if len(grants) == 0 {
		g, err := policy.BuiltinGrant("no_access")
		if err != nil {
			return nil, err
		}
		grants, a.Assignments = append(grants, g), append(a.Assignments, Assignment{Role: "no_access", Builtin: true, Team: t.Key})
	}
	if a.Member, err = policy.NewMember(grants...); err != nil {
		return nil, fmt.Errorf("ldapi: team %s: %v", t.Key, err)
	}
	return a, nil
}

// grant finds a role and compiles it with the attributes of one
// assignment.
func grant(ctx context.Context, h holdings, b *budget, key, team string, attrs map[string][]string, opts policy.Options) (policy.Grant, Assignment, error) {
	role, err := h.heldRole(ctx, b, key)
	if err != nil {
		return policy.Grant{}, Assignment{}, err
	}
	g, as, err := role.Grant(attrs, opts)
	if err != nil {
		var re *RoleError
		if errors.As(err, &re) {
			re.Team = team
		}
		return policy.Grant{}, Assignment{}, err
	}
	as.Team = team
	return g, as, nil
}

// Grant compiles the role as it is held with role attributes attrs: its
// policy, with the statements of "_presetStatements" that "policy" does
// not repeat (the read-only statements of a role created from a preset,
// which the role grants as well), in the policy.Role context with
// opts.Attributes replaced by attrs, and its base permissions (no_access
// when it does not give them, the REST API's default). Its errors are
// [*RoleError]s.
func (role *Role) Grant(attrs map[string][]string, opts policy.Options) (policy.Grant, Assignment, error) {
	fail := func(err error) (policy.Grant, Assignment, error) {
		return policy.Grant{}, Assignment{}, &RoleError{Role: role, Err: err}
	}
	f, err := policy.ParseFile("ld:role/"+role.Key, role.Raw)
	if err != nil {
		return fail(err)
	}
	if f.Kind != policy.RoleFile {
		return fail(fmt.Errorf(`expected a custom role ({"key": ..., "policy": [...]}), found a %s`, f.Kind))
	}
	var p struct {
		Preset []policy.Statement `json:"_presetStatements"`
	}
	if err := json.Unmarshal(role.Raw, &p); err != nil {
		return fail(fmt.Errorf("_presetStatements: %v", err))
	}
	extra := missing(f.Statements, p.Preset)
	opts.Context, opts.Attributes = policy.Role, attrs
	var set *policy.Set
	if len(extra) == 0 {
		set, err = f.Compile(opts)
	} else {
		set, err = policy.Compile(append(append([]policy.Statement(nil), f.Statements...), extra...), opts)
	}
	if err != nil {
		return fail(err)
	}
	base, assumed := f.RoleBasePermissions()
	return policy.Grant{Role: role.Key, Policy: set, Base: base},
		Assignment{Role: role.Key, Attributes: attrs, BaseAssumed: assumed, PresetStatements: len(extra)}, nil
}

// missing returns the statements of extra that are not in stmts.
func missing(stmts, extra []policy.Statement) []policy.Statement {
	have := make(map[string]bool, len(stmts))
	for _, s := range stmts {
		have[s.String()] = true
	}
	var out []policy.Statement
	for _, s := range extra {
		if k := s.String(); !have[k] {
			have[k] = true
			out = append(out, s)
		}
	}
	return out
}

// heldRole returns a role, fetched once per Client.
func (c *Client) heldRole(ctx context.Context, b *budget, key string) (*Role, error) {
	c.mu.Lock()
	r, ok := c.roles[key]
	c.mu.Unlock()
	if ok {
		return r, nil
	}
	r, err := c.role(ctx, b, key)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.roles == nil {
		c.roles = map[string]*Role{}
	}
	c.roles[key] = r
	c.mu.Unlock()
	return r, nil
}

// heldTeam returns a team, fetched once per Client.
func (c *Client) heldTeam(ctx context.Context, b *budget, key string) (*Team, error) {
	c.mu.Lock()
	t, ok := c.teams[key]
	c.mu.Unlock()
	if ok {
		return t, nil
	}
	t, err := c.team(ctx, b, key)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.teams == nil {
		c.teams = map[string]*Team{}
	}
	c.teams[key] = t
	c.mu.Unlock()
	return t, nil
}
