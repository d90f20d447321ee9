package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/ldpolicy/ldpolicy/internal/display"
	"github.com/ldpolicy/ldpolicy/internal/jsonpatch"
	"github.com/ldpolicy/ldpolicy/internal/policysource"
	"github.com/ldpolicy/ldpolicy/internal/probe"
	"github.com/ldpolicy/ldpolicy/policy"
)

const diffUsage = `usage: ldpolicy diff [flags] OLD NEW [INPUT...]
       ldpolicy diff [flags] --patch PATCH OLD [INPUT...]

Diff shows what changes between two versions of a policy: the accesses, and
the captured webhook events, that the new version decides differently.

OLD and NEW are policy files: an array of statements, a webhook
({"statements": [...]}) or a custom role ({"policy": [...]}); "-" reads one
from stdin. Either may be a resource of a Terraform source instead.

` + sourceUsage + `
Two Terraform sources named without #ADDRESS, such as two versions of a
module directory, are compared resource by resource, matched by address:
each webhook and custom role whose statements change is compared as two
policy files are (below), under a line "ADDRESS: changed"; one whose
statements do not is "unchanged"; a custom role whose base permissions
change says so ("base permissions no_access -> reader", which is wider);
a team says which custom roles and role attribute values it gains (+,
wider) or loses (-). Resources of one version only are "added" or
"removed", and not compared. A last line counts them. Every resource of
both versions must be read: one that cannot stops diff (exit status 2).
With --format json, each resource has a "resource" record ("change",
and "detail" and "wider" for what the statements do not show), the
records of its comparison carry its "address", and a "resources" record
ends the output. INPUTs are then read once for each resource compared,
and cannot be stdin. When OLD is a custom role, or with --role, both are compared
as roles, where an empty policy grants nothing (base permissions are not
compared). With --patch, NEW is OLD with a JSON Patch (RFC 6902) applied,
as LaunchDarkly's REST API applies the body of an update to a webhook or a
role: diff shows what sending that patch would change (to a policy file
only: a patch does not apply to a Terraform source). A patch that fails
(a "test" operation that does not hold, a path that does not exist) would
change nothing: it is an error, with the operation that fails.

With INPUTs (captured events, read as dry-run reads them: files,
directories, NDJSON, gzip; "-" for stdin; ld:auditlog?since=T for a window
of your account's audit log), diff decides every event under
both versions and lists the events whose delivery changes, grouped as newly
delivered and no longer delivered, then the events delivered as before some
of whose accesses are decided differently. Under each event are the accesses
whose decision changes, with the deciding statement before and after. Only
the events that change are held in memory. On a terminal, a long run shows
its progress on stderr, as dry-run does.

Without INPUTs, diff compares the versions on representative accesses: for
every resource specifier and action pattern of either version, accesses
that exercise it (its literal names, instances of its wildcards, a key and
an action that no statement names, the metadata it tests present and
absent, a resource of a shape no specifier names). It lists the accesses
the new version allows and the old one denies (wider), then the reverse
(narrower). Each access stands for all those that every specifier and
pattern of both versions treats alike: with the patterns "*" and
"deleteFlag", "addReleasePipeline" stands for every flag action but
deleteFlag, and "proj/other-proj" for every project that no specifier names.
Representative accesses are not every access: two versions that decide them
alike almost always decide every access alike, but globs can in principle
meet where no representative access lands. The comparison is bounded, so
that no policy decides how long it takes: at most 65,536 accesses, and a
budget of work (about a quarter of a second) that every match of a pattern
spends according to its cost (brace groups with stars cost in proportion to
the pattern's length). A comparison cut short says so on stderr and in the
summary: it lists the differences found, but cannot tell that there are no
others.

A decision reads "allow (new statement 0)", "deny (old statement 1)",
"deny (no statement)" (nothing applies), or "allow (no filter)" (a webhook
without statements); "indeterminate" marks a decision that metadata nobody
supplied could change, made with that metadata taken as absent. An access
whose decision changes only in being indeterminate is listed, and counted
neither wider nor narrower. The statements cited are printed at the end.

With --format json, diff writes NDJSON: an "event" record for each event
that changes ("change" is newlyDelivered, noLongerDelivered or
accessesChanged; "old" and "new" are its delivery; "accesses" all of its
accesses, each with its "old" and "new" decision and whether it
"changed"), or an "access" record for each representative access that
changes ("change" is wider, narrower or indeterminate); an "error" record
for each input that is not an event, located as dry-run locates it (text
reports it on stderr as FILE:LINE:COLUMN: message); and a "summary" record
last.

Exit status: 0 when the comparison completed, whatever it found; 1 with
--fail-on-wider when the new version allows an access, or delivers an event,
that the old one did not, or when the comparison on representative accesses
was cut short, so that whether it is wider is not known (for two Terraform
sources: when a resource compared is wider in any of these ways, or cannot
be told not to be; an added resource does not fail it); 2 for bad usage, a
policy, patch or metadata file that cannot be used, or an INPUT that cannot
be read (a missing file or directory never passes for one without changes;
an error of LaunchDarkly's API neither); 130 when Ctrl-C stopped the
reading of an ld: source.

Flags:
`

