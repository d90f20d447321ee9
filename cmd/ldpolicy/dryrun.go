package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/ldpolicy/ldpolicy/internal/display"
	"github.com/ldpolicy/ldpolicy/policy"
)

const dryRunUsage = `usage: ldpolicy dry-run --policy FILE [flags] [INPUT...]

Dry-run decides, for every captured webhook event, whether a webhook with
the policy would receive it, and why.

` + sourceUsage + `

An INPUT is a file holding one event, a JSON array of events, NDJSON, or an
audit-log list response ({"items": [...]}); a gzip file of any of these; a
directory, read recursively for .json, .ndjson and .jsonl files and their
.gz, in any case (.JSON, .json.GZ); or "-" for stdin, which is also the
default. In a directory, symbolic links are followed, to files and to
directories; links to directories are read after the rest, and a directory
reached a second time (through a loop of links, or a second link to it) is
not read again, with a warning. Inputs are streamed: memory does not grow
with the events, unless --sort holds them, only by 16 bytes per distinct
_id however long it is (a digest of it, kept to count duplicates).

` + auditLogUsage + `
Inputs fail closed. An input that cannot be read (a path that does not
exist or cannot be opened, a directory with no event file in it, a gzip
file whose header is corrupt; in a directory, a broken link, or a named
pipe or device, with an event file's name) stops the command with exit
status 2 before it reads any event; every such input is listed. A read
error further on (a gzip file cut short) stops it where it happens, with
exit status 2 and no summary: the results written before it are
incomplete.

For people, dry-run prints a line per event (time, kind, title, result,
deciding statement, source) and a summary: events read, delivered, not
delivered, indeterminate (their delivery depends on metadata nobody
supplied), malformed, duplicate _ids, how many accesses each statement
decided, and the statements that decided nothing. With --format json it
writes NDJSON: an "event" record per event, an "error" record per input
that is not an event, and a "summary" record last.

Malformed input is reported and counted, and the run goes on; --strict
stops at the first problem instead. It is located as compilers locate
problems, FILE:LINE:COLUMN (columns count bytes), in NDJSON, pretty-printed
arrays and list responses alike: at the byte that is wrong (for an access's
malformed resource, at its byte in the resource's string), or at the start
of a value that is not an event. An "error" record has the record's
"source" (FILE:LINE, or FILE#INDEX for an element of an array), its "line"
and "column", and the "message".

When stderr is a terminal, a run that takes more than a second shows its
progress there (events, MiB and events a second), on a line drawn again in
place; what the run writes to the terminal meanwhile, on stdout or stderr,
clears that line first and draws it again after, so that the two never mix.
The line is cleared at the end; it is never written when stderr is not a
terminal.

Exit status: 0 when the run completed; 1 when --strict stopped it or
--fail-on-indeterminate found an indeterminate event; 2 for bad usage, an
unusable policy or metadata file, or an input that cannot be read (an
error of LaunchDarkly's API included); 130 when Ctrl-C stopped the reading
of an ld: source.

Flags:
`

// runFlags are the flags of dry-run and filter.
type runFlags struct {
	eventFlags
	ldFlags
	policyFile           string
	lenient, failOnIndet bool
}

func (f *runFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.policyFile, "policy", "", policyFlagUsage+" (required)")
	f.eventFlags.register(fs, "")
	f.ldFlags.register(fs)
	fs.BoolVar(&f.lenient, "lenient", false, "read the typo \":/flag/\" in specifiers as \":flag/\", with a warning")
	fs.BoolVar(&f.strict, "strict", false, "stop at the first input that is not a well-formed event, with exit status 1")
	fs.BoolVar(&f.failOnIndet, "fail-on-indeterminate", false, "exit with status 1 when an event's delivery is indeterminate")
	fs.BoolVar(&f.dedup, "dedup", false, "leave out events whose _id came before (LaunchDarkly retries a delivery once)")
}

