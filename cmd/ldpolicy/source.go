package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/ldpolicy/ldpolicy/internal/ldsource"
	"github.com/ldpolicy/ldpolicy/internal/policysource"
	"github.com/ldpolicy/ldpolicy/policy"
	"github.com/ldpolicy/ldpolicy/terraform"
)

// sourceUsage explains, in the help of the commands that take a policy,
// what names one.
const sourceUsage = `A policy is a policy file (JSON, as LaunchDarkly's REST API writes it;
"-" for stdin), or a resource of a Terraform source: a .tf file, a module
directory (every .tf file in it), or a file that holds the output of
"terraform show -json", a plan or the state (told by its content, not its
name). #ADDRESS after a Terraform source selects a resource by its
Terraform address: main.tf#launchdarkly_webhook.prod,
plan.json#module.ld.launchdarkly_custom_role.ops. Without one, a source
with one policy-bearing resource (launchdarkly_webhook,
launchdarkly_custom_role, launchdarkly_team_role_mapping or
launchdarkly_team) is that resource, and one with several is an error
that lists their addresses. A resource decides as the same policy in a
policy file does; a custom role from Terraform has "reader" base
permissions unless it gives others, as the provider does. Values that only
Terraform knows when it runs (variables, references, functions) are never
guessed: a policy that needs one is an error at the expression (exit
status 2), which says to read the output of terraform show -json instead.
Problems are located in the .tf file, with its line and a caret.

` + accountSourceUsage

// accountSourceUsage explains, in the help of the commands that take a
// policy, the ld: sources.
const accountSourceUsage = `A policy may also be read from your LaunchDarkly account, with its REST
API, by naming it so:

	ld:webhook/ID          a webhook's policy, as the policy file of its JSON
	ld:webhooks            the account's webhook, when it has one; with
	                       several, an error that lists their IDs
	ld:role/KEY            a custom role, with its base permissions as the
	                       API gives them
	ld:team/KEY            a team, which decides as a member of the team:
	                       who holds its roles, with its role attributes
	ld:member/ID-or-EMAIL  a member, who holds their custom roles (or else
	                       their built-in role) and their teams' roles,
	                       each with the role attributes of its assignment

Problems are located in the JSON that LaunchDarkly sent
(ld:webhook/ID:LINE:COLUMN). The access token is read from
LAUNCHDARKLY_ACCESS_TOKEN, and never printed: without it, naming an ld:
source is an error (exit status 2) that says how to set it. The instance
is --ld-host, or LAUNCHDARKLY_API_HOST, or else app.launchdarkly.com.
LaunchDarkly is asked nothing unless an ld: source is named; while it is
asked, Ctrl-C stops the command, with exit status 130. A file whose name
starts with "ld:" is named ./ld:...
`

// policyFlagUsage is the usage of the --policy flag of a webhook's policy.
const policyFlagUsage = "the policy `FILE` of the webhook, a Terraform source with #ADDRESS, or ld:webhook/ID"

// openSource reads what a policy argument names (policysource.Open): a
// policy file or "-", read with readInput, a Terraform source, or, with
// the client of ld, what an ld: argument names in a LaunchDarkly account.
func openSource(arg string, stdin io.Reader, ld *ldConn) (*policysource.Source, error) {
	r := policysource.Reader{
		File:    func(name string) ([]byte, error) { return readInput(name, stdin) },
		Account: ldsource.Reader(ld.clientFor),
	}
	if !policysource.IsAccount(arg) {
		return policysource.Open(ld.ctx, arg, r)
	}
	defer ld.watch()()
	src, err := policysource.Open(ld.ctx, arg, r)
	return src, ld.interrupted(err, "")
}

// openPolicy returns the one policy that a policy argument names, writing
// the problems of a Terraform source that cannot be read to stderr.
func openPolicy(arg string, stdin io.Reader, ld *ldConn, stderr io.Writer) (policysource.Policy, error) {
	src, err := openSource(arg, stdin, ld)
	if err != nil {
		return policysource.Policy{}, reportSourceErr(stderr, err)
	}
	return onePolicy(src, stderr)
}

// onePolicy returns the one policy of a source (policysource.Source.One),
// writing the problems of a resource that cannot be read to stderr.
func onePolicy(src *policysource.Source, stderr io.Writer) (policysource.Policy, error) {
	p, err := src.One()
	if err != nil {
		return policysource.Policy{}, reportSourceErr(stderr, err)
	}
	if r := p.Resource; r != nil && r.Err != nil {
		return policysource.Policy{}, reportSourceErr(stderr, r.Err)
	}
	return p, nil
}

// reportSourceErr writes the located problems of a Terraform source to
// stderr, and returns the error of exit status 2 of any error of reading a
// source.
func reportSourceErr(stderr io.Writer, err error) error {
	var errs terraform.ErrorList
	var ee *exitError
	switch {
	case errors.As(err, &errs):
		writeTerraformProblems(stderr, errs)
		return &exitError{code: exitUsage}
	case errors.As(err, &ee):
		return err
	}
	return inputErr(err)
}

// isRolePolicy reports whether a policy is a custom role: a role file, or
// a launchdarkly_custom_role.
func isRolePolicy(p policysource.Policy) bool {
	if r := p.Resource; r != nil {
		return r.Policy != nil && r.Policy.Kind == policy.RoleFile
	}
	return isRole(parsed(p.Name, p.Data))
}

// isTeam reports whether a policy is a team's: a
// launchdarkly_team_role_mapping, a launchdarkly_team, or ld:team/KEY.
func isTeam(p policysource.Policy) bool {
	h := ldsource.HolderOf(p)
	return p.Resource != nil && p.Resource.Team != nil || h != nil && h.Member == nil
}

