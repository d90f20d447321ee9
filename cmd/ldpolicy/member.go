package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/ldpolicy/ldpolicy/internal/ldsource"
	"github.com/ldpolicy/ldpolicy/internal/policysource"
	"github.com/ldpolicy/ldpolicy/ldapi"
	"github.com/ldpolicy/ldpolicy/policy"
)

// roleFile is a role that a member holds: a custom role, or a built-in
// role of a member of a LaunchDarkly account.
type roleFile struct {
	file        string // the policy as named: a file, a Terraform source and the role's address, ld:role/KEY; for a built-in role, ld:member/...
	team        string // the key of the team through which the member holds it, if any
	grant       policy.Grant
	baseAssumed bool // the file does not give base permissions
	builtin     bool // a built-in role: reader, writer, admin, owner or no_access
}

// memberRoles returns the roles that a member holds through a policy: the
// custom role itself; a team's roles, with the team's role attributes
// and, for a Terraform team, those of opts for those it does not bind; or
// the roles of ld:team/KEY or ld:member/ID-or-EMAIL, as LaunchDarkly's
// REST API gives them (see holderRoles). It writes their warnings, or
// every problem they have, to stderr, and returns what the decisions of a
// member of an account leave out (ldapi.Access.Unmodeled).
func memberRoles(p policysource.Policy, opts policy.Options, ld *ldConn, stderr io.Writer) ([]roleFile, []string, error) {
	if ldsource.HolderOf(p) != nil {
		return holderRoles(p, opts, ld, stderr)
	}
	if !isTeam(p) {
		r, err := loadRole(p, opts, stderr)
		return []roleFile{r}, nil, err
	}
	team := p.Resource.Team
	grants, err := team.Grants(opts)
	if err != nil {
		return nil, nil, reportSourceErr(stderr, err)
	}
	roles := make([]roleFile, len(grants))
	for i, g := range grants {
		ref := team.Roles[i] // Grants has a grant for every role, in order
		writeResourceProblems(stderr, ref.Role.Address, g.Policy.Warnings())
		roles[i] = roleFile{file: p.Source + "#" + ref.Role.Address, team: team.Key, grant: g}
	}
	return roles, nil, nil
}

// holderRoles returns the roles of ld:team/KEY or ld:member/ID-or-EMAIL,
// as ldapi builds their access (see ldsource.Holder.Access, who-can
// builds it alike): each role with the role attributes LaunchDarkly gives
// its assignment (--attribute binds none of them), a custom role held as
// roleGrant holds it, and a member without custom roles with their
// built-in role. It writes the problems of a role that cannot be read to
// stderr.
func holderRoles(p policysource.Policy, opts policy.Options, ld *ldConn, stderr io.Writer) ([]roleFile, []string, error) {
	unwatch := ld.watch()
	a, err := ldsource.HolderOf(p).Access(ld.ctx, opts)
	unwatch()
	var re *ldapi.RoleError
	var errs policy.ErrorList
	switch {
	case errors.As(err, &re) && errors.As(re.Err, &errs):
		// Located in the role's JSON, named ld:role/KEY.
		writeProblems(stderr, errs)
		via := ""
		if re.Team != "" {
			via = " (held through team " + re.Team + ")"
		}
		return nil, nil, inputErr(fmt.Errorf("%s: role %s%s cannot be read", p.Name, re.Role.Key, via))
	case err != nil:
		if ierr := ld.interrupted(err, ""); ierr != err {
			return nil, nil, ierr
		}
		return nil, nil, inputErr(fmt.Errorf("%s: %v", p.Name, err))
	}
	roles := make([]roleFile, len(a.Assignments))
	warned := map[string]bool{} // a role held twice warns once
	for i, as := range a.Assignments {
		r := roleFile{file: policysource.AccountPrefix + "role/" + as.Role, team: as.Team, grant: a.Member.Grant(i), baseAssumed: as.BaseAssumed, builtin: as.Builtin}
		switch {
		case as.Builtin:
			r.file = p.Name
		case !warned[as.Role]:
			warned[as.Role] = true
			writeProblems(stderr, r.grant.Policy.Warnings())
		}
		roles[i] = r
	}
	return roles, a.Unmodeled, nil
}