// check reports bad usage.
func (f *runFlags) check(fs *flag.FlagSet, inputs []string) error {
	if f.policyFile == "" {
		return usagef(fs.Name(), "--policy is required")
	}
	return stdinOnce(fs.Name(), "--policy, --metadata and the inputs", append([]string{f.policyFile, f.metadataFile}, orStdin(inputs)...)...)
}

// prepare loads the policy, and returns the runner of the inputs (see
// eventFlags.runner) and the connection of the ld: arguments.
func (f *runFlags) prepare(cmd string, inputs []string, stdin io.Reader, stderr io.Writer) (*runner, []input, *ldConn, error) {
	ld := f.conn(nil, cmd)
	set, err := loadPolicy(cmd, f.policyFile, stdin, ld, policy.Options{Lenient: f.lenient}, stderr)
	if err != nil {
		return nil, nil, nil, err
	}
	r, ins, err := f.runner(cmd, set, inputs, stdin, ld, stderr)
	return r, ins, ld, err
}

// indeterminateError is the error of --fail-on-indeterminate for a run of
// cmd that counted c; nil when the flag is off or no delivery was
// indeterminate.
func (f *runFlags) indeterminateError(cmd string, c *counts) error {
	if f.failOnIndet && c.Indeterminate > 0 {
		return &exitError{exitNo, fmt.Errorf("%s: %d event%s with an indeterminate delivery", cmd, c.Indeterminate, plural(c.Indeterminate))}
	}
	return nil
}

// dryRunFlags are the flags of dry-run.
type dryRunFlags struct {
	runFlags
	format, sortBy string
}

func (f *dryRunFlags) register(fs *flag.FlagSet) {
	f.runFlags.register(fs)
	fs.Var(newFormatFlag(&f.format, "text", "json"), "format", "output `format`: text, or json for NDJSON records")
	fs.StringVar(&f.sortBy, "sort", "", "order events by `date` (LaunchDarkly does not deliver in order); this holds the decided events in memory")
}

// check reports bad usage.
func (f *dryRunFlags) check(fs *flag.FlagSet, inputs []string) error {
	if f.sortBy != "" && f.sortBy != "date" {
		return usagef("dry-run", "--sort must be date, not %q", f.sortBy)
	}
	return f.runFlags.check(fs, inputs)
}

func runDryRun(f *dryRunFlags, inputs []string, stdin io.Reader, stdout, stderr io.Writer) error {
	r, ins, ld, err := f.prepare("dry-run", inputs, stdin, stderr)
	if err != nil {
		return err
	}
	// Records are written through a buffer, flushed before anything goes to
	// stderr and at the end, rather than a system call each.
	prog := newProgress(stdout, stderr)
	ld.prog = prog
	bw := bufio.NewWriterSize(prog.stdout, 64<<10)
	defer bw.Flush()
	out := &dryRunOutput{w: bw, flush: bw.Flush, json: f.format == "json", set: r.set, stderr: prog.stderr}

	var held []eventLine // with --sort
	onEvent := func(ev *decided) error {
		line := newEventLine(ev)
		if f.sortBy != "" {
			held = append(held, line)
			return nil
		}
		return out.event(line)
	}
	if err := r.runShowingProgress(prog, ins, onEvent, out.problem); err != nil {
		return err
	}
	sort.SliceStable(held, func(i, j int) bool { return held[i].Date < held[j].Date })
	for _, line := range held {
		if err := out.event(line); err != nil {
			return err
		}
	}
	if err := out.summary(&r.counts); err != nil {
		return err
	}
	return f.indeterminateError("dry-run", &r.counts)
}

// eventLine is a decided event as dry-run reports it. It owns its data.
type eventLine struct {
	Type          string       `json:"type"` // "event"
	Source        string       `json:"source"`
	ID            string       `json:"_id"`
	Date          int64        `json:"date"`
	Kind          string       `json:"kind"`
	Delivered     bool         `json:"delivered"`
	Indeterminate bool         `json:"indeterminate"`
	Accesses      []accessLine `json:"accesses"`
	title         string
	statement     int
}

