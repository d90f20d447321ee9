package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/ldpolicy/ldpolicy/internal/display"
	"github.com/ldpolicy/ldpolicy/ldapi"
	"github.com/ldpolicy/ldpolicy/policy"
	"github.com/ldpolicy/ldpolicy/resource"
)

const whoCanUsage = `usage: ldpolicy who-can --action ACTION --resource RESOURCE [--source FILE] [flags]

Who-can lists the members of your LaunchDarkly account whose roles allow an
access, a line each, with the role that allows it (and the team the role is
held through) and the statement of the role that does, or its base
permissions.

The members, their roles and their teams come from the account of
LAUNCHDARKLY_ACCESS_TOKEN or, with --source FILE, from the snapshot that
'ldpolicy pull members -o FILE' wrote, offline. Both build each member's
access with the same code (package ldapi's Access), and print the same.

A member's access is that of all their roles at once, their own and their
teams', as eval --role decides it: roles are cumulative, so the access is
allowed when one role allows it, even if another denies it. A member for
whom ldpolicy cannot decide is listed as "unknown", with the reason, never
guessed:

	- a built-in role whose statements LaunchDarkly does not publish
	  (writer, admin, owner) may allow the access;
	- the decision depends on tags, properties or views of the resource
	  that nobody supplied: write them in RESOURCE
	  (proj/web:env/production;qa:flag/dark-mode) or give --metadata FILE;
	- a permission grant of the member (outside the model of roles) names
	  the resource and may allow it;
	- a role the member holds is not a policy ldpolicy can read.

Members whose roles deny the access are not listed.

ACTION is an action such as updateOn; RESOURCE a concrete resource, as
eval --resource takes it. An action or resource type that the catalogue
does not know is a warning on stderr, as in eval.

For people, who-can prints a line a member (decision, email, role and
statement, or the reason it is unknown) and a summary on stderr. With
--format json it writes NDJSON: a "member" record each, with "_id",
"email", "decision" (allow or unknown), "role", "team", "statement" (its
index, null when base permissions allow), "policyStatement" and "reason",
then a "summary" record.

` + ldAccountHelp + `
Exit status: 0 when the members were listed, whether any may take the
access or not; 2 for bad usage, an unusable snapshot or metadata file, or
an error of LaunchDarkly's API; 130 when interrupted.

Flags:
`

type whoCanFlags struct {
	ldFlags
	action, resource     string
	source, metadataFile string
	format               string
}

func (f *whoCanFlags) register(fs *flag.FlagSet) {
	f.ldFlags.register(fs)
	fs.StringVar(&f.action, "action", "", "the `ACTION`, such as updateOn (required)")
	fs.StringVar(&f.resource, "resource", "", "the concrete `RESOURCE`, such as proj/web:env/production:flag/dark-mode (required)")
	fs.StringVar(&f.source, "source", "", "read the members, teams and roles from the snapshot `FILE` of pull members, not from the account")
	fs.StringVar(&f.metadataFile, "metadata", "", "a JSON `FILE` of tags, properties and views by resource path")
	fs.Var(newFormatFlag(&f.format, "text", "json"), "format", "output `format`: text, or json for NDJSON records")
}

func (f *whoCanFlags) check(fs *flag.FlagSet, args []string) error {
	switch {
	case len(args) > 0:
		return usagef(fs.Name(), "takes no arguments, found %q", args[0])
	case f.action == "" || f.resource == "":
		return usagef(fs.Name(), "--action and --resource are required")
	}
	return stdinOnce(fs.Name(), "--source and --metadata", f.source, f.metadataFile)
}

// whoCanLine is a member that who-can lists.
type whoCanLine struct {
	Type      string            `json:"type"` // "member"
	ID        string            `json:"_id"`
	Email     string            `json:"email"`
	Decision  string            `json:"decision"` // "allow" or "unknown"
	Role      string            `json:"role,omitempty"`
	Builtin   bool              `json:"builtin,omitempty"`
	Team      string            `json:"team,omitempty"`
	Statement *int              `json:"statement"`
	Text      *policy.Statement `json:"policyStatement,omitempty"`
	Reason    string            `json:"reason"`
}