// diffFlags are the flags of diff.
type diffFlags struct {
	eventFlags
	ldFlags
	patchFile, format          string
	failOnWider, role, lenient bool
	attrs                      attributeFlag
	files, inputs              []string // the arguments: OLD and NEW, or OLD; the INPUTs
	ld                         *ldConn  // reads the ld: arguments; made by runDiff
}

func (f *diffFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.patchFile, "patch", "", "a JSON Patch `FILE` (RFC 6902): NEW is OLD with the patch applied")
	fs.Var(newFormatFlag(&f.format, "text", "json"), "format", "output `format`: text, or json for NDJSON records")
	fs.BoolVar(&f.failOnWider, "fail-on-wider", false, "exit with status 1 when the new version allows an access or delivers an event that the old one did not")
	fs.BoolVar(&f.role, "role", false, "compare custom roles, where an empty policy grants nothing")
	fs.BoolVar(&f.lenient, "lenient", false, "read the typo \":/flag/\" in specifiers as \":flag/\", with a warning")
	f.attrs = attributeFlag{}
	fs.Var(f.attrs, "attribute", "bind a role attribute: `NAME=VALUE[,VALUE...]` (repeatable)")
	f.eventFlags.register(fs, "with INPUTs, ")
	f.ldFlags.register(fs)
	fs.BoolVar(&f.dedup, "dedup", false, "with INPUTs, leave out events whose _id came before")
}

// check reports bad usage, and splits the arguments into the policy files
// and the inputs.
func (f *diffFlags) check(fs *flag.FlagSet, rest []string) error {
	set := func(name string) bool { return flagGiven(fs, name) }
	nfiles := 2
	if f.patchFile != "" {
		nfiles = 1
	}
	switch {
	case len(rest) < nfiles && f.patchFile != "":
		return usagef("diff", "give the policy file that --patch applies to")
	case len(rest) < nfiles:
		return usagef("diff", "give the OLD and NEW policy files, or OLD and --patch")
	case len(rest) == nfiles && (set("metadata") || set("mode") || set("dedup")):
		return usagef("diff", "--metadata, --mode and --dedup apply to captured events: give INPUTs")
	}
	f.files, f.inputs = rest[:nfiles], rest[nfiles:]
	if err := stdinOnce("diff", "the policy files, --patch, --metadata and the inputs", append(append([]string{f.patchFile, f.metadataFile}, f.files...), f.inputs...)...); err != nil {
		return err
	}
	return f.attrs.check("diff", true)
}

// runDiff runs diff; f.check has split its arguments into f.files and
// f.inputs.
func runDiff(f *diffFlags, _ []string, stdin io.Reader, stdout, stderr io.Writer) error {
	var d *differ
	var popts policy.Options
	var err error
	f.ld = f.conn(nil, "diff")
	if f.patchFile != "" {
		d, popts, err = f.loadPatched(stdin, stderr)
	} else {
		var srcs [2]*policysource.Source
		for i, arg := range f.files {
			if srcs[i], err = openSource(arg, stdin, f.ld); err != nil {
				return reportSourceErr(stderr, err)
			}
		}
		if isWholeTerraform(srcs[0]) && isWholeTerraform(srcs[1]) {
			return f.diffSources(srcs[0], srcs[1], stdin, stdout, stderr)
		}
		var pols [2]policysource.Policy
		for i, src := range srcs {
			if pols[i], err = onePolicy(src, stderr); err != nil {
				return err
			}
		}
		d, popts, err = f.load(pols[0], pols[1], stderr)
	}
	if err != nil {
		return err
	}
	if err := f.compare(d, popts, stdin, stdout, stderr); err != nil {
		return err
	}
	if f.failOnWider {
		return d.widerError(len(f.inputs) > 0)
	}
	return nil
}

