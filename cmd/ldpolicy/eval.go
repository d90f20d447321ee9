package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/ldpolicy/ldpolicy/action"
	"github.com/ldpolicy/ldpolicy/event"
	"github.com/ldpolicy/ldpolicy/internal/ldsource"
	"github.com/ldpolicy/ldpolicy/internal/policysource"
	"github.com/ldpolicy/ldpolicy/match"
	"github.com/ldpolicy/ldpolicy/policy"
	"github.com/ldpolicy/ldpolicy/resource"
)

const evalUsage = `usage: ldpolicy eval --policy FILE --action ACTION --resource RESOURCE [flags]
       ldpolicy eval --policy FILE --event FILE [flags]
       ldpolicy eval --role --policy FILE [--policy FILE...] --action ACTION --resource RESOURCE [flags]

Eval decides one access, or whether a webhook with the policy receives one
event (a captured payload: its "accesses", and the tags its body gives of the
changed resource), and explains why.

An access is denied when a deny statement applies, allowed when an allow
statement applies and no deny statement does, and denied when none applies.
A webhook receives an event when at least one of its accesses is allowed
(with --mode all, when every one is); an event without accesses is not
delivered; a webhook without statements receives every event.

With --role, each --policy is a custom role ({"key": ..., "policy": [...],
"basePermissions": ...}, or a bare list of statements), and eval decides
for a member who holds all of them (a custom role file is decided as a
role without --role too), as LaunchDarkly combines roles: the
access is allowed when at least one role allows it, even if another role
denies it (a deny takes away only what its own role grants). A role
without statements grants nothing. Base permissions "reader" allow every
action whose name starts with "view", unless a deny statement of the same
role applies; a role file without basePermissions is taken as "no_access",
the REST API's default, and eval says so. The answer names the role that
allowed the access, or gives each role's reason for denying it. --attribute
binds the member's role attributes, for every role. A webhook has one
policy: --policy may be repeated only with --role. A webhook file is not a
role, and a custom role receives no events (--event).

An action or resource type that the catalogue does not know (a typo, or a
name newer than the catalogue) is a warning on stderr, as check warns of it
in a policy, with the documented name probably meant:

	ldpolicy: --action: warning: unknown action "updateOnn": did you mean "updateOn"?

Eval still decides, and exits as the decision says. With --event, the
accesses of the event are checked alike, each warning located in the file
(FILE:LINE:COLUMN: accesses[N].action: warning: ...).

With --format json, the decision is one object, which has "warnings" when
there are any: each with "path" (--action, --resource, or
accesses[N].action and accesses[N].resource), "message", "suggestion" (the
name probably meant, when there is one) and, for --event, "file", "line"
and "column". A member's decision is one object: "decision",
"indeterminate", "role" (the key of the role that allowed, or null),
"statement" (its deciding statement, or null for base permissions),
"reason", and "roles", each role's own: "role", "file",
"basePermissions", "basePermissionsAssumed" and its "decision" as for one
policy.

Tags, properties and views of a resource come inline, as in
"proj/p:env/qa;qa_test,{critical:true}:flag/f", from the event (for a flag
event, currentVersion.tags are the flag's tags), or from --metadata. A
decision that metadata nobody supplied could change is indeterminate, and is
made with that metadata taken as absent.

The policy file is a JSON array of statements, a webhook ({"statements":
[...]}) or a custom role ({"policy": [...]}); "-" reads it from stdin.

` + sourceUsage + `
A launchdarkly_custom_role is a role, as a custom role file is. A team
(launchdarkly_team_role_mapping or launchdarkly_team) decides as a member
of the team: who holds each of its custom roles, with the team's role
attributes (--attribute binds those it does not); its roles must be
resources of the same source (a role managed elsewhere is an error, as
its policy is not known). With --role, a team's roles add to those of the
other --policy. ld:role/KEY is a role too, held as LaunchDarkly holds it:
with the statements of its "_presetStatements" (a role created from a
preset) that its "policy" does not repeat, as who-can holds it.
ld:team/KEY and ld:member/ID-or-EMAIL decide as who-can decides for a
member: with the roles and role attributes that LaunchDarkly gives them
(--attribute binds none of those). A built-in role reader or no_access
decides as its base permissions; writer, admin and owner, whose
statements LaunchDarkly does not publish, make a decision they could
change indeterminate. A built-in role is "built-in role" in text, and
"builtin": true in JSON. A member's permission grants are outside the
model of roles: the decision leaves them out, and says so ("left out:" in
text, "unmodeled" in JSON). An
--event file holds one event; a malformed one is reported at the line and
column of the problem (FILE:LINE:COLUMN: message), as dry-run reports it.

Exit status: 0 for allow or delivered, 1 for deny or not delivered, 2 for
bad usage or input (an error of LaunchDarkly's API included), 130 when
Ctrl-C stopped the reading of an ld: source. An indeterminate decision exits as the decision it
reports, and is marked: "(indeterminate)" in text, "indeterminate": true in
JSON.

Flags:
`

