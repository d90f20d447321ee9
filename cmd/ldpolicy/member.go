package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/ldpolicy/ldpolicy/internal/policysource"
	"github.com/ldpolicy/ldpolicy/policy"
)

// roleFile is a custom role that a member holds.
type roleFile struct {
	file        string // the policy as named: a file, or a Terraform source and the role's address
	team        string // the key of the team through which the member holds it, if any
	grant       policy.Grant
	baseAssumed bool // the file does not give base permissions
}

// memberRoles returns the custom roles that a member holds through a
// policy: the custom role itself, or a team's roles, with the team's role
// attributes and, for those it does not bind, those of opts. It writes
// their warnings, or every problem they have, to stderr.
func memberRoles(p policysource.Policy, opts policy.Options, stderr io.Writer) ([]roleFile, error) {
	if !isTeam(p) {
		r, err := loadRole(p, opts, stderr)
		return []roleFile{r}, err
	}
	team := p.Resource.Team
	grants, err := team.Grants(opts)
	if err != nil {
		return nil, reportSourceErr(stderr, err)
	}
	roles := make([]roleFile, len(grants))
	for i, g := range grants {
		ref := team.Roles[i] // Grants has a grant for every role, in order
		writeResourceProblems(stderr, ref.Role.Address, g.Policy.Warnings())
		roles[i] = roleFile{file: p.Source + "#" + ref.Role.Address, team: team.Key, grant: g}
	}
	return roles, nil
}

// loadRole compiles a policy as a custom role, in the role context,
// writing its warnings or every problem it has to stderr. The role is
// named by its key, or by the file when it has none.
func loadRole(p policysource.Policy, opts policy.Options, stderr io.Writer) (roleFile, error) {
	f := parsed(p.Name, p.Data)
	if p.Resource != nil {
		f = p.Resource.Policy
	}
	if f != nil && f.Kind == policy.WebhookFile {
		return roleFile{}, inputErr(fmt.Errorf("%s: a webhook, not a custom role: --role takes custom roles ({\"key\": ..., \"policy\": [...]}, launchdarkly_custom_role), teams (launchdarkly_team_role_mapping, launchdarkly_team) or lists of statements", p.Name))
	}
	opts.Context = policy.Role
	set, err := compileOne("eval", p, opts, stderr)
	if err != nil {
		return roleFile{}, err
	}
	base, assumed := f.RoleBasePermissions()
	key := f.RoleKey
	if key == "" {
		key = p.Name
	}
	return roleFile{file: p.Name, grant: policy.Grant{Role: key, Policy: set, Base: base}, baseAssumed: assumed}, nil
}

// evalMember decides the access of f for a member who holds the roles of
// the policies of --policy: each custom role, and the roles of each team.
func evalMember(f *evalFlags, pols []policysource.Policy, opts policy.Options, stdin io.Reader, stdout, stderr io.Writer) error {
	var roles []roleFile
	var grants []policy.Grant
	for _, p := range pols {
		rs, err := memberRoles(p, opts, stderr)
		if err != nil {
			return err
		}
		for _, r := range rs {
			roles, grants = append(roles, r), append(grants, r.grant)
		}
	}
	member, err := policy.NewMember(grants...)
	if err != nil {
		return inputErr(err)
	}
	resolver, err := loadMetadata(f.metadata, stdin)
	if err != nil {
		return err
	}
	c, err := parseResourceFlag(f.resource, resolver)
	if err != nil {
		return err
	}
	warnings := unknownNames(f.action, &c, "--action", "--resource")
	writeWarnings(stderr, warnings)
	e := member.Explain(f.action, &c)
	if f.format == "json" {
		err = writeMemberJSON(stdout, roles, e, warnings)
	} else {
		err = writeMemberText(stdout, roles, f.action, e)
	}
	if err != nil {
		return err
	}
	return exitNoUnless(e.Decision.Allowed())
}

// describeBase says what a role's base permissions are, and whether they
// were assumed.
func describeBase(r roleFile) string {
	if r.baseAssumed {
		return fmt.Sprintf("%s (assumed: the file gives no basePermissions; the REST API's default)", r.grant.Base)
	}
	return r.grant.Base.String()
}

func writeMemberText(w io.Writer, roles []roleFile, act string, e policy.MemberExplanation) error {
	var b strings.Builder
	d := e.Decision
	b.WriteString(verdict(string(d.Effect), d.Indeterminate))
	if d.Index >= 0 {
		fmt.Fprintf(&b, " by role %s", d.Role)
	}
	b.WriteString("\n")
	for i, g := range e.Grants {
		r := roles[i]
		from := r.file
		if r.team != "" {
			from += ", team " + r.team
		}
		fmt.Fprintf(&b, "  role %s (%s): %s\n", g.Role, from, verdict(string(g.Decision.Effect), g.Decision.Indeterminate))
		fmt.Fprintf(&b, "    base:     %s\n", describeBase(r))
		explain(&b, "    ", r.grant.Policy, act, g.Explanation)
	}
	if d.Index >= 0 && !d.Indeterminate && len(roles) > 1 {
		fmt.Fprintf(&b, "  reason:   role %s allows the access; a member's roles are cumulative, so no other role's deny takes it away\n", d.Role)
	} else {
		fmt.Fprintf(&b, "  reason:   %s\n", d.Reason())
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeMemberJSON(w io.Writer, roles []roleFile, e policy.MemberExplanation, warnings []queryWarning) error {
	type roleJSON struct {
		Role                   string          `json:"role"`
		File                   string          `json:"file"`
		Team                   string          `json:"team,omitempty"`
		BasePermissions        string          `json:"basePermissions"`
		BasePermissionsAssumed bool            `json:"basePermissionsAssumed"`
		Decision               policy.Decision `json:"decision"`
	}
	list := make([]roleJSON, len(e.Grants))
	for i, g := range e.Grants {
		r := roles[i]
		list[i] = roleJSON{g.Role, r.file, r.team, r.grant.Base.String(), r.baseAssumed, g.Decision}
	}
	// The member's decision as policy writes it, with "roles" after it,
	// and the warnings of the query, if any, last.
	decision, err := e.Decision.MarshalJSON()
	if err != nil {
		return err
	}
	rolesJSON, err := json.Marshal(list)
	if err != nil {
		return err
	}
	out := append(decision[:len(decision)-1:len(decision)-1], `,"roles":`...)
	out = append(append(out, rolesJSON...), '}')
	return (&output{w: w, json: true, warnings: warnings}).writeDecision(out)
}