// options returns the options that f compiles the versions with: in the
// role context with --role or when old is a custom role, where an empty
// role grants nothing.
func (f *diffFlags) options(old policysource.Policy) policy.Options {
	popts := policy.Options{Lenient: f.lenient, Attributes: f.attrs}
	if f.role || isRolePolicy(old) {
		popts.Context = policy.Role
	}
	return popts
}

// load compiles two versions of a policy, and returns their differ and the
// options they were compiled with.
func (f *diffFlags) load(old, new policysource.Policy, stderr io.Writer) (*differ, policy.Options, error) {
	popts := f.options(old)
	d := &differ{json: f.format == "json", stderr: stderr, oldName: old.Name, newName: new.Name}
	var err error
	if d.old, err = compileOne("diff", old, popts, stderr); err != nil {
		return nil, popts, err
	}
	d.new, err = compileOne("diff", new, popts, stderr)
	return d, popts, err
}

// loadPatched reads and compiles OLD and OLD with --patch applied, and
// returns their differ and the options they were compiled with. A patch
// applies to a policy file, as the REST API takes it.
func (f *diffFlags) loadPatched(stdin io.Reader, stderr io.Writer) (*differ, policy.Options, error) {
	old, err := openPolicy(f.files[0], stdin, f.ld, stderr)
	if err != nil {
		return nil, policy.Options{}, err
	}
	if old.Resource != nil {
		return nil, policy.Options{}, usagef("diff", "--patch applies a JSON Patch to a policy file, as LaunchDarkly's REST API takes it; %s is a Terraform resource: compare two versions of the Terraform source instead", old.Name)
	}
	popts := f.options(old)
	d := &differ{json: f.format == "json", stderr: stderr, oldName: old.Name}
	if d.old, err = compileOne("diff", old, popts, stderr); err != nil {
		return nil, popts, err
	}
	d.newName = d.oldName + " patched by " + displayName(f.patchFile)
	d.new, err = patchPolicy(d.newName, old.Data, f.patchFile, stdin, popts, stderr)
	return d, popts, err
}

// compare compares the versions of d, on the events of the inputs or, without
// inputs, on representative accesses, and writes what changes.
func (f *diffFlags) compare(d *differ, popts policy.Options, stdin io.Reader, stdout, stderr io.Writer) error {
	var r *runner
	var ins []input
	var err error
	prog := &progress{stdout: stdout, stderr: stderr} // off: no events
	if len(f.inputs) > 0 {
		if r, ins, err = f.runner("diff", d.old, f.inputs, stdin, f.ld, stderr); err != nil {
			return err
		}
		prog = newProgress(stdout, stderr)
		f.ld.prog = prog
	}
	bw := bufio.NewWriterSize(prog.stdout, 64<<10)
	defer bw.Flush()
	d.w, d.stderr = bw, prog.stderr
	if r == nil {
		err = d.accesses(popts)
	} else {
		err = d.events(r, ins, bw, prog)
	}
	if err != nil {
		return err
	}
	return bw.Flush()
}

// widerError is the error of --fail-on-wider: the new version is wider,
// or the comparison was cut short before it found it wider; nil otherwise.
// events says whether the versions were compared on events.
func (d *differ) widerError(events bool) error {
	if d.cutShort != "" && d.wider == 0 {
		return &exitError{exitNo, fmt.Errorf("diff: cannot tell whether the new version is wider: %s (--fail-on-wider)", d.cutShort)}
	}
	if d.wider > 0 || d.newlyDelivered > 0 {
		what := fmt.Sprintf("it allows %d access%s that the old one denies", d.wider, pluralES(d.wider))
		if events {
			what = fmt.Sprintf("%d event%s newly delivered, %d access%s newly allowed", d.newlyDelivered, plural(d.newlyDelivered), d.wider, pluralES(d.wider))
		}
		return &exitError{exitNo, fmt.Errorf("diff: the new version is wider: %s (--fail-on-wider)", what)}
	}
	return nil
}

func pluralES(n int) string {
	if n == 1 {
		return ""
	}
	return "es"
}

