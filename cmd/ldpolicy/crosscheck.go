package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/ldpolicy/ldpolicy/event"
	"github.com/ldpolicy/ldpolicy/internal/display"
	"github.com/ldpolicy/ldpolicy/ldapi"
	"github.com/ldpolicy/ldpolicy/policy"
)

const crosscheckUsage = `usage: ldpolicy crosscheck --policy FILE [--since T] [--until T] [--full] [flags]

Crosscheck checks ldpolicy against LaunchDarkly on your own account. It
decides every audit-log entry of a window with a policy, as dry-run decides
a webhook's deliveries (an entry is selected when the policy allows at least
one of its accesses), and asks LaunchDarkly which entries of the same window
it selects with the same statements (POST /api/v2/auditlog: LaunchDarkly's
own evaluation of policy statements over your real entries). It prints
every entry on which the two disagree, with its _id, both answers and
ldpolicy's explanation.

A disagreement means that ldpolicy does not decide that policy as
LaunchDarkly does, on an entry of yours: a bug of ldpolicy, or a change of
LaunchDarkly's that ldpolicy has not followed. Either way, decisions that
ldpolicy makes offline for that kind of entry (dry-run, filter, diff, a
receiver's webhook.Handler) cannot be trusted until it is understood:
please report it, with the entry's accesses and the statements.

FILE is a policy file as dry-run reads it, a webhook or a list of
statements; a custom role's statements are compared too, without its base
permissions, which LaunchDarkly's search does not take. The statements are
sent as the file writes them. FILE may also be ld:webhook/ID or
ld:role/KEY, read from the account with the same token.

T is a time in RFC 3339 (2024-05-01T12:00:00Z), a date (2024-05-01, its
midnight in UTC), or a duration back from now: whole numbers with a unit,
d (24 hours), h, m or s, such as 7d, 36h, 90m or 1d12h. The window holds
the entries dated at or after --since (by default, 7d: a week back) and
before --until (by default, now); both listings are of that one window.

LaunchDarkly lists entries without the versions of what they changed
(currentVersion, where a changed flag's tags are), so ldpolicy cannot
decide every list entry of a policy that tests tags: such an entry is
indeterminate, and reported as such, never as a disagreement. --full
fetches every entry in full (one request an entry) and --metadata FILE
gives tags, properties and views, as dry-run's --metadata does.

For people, crosscheck prints a line for each entry that is not agreed on:

	disagree       the two answers differ
	indeterminate  ldpolicy's answer depends on metadata nobody supplied
	unreadable     ldpolicy cannot read the entry (the reason follows)
	unlisted       LaunchDarkly selected an entry that its listing of the
	               window does not hold

with the entry's date, _id, ldpolicy's answer, LaunchDarkly's, and for the
first two ldpolicy's explanation: the access that decided and its deciding
statement. A summary follows on stderr: entries, agreed, disagreed,
indeterminate, unreadable, unlisted. With --format json it writes NDJSON
records of the same, with "type" the word above, and a "summary" record
last.

` + ldAccountHelp + `
Exit status: 0 when ldpolicy and LaunchDarkly agree on every entry of the
window (indeterminate ones apart, unless --fail-on-indeterminate); 1 when
they disagree on one, or an entry could not be compared (unreadable,
unlisted); 2 for bad usage, an unusable policy or metadata file, or an
error of LaunchDarkly's API; 130 when interrupted.

Flags:
`

type crosscheckFlags struct {
	ldFlags
	window                   windowFlags
	policyFile, metadataFile string
	format                   string
	full, failOnIndet        bool
}

func (f *crosscheckFlags) register(fs *flag.FlagSet) {
	f.ldFlags.register(fs)
	fs.StringVar(&f.policyFile, "policy", "", "the policy `FILE` to compare: a webhook or a list of statements, or ld:webhook/ID (required)")
	f.window.sinceDefault = "7d"
	f.window.register(fs)
	fs.BoolVar(&f.full, "full", false, "fetch each entry in full, with the tags of what it changed (one request an entry)")
	fs.StringVar(&f.metadataFile, "metadata", "", "a JSON `FILE` of tags, properties and views by resource path")
	fs.Var(newFormatFlag(&f.format, "text", "json"), "format", "output `format`: text, or json for NDJSON records")
	fs.BoolVar(&f.failOnIndet, "fail-on-indeterminate", false, "exit with status 1 when an entry's decision is indeterminate")
}

func (f *crosscheckFlags) check(fs *flag.FlagSet, args []string) error {
	switch {
	case len(args) > 0:
		return usagef(fs.Name(), "takes no arguments, found %q", args[0])
	case f.policyFile == "":
		return usagef(fs.Name(), "--policy is required")
	}
	if err := stdinOnce(fs.Name(), "--policy and --metadata", f.policyFile, f.metadataFile); err != nil {
		return err
	}
	return f.window.check(fs.Name(), time.Now())
}

