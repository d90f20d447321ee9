package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ldpolicy/ldpolicy/action"
	"github.com/ldpolicy/ldpolicy/internal/ldsource"
	"github.com/ldpolicy/ldpolicy/internal/policysource"
	"github.com/ldpolicy/ldpolicy/lint"
	"github.com/ldpolicy/ldpolicy/policy"
	"github.com/ldpolicy/ldpolicy/resource"
	"github.com/ldpolicy/ldpolicy/terraform"
)

const checkUsage = `usage: ldpolicy check [flags] PATH...
       ldpolicy check --fix [-d] [flags] PATH...
       ldpolicy check --list

Check validates policy files, and the policies of Terraform sources, and
lints them. It reports every problem of each file at once: those LaunchDarkly rejects (malformed JSON, unknown or
duplicate fields, a misspelt effect, missing or empty lists, malformed
specifiers) and the mistakes it accepts silently (a statement that names
environments where its actions act on the flags in them, unknown actions and
types, scoping no resource has, glob syntax beyond "*", names no key can
have, unbound role attributes, unknown property selectors, a type written
alone that has keys ("proj"), a view with an upper-case letter, statements
that never apply, are redundant or are overridden by a deny, a policy that
allows nothing, allow with notResources or notActions). Each finding has
a code with a severity; --list lists them with an example and, in text,
the date of LaunchDarkly's docs that the catalogue of resource types and
actions follows. An error is what LaunchDarkly rejects (LDP001 to LDP007),
or a type written alone that has keys (LDP109) or a malformed role
attribute value (LDP111). A warning is what it accepts but is very likely a
mistake, including every finding that rests on the catalogue of types and
actions, which lags LaunchDarkly: warnings fail a run only with --strict.
An info is about style, or says what was assumed.

A webhook object is checked as a webhook filter and a custom role object
({"key": ..., "policy": [...]}) as a custom role, with its base
permissions: "no_access" when it gives none, the REST API's default, which
an info finding (LDP208) says. A bare list of statements is a webhook
filter, or a custom role with --role. A role with "reader" base
permissions grants every view action, so only one with "no_access" is
reported as granting nothing on its own (LDP204).

Findings about statements together are found by trying accesses that
exercise every name and action of the policy, and say "seems". That
comparison has a budget of work, so that no policy decides how long a
check takes: a policy too large, or with patterns too complex (thousands of
brace groups with stars), is compared only in part, and LDP200, a warning,
says what was not checked and which pattern costs the most.

The text output prints each finding as

	FILE:LINE:COL: statements[N].resources[I]: warning: message [LDP101]

(no severity word for errors), followed, for a finding inside a specifier,
by the specifier with a caret under the byte at fault, and for a file
without errors by "FILE: valid, N statements" and its counts of warnings
and infos. Columns count bytes in text and JSON, characters in GitHub
annotations (as GitHub counts them), and UTF-16 code units in SARIF.

` + pathsUsage + `
` + excludeUsage + `
A Terraform source is checked resource by resource: every policy-bearing
resource, or the one at #ADDRESS, is a result of its own, named
SOURCE#ADDRESS ("main.tf#launchdarkly_webhook.prod: valid, 2 statements"),
a webhook or custom role checked as the same policy in a policy file is
(a custom role without base_permissions has "reader", the provider's
default), a team valid when it reads. Every finding is located in the .tf
file, at the string at fault, and shows the line of the .tf with a caret;
in text and JSON, it names the resource's address. A policy that cannot
be read without running Terraform, because a value it needs is a
variable, a reference or a function, or because the file does not parse,
is an error finding, LDP009, at the expression, in every format: the
output of terraform show -json, whose values Terraform resolved, can be
checked instead. Suppression files are not read for Terraform sources
(--suppress is).

A PATH may also be an ld: source of your LaunchDarkly account:
ld:webhook/ID and ld:role/KEY are checked as the policy file of the JSON
that LaunchDarkly sends, named so, and ld:webhooks checks every webhook of
the account; a team or a member (ld:team/KEY, ld:member/ID-or-EMAIL) has
no policy of its own (exit status 2). --fix does not take them (the fix
of each finding is in its message). The access token and the instance
are read as for an ld: policy (see "ldpolicy dry-run --help"); while
LaunchDarkly is asked, Ctrl-C stops check, with exit status 130.

--format json writes one JSON array of a record per file, or per resource
of a Terraform source (with its "address", and each finding with its
"file"), each with its findings; sarif writes SARIF 2.1.0 for code-scanning tools; github writes
GitHub Actions workflow commands (::error file=...,line=...::message) that
annotate the files in a pull request.

At most --max-findings findings (100) are shown for each file, the most
severe first, then in file order; one more line says how many more there
are, by severity ("omitted" and "counts" in JSON, a tool notification in
SARIF). The exit status counts them all.

A finding can be suppressed by code with --suppress, or in a file
FILE.lint beside FILE (the policy file itself stays as LaunchDarkly's API
takes it), one suppression a line: a code, optionally the path of a
statement or element it is limited to, then an optional reason; '#'
starts a comment:

	LDP205 statements[0]   everything but production flags, on purpose

A line of FILE.lint that matches no finding is reported (LDP008). The
problems LaunchDarkly rejects (LDP001 to LDP007) cannot be suppressed.

--fix applies the fixes that keep what the policy means, or that change
only what the message names in the one way LaunchDarkly's rules allow:
LDP007 (the ":/flag/" typo: the stray "/" goes) and LDP110 (a view key
with upper-case letters, which no view key has, in lower case). The fixes
of the other findings are suggestions, left to people: the nearest name of
a catalogue that lags LaunchDarkly (LDP102, LDP103), or names nobody wrote
filled in with "*" (LDP101, LDP104, LDP109). A fix replaces the JSON string
of the element at fault, and no other byte of the file; the file is
rewritten in place as fmt -w rewrites it. Every finding that is not
suppressed is fixed, not only the --max-findings shown. Each fix is noted
on stderr; when two fixes would replace one element, the first is applied
and the other is noted as not applied (--fix again applies it if it still
holds). Then the fixed file is checked: its findings are shown and decide
the exit status, as without --fix. --fix -d writes a unified diff of the
fixes instead of rewriting the files (stdin included), then the findings
of the fixed text, whose exit status it has. In SARIF, a finding that
--fix fixes carries its fix ("fixes": the element's region replaced by
the new JSON string). --fix does not rewrite Terraform sources, whose
layout is terraform fmt's: it notes on stderr each fix it would apply to
one, with the value to write instead.

--attribute NAME=VALUE,... binds a role attribute, as LaunchDarkly binds it
for a member or a team: each value is a pattern ("team-*"), matched where
"${roleAttribute/NAME}" stands, a name or a tag; the values are split at
the commas outside {...}. A malformed value is an error (LDP111) where a
specifier names the attribute.

Exit status: 0 when no file has an error finding (with --strict, nor a
warning), 1 otherwise, 2 for bad usage, a file that cannot be read (or
with --fix written; an ld: source that LaunchDarkly's API does not give) or
a malformed FILE.lint, 130 when Ctrl-C stopped the reading of an ld:
source.

Flags:
`