// patchPolicy applies a JSON Patch to the data of a policy file and
// compiles the result, which is called name.
func patchPolicy(name string, data []byte, patchFile string, stdin io.Reader, opts policy.Options, stderr io.Writer) (*policy.Set, error) {
	patchData, err := readInput(patchFile, stdin)
	if err != nil {
		return nil, err
	}
	p, err := jsonpatch.Decode(displayName(patchFile), patchData)
	if err != nil {
		return nil, inputErr(err)
	}
	patched, err := p.Apply(data)
	if err != nil {
		return nil, inputErr(fmt.Errorf("%v: the patch would be rejected, and change nothing", err))
	}
	set, err := policy.Load(name, patched, opts)
	// Positions would point into the patched document, which exists only
	// here: the paths of the problems say where they are.
	var errs policy.ErrorList
	switch {
	case errors.As(err, &errs):
		for _, e := range errs {
			e.Pos = policy.Position{Filename: name}
		}
		writeProblems(stderr, errs)
		return nil, &exitError{code: exitUsage}
	case err != nil:
		return nil, inputErr(err)
	}
	warnings := set.Warnings()
	for _, w := range warnings {
		w.Pos = policy.Position{Filename: name}
	}
	writeProblems(stderr, warnings)
	return set, nil
}

// differ compares two versions of a policy and writes what changes.
type differ struct {
	old, new         *policy.Set
	oldName, newName string
	address          string // of the Terraform resource compared, if any
	json             bool
	w, stderr        io.Writer
	cited            [2]map[int]bool // the statements of old and new that decide a change

	wider, narrower int // accesses newly allowed, newly denied
	newlyDelivered  int
	// cutShort says why the comparison on representative accesses
	// stopped before comparing them all; empty when it did not.
	cutShort string
}

// access is one access decided by both versions.
type access struct {
	Action   string          `json:"action"`
	Resource string          `json:"resource"`
	Old      policy.Decision `json:"old"`
	New      policy.Decision `json:"new"`
}

// change classifies how the decision of an access changes: "wider",
// "narrower", "indeterminate" (only whether it is indeterminate), or "".
func (a *access) change() string {
	switch {
	case a.Old.Effect != a.New.Effect && a.New.Allowed():
		return "wider"
	case a.Old.Effect != a.New.Effect:
		return "narrower"
	case a.Old.Indeterminate != a.New.Indeterminate:
		return "indeterminate"
	}
	return ""
}

// count counts a changed access and cites its deciding statements.
func (d *differ) count(a *access) {
	switch a.change() {
	case "":
		return
	case "wider":
		d.wider++
	case "narrower":
		d.narrower++
	}
	for i, dec := range []policy.Decision{a.Old, a.New} {
		if dec.Statement >= 0 {
			if d.cited[i] == nil {
				d.cited[i] = map[int]bool{}
			}
			d.cited[i][dec.Statement] = true
		}
	}
}

// accesses compares the versions on representative accesses.
func (d *differ) accesses(opts policy.Options) error {
	changed, compared, err := d.compareAccesses(opts)
	if err != nil {
		return err
	}
	if d.cutShort != "" {
		fmt.Fprintf(d.stderr, "ldpolicy: diff: %s; the %d access%s compared do not show whether the versions differ elsewhere\n", d.cutShort, compared, pluralES(compared))
	}
	if d.json {
		return d.writeAccessesJSON(changed, compared)
	}
	return d.writeAccessesText(changed, compared)
}

// compareAccesses decides the representative accesses of the versions
// with both, within the budget of the comparison, and returns those whose
// decision changes, counted and cited, and how many it compared. When it
// could not compare them all, d.cutShort says why.
func (d *differ) compareAccesses(opts policy.Options) (changed []access, compared int, err error) {
	stmts := func(s *policy.Set) []policy.Statement {
		out := make([]policy.Statement, s.Len())
		for i := range out {
			out[i] = s.Statement(i)
		}
		return out
	}
	budget := probe.NewBudget(probe.DefaultBudget)
	accesses, complete := probe.Accesses(probe.Options{Attributes: opts.Attributes, Budget: budget}, stmts(d.old), stmts(d.new))
	// Deciding an access costs the patterns of both versions matched
	// against it.
	var cost probe.Cost
	for _, st := range append(stmts(d.old), stmts(d.new)...) {
		cost = cost.Plus(probe.StatementCost(st))
	}
	compared = len(accesses)
	for k, pa := range accesses {
		if !budget.Spend(cost.Of(len(pa.Action) + len(pa.Resource))) {
			compared, complete = k, false
			break
		}
		a := access{Action: pa.Action, Resource: pa.Resource}
		var err1, err2 error
		a.Old, err1 = d.old.Decide(pa.Action, pa.Resource)
		a.New, err2 = d.new.Decide(pa.Action, pa.Resource)
		if err := errors.Join(err1, err2); err != nil {
			return nil, 0, fmt.Errorf("diff: a representative access does not parse: %v", err)
		}
		if a.change() != "" {
			d.count(&a)
			changed = append(changed, a)
		}
	}
	switch {
	case complete:
	case budget.Exhausted():
		d.cutShort = fmt.Sprintf("the comparison on representative accesses was cut short: the policies' patterns are too complex to compare within the budget of %d steps", budget.Limit())
	default:
		d.cutShort = fmt.Sprintf("the comparison on representative accesses was cut short: the policies call for more than %d", probe.Limit)
	}
	return changed, compared, nil
}