// loadRole compiles a policy as a custom role, in the role context,
// writing its warnings or every problem it has to stderr. The role is
// named by its key, or by the file when it has none. The custom role of
// ld:role/KEY is held as LaunchDarkly holds it (roleGrant).
func loadRole(p policysource.Policy, opts policy.Options, stderr io.Writer) (roleFile, error) {
	if ldsource.RoleOf(p) != nil {
		g, as, err := roleGrant(p, opts, stderr)
		return roleFile{file: p.Name, grant: g, baseAssumed: as.BaseAssumed}, err
	}
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

// roleGrant holds the custom role of ld:role/KEY as LaunchDarkly holds it
// (ldapi.Role.Grant, as who-can holds it): its policy with the statements
// of its "_presetStatements" that "policy" does not repeat, in the role
// context, with the role attributes of opts, and its base permissions. It
// writes the role's warnings, or every problem it has, to stderr.
func roleGrant(p policysource.Policy, opts policy.Options, stderr io.Writer) (policy.Grant, ldapi.Assignment, error) {
	g, as, err := ldsource.RoleOf(p).Grant(opts.Attributes, opts)
	var errs policy.ErrorList
	switch {
	case errors.As(err, &errs):
		writeProblems(stderr, errs)
		return g, as, &exitError{code: exitUsage}
	case err != nil:
		return g, as, inputErr(fmt.Errorf("%s: %v", p.Name, err))
	}
	writeProblems(stderr, g.Policy.Warnings())
	return g, as, nil
}

// evalMember decides the access of f for a member who holds the roles of
// the policies of --policy: each custom role, and the roles of each team
// and member.
func evalMember(f *evalFlags, pols []policysource.Policy, opts policy.Options, ld *ldConn, stdin io.Reader, stdout, stderr io.Writer) error {
	var roles []roleFile
	var grants []policy.Grant
	var unmodeled []string
	for _, p := range pols {
		rs, notes, err := memberRoles(p, opts, ld, stderr)
		if err != nil {
			return err
		}
		for _, r := range rs {
			roles, grants = append(roles, r), append(grants, r.grant)
		}
		unmodeled = append(unmodeled, notes...)
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
		err = writeMemberJSON(stdout, roles, unmodeled, e, warnings)
	} else {
		err = writeMemberText(stdout, roles, unmodeled, f.action, e)
	}
	if err != nil {
		return err
	}
	return exitNoUnless(e.Decision.Allowed())
}

// describeBase says what a role's base permissions are, and whether they
// were assumed.
func describeBase(r roleFile) string {
	switch {
	case r.baseAssumed && policysource.IsAccount(r.file):
		return fmt.Sprintf("%s (assumed: the role gives no basePermissions; the REST API's default)", r.grant.Base)
	case r.baseAssumed:
		return fmt.Sprintf("%s (assumed: the file gives no basePermissions; the REST API's default)", r.grant.Base)
	case r.builtin && r.grant.Base == policy.Unpublished:
		return fmt.Sprintf("%s: LaunchDarkly does not publish what built-in role %s grants, so a decision it could change is indeterminate", r.grant.Base, r.grant.Role)
	}
	return r.grant.Base.String()
}

// writeMemberText writes a member's decision for people: the decision,
// each role's, and what the decision leaves out (unmodeled).
func writeMemberText(w io.Writer, roles []roleFile, unmodeled []string, act string, e policy.MemberExplanation) error {
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
		kind := "role"
		if r.builtin {
			kind = "built-in role"
		}
		fmt.Fprintf(&b, "  %s %s (%s): %s\n", kind, g.Role, from, verdict(string(g.Decision.Effect), g.Decision.Indeterminate))
		fmt.Fprintf(&b, "    base:     %s\n", describeBase(r))
		explain(&b, "    ", r.grant.Policy, act, g.Explanation)
	}
	if d.Index >= 0 && !d.Indeterminate && len(roles) > 1 {
		fmt.Fprintf(&b, "  reason:   role %s allows the access; a member's roles are cumulative, so no other role's deny takes it away\n", d.Role)
	} else {
		fmt.Fprintf(&b, "  reason:   %s\n", d.Reason())
	}
	for _, u := range unmodeled {
		fmt.Fprintf(&b, "  left out: %s (outside the model of roles: it may allow what the roles deny)\n", u)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeMemberJSON writes a member's decision as one JSON object, with
// "unmodeled" when the decision leaves something out.
func writeMemberJSON(w io.Writer, roles []roleFile, unmodeled []string, e policy.MemberExplanation, warnings []queryWarning) error {
	type roleJSON struct {
		Role                   string          `json:"role"`
		File                   string          `json:"file"`
		Builtin                bool            `json:"builtin,omitempty"`
		Team                   string          `json:"team,omitempty"`
		BasePermissions        string          `json:"basePermissions"`
		BasePermissionsAssumed bool            `json:"basePermissionsAssumed"`
		Decision               policy.Decision `json:"decision"`
	}
	list := make([]roleJSON, len(e.Grants))
	for i, g := range e.Grants {
		r := roles[i]
		list[i] = roleJSON{g.Role, r.file, r.builtin, r.team, r.grant.Base.String(), r.baseAssumed, g.Decision}
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
	out = append(out, rolesJSON...)
	if len(unmodeled) > 0 {
		u, err := marshalJSON(unmodeled)
		if err != nil {
			return err
		}
		out = append(append(out, `,"unmodeled":`...), u...)
	}
	out = append(out, '}')
	return (&output{w: w, json: true, warnings: warnings}).writeDecision(out)
}