// suppressFlag collects --suppress CODE[,CODE...] codes.
type suppressFlag []lint.Suppression

func (s *suppressFlag) String() string { return "" }

func (*suppressFlag) repeatable() {}

func (s *suppressFlag) Set(v string) error {
	for _, code := range strings.Split(v, ",") {
		if err := lint.Suppressible(code); err != nil {
			return err
		}
		*s = append(*s, lint.Suppression{Code: code})
	}
	return nil
}

// maxFindings is the default of --max-findings: a hostile file can have a
// finding for every few bytes of its 16 MiB.
const maxFindings = 100

// checked is what check found in one policy: a policy file, or a
// resource of a Terraform source (or a Terraform source that could not be
// read at all).
type checked struct {
	file string // as displayed: the file, or SOURCE#ADDRESS for a resource
	// source is the Terraform source and address the resource's address,
	// for a Terraform policy; both are empty for a policy file, and
	// address is empty for a source that could not be read.
	source, address string
	// annotate is the file that annotations of the policy as a whole go
	// to: the policy file, or the .tf file of the resource.
	annotate   string
	team       *terraform.TeamRoles // for a team, which has no policy of its own
	data       []byte               // of a policy file
	policy     *policy.File         // when the file decodes
	findings   []lint.Finding       // at most --max-findings of them
	counts     [lint.Error + 1]int
	omitted    int  // counted in counts, not in findings
	statements int  // when the file decodes
	valid      bool // it compiles: no finding of LaunchDarkly's own checks
	err        error
}