// writeAccessesJSON writes an "access" record for each access that
// changes, and the summary.
func (d *differ) writeAccessesJSON(changed []access, compared int) error {
	for i := range changed {
		a := &changed[i]
		if err := writeJSONTo(d.w, struct {
			Type    string `json:"type"`
			Address string `json:"address,omitempty"`
			Change  string `json:"change"`
			*access
		}{"access", d.address, a.change(), a}); err != nil {
			return err
		}
	}
	return writeJSONTo(d.w, struct {
		Type          string `json:"type"`
		Address       string `json:"address,omitempty"`
		Old           string `json:"old"`
		New           string `json:"new"`
		Accesses      int    `json:"accesses"`
		Complete      bool   `json:"complete"`
		CutShort      string `json:"cutShort,omitempty"` // why not complete
		Wider         int    `json:"wider"`
		Narrower      int    `json:"narrower"`
		Indeterminate int    `json:"indeterminate"`
	}{"summary", d.address, d.oldName, d.newName, compared, d.cutShort == "", d.cutShort, d.wider, d.narrower, len(changed) - d.wider - d.narrower})
}

// writeAccessesText writes, for people, the accesses that change, by
// group, the statements that decide the changes, and a summary line.
func (d *differ) writeAccessesText(changed []access, compared int) error {
	var b strings.Builder
	d.header(&b)
	groups := []struct{ change, title string }{
		{"wider", "wider: the new version allows %d access%s that the old one denies"},
		{"narrower", "narrower: the new version denies %d access%s that the old one allows"},
		{"indeterminate", "indeterminate: %d access%s decided alike, but only one version depends on metadata"},
	}
	for _, g := range groups {
		if len(changed) == 0 {
			break
		}
		var list []access
		for _, a := range changed {
			if a.change() == g.change {
				list = append(list, a)
			}
		}
		if len(list) == 0 {
			if g.change != "indeterminate" {
				fmt.Fprintf(&b, "%s: none\n\n", g.change)
			}
			continue
		}
		fmt.Fprintf(&b, g.title+"\n", len(list), pluralES(len(list)))
		writeAccessList(&b, list)
	}
	d.citations(&b)
	switch {
	case d.cutShort != "":
		fmt.Fprintf(&b, "cut short after %d representative access%s: %d wider, %d narrower; the others were not compared", compared, pluralES(compared), d.wider, d.narrower)
	case len(changed) == 0:
		fmt.Fprintf(&b, "no difference on %d representative access%s", compared, pluralES(compared))
	default:
		fmt.Fprintf(&b, "compared on %d representative access%s: %d wider, %d narrower", compared, pluralES(compared), d.wider, d.narrower)
	}
	b.WriteString("\n")
	_, err := io.WriteString(d.w, b.String())
	return err
}

// writeAccessList writes accesses that change, in aligned columns.
func writeAccessList(b *strings.Builder, list []access) {
	aw, rw := 0, 0
	for _, a := range list {
		aw, rw = max(aw, len(a.Action)), max(rw, len(a.Resource))
	}
	for _, a := range list {
		fmt.Fprintf(b, "  %-*s  %-*s  %s -> %s\n", aw, display.Printable(a.Action), rw, display.Printable(a.Resource), label(a.Old, "old"), label(a.New, "new"))
	}
	b.WriteString("\n")
}

// header names the versions compared.
func (d *differ) header(b *strings.Builder) {
	fmt.Fprintf(b, "old: %s (%d statement%s)\n", d.oldName, d.old.Len(), plural(d.old.Len()))
	fmt.Fprintf(b, "new: %s (%d statement%s)\n\n", d.newName, d.new.Len(), plural(d.new.Len()))
}