// isHolder reports whether a policy is one of who holds roles: a team
// (isTeam), or ld:member/ID-or-EMAIL.
func isHolder(p policysource.Policy) bool { return isTeam(p) || ldsource.HolderOf(p) != nil }

// compileOne compiles a policy that decides alone, as a webhook's policy
// filter or, in the role context of opts, one role: a policy file, a
// launchdarkly_webhook or a launchdarkly_custom_role, ld:webhook/ID or
// ld:role/KEY (its "policy", as a role file's: two versions of a role
// compare alike whether one is read from LaunchDarkly or not; eval holds a
// member's roles with roleGrant). It writes the policy's warnings, or
// every problem it has, to stderr. A team or a member has no policy of its
// own: cmd says so.
func compileOne(cmd string, p policysource.Policy, opts policy.Options, stderr io.Writer) (*policy.Set, error) {
	r := p.Resource
	switch {
	case isTeam(p):
		return nil, usagef(cmd, "%s is a team, whose members hold its custom roles: %s takes a webhook's policy or a custom role's (eval --policy %s decides accesses as a member of the team)", p.Name, cmd, p.Name)
	case ldsource.HolderOf(p) != nil:
		return nil, usagef(cmd, "%s is a member, who holds roles: %s takes a webhook's policy or a custom role's (eval --policy %s decides accesses as the member)", p.Name, cmd, p.Name)
	case r == nil:
		return compilePolicy(p.Name, p.Data, nil, opts, stderr)
	}
	set, err := r.Policy.Compile(opts)
	var errs policy.ErrorList
	switch {
	case errors.As(err, &errs):
		writeResourceProblems(stderr, r.Address, errs)
		return nil, &exitError{code: exitUsage}
	case err != nil:
		return nil, inputErr(fmt.Errorf("%s: %v", p.Name, err))
	}
	writeResourceProblems(stderr, r.Address, set.Warnings())
	return set, nil
}

// loadPolicy reads and compiles the one policy that a policy argument
// names, as compileOne does.
func loadPolicy(cmd, arg string, stdin io.Reader, ld *ldConn, opts policy.Options, stderr io.Writer) (*policy.Set, error) {
	p, err := openPolicy(arg, stdin, ld, stderr)
	if err != nil {
		return nil, err
	}
	return compileOne(cmd, p, opts, stderr)
}

// writeTerraformProblems writes the problems of a Terraform source for
// people, as check does.
func writeTerraformProblems(w io.Writer, errs terraform.ErrorList) {
	var b strings.Builder
	srcs := sources{}
	for _, e := range errs {
		var pe *policy.Error
		p := problemJSON{Severity: "error", Message: e.Err.Error(), Offset: -1, at: e.Pos, address: e.Address}
		if errors.As(e.Err, &pe) {
			p = newProblem(pe)
			p.address = e.Address
		}
		writeProblem(&b, p, srcs)
	}
	io.WriteString(w, b.String())
}

// writeResourceProblems writes the problems of the policy of a Terraform
// resource, located in its source, for people.
func writeResourceProblems(w io.Writer, address string, errs policy.ErrorList) {
	var b strings.Builder
	srcs := sources{}
	for _, e := range errs {
		p := newProblem(e)
		p.address = address
		writeProblem(&b, p, srcs)
	}
	io.WriteString(w, b.String())
}

// sources are the files that problems are located in, each read once, to
// show the line of a problem and to count its column in characters.
type sources map[string][]byte

// get returns the content of the file name, nil when it cannot be read.
func (s sources) get(name string) []byte {
	if data, ok := s[name]; ok {
		return data
	}
	var data []byte
	if f, err := os.Open(name); err == nil {
		data, _ = io.ReadAll(io.LimitReader(f, terraform.MaxFileSize))
		f.Close()
	}
	s[name] = data
	return data
}

// maxShownLine bounds, in bytes, the line of a .tf file shown under a
// problem: a longer one is shown around the column only.
const maxShownLine = 160

// caret draws where a problem is, on two lines of its own: for a
// position in a .tf file, the line of the file with a caret under the
// column, so that the line shows what the Terraform source says; for
// another problem inside a value, the value with a caret under the byte
// at fault (offset). It returns "" when it can draw neither.
func (s sources) caret(at policy.Position, value string, offset int) string {
	if strings.HasSuffix(at.Filename, ".tf") && at.Line > 0 && at.Column > 0 {
		if line, col, ok := s.line(at); ok {
			return caret(line, col, "\t") + "\n"
		}
	}
	if value != "" && offset >= 0 {
		return caret(value, offset, "\t") + "\n"
	}
	return ""
}

// line returns the line of the file that at is in, or the part of it
// around at when it is long, and the byte offset of at in what it
// returns.
func (s sources) line(at policy.Position) (string, int, bool) {
	data := s.get(at.Filename)
	start := at.Offset - (at.Column - 1)
	if start < 0 || at.Offset > len(data) || bytes.IndexByte(data[start:at.Offset], '\n') >= 0 {
		return "", 0, false
	}
	end := bytes.IndexByte(data[start:], '\n')
	if end < 0 {
		end = len(data)
	} else {
		end += start
	}
	line, col := string(bytes.TrimSuffix(data[start:end], []byte("\r"))), at.Column-1
	if len(line) <= maxShownLine {
		return line, col, true
	}
	// Around the column, cut at characters.
	from, to := max(col-maxShownLine/2, 0), min(col+maxShownLine/2, len(line))
	for from > 0 && !utf8.RuneStart(line[from]) {
		from--
	}
	for to < len(line) && !utf8.RuneStart(line[to]) {
		to++
	}
	shown, col := line[from:to], col-from
	if from > 0 {
		shown, col = "…"+shown, col+len("…")
	}
	if to < len(line) {
		shown += "…"
	}
	return shown, col, true
}