// checkFlags are the flags of check.
type checkFlags struct {
	ldFlags
	format                      string
	lenient, strict, role, list bool
	fix, diff                   bool
	attrs                       attributeFlag
	suppress                    suppressFlag
	maxShown                    int
	exclude                     excludeFlag
}

func (f *checkFlags) register(fs *flag.FlagSet) {
	fs.Var(newFormatFlag(&f.format, "text", "json", "sarif", "github"), "format", "output `format`: text, json, sarif or github")
	fs.BoolVar(&f.lenient, "lenient", false, "accept the typo \":/flag/\" in specifiers, with a warning")
	fs.BoolVar(&f.strict, "strict", false, "exit with status 1 on warnings too")
	fs.BoolVar(&f.role, "role", false, "check bare lists of statements as custom roles with no_access base permissions (default: webhook filters); webhook and custom role objects are checked as what they are")
	f.attrs = attributeFlag{}
	fs.Var(f.attrs, "attribute", "bind a role attribute: `NAME=VALUE[,VALUE...]` (repeatable)")
	fs.Var(&f.suppress, "suppress", "leave out the findings of these codes: `CODE[,CODE...]` (repeatable)")
	fs.BoolVar(&f.list, "list", false, "list the codes of the findings, with their severity and an example, and the date of the catalogue")
	fs.IntVar(&f.maxShown, "max-findings", maxFindings, "show at most `N` findings of each file, the most severe first (0: all)")
	fs.BoolVar(&f.fix, "fix", false, "apply the fixes of LDP007 and LDP110 to the files in place, then check the fixed files")
	fs.BoolVar(&f.diff, "d", false, "with --fix: write a unified diff of the fixes instead of rewriting the files")
	fs.BoolVar(&f.diff, "diff", false, "the same as -d")
	f.exclude.register(fs)
	f.ldFlags.register(fs)
}

// check reports bad usage.
func (f *checkFlags) check(_ *flag.FlagSet, files []string) error {
	switch {
	case f.list && len(files) > 0:
		return usagef("check", "--list takes no files")
	case f.list && f.fix:
		return usagef("check", "--list fixes nothing: --fix takes files")
	case f.list:
		return nil
	case len(files) == 0:
		return usagef("check", "no policy files given")
	case stdinReaders(files) > 1:
		return usagef("check", "stdin can be read only once")
	case f.diff && !f.fix:
		return usagef("check", "-d shows what --fix changes: give --fix too")
	case f.fix && !f.diff && stdinReaders(files) > 0:
		return usagef("check", "--fix rewrites files in place, and stdin is not a file (--fix -d shows the fixes)")
	case f.fix && accountArg(files) != "":
		// Nor does -d show the diff, which would quote a webhook's
		// secret.
		return usagef("check", "--fix fixes files, and %s is in your LaunchDarkly account, not a file: pull it into one (ldpolicy pull), or apply the fixes that check shows", accountArg(files))
	case f.diff && (f.format == "json" || f.format == "sarif"):
		return usagef("check", "-d writes diffs to stdout, where --format %s writes one document", f.format)
	}
	// A malformed value is a finding (LDP111) where the policy names the
	// attribute.
	if err := f.attrs.check("check", false); err != nil {
		return err
	}
	if f.maxShown < 0 {
		return usagef("check", "--max-findings must be 0 or more, not %d", f.maxShown)
	}
	return nil
}

func runCheck(f *checkFlags, files []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if f.list {
		return listRules(stdout, f.format)
	}
	opts := lint.Options{Policy: policy.Options{Lenient: f.lenient, Attributes: f.attrs}, MaxFindings: f.maxShown}
	if f.role {
		opts.Policy.Context = policy.Role
	}

	found, err := policyWalker("check", f.exclude).find(files, stderr)
	if err != nil {
		return err
	}
	ld := f.conn(nil, "check")
	var results []checked
	unreadable, failed := 0, 0
	for _, in := range found {
		rs := []checked{{file: in.path, err: in.err}}
		if in.err == nil {
			rs = f.checkPath(in, stdin, ld, opts, stdout, stderr)
		}
		if ld.ctx.Err() != nil {
			return ldErr(ld.ctx, "check", context.Canceled, "")
		}
		for _, r := range rs {
			if r.err != nil {
				unreadable++
				fmt.Fprintf(stderr, "ldpolicy: %v\n", r.err)
			}
			if r.counts[lint.Error] > 0 || f.strict && r.counts[lint.Warning] > 0 {
				failed++
			}
			results = append(results, r)
		}
	}

	if len(results) == 0 {
		// Only modules without policy-bearing resources were found.
		return inputErr(errors.New("check: nothing to check: no policy-bearing resource in the Terraform modules found"))
	}
	switch err := writeChecked(stdout, f.format, results); {
	case err != nil:
		return err
	case unreadable > 0:
		return &exitError{code: exitUsage}
	case failed > 0:
		return &exitError{code: exitNo}
	}
	return nil
}