type accessLine struct {
	Action        string        `json:"action"`
	Resource      string        `json:"resource"`
	Decision      policy.Effect `json:"decision"`
	Statement     *int          `json:"statement"`
	Indeterminate bool          `json:"indeterminate"`
}

func newEventLine(ev *decided) eventLine {
	h := ev.head
	line := eventLine{
		Type: "event", Source: ev.source, ID: h.ID, Date: h.Date, Kind: h.Kind,
		Delivered: ev.delivery.Delivered, Indeterminate: ev.delivery.Indeterminate,
		Accesses: make([]accessLine, len(h.Accesses)),
		title:    h.Title, statement: ev.delivery.Statement,
	}
	if line.title == "" {
		line.title = h.Name
	}
	for i, a := range h.Accesses {
		d := ev.decisions[i]
		al := accessLine{Action: a.Action, Resource: a.Resource, Decision: d.Effect, Indeterminate: d.Indeterminate}
		if d.Statement >= 0 {
			st := d.Statement
			al.Statement = &st
		}
		line.Accesses[i] = al
	}
	return line
}

type dryRunOutput struct {
	w, stderr io.Writer
	json      bool
	set       *policy.Set
	flush     func() error // flushes w
	buf       []byte       // an event's JSON record
}

// appendEventJSON appends e as encoding/json writes it (without HTML
// escaping) and a newline, without reflection or allocation.
func appendEventJSON(b []byte, e *eventLine) []byte {
	b = append(b, `{"type":`...)
	b = appendJSONString(b, e.Type)
	b = append(b, `,"source":`...)
	b = appendJSONString(b, e.Source)
	b = append(b, `,"_id":`...)
	b = appendJSONString(b, e.ID)
	b = append(b, `,"date":`...)
	b = strconv.AppendInt(b, e.Date, 10)
	b = append(b, `,"kind":`...)
	b = appendJSONString(b, e.Kind)
	b = append(b, `,"delivered":`...)
	b = strconv.AppendBool(b, e.Delivered)
	b = append(b, `,"indeterminate":`...)
	b = strconv.AppendBool(b, e.Indeterminate)
	b = append(b, `,"accesses":`...)
	if e.Accesses == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i := range e.Accesses {
			a := &e.Accesses[i]
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"action":`...)
			b = appendJSONString(b, a.Action)
			b = append(b, `,"resource":`...)
			b = appendJSONString(b, a.Resource)
			b = append(b, `,"decision":`...)
			b = appendJSONString(b, string(a.Decision))
			b = append(b, `,"statement":`...)
			if a.Statement == nil {
				b = append(b, "null"...)
			} else {
				b = strconv.AppendInt(b, int64(*a.Statement), 10)
			}
			b = append(b, `,"indeterminate":`...)
			b = strconv.AppendBool(b, a.Indeterminate)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	return append(b, "}\n"...)
}

// appendJSONString appends s as a JSON string, as encoding/json writes it
// without HTML escaping: printable ASCII other than '"' and '\\' as it is,
// anything else through encoding/json itself.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < ' ' || c > '~' || c == '"' || c == '\\' {
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			enc.Encode(s) // a string always encodes
			return append(b, bytes.TrimSuffix(buf.Bytes(), []byte("\n"))...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

func (o *dryRunOutput) writeJSON(v any) error {
	return (&output{w: o.w}).writeJSON(v)
}

func (o *dryRunOutput) event(e eventLine) error {
	if o.json {
		o.buf = appendEventJSON(o.buf[:0], &e)
		_, err := o.w.Write(o.buf)
		return err
	}
	result := "not delivered"
	switch {
	case e.Indeterminate:
		result = "indeterminate"
	case e.Delivered:
		result = "delivered"
	}
	st := "-"
	if e.statement >= 0 {
		st = fmt.Sprintf("statement %d", e.statement)
	}
	_, err := fmt.Fprintf(o.w, "%-19s  %-18s  %-48s  %-13s  %-12s  %s\n", shownDate(e.Date), display.Printable(e.Kind), display.Clip(plainTitle(e.title), 48), result, st, e.Source)
	return err
}

// shownDate is an event's date, in milliseconds since the epoch, as
// people read it; "-" for none.
func shownDate(ms int64) string {
	if ms == 0 {
		return "-"
	}
	return time.UnixMilli(ms).UTC().Format("2006-01-02 15:04:05")
}

func (o *dryRunOutput) problem(p problem) error {
	if o.json {
		return o.writeJSON(struct {
			Type    string `json:"type"`
			Source  string `json:"source"`
			Line    int    `json:"line,omitempty"`
			Column  int    `json:"column,omitempty"`
			Message string `json:"message"`
		}{"error", p.source, p.line, p.col, p.err.Error()})
	}
	if err := o.flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(o.stderr, "ldpolicy: %v\n", p)
	return err
}

func (o *dryRunOutput) summary(c *counts) error {
	type hit struct {
		Statement int `json:"statement"`
		Hits      int `json:"hits"`
	}
	hits := make([]hit, len(c.hits))
	never := []int{}
	for i, n := range c.hits {
		hits[i] = hit{i, n}
		if n == 0 {
			never = append(never, i)
		}
	}
	if o.json {
		if err := o.writeJSON(struct {
			Type string `json:"type"`
			*counts
			Statements   []hit `json:"statements"`
			NeverDecided []int `json:"neverDecided"`
		}{"summary", c, hits, never}); err != nil {
			return err
		}
		return o.flush()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\n%-16s %d\n", "events read", c.Events)
	fmt.Fprintf(&b, "%-16s %d\n", "delivered", c.Delivered)
	fmt.Fprintf(&b, "%-16s %d\n", "not delivered", c.NotDelivered)
	fmt.Fprintf(&b, "%-16s %d\n", "indeterminate", c.Indeterminate)
	fmt.Fprintf(&b, "%-16s %d\n", "malformed", c.Malformed)
	fmt.Fprintf(&b, "%-16s %d", "duplicate _ids", c.Duplicates)
	if c.Dropped > 0 {
		fmt.Fprintf(&b, " (left out by --dedup)")
	}
	b.WriteString("\n")
	if o.set.Len() > 0 {
		b.WriteString("accesses decided by each statement:\n")
		for i, n := range c.hits {
			fmt.Fprintf(&b, "  statement %-3d %6d  %s\n", i, n, o.set.Statement(i))
		}
	}
	if len(never) > 0 {
		fmt.Fprintf(&b, "statements that decided nothing: %s\n", joinInts(never))
	}
	if _, err := io.WriteString(o.w, b.String()); err != nil {
		return err
	}
	return o.flush()
}

func joinInts(ns []int) string {
	parts := make([]string, len(ns))
	for i, n := range ns {
		parts[i] = fmt.Sprint(n)
	}
	return strings.Join(parts, ", ")
}

// plainTitle removes the Markdown of LaunchDarkly's titles: a link
// "[text](url)" becomes its text, and "**", "~~" and "`" go.
func plainTitle(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '[':
			if j := strings.Index(s[i:], "]("); j > 0 {
				if k := strings.IndexByte(s[i+j:], ')'); k > 0 {
					b.WriteString(s[i+1 : i+j])
					i += j + k
					continue
				}
			}
			b.WriteByte(s[i])
		case strings.HasPrefix(s[i:], "**") || strings.HasPrefix(s[i:], "~~"):
			i++
		case s[i] == '`':
		default:
			b.WriteByte(s[i])
		}
	}
	return display.Printable(strings.Join(strings.Fields(b.String()), " "))
}