// citations lists the statements that decide the changes listed.
func (d *differ) citations(b *strings.Builder) {
	if len(d.cited[0])+len(d.cited[1]) == 0 {
		return
	}
	b.WriteString("deciding statements:\n")
	for i, side := range []string{"old", "new"} {
		set := d.old
		if i == 1 {
			set = d.new
		}
		var idx []int
		for n := range d.cited[i] {
			idx = append(idx, n)
		}
		sort.Ints(idx)
		for _, n := range idx {
			fmt.Fprintf(b, "  %s statement %-3d %s\n", side, n, set.Statement(n))
		}
	}
	b.WriteString("\n")
}

// label shows a decision, naming the deciding statement of one version.
func label(d policy.Decision, version string) string {
	var who string
	switch {
	case d.Statement >= 0:
		who = fmt.Sprintf("%s statement %d", version, d.Statement)
	case d.Allowed():
		who = "no filter"
	default:
		who = "no statement"
	}
	if d.Indeterminate {
		who += ", indeterminate"
	}
	return fmt.Sprintf("%s (%s)", d.Effect, who)
}

// eventChange is an event whose decision changes.
type eventChange struct {
	Type     string        `json:"type"`              // "event"
	Address  string        `json:"address,omitempty"` // of the Terraform resource compared
	Change   string        `json:"change"`
	Source   string        `json:"source"`
	ID       string        `json:"_id"`
	Date     int64         `json:"date"`
	Kind     string        `json:"kind"`
	Old      deliveryJSON  `json:"old"`
	New      deliveryJSON  `json:"new"`
	Accesses []eventAccess `json:"accesses"`
	title    string
}

type deliveryJSON struct {
	Delivered     bool `json:"delivered"`
	Indeterminate bool `json:"indeterminate"`
}

type eventAccess struct {
	access
	Changed bool `json:"changed"`
}

// diffCounts are what an events diff saw.
type diffCounts struct {
	Events            int `json:"events"`
	NewlyDelivered    int `json:"newlyDelivered"`
	NoLongerDelivered int `json:"noLongerDelivered"`
	AccessesChanged   int `json:"accessesChanged"`
	Unchanged         int `json:"unchanged"`
	Malformed         int `json:"malformed"`
	Duplicates        int `json:"duplicates"`
	Dropped           int `json:"dropped"`
	WiderAccesses     int `json:"widerAccesses"`
	NarrowerAccesses  int `json:"narrowerAccesses"`
}

// events compares the versions on the events of the inputs, which r
// decides with the old version, showing how the run goes with prog.
func (d *differ) events(r *runner, inputs []input, flush interface{ Flush() error }, prog *progress) error {
	var c diffCounts
	var held []*eventChange // for text, by group
	var newDecisions []policy.Decision
	onEvent := func(ev *decided) error {
		var e *eventChange
		e, newDecisions = d.compareEvent(ev, newDecisions[:0], r.mode)
		if !c.add(e.Change) {
			return nil
		}
		if d.json {
			return writeJSONTo(d.w, e)
		}
		held = append(held, e)
		return nil
	}
	problems := &dryRunOutput{w: d.w, stderr: d.stderr, json: d.json, flush: flush.Flush}
	if err := r.runShowingProgress(prog, inputs, onEvent, problems.problem); err != nil {
		return err
	}
	c.Events, c.Malformed, c.Duplicates, c.Dropped = r.Events, r.Malformed, r.Duplicates, r.Dropped
	c.WiderAccesses, c.NarrowerAccesses = d.wider, d.narrower
	d.newlyDelivered = c.NewlyDelivered
	if d.json {
		return writeJSONTo(d.w, struct {
			Type    string `json:"type"`
			Address string `json:"address,omitempty"`
			Old     string `json:"old"`
			New     string `json:"new"`
			*diffCounts
		}{"summary", d.address, d.oldName, d.newName, &c})
	}
	return d.writeEventChanges(held, &c)
}