// attributeFlag collects --attribute NAME=VALUE[,VALUE...] bindings. The
// values are split at the commas outside {...}, so that a value can be a
// pattern with alternatives: --attribute 'teams={web,mobile}-*,ops'.
type attributeFlag map[string][]string

func (a attributeFlag) String() string { return "" }

func (attributeFlag) repeatable() {}

func (a attributeFlag) Set(s string) error {
	name, values, ok := strings.Cut(s, "=")
	if !ok || name == "" {
		return fmt.Errorf("expected NAME=VALUE[,VALUE...], found %q", s)
	}
	if _, ok := a[name]; !ok {
		a[name] = []string{} // NAME= binds the attribute to no values
	}
	depth, start := 0, 0
	for i := 0; values != "" && i <= len(values); i++ {
		switch {
		case i < len(values) && values[i] == '{':
			depth++
		case i < len(values) && values[i] == '}' && depth > 0:
			depth--
		case i == len(values) || values[i] == ',' && depth == 0:
			a[name] = append(a[name], values[start:i])
			start = i + 1
		}
	}
	return nil
}

// check reports the first binding whose name is not a key or, with
// values set, whose value is not a well-formed pattern, as a usage error
// of command cmd.
func (a attributeFlag) check(cmd string, values bool) error {
	names := make([]string, 0, len(a))
	for name := range a {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if !resource.IsKey(name) {
			return usagef(cmd, "--attribute %s: %q is not a key", name, name)
		}
		for _, v := range a[name] {
			var ae *resource.AttributeError
			if err := resource.CheckValue(name, v); values && errors.As(err, &ae) {
				return usagef(cmd, "--attribute %s: malformed value %q at offset %d: %s", name, v, ae.Offset, ae.Msg)
			}
		}
	}
	return nil
}

// evalFlags are the flags of eval.
type evalFlags struct {
	ldFlags
	policyFiles                                   stringList
	action, resource, eventFile, format, metadata string
	mode                                          policy.Mode
	lenient, role                                 bool
	attrs                                         attributeFlag
}

func (f *evalFlags) register(fs *flag.FlagSet) {
	fs.Var(&f.policyFiles, "policy", "the policy `FILE` (\"-\" for stdin), a Terraform source with #ADDRESS, or an ld: source (ld:webhook/ID, ld:role/KEY, ld:team/KEY, ld:member/ID-or-EMAIL); with --role, repeat it for each role, team or member whose roles the member holds")
	f.ldFlags.register(fs)
	fs.StringVar(&f.action, "action", "", "the `ACTION` of the access, such as updateOn")
	fs.StringVar(&f.resource, "resource", "", "the `RESOURCE` of the access, such as proj/default:env/production:flag/dark-mode")
	fs.StringVar(&f.eventFile, "event", "", "a webhook payload `FILE` to decide delivery of (\"-\" for stdin)")
	fs.Var(newFormatFlag(&f.format, "text", "json"), "format", "output `format`: text or json")
	fs.Var(modeFlag{&f.mode}, "mode", "for --event, deliver when `any` access is allowed, or only when all are")
	fs.BoolVar(&f.lenient, "lenient", false, "read the typo \":/flag/\" in specifiers as \":flag/\", with a warning")
	fs.BoolVar(&f.role, "role", false, "decide as a custom role, where an empty policy grants nothing")
	fs.StringVar(&f.metadata, "metadata", "", "a JSON `FILE` of tags, properties and views by resource path")
	f.attrs = attributeFlag{}
	fs.Var(f.attrs, "attribute", "bind a role attribute: `NAME=VALUE[,VALUE...]` (repeatable)")
}

