package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/ldpolicy/ldpolicy/policy"
)

// roleFile is a custom role read from a file for a member.
type roleFile struct {
	file        string // as named on the command line
	grant       policy.Grant
	baseAssumed bool // the file does not give base permissions
}

// loadRole reads a policy file as a custom role, compiled with opts (in the
// role context), printing its warnings or every problem it has; f is data
// already parsed, or nil. The role is named by its key, or by the file when
// it has none.
func loadRole(name string, data []byte, f *policy.File, opts policy.Options, stderr io.Writer) (roleFile, error) {
	shown := displayName(name)
	var errs policy.ErrorList
	if f == nil {
		var err error
		f, err = policy.ParseFile(shown, data)
		if errors.As(err, &errs) {
			writeProblems(stderr, errs)
			return roleFile{}, &exitError{code: exitUsage}
		} else if err != nil {
			return roleFile{}, inputErr(err)
		}
	}
	if f.Kind == policy.WebhookFile {
		return roleFile{}, inputErr(fmt.Errorf("%s: a webhook, not a custom role: --role takes custom roles ({\"key\": ..., \"policy\": [...]}) or lists of statements", shown))
	}
	opts.Context = policy.Role
	set, err := f.Compile(opts)
	if errors.As(err, &errs) {
		writeProblems(stderr, errs)
		return roleFile{}, &exitError{code: exitUsage}
	} else if err != nil {
		return roleFile{}, inputErr(err)
	}
	writeProblems(stderr, set.Warnings())
	base, assumed := f.RoleBasePermissions()
	key := f.RoleKey
	if key == "" {
		key = shown
	}
	return roleFile{file: shown, grant: policy.Grant{Role: key, Policy: set, Base: base}, baseAssumed: assumed}, nil
}

// evalMember decides the access of f for a member who holds the role of
// each --policy file, whose contents are data; first is the first file
// parsed, or nil.
func evalMember(f *evalFlags, data [][]byte, first *policy.File, opts policy.Options, stdin io.Reader, stdout, stderr io.Writer) error {
	roles := make([]roleFile, len(f.policyFiles))
	grants := make([]policy.Grant, len(f.policyFiles))
	for i, name := range f.policyFiles {
		var pf *policy.File
		if i == 0 {
			pf = first
		}
		r, err := loadRole(name, data[i], pf, opts, stderr)
		if err != nil {
			return err
		}
		roles[i], grants[i] = r, r.grant
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
		fmt.Fprintf(&b, "  role %s (%s): %s\n", g.Role, r.file, verdict(string(g.Decision.Effect), g.Decision.Indeterminate))
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
		BasePermissions        string          `json:"basePermissions"`
		BasePermissionsAssumed bool            `json:"basePermissionsAssumed"`
		Decision               policy.Decision `json:"decision"`
	}
	list := make([]roleJSON, len(e.Grants))
	for i, g := range e.Grants {
		r := roles[i]
		list[i] = roleJSON{g.Role, r.file, r.grant.Base.String(), r.baseAssumed, g.Decision}
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