// crosscheckCounts are what crosscheck found.
type crosscheckCounts struct {
	Entries       int `json:"entries"` // listed in the window
	Agreed        int `json:"agreed"`
	Disagreed     int `json:"disagreed"`
	Indeterminate int `json:"indeterminate"`
	Unreadable    int `json:"unreadable"`
	Unlisted      int `json:"unlisted"`
	// Selected counts the entries that LaunchDarkly selected.
	Selected int `json:"selectedByLaunchDarkly"`
}

// crosscheckLine is an entry that crosscheck reports.
type crosscheckLine struct {
	Type string `json:"type"` // disagree, indeterminate, unreadable or unlisted
	ID   string `json:"_id"`
	Date int64  `json:"date"`
	// Ldpolicy is ldpolicy's answer, nil when it has none (unreadable,
	// unlisted).
	Ldpolicy     *bool `json:"ldpolicySelected"`
	LaunchDarkly bool  `json:"launchDarklySelected"`
	// Access is the access whose decision explains ldpolicy's answer.
	Access *accessExplanation `json:"access,omitempty"`
	// Reason is why ldpolicy selected the entry or not, or could not read
	// it.
	Reason string `json:"reason"`
	text   string // the explanation, for people
}

type accessExplanation struct {
	Index     int               `json:"index"`
	Action    string            `json:"action"`
	Resource  string            `json:"resource"`
	Decision  policy.Decision   `json:"decision"`
	Statement *policy.Statement `json:"policyStatement,omitempty"`
}

func runCrosscheck(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	const cmd = "crosscheck"
	f := &crosscheckFlags{}
	if _, err := parseCommand(cmd, f, args, stdout, crosscheckUsage); err != nil {
		return helpIsDone(err)
	}
	ld := f.conn(ctx, cmd)
	set, err := loadPolicy(cmd, f.policyFile, stdin, ld, policy.Options{}, stderr)
	if err != nil {
		return err
	}
	if set.Len() == 0 {
		return usagef(cmd, "%s has no statements: a webhook without statements receives every event, and LaunchDarkly's search needs at least one", displayName(f.policyFile))
	}
	meta, err := loadMetadata(f.metadataFile, stdin)
	if err != nil {
		return err
	}
	prog := newProgress(stdout, stderr)
	defer prog.done()
	ld.prog = prog
	c, err := ld.clientFor("")
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(prog.stdout, 64<<10)
	defer bw.Flush()
	out := &crosscheckOutput{w: bw, json: f.format == "json"}

	selected, err := selection(ctx, c, set, f.window.query())
	if err != nil {
		return ldErr(ctx, cmd, err, "")
	}
	q := f.window.query()
	q.Full = f.full
	counts := crosscheckCounts{Selected: len(selected)}
	r := newRunner(options{cmd: cmd, set: set, mode: policy.AnyAccess, meta: meta})
	for e, err := range c.AuditLog(ctx, q) {
		if err != nil {
			return ldErr(ctx, cmd, err, "")
		}
		_, chosen := selected[e.ID]
		delete(selected, e.ID)
		line, report := compareEntry(r, e, chosen, &counts)
		if !report {
			continue
		}
		if err := out.line(line); err != nil {
			return err
		}
	}
	for _, line := range unlisted(selected, &counts) {
		if err := out.line(line); err != nil {
			return err
		}
	}
	prog.done()
	if err := out.summary(&counts, prog.stderr); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	switch {
	case counts.Disagreed+counts.Unreadable+counts.Unlisted > 0:
		return &exitError{code: exitNo}
	case f.failOnIndet && counts.Indeterminate > 0:
		return &exitError{exitNo, fmt.Errorf("%s: %d entr%s with an indeterminate decision", cmd, counts.Indeterminate, pluralY(counts.Indeterminate))}
	}
	return nil
}

// selection returns the _ids, with their dates, of the entries of the
// window q that LaunchDarkly selects with the statements of set.
func selection(ctx context.Context, c *ldapi.Client, set *policy.Set, q ldapi.AuditLogQuery) (map[string]int64, error) {
	stmts := make([]policy.Statement, set.Len())
	for i := range stmts {
		stmts[i] = set.Statement(i)
	}
	q.NewestFirst = true // the order does not matter: hold nothing
	selected := map[string]int64{}
	for e, err := range c.SearchAuditLog(ctx, stmts, q) {
		if err != nil {
			return nil, err
		}
		selected[e.ID] = e.Date
	}
	return selected, nil
}