// check reports bad usage: arguments, and flags that go together or
// exclude each other.
func (f *evalFlags) check(fs *flag.FlagSet, rest []string) error {
	set := func(name string) bool { return flagGiven(fs, name) }
	switch {
	case len(rest) > 0:
		return usagef("eval", "unexpected argument %q", rest[0])
	case len(f.policyFiles) == 0:
		return usagef("eval", "--policy is required")
	case len(f.policyFiles) > 1 && !f.role:
		return usagef("eval", "--policy is given %d times: a webhook has one policy; with --role, each --policy is a role of one member", len(f.policyFiles))
	case len(f.policyFiles) > 1 && f.eventFile != "":
		return usagef("eval", "--event decides a webhook's delivery, under one --policy; several roles decide accesses (--action and --resource)")
	case f.eventFile != "" && (set("action") || set("resource")):
		return usagef("eval", "give either --event or --action and --resource, not both")
	case f.eventFile == "" && (!set("action") || !set("resource")):
		return usagef("eval", "give --action and --resource, or --event")
	case f.eventFile == "" && set("mode"):
		return usagef("eval", "--mode applies to --event only")
	}
	if err := stdinOnce("eval", "--policy, --event and --metadata", append([]string{f.eventFile, f.metadata}, f.policyFiles...)...); err != nil {
		return err
	}
	return f.attrs.check("eval", true)
}

// runEval runs eval; its arguments are all flags, which f.check has
// checked.
func runEval(f *evalFlags, _ []string, stdin io.Reader, stdout, stderr io.Writer) error {
	opts := policy.Options{Lenient: f.lenient, Attributes: f.attrs}
	if f.role {
		opts.Context = policy.Role
	}
	ld := f.conn(nil, "eval")
	pols := make([]policysource.Policy, len(f.policyFiles))
	for i, arg := range f.policyFiles {
		var err error
		if pols[i], err = openPolicy(arg, stdin, ld, stderr); err != nil {
			return err
		}
	}
	// A custom role is a role, with or without --role, and a team's
	// members hold its roles; neither receives events.
	first := pols[0]
	switch {
	case f.eventFile != "" && isTeam(first):
		return usagef("eval", "%s is a team, whose members receive no events: --event decides a webhook's delivery; decide the event's accesses with --action and --resource", first.Name)
	case f.eventFile != "" && ldsource.HolderOf(first) != nil:
		return usagef("eval", "%s is a member, who receives no events: --event decides a webhook's delivery; decide the event's accesses with --action and --resource", first.Name)
	case f.eventFile != "" && isRolePolicy(first):
		return usagef("eval", "%s is a custom role, which receives no events: --event decides a webhook's delivery; decide the event's accesses with --action and --resource", first.Name)
	case f.eventFile == "" && (f.role || isRolePolicy(first) || isHolder(first)):
		return evalMember(f, pols, opts, ld, stdin, stdout, stderr)
	}
	pol, err := compileOne("eval", first, opts, stderr)
	if err != nil {
		return err
	}
	meta, err := loadMetadata(f.metadata, stdin)
	if err != nil {
		return err
	}
	out := &output{w: stdout, json: f.format == "json", set: pol}
	if f.eventFile == "" {
		return evalAccess(out, f.action, f.resource, meta, stderr)
	}
	return evalEvent(out, f.eventFile, f.mode, meta, stdin, stderr)
}