// listRules writes the codes of the findings (--list), and for people the
// date of the catalogue of resource types and actions.
func listRules(stdout io.Writer, format string) error {
	if err := writeRules(stdout, format); err != nil {
		return err
	}
	if format == "json" {
		return nil // an array of rules, as before
	}
	_, err := fmt.Fprintf(stdout, "\ncatalogue of resource types and actions: LaunchDarkly docs as of %s\n", action.Refreshed())
	return err
}

// writeChecked writes what check found in the files, in the format.
func writeChecked(stdout io.Writer, format string, results []checked) error {
	switch format {
	case "json":
		return writeCheckJSON(stdout, results)
	case "sarif":
		return writeSARIF(stdout, results)
	case "github":
		return writeGitHub(stdout, results)
	}
	return writeCheckText(stdout, results)
}

// checkPath checks what a PATH names, or what was found in a directory:
// a policy file, or each policy-bearing resource of a Terraform source
// (every one, unless the path selects one with #ADDRESS). A module found
// in a directory without such a resource is noted on stderr, and has no
// result. What an ld: argument names is checked by checkAccount.
func (f *checkFlags) checkPath(in found, stdin io.Reader, ld *ldConn, opts lint.Options, stdout, stderr io.Writer) []checked {
	src, err := openSource(in.path, stdin, ld)
	var errs terraform.ErrorList
	switch {
	case errors.As(err, &errs):
		r := checked{file: displayName(in.path), source: displayName(in.path), annotate: displayName(in.path)}
		r.problems(errs, opts.MaxFindings)
		return []checked{r}
	case err != nil:
		var ee *exitError
		if errors.As(err, &ee) {
			err = ee.err
		}
		return []checked{{file: displayName(in.path), err: err}}
	case src.Account != nil:
		return f.checkAccount(src, opts)
	case src.Terraform == nil:
		return []checked{checkFile(in.path, src.Data, opts, f.suppress, f.fixer(stdout, stderr))}
	}
	ps, err := src.Policies()
	switch {
	case err != nil && in.module && len(src.Terraform.Resources) == 0:
		fmt.Fprintf(stderr, "ldpolicy: check: %s: skipped: a Terraform module without a policy-bearing resource\n", src.Name)
		return nil
	case err != nil:
		return []checked{{file: displayName(in.path), err: err}}
	}
	opts.Suppress = f.suppress // no suppression file: see checkUsage
	out := make([]checked, len(ps))
	for i, p := range ps {
		out[i] = checkResource(p, opts, f.fix, stderr)
	}
	return out
}

// checkAccount checks what an ld: argument names: each webhook, and the
// custom role, as a policy file of its JSON (named ld:webhook/ID and
// ld:role/KEY); a team or a member, who hold roles, has no policy of its
// own to check.
func (f *checkFlags) checkAccount(src *policysource.Source, opts lint.Options) []checked {
	ps, err := src.Policies()
	if err != nil {
		return []checked{{file: src.Name, err: err}}
	}
	out := make([]checked, len(ps))
	for i, p := range ps {
		if ldsource.HolderOf(p) != nil {
			out[i] = checked{file: p.Name, err: fmt.Errorf("%s holds roles, and has no policy of its own: check each of its roles, ld:role/KEY", p.Name)}
			continue
		}
		out[i] = checkFile(p.Name, p.Data, opts, f.suppress, nil)
	}
	return out
}

// accountArg returns the first of args that is an ld: argument, or "".
func accountArg(args []string) string {
	for _, a := range args {
		if policysource.IsAccount(a) {
			return a
		}
	}
	return ""
}