type whoCanCounts struct {
	Members int `json:"members"`
	Allowed int `json:"allowed"`
	Unknown int `json:"unknown"`
}

func runWhoCan(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	const cmd = "who-can"
	f := &whoCanFlags{}
	if _, err := parseCommand(cmd, f, args, stdout, whoCanUsage); err != nil {
		return helpIsDone(err)
	}
	meta, err := loadMetadata(f.metadataFile, stdin)
	if err != nil {
		return err
	}
	var snap *ldapi.Snapshot
	if f.source != "" {
		if snap, err = readSnapshot(f.source, stdin); err != nil {
			return err
		}
	}
	res, err := parseResourceFlag(f.resource, meta)
	if err != nil {
		return err
	}
	writeWarnings(stderr, unknownNames(f.action, &res, "--action", "--resource"))

	prog := newProgress(stdout, stderr)
	defer prog.done()
	bw := bufio.NewWriterSize(prog.stdout, 64<<10)
	defer bw.Flush()
	out := &output{w: bw}
	var counts whoCanCounts
	each := func(m *ldapi.Member, a *ldapi.Access, err error) error {
		counts.Members++
		line, listed, err := whoCan(m, a, err, f.action, &res)
		if err != nil || !listed {
			return err
		}
		if line.Decision == "allow" {
			counts.Allowed++
		} else {
			counts.Unknown++
		}
		if f.format == "json" {
			return out.writeJSON(line)
		}
		return writeWhoCanText(bw, line)
	}
	if snap != nil {
		err = snapshotAccess(snap, each)
	} else {
		err = accountAccess(ctx, cmd, &f.ldFlags, prog, each)
	}
	prog.done()
	if err != nil {
		var ee *exitError
		if errors.As(err, &ee) {
			return err
		}
		return ldErr(ctx, cmd, err, "")
	}
	if f.format == "json" {
		return out.writeJSON(struct {
			Type string `json:"type"`
			whoCanCounts
		}{"summary", counts})
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	_, err = fmt.Fprintf(prog.stderr, "\n%d member%s: %d allowed, %d unknown\n", counts.Members, plural(counts.Members), counts.Allowed, counts.Unknown)
	return err
}

// readSnapshot reads the snapshot of --source.
func readSnapshot(name string, stdin io.Reader) (*ldapi.Snapshot, error) {
	data, err := readInput(name, stdin)
	if err != nil {
		return nil, err
	}
	snap, err := ldapi.ReadSnapshot(data)
	if err != nil {
		err = inputErr(fmt.Errorf("%s: %v (write one with 'ldpolicy pull members -o FILE')", displayName(name), err))
	}
	return snap, err
}

// accountAccess calls each with every member of the account and their
// access, as ldapi builds it from the account.
func accountAccess(ctx context.Context, cmd string, f *ldFlags, prog *progress, each func(*ldapi.Member, *ldapi.Access, error) error) error {
	c, err := f.client(cmd, prog)
	if err != nil {
		return err
	}
	for m, err := range c.Members(ctx) {
		if err != nil {
			return err
		}
		a, err := c.Access(ctx, m, policy.Options{})
		if err := each(m, a, err); err != nil {
			return err
		}
	}
	return nil
}

// snapshotAccess calls each with every member of a snapshot and their
// access, as ldapi builds it from the snapshot.
func snapshotAccess(snap *ldapi.Snapshot, each func(*ldapi.Member, *ldapi.Access, error) error) error {
	for _, m := range snap.Members {
		a, err := snap.Access(m, policy.Options{})
		if err := each(m, a, err); err != nil {
			return err
		}
	}
	return nil
}

// whoCan decides the access for a member whose access is a, or err when
// it could not be built, and returns the member's line, and whether the
// member is listed at all: not when their roles deny the access. An
// error is returned only when err is not about the member's roles.
func whoCan(m *ldapi.Member, a *ldapi.Access, err error, act string, res *resource.Concrete) (whoCanLine, bool, error) {
	line := whoCanLine{Type: "member", ID: m.ID, Email: m.Email, Decision: "unknown"}
	var re *ldapi.RoleError
	switch {
	case errors.As(err, &re):
		line.Role, line.Team = re.Role.Key, re.Team
		line.Reason = fmt.Sprintf("ldpolicy cannot read role %s: %v", re.Role.Key, firstLine(re.Err.Error()))
		return line, true, nil
	case err != nil && len(m.CustomRoles) == 0 && !knownBuiltin(m.Role):
		line.Role, line.Builtin = m.Role, true
		line.Reason = fmt.Sprintf("built-in role %q is not one ldpolicy knows", m.Role)
		return line, true, nil
	case err != nil:
		return line, false, err
	}
	e := a.Member.Explain(act, res)
	d := e.Decision
	switch {
	case d.Allowed() && !d.Indeterminate:
		as := a.Assignments[d.Index]
		line.Decision, line.Role, line.Builtin, line.Team = "allow", as.Role, as.Builtin, as.Team
		if d.Statement >= 0 {
			st := a.Member.Grant(d.Index).Policy.Statement(d.Statement)
			line.Statement, line.Text = &d.Statement, &st
		}
		line.Reason = d.Reason()
		return line, true, nil
	case d.Indeterminate:
		var undecided []string
		for i, g := range e.Grants {
			if g.Decision.Indeterminate {
				undecided = append(undecided, describeAssignment(a.Assignments[i]))
			}
		}
		line.Reason = d.Reason()
		if len(undecided) > 0 {
			line.Reason += " (undecided: " + strings.Join(undecided, ", ") + ")"
		}
		return line, true, nil
	}
	for _, pg := range m.PermissionGrants {
		if grantMayAllow(pg, act, res) {
			what := pg.ActionSet
			if len(pg.Actions) > 0 {
				what = strings.Join(pg.Actions, ", ")
			}
			line.Reason = fmt.Sprintf("no role allows the access, but a permission grant (outside the model of roles) may: %s on %s", what, pg.Resource)
			return line, true, nil
		}
	}
	return line, false, nil
}

func knownBuiltin(role string) bool {
	_, err := policy.BuiltinGrant(role)
	return err == nil
}

// describeAssignment names a role as a member holds it.
func describeAssignment(as ldapi.Assignment) string {
	s := "role " + as.Role
	if as.Builtin {
		s = "built-in role " + as.Role
	}
	if as.Team != "" {
		s += " through team " + as.Team
	}
	return s
}

// grantMayAllow reports whether a permission grant may allow an access:
// when its resource matches and its actions do, or it names a set of
// actions, which ldpolicy does not know; or when ldpolicy cannot read it.
func grantMayAllow(pg ldapi.PermissionGrant, act string, res *resource.Concrete) bool {
	actions := pg.Actions
	if len(actions) == 0 {
		actions = []string{"*"}
	}
	set, err := policy.Compile([]policy.Statement{{Effect: policy.Allow, Actions: actions, Resources: []string{pg.Resource}}}, policy.Options{})
	if err != nil {
		return true
	}
	d := set.DecideConcrete(act, res)
	return d.Allowed() || d.Indeterminate
}

func writeWhoCanText(w io.Writer, l whoCanLine) error {
	var detail string
	switch {
	case l.Decision == "allow" && l.Statement != nil:
		detail = fmt.Sprintf("%s, statement %d: %s", describeAssignment(ldapi.Assignment{Role: l.Role, Builtin: l.Builtin, Team: l.Team}), *l.Statement, l.Text)
	case l.Decision == "allow":
		detail = fmt.Sprintf("%s: %s", describeAssignment(ldapi.Assignment{Role: l.Role, Builtin: l.Builtin, Team: l.Team}), l.Reason)
	default:
		detail = l.Reason
	}
	_, err := fmt.Fprintf(w, "%-7s  %-30s  %s\n", l.Decision, display.Printable(l.Email), display.Printable(detail))
	return err
}