// evalAccess decides an access under the policy of out, and explains why.
func evalAccess(out *output, act, res string, meta resource.Resolver, stderr io.Writer) error {
	c, err := parseResourceFlag(res, meta)
	if err != nil {
		return err
	}
	out.warnings = unknownNames(act, &c, "--action", "--resource")
	writeWarnings(stderr, out.warnings)
	e := out.set.Explain(act, &c)
	if err := out.access(act, e); err != nil {
		return err
	}
	return exitNoUnless(e.Decision.Allowed())
}

// evalEvent decides whether a webhook with the policy of out receives the
// event of the file name, and explains why.
func evalEvent(out *output, name string, mode policy.Mode, meta resource.Resolver, stdin io.Reader, stderr io.Writer) error {
	data, err := readInput(name, stdin)
	if err != nil {
		return err
	}
	// A malformed event is located in the file: file:line:col.
	malformed := func(err error) error {
		line, col := event.Position(data, errorOffset(err))
		return inputErr(fmt.Errorf("%s:%d:%d: %v", displayName(name), line, col, err))
	}
	var h event.Head
	if err := readHead(data, &h); err != nil {
		return malformed(err)
	}
	// The tags the event's body gives of the changed resource come first,
	// then the metadata file.
	var ev policy.Event
	if err := parseAccesses(&ev, &h, data, resource.Chain{&h, meta}); err != nil {
		return malformed(err)
	}
	for i, a := range h.Accesses {
		ws := unknownNames(a.Action, ev.Resource(i), fmt.Sprintf("accesses[%d].action", i), fmt.Sprintf("accesses[%d].resource", i))
		for j := range ws {
			// Located at the string of the action, or of the resource.
			w := &ws[j]
			if off, ok := event.AccessOffset(data, i, w.field, 0); ok {
				w.File = displayName(name)
				w.Line, w.Column = event.Position(data, off)
			}
		}
		out.warnings = append(out.warnings, ws...)
	}
	writeWarnings(stderr, out.warnings)
	_, delivery := out.set.DecideEvent(nil, &ev, mode)
	explained := make([]policy.Explanation, len(h.Accesses))
	for i, a := range h.Accesses {
		explained[i] = out.set.Explain(a.Action, ev.Resource(i))
	}
	if err := out.event(h.Accesses, explained, delivery); err != nil {
		return err
	}
	return exitNoUnless(delivery.Delivered)
}

// exitNoUnless returns the exit status 1 of a deny, or of an event not
// delivered, unless ok; the decision has been written.
func exitNoUnless(ok bool) error {
	if !ok {
		return &exitError{code: exitNo}
	}
	return nil
}

// parsed returns data parsed as a policy file, or nil when it does not
// parse: its problems are reported when it is compiled.
func parsed(name string, data []byte) *policy.File {
	f, err := policy.ParseFile(displayName(name), data)
	if err != nil {
		return nil
	}
	return f
}

// isRole reports whether f, which may be nil, is a custom role ({"policy":
// [...]}).
func isRole(f *policy.File) bool { return f != nil && f.Kind == policy.RoleFile }

// queryWarning is what the catalogue says of an action or resource type of
// a query that it does not know, such as a typo: eval still decides, and
// says it on stderr and, in JSON, in "warnings".
type queryWarning struct {
	// File, Line and Column locate the name in an --event file.
	File   string `json:"file,omitempty"`
	Line   int    `json:"line,omitempty"`
	Column int    `json:"column,omitempty"`
	// Path is where the name is: "--action", "--resource",
	// "accesses[0].action".
	Path    string `json:"path"`
	Message string `json:"message"`
	// Suggestion is the documented name probably meant, if any.
	Suggestion string `json:"suggestion,omitempty"`
	field      string // of the access: "action" or "resource"
}

func (w queryWarning) String() string {
	where := w.Path
	if w.Line > 0 {
		where = fmt.Sprintf("%s:%d:%d: %s", w.File, w.Line, w.Column, w.Path)
	}
	return where + ": warning: " + w.Message
}