// checkResource checks the policy of a Terraform resource: the problems
// that stopped it from being read, as findings where they are (LDP009,
// and those of decoding its statements), or its findings. A team has no
// policy of its own to check. With fix, it says on stderr that the fixes
// are not applied: the layout of .tf files is terraform fmt's.
func checkResource(p policysource.Policy, opts lint.Options, fix bool, stderr io.Writer) checked {
	res := p.Resource
	r := checked{file: p.Name, source: p.Source, address: res.Address, annotate: res.Pos.Filename}
	var errs terraform.ErrorList
	switch {
	case errors.As(res.Err, &errs):
		r.problems(errs, opts.MaxFindings)
		return r
	case res.Err != nil:
		r.err = fmt.Errorf("%s: %v", p.Name, res.Err)
		return r
	case res.Team != nil:
		r.team, r.valid = res.Team, true
		return r
	}
	rep, err := lint.Check(res.Policy, opts)
	if err != nil {
		r.err = err
		return r
	}
	r.policy, r.statements = res.Policy, len(res.Policy.Statements)
	r.report(rep, true)
	if fix {
		for _, fd := range r.findings {
			if rule, _ := lint.LookupRule(fd.Code); rule.Fixable() && fd.Fix != "" {
				fmt.Fprintf(stderr, "ldpolicy: check: %s: %s not fixed: --fix does not rewrite Terraform sources; write %q there\n", place(fd, res.Address), fd.Code, fd.Fix)
			}
		}
	}
	return r
}

// problems records the problems that stopped a Terraform policy from being
// read as its findings, at most max of them when max is positive. A
// problem of the source as a whole that is about a resource names it.
func (r *checked) problems(errs terraform.ErrorList, max int) {
	for i, e := range errs {
		fd := lint.SourceProblem(e.Pos, e.Err)
		if e.Address != "" && e.Address != r.address && fd.Code == "LDP009" {
			fd.Message = e.Address + ": " + fd.Message
		}
		r.counts[fd.Severity]++
		if max > 0 && i >= max {
			r.omitted++
			continue
		}
		r.findings = append(r.findings, fd)
	}
}

// checkFile checks a policy file, whose content is data, with the
// suppressions of the flags and of its suppression file. With a fixer, it
// fixes the file first, and checks what the fixes made of it.
func checkFile(name string, data []byte, opts lint.Options, suppress []lint.Suppression, fix *fixer) checked {
	r := checked{file: displayName(name), annotate: displayName(name)}
	var err error
	if opts.Suppress, r.err = suppressions(name, suppress); r.err != nil {
		return r
	}
	if fix != nil {
		// Every finding's fix, not only those --max-findings shows.
		all := opts
		all.MaxFindings = 0
		if r.check(data, all); r.err != nil {
			return r
		}
		if data, err = fix.apply(name, &r); err != nil {
			r.err = err
			return r
		}
		r = checked{file: r.file, annotate: r.annotate}
	}
	r.check(data, opts)
	return r
}

// suppressions returns the suppressions of the flags, and those of the
// suppression file of the file name, if it has one.
func suppressions(name string, suppress []lint.Suppression) ([]lint.Suppression, error) {
	all := append([]lint.Suppression{}, suppress...)
	if name == "-" {
		return all, nil
	}
	side, err := os.ReadFile(name + ".lint")
	switch {
	case err == nil:
		s, err := lint.ParseSuppressions(name+".lint", side)
		if err != nil {
			return nil, err
		}
		return append(all, s...), nil
	case !errors.Is(err, os.ErrNotExist):
		return nil, err
	}
	return all, nil
}

// check checks data, the source of the file r.
func (r *checked) check(data []byte, opts lint.Options) {
	r.data = data
	f, perr := policy.ParseFile(r.file, data)
	var rep *lint.Report
	var err error
	if perr == nil {
		rep, err = lint.Check(f, opts)
		r.policy, r.statements = f, len(f.Statements)
	} else {
		rep, err = lint.CheckSource(r.file, data, opts)
	}
	if err != nil {
		r.err = err
		return
	}
	r.report(rep, perr == nil)
}