// compareEvent decides with the new version an event that ev holds
// decided with the old one, counts and cites the accesses whose decision
// changes, and returns how the event changes (Change is empty when it does
// not) and dst with the new decisions.
func (d *differ) compareEvent(ev *decided, dst []policy.Decision, mode policy.Mode) (*eventChange, []policy.Decision) {
	h := ev.head
	dst, nd := d.new.DecideEvent(dst, ev.event, mode)
	od := ev.delivery
	e := &eventChange{
		Type: "event", Address: d.address, Source: ev.source, ID: h.ID, Date: h.Date, Kind: h.Kind,
		Old:      deliveryJSON{od.Delivered, od.Indeterminate},
		New:      deliveryJSON{nd.Delivered, nd.Indeterminate},
		Accesses: make([]eventAccess, len(h.Accesses)),
		title:    h.Title,
	}
	if e.title == "" {
		e.title = h.Name
	}
	changed := od.Indeterminate != nd.Indeterminate
	for i, a := range h.Accesses {
		ea := eventAccess{access: access{Action: a.Action, Resource: a.Resource, Old: ev.decisions[i], New: dst[i]}}
		if ea.change() != "" {
			ea.Changed, changed = true, true
			d.count(&ea.access)
		}
		e.Accesses[i] = ea
	}
	switch {
	case !od.Delivered && nd.Delivered:
		e.Change = "newlyDelivered"
	case od.Delivered && !nd.Delivered:
		e.Change = "noLongerDelivered"
	case changed:
		e.Change = "accessesChanged"
	}
	return e, dst
}

// add counts an event that changes as change says, and reports whether it
// changes.
func (c *diffCounts) add(change string) bool {
	switch change {
	case "newlyDelivered":
		c.NewlyDelivered++
	case "noLongerDelivered":
		c.NoLongerDelivered++
	case "accessesChanged":
		c.AccessesChanged++
	default:
		c.Unchanged++
		return false
	}
	return true
}

// writeEventChanges writes, for people, the events that change, by group,
// the statements that decide the changes, and the counts.
func (d *differ) writeEventChanges(held []*eventChange, c *diffCounts) error {
	var b strings.Builder
	d.header(&b)
	for _, g := range []struct{ change, title string }{
		{"newlyDelivered", "newly delivered"},
		{"noLongerDelivered", "no longer delivered"},
		{"accessesChanged", "delivered as before, with accesses decided differently"},
	} {
		var list []*eventChange
		for _, e := range held {
			if e.Change == g.change {
				list = append(list, e)
			}
		}
		writeEventGroup(&b, g.title, list)
	}
	d.citations(&b)
	for _, line := range []struct {
		name string
		n    int
	}{
		{"events read", c.Events},
		{"newly delivered", c.NewlyDelivered},
		{"no longer delivered", c.NoLongerDelivered},
		{"accesses changed", c.AccessesChanged},
		{"unchanged", c.Unchanged},
		{"malformed", c.Malformed},
		{"duplicate _ids", c.Duplicates},
	} {
		fmt.Fprintf(&b, "%-20s %d", line.name, line.n)
		if line.name == "duplicate _ids" && c.Dropped > 0 {
			b.WriteString(" (left out by --dedup)")
		}
		b.WriteString("\n")
	}
	_, err := io.WriteString(d.w, b.String())
	return err
}

// writeEventGroup writes a group of events that change, each with its
// accesses that change.
func writeEventGroup(b *strings.Builder, title string, list []*eventChange) {
	if len(list) == 0 {
		fmt.Fprintf(b, "%s: none\n\n", title)
		return
	}
	fmt.Fprintf(b, "%s: %d event%s\n", title, len(list), plural(len(list)))
	for _, e := range list {
		fmt.Fprintf(b, "  %-19s  %-18s  %-48s  %s\n", shownDate(e.Date), display.Printable(e.Kind), display.Clip(plainTitle(e.title), 48), e.Source)
		if e.Old.Indeterminate != e.New.Indeterminate {
			fmt.Fprintf(b, "    delivery: %s -> %s\n", deliveryLabel(e.Old), deliveryLabel(e.New))
		}
		for _, a := range e.Accesses {
			if a.Changed {
				fmt.Fprintf(b, "    %s on %s: %s -> %s\n", display.Printable(a.Action), display.Printable(a.Resource), label(a.Old, "old"), label(a.New, "new"))
			}
		}
	}
	b.WriteString("\n")
}

func deliveryLabel(d deliveryJSON) string {
	s := "not delivered"
	if d.Delivered {
		s = "delivered"
	}
	if d.Indeterminate {
		s += " (indeterminate)"
	}
	return s
}

// writeJSONTo writes v as one line of JSON.
func writeJSONTo(w io.Writer, v any) error { return (&output{w: w}).writeJSON(v) }