// unknownNames returns the warnings of an access whose action, or a type of
// whose resource, the catalogue does not know (action.UnknownAction and
// action.UnknownType, as check warns of them in policies). actionPath and
// resourcePath say where the action and the resource come from.
func unknownNames(act string, c *resource.Concrete, actionPath, resourcePath string) []queryWarning {
	var ws []queryWarning
	if msg, sug := action.UnknownAction(act); msg != "" {
		ws = append(ws, queryWarning{Path: actionPath, Message: msg, Suggestion: sug, field: "action"})
	}
	for i := 0; i < c.Len(); i++ {
		typ, again := c.Type(i), false
		for j := 0; j < i; j++ {
			again = again || c.Type(j) == typ
		}
		if msg, sug := action.UnknownType(typ); msg != "" && !again {
			ws = append(ws, queryWarning{Path: resourcePath, Message: msg, Suggestion: sug, field: "resource"})
		}
	}
	return ws
}

// writeWarnings writes the warnings of a query to stderr.
func writeWarnings(stderr io.Writer, ws []queryWarning) {
	for _, w := range ws {
		fmt.Fprintf(stderr, "ldpolicy: %s\n", w)
	}
}

// parseResourceFlag parses --resource and resolves its metadata.
func parseResourceFlag(res string, resolver resource.Resolver) (resource.Concrete, error) {
	c, err := resource.ParseConcrete(res)
	if err != nil {
		return c, inputErr(fmt.Errorf("--resource: %s", describeSyntaxError(res, err)))
	}
	if resolver != nil {
		c.Resolve(resolver)
	}
	return c, nil
}

// compilePolicy compiles the data of a policy file, printing its warnings,
// or every problem it has. f is data already parsed, or nil: then data is
// loaded, which reports the problems of parsing and of compiling together.
func compilePolicy(name string, data []byte, f *policy.File, opts policy.Options, stderr io.Writer) (*policy.Set, error) {
	if f != nil {
		return reportCompiled(stderr)(f.Compile(opts))
	}
	return reportCompiled(stderr)(policy.Load(name, data, opts))
}

// reportCompiled returns a function that takes what compiling a policy
// returned and writes its problems, or its warnings, to stderr: the
// problems are an error of exit status 2.
func reportCompiled(stderr io.Writer) func(*policy.Set, error) (*policy.Set, error) {
	return func(set *policy.Set, err error) (*policy.Set, error) {
		var errs policy.ErrorList
		switch {
		case errors.As(err, &errs):
			writeProblems(stderr, errs)
			return nil, &exitError{code: exitUsage}
		case err != nil:
			return nil, inputErr(err)
		}
		writeProblems(stderr, set.Warnings())
		return set, nil
	}
}

// describeSyntaxError describes a malformed concrete resource with a caret
// under the problem.
func describeSyntaxError(s string, err error) string {
	var se *resource.SyntaxError
	if !errors.As(err, &se) {
		return err.Error()
	}
	return se.Msg + "\n" + caret(s, se.Offset, "\t")
}

// output writes decisions for people or, with json, as JSON.
type output struct {
	w        io.Writer
	json     bool
	set      *policy.Set
	warnings []queryWarning // of the query decided, for JSON
}