// report records the findings of a check of r; decoded says whether its
// policy decoded.
func (r *checked) report(rep *lint.Report, decoded bool) {
	r.findings, r.counts, r.omitted = rep.Findings, rep.Counts, rep.Omitted()
	// Valid for LaunchDarkly: it decodes, and no finding is of the
	// problems LaunchDarkly rejects (LDP001 to LDP007). The errors are
	// kept first, so an omitted one is among them only when more than
	// --max-findings errors are.
	r.valid = decoded
	for _, fd := range r.findings {
		if fd.Code < "LDP008" && fd.Severity == lint.Error {
			r.valid = false
		}
	}
}

// omittedCounts returns the counts, by severity, of the findings of r
// that are not shown.
func (r *checked) omittedCounts() [lint.Error + 1]int {
	c := r.counts
	for _, f := range r.findings {
		c[f.Severity]--
	}
	return c
}

// omittedLine says how many findings of r are not shown, by severity:
// "47 more findings in FILE not shown (3 errors, 44 warnings)".
func (r *checked) omittedLine() string {
	c := r.omittedCounts()
	var parts []string
	for _, sev := range []lint.Severity{lint.Error, lint.Warning, lint.Info} {
		if n := c[sev]; n > 0 {
			word := sev.String() + plural(n)
			if sev == lint.Info {
				word = "info"
			}
			parts = append(parts, fmt.Sprintf("%d %s", n, word))
		}
	}
	return fmt.Sprintf("%d more finding%s in %s not shown (%s): --max-findings 0 shows them all", r.omitted, plural(r.omitted), r.file, strings.Join(parts, ", "))
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// problemJSON is one problem of a policy that does not compile. Statement,
// index and offset are -1 when they do not apply.
type problemJSON struct {
	Severity  string `json:"severity"` // "error" or "warning"
	Line      int    `json:"line"`
	Column    int    `json:"column"`
	Path      string `json:"path"` // "statements[N].field[I]"
	Statement int    `json:"statement"`
	Field     string `json:"field"`
	Index     int    `json:"index"`
	Value     string `json:"value,omitempty"` // the specifier at fault
	Offset    int    `json:"offset"`          // the byte offset in Value
	Message   string `json:"message"`
	Fix       string `json:"fix,omitempty"` // Value as it was probably meant
	at        policy.Position
	address   string // of the Terraform resource whose policy it is in
}

func newProblem(e *policy.Error) problemJSON {
	severity := "error"
	if e.Warning {
		severity = "warning"
	}
	p := problemJSON{
		Severity:  severity,
		Line:      e.Pos.Line,
		Column:    e.Pos.Column,
		Path:      e.Path(),
		Statement: e.Statement,
		Field:     e.Field,
		Index:     e.Index,
		Value:     e.Value,
		Offset:    e.Offset,
		Message:   e.Message(),
		at:        e.Pos,
	}
	var se *resource.SyntaxError
	if errors.As(e.Err, &se) {
		p.Fix = se.Fix
	}
	return p
}

// writeProblems writes problems for people, as check does.
func writeProblems(w io.Writer, errs policy.ErrorList) {
	writeResourceProblems(w, "", errs)
}

// writeProblem writes a problem for people: where it is, the address of
// its Terraform resource if any, its path, and its message, then where it
// is drawn with a caret (sources.caret).
func writeProblem(b *strings.Builder, p problemJSON, srcs sources) {
	loc := p.at.String()
	for _, part := range []string{p.address, p.Path} {
		if part != "" {
			if loc != "" {
				loc += ": "
			}
			loc += part
		}
	}
	if loc == "" {
		loc = "ldpolicy" // a problem with the options, not a file
	}
	b.WriteString(loc)
	b.WriteString(": ")
	if p.Severity == "warning" {
		b.WriteString("warning: ")
	}
	b.WriteString(p.Message)
	b.WriteString("\n")
	b.WriteString(srcs.caret(p.at, p.Value, p.Offset))
}

// caret shows s on one line with a caret under the character at byte
// offset off. Characters that would not show, or would move the caret, are
// drawn as '·'.
func caret(s string, off int, indent string) string {
	var line, under strings.Builder
	line.WriteString(indent)
	under.WriteString(indent)
	for i, r := range s {
		if i < off {
			under.WriteByte(' ')
		}
		if r == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD") || !unicode.IsGraphic(r) || r == '\t' {
			r = '·'
		}
		line.WriteRune(r)
	}
	under.WriteByte('^')
	return line.String() + "\n" + under.String()
}