// compareEntry decides an entry with r, compares the answer with
// LaunchDarkly's, chosen, and counts the outcome. It returns the line to
// report, if the entry is not agreed on.
func compareEntry(r *runner, e ldapi.Entry, chosen bool, counts *crosscheckCounts) (crosscheckLine, bool) {
	counts.Entries++
	line := crosscheckLine{ID: e.ID, Date: e.Date, LaunchDarkly: chosen}
	var ev decided
	if err := r.decide(event.Record{Name: "LaunchDarkly", Index: -1, Data: e.Raw}, &ev); err != nil {
		line.Type, line.Reason = "unreadable", err.Error()
		counts.Unreadable++
		return line, true
	}
	delivered := ev.delivery.Delivered
	line.Ldpolicy = &delivered
	switch {
	case ev.delivery.Indeterminate:
		line.Type = "indeterminate"
		counts.Indeterminate++
	case delivered != chosen:
		line.Type = "disagree"
		counts.Disagreed++
	default:
		counts.Agreed++
		return line, false
	}
	line.Reason = ev.delivery.Reason()
	line.Access, line.text = explainDelivery(r.set, &ev)
	return line, true
}

// unlisted returns the lines of the entries that LaunchDarkly selected
// but did not list, oldest first, and counts them.
func unlisted(selected map[string]int64, counts *crosscheckCounts) []crosscheckLine {
	var lines []crosscheckLine
	for id, date := range selected {
		lines = append(lines, crosscheckLine{Type: "unlisted", ID: id, Date: date, LaunchDarkly: true,
			Reason: "LaunchDarkly's search selected the entry, but its listing of the window does not hold it"})
	}
	sort.Slice(lines, func(i, j int) bool {
		a, b := lines[i], lines[j]
		return a.Date < b.Date || a.Date == b.Date && a.ID < b.ID
	})
	counts.Unlisted += len(lines)
	return lines
}

// explainDelivery explains ldpolicy's answer for an event: by the access
// that decided it or, when none did (no access allowed), by the first
// access that a statement decided, else the first access.
func explainDelivery(set *policy.Set, ev *decided) (*accessExplanation, string) {
	i := ev.delivery.Access
	for j, d := range ev.decisions {
		if i < 0 && ev.delivery.Statement >= 0 && d.Statement == ev.delivery.Statement {
			i = j
		}
	}
	if i < 0 {
		if ev.event.Len() == 0 {
			return nil, "the entry has no accesses"
		}
		i = 0
	}
	a := ev.event.Access(i)
	e := set.Explain(a.Action, ev.event.Resource(i))
	x := &accessExplanation{Index: i, Action: a.Action, Resource: a.Resource, Decision: e.Decision}
	if d := e.Decision; d.Statement >= 0 {
		st := set.Statement(d.Statement)
		x.Statement = &st
	}
	// The explanation of eval, its lines joined into one.
	var b strings.Builder
	explain(&b, "", set, a.Action, e)
	parts := []string{fmt.Sprintf("accesses[%d] %s on %s: %s", i, a.Action, a.Resource, verdict(string(e.Decision.Effect), e.Decision.Indeterminate))}
	for _, line := range strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n") {
		parts = append(parts, strings.Join(strings.Fields(line), " "))
	}
	return x, display.Printable(strings.Join(parts, "; "))
}

type crosscheckOutput struct {
	w    io.Writer
	json bool
}

func answer(selected bool) string {
	if selected {
		return "selected"
	}
	return "not selected"
}

func (o *crosscheckOutput) line(l crosscheckLine) error {
	if o.json {
		return (&output{w: o.w}).writeJSON(l)
	}
	ld := "-"
	if l.Ldpolicy != nil {
		ld = answer(*l.Ldpolicy)
		if l.Type == "indeterminate" {
			ld += " (indeterminate)"
		}
	}
	text := l.text
	if text == "" {
		text = l.Reason
	}
	_, err := fmt.Fprintf(o.w, "%-13s  %-19s  %-24s  ldpolicy: %-12s  LaunchDarkly: %-12s  %s\n",
		l.Type, shownDate(l.Date), display.Printable(l.ID), ld, answer(l.LaunchDarkly), text)
	return err
}

func (o *crosscheckOutput) summary(c *crosscheckCounts, stderr io.Writer) error {
	if o.json {
		return (&output{w: o.w}).writeJSON(struct {
			Type string `json:"type"`
			*crosscheckCounts
		}{"summary", c})
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\n%-15s %d (LaunchDarkly selected %d)\n", "entries", c.Entries, c.Selected)
	fmt.Fprintf(&b, "%-15s %d\n", "agreed", c.Agreed)
	fmt.Fprintf(&b, "%-15s %d\n", "disagreed", c.Disagreed)
	fmt.Fprintf(&b, "%-15s %d\n", "indeterminate", c.Indeterminate)
	fmt.Fprintf(&b, "%-15s %d\n", "unreadable", c.Unreadable)
	fmt.Fprintf(&b, "%-15s %d\n", "unlisted", c.Unlisted)
	if f, ok := o.w.(interface{ Flush() error }); ok {
		if err := f.Flush(); err != nil {
			return err
		}
	}
	_, err := io.WriteString(stderr, b.String())
	return err
}