func (o *output) writeJSON(v any) error {
	enc := json.NewEncoder(o.w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// writeDecision writes the JSON object obj, a decision, with "warnings"
// last when the query has any.
func (o *output) writeDecision(obj []byte) error {
	if len(o.warnings) > 0 {
		ws, err := marshalJSON(o.warnings)
		if err != nil {
			return err
		}
		obj = append(obj[:len(obj)-1:len(obj)-1], `,"warnings":`...)
		obj = append(append(obj, ws...), '}')
	}
	return o.writeJSON(json.RawMessage(obj))
}

// marshalJSON is json.Marshal as writeJSON writes, without HTML escaping.
func marshalJSON(v any) ([]byte, error) {
	var b bytes.Buffer
	if err := (&output{w: &b}).writeJSON(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

func (o *output) access(act string, e policy.Explanation) error {
	if o.json {
		decision, err := e.Decision.MarshalJSON()
		if err != nil {
			return err
		}
		return o.writeDecision(decision)
	}
	var b strings.Builder
	b.WriteString(verdict(string(e.Decision.Effect), e.Decision.Indeterminate))
	b.WriteString("\n")
	explain(&b, "  ", o.set, act, e)
	_, err := io.WriteString(o.w, b.String())
	return err
}

// accessJSON is one access of an event in JSON: the access and its
// decision in one object.
type accessJSON struct {
	policy.Access
	decision policy.Decision
}

func (a accessJSON) MarshalJSON() ([]byte, error) {
	access, err := json.Marshal(a.Access)
	if err != nil {
		return nil, err
	}
	decision, err := a.decision.MarshalJSON()
	if err != nil {
		return nil, err
	}
	// {"action":…,"resource":…} + {"decision":…} = {"action":…,"resource":…,"decision":…}
	return append(append(access[:len(access)-1], ','), decision[1:]...), nil
}

func (o *output) event(accesses []policy.Access, explained []policy.Explanation, d policy.Delivery) error {
	if o.json {
		out := struct {
			Delivered     bool         `json:"delivered"`
			Indeterminate bool         `json:"indeterminate"`
			Accesses      []accessJSON `json:"accesses"`
		}{d.Delivered, d.Indeterminate, make([]accessJSON, len(accesses))}
		for i, a := range accesses {
			out.Accesses[i] = accessJSON{a, explained[i].Decision}
		}
		obj, err := marshalJSON(out)
		if err != nil {
			return err
		}
		return o.writeDecision(obj)
	}
	var b strings.Builder
	v := "delivered"
	if !d.Delivered {
		v = "not delivered"
	}
	b.WriteString(verdict(v, d.Indeterminate))
	b.WriteString("\n")
	for i, a := range accesses {
		e := explained[i]
		fmt.Fprintf(&b, "  accesses[%d]: %s on %s: %s\n", i, a.Action, a.Resource, verdict(string(e.Decision.Effect), e.Decision.Indeterminate))
		explain(&b, "    ", o.set, a.Action, e)
	}
	fmt.Fprintf(&b, "  reason: %s\n", d.Reason())
	_, err := io.WriteString(o.w, b.String())
	return err
}

func verdict(v string, indeterminate bool) string {
	if indeterminate {
		return v + " (indeterminate)"
	}
	return v
}

// explain writes the deciding statement of set, how it matched, the
// statements that depend on unknown metadata, and the reason.
func explain(b *strings.Builder, indent string, set *policy.Set, act string, e policy.Explanation) {
	d := e.Decision
	if d.Statement >= 0 {
		st := set.Statement(d.Statement)
		tr := e.Statements[d.Statement]
		fmt.Fprintf(b, "%sstatement %d: %s\n", indent, d.Statement, st)
		fmt.Fprintf(b, "%s  action:   %s\n", indent, describeAction(act, st, tr))
		fmt.Fprintf(b, "%s  resource: %s\n", indent, describeResource(st, tr))
	}
	for _, tr := range e.Statements {
		if tr.Applies.Known() {
			continue
		}
		st := set.Statement(tr.Statement)
		list, name := st.Resources, "resources"
		if st.NotResources != nil {
			list, name = st.NotResources, "notResources"
		}
		fmt.Fprintf(b, "%sunknown:  statement %d depends on metadata nobody supplied: %s[%d] %q\n", indent, tr.Statement, name, tr.Resource, list[tr.Resource])
	}
	fmt.Fprintf(b, "%sreason:   %s\n", indent, d.Reason())
}

func describeAction(act string, st policy.Statement, tr policy.StatementTrace) string {
	if st.NotActions != nil {
		return fmt.Sprintf("%q is not in notActions", act)
	}
	return fmt.Sprintf("%q matches actions[%d] %q", act, tr.Action, st.Actions[tr.Action])
}

func describeResource(st policy.Statement, tr policy.StatementTrace) string {
	if st.NotResources == nil {
		return fmt.Sprintf("matches resources[%d] %q", tr.Resource, st.Resources[tr.Resource])
	}
	if tr.Applies == match.True {
		return "matches no specifier in notResources"
	}
	return fmt.Sprintf("matches no specifier in notResources, with metadata nobody supplied taken as absent (notResources[%d] %q could match)", tr.Resource, st.NotResources[tr.Resource])
}
