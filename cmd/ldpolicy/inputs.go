package main

import (
	"flag"
	"fmt"
	"io"
	"iter"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/ldpolicy/ldpolicy/event"
	"github.com/ldpolicy/ldpolicy/internal/policysource"
	"github.com/ldpolicy/ldpolicy/ldapi"
	"github.com/ldpolicy/ldpolicy/policy"
)

// input is one input of a run: a file or stdin (event.Input), or a window
// of the audit log of a LaunchDarkly account.
type input struct {
	// Name names the input in messages: the path, or the argument as
	// given. Path is "-" for stdin.
	event.Input
	// auditLog is the window of ld:auditlog?...; nil for a file or stdin.
	auditLog *auditLogInput
}

// auditLogInput is the window of the audit log that an argument
// ld:auditlog?since=T[&until=T][&spec=SPEC][&full=1] names, read with the
// client of ld.
type auditLogInput struct {
	query ldapi.AuditLogQuery
	ld    *ldConn
}

// auditLogRecords names the records of an audit-log input: ld:auditlog#N,
// the entry N of the window, from 0, oldest first.
const auditLogRecords = policysource.AccountPrefix + "auditlog"

// open opens the input, and returns the source of its records and the
// function that closes it. onBytes, which may be nil, counts the bytes
// read.
func (in input) open(stdin io.Reader, onBytes func(int)) (event.Source, func(), error) {
	if a := in.auditLog; a != nil {
		return a.open(onBytes)
	}
	rc, err := in.Open(stdin)
	if err != nil {
		return nil, nil, err
	}
	var rd io.Reader = rc
	if onBytes != nil {
		rd = &countingReader{rd, onBytes}
	}
	return event.NewStream(rd, in.Name), func() { rc.Close() }, nil
}

// open starts listing the window. Until the source is closed, Ctrl-C
// cancels the listing (see ldConn.watch).
func (a *auditLogInput) open(onBytes func(int)) (event.Source, func(), error) {
	c, err := a.ld.clientFor(auditLogRecords)
	if err != nil {
		return nil, nil, err
	}
	unwatch := a.ld.watch()
	next, stop := iter.Pull2(c.AuditLog(a.ld.ctx, a.query))
	s := &auditLogSource{next: next, onBytes: onBytes}
	return s, func() { stop(); unwatch() }, nil
}

// auditLogSource is the event.Source of a window of the audit log: its
// entries, as LaunchDarkly wrote them, oldest first, each once, named
// ld:auditlog#N. A record has no line: the entry's place is its
// location. An error of the API ends it, as a read error ends a stream.
type auditLogSource struct {
	next    func() (ldapi.Entry, error, bool)
	onBytes func(int)
	rec     event.Record
	n       int
	err     error
}

func (s *auditLogSource) Next() bool {
	if s.err != nil {
		return false
	}
	e, err, ok := s.next()
	switch {
	case !ok:
		return false
	case err != nil:
		s.err = err
		return false
	}
	s.rec = event.Record{Name: auditLogRecords, Index: s.n, Data: e.Raw}
	s.n++
	if s.onBytes != nil {
		s.onBytes(len(e.Raw))
	}
	return true
}

func (s *auditLogSource) Record() event.Record { return s.rec }

func (s *auditLogSource) Err() error { return s.err }

// auditLogUsage describes the ld:auditlog input, for the help of the
// commands that read events.
const auditLogUsage = `An INPUT may also be a window of your LaunchDarkly account's audit log,
read with its REST API:

	ld:auditlog?since=T[&until=T][&spec=SPEC][&full=1]

its entries dated at or after since and before until (by default, now),
oldest first, each once, as pull auditlog writes them: T is a time in RFC
3339 (2024-05-01T12:00:00Z), a date (2024-05-01) or a duration back from
now (7d, 36h, 90m); spec is a resource specifier that LaunchDarkly filters
the entries with (proj/*:env/production:flag/*); full=1 fetches each entry
in full, with the versions of what it changed (a changed flag's tags), one
request an entry. Write "%26" for an "&" in a value (values are
%-decoded; a "+" is a "+"). The entries are named ld:auditlog#N, N from 0,
oldest first, and a malformed one is located by that name. The access
token and the instance are read as for an ld: policy; a missing token is
an error before any event is read. While the entries are listed, a
terminal shows how far the listing is; Ctrl-C stops the command, with
exit status 130, and an error of the API stops it with exit status 2 and
says that the run is incomplete.
`

// parseAuditLog reads an ld:auditlog input, whose durations are back from
// now.
func parseAuditLog(arg string, now time.Time) (ldapi.AuditLogQuery, error) {
	var q ldapi.AuditLogQuery
	rest, ok := strings.CutPrefix(arg, auditLogRecords)
	if !ok || rest != "" && rest[0] != '?' {
		return q, fmt.Errorf("%s: expected an input of events, a file or ld:auditlog?since=T[&until=T][&spec=SPEC][&full=1]; an ld: policy (%s) is not one", arg, policysource.AccountForms)
	}
	seen := map[string]bool{}
	var since, until string
	for _, param := range strings.Split(strings.TrimPrefix(rest, "?"), "&") {
		if param == "" {
			continue
		}
		key, raw, hasValue := strings.Cut(param, "=")
		value, err := url.PathUnescape(raw)
		if err != nil {
			return q, fmt.Errorf("%s: %s: %v", arg, key, err)
		}
		if seen[key] {
			return q, fmt.Errorf("%s: %s is given twice", arg, key)
		}
		seen[key] = true
		switch key {
		case "since":
			since = value
		case "until":
			until = value
		case "spec":
			q.Spec = value
		case "full":
			if !hasValue {
				value = "1"
			}
			if q.Full, err = strconv.ParseBool(value); err != nil {
				return q, fmt.Errorf("%s: full must be 1 or 0, not %q", arg, value)
			}
		default:
			return q, fmt.Errorf("%s: unknown parameter %q: expected since, until, spec or full", arg, key)
		}
	}
	if !seen["since"] {
		return q, fmt.Errorf("%s: since is required: the start of the window, such as ld:auditlog?since=7d", arg)
	}
	var err error
	if q.Since, err = parseWhen(since, now); err != nil {
		return q, fmt.Errorf("%s: since: %v", arg, err)
	}
	q.Until = now
	if seen["until"] {
		if q.Until, err = parseWhen(until, now); err != nil {
			return q, fmt.Errorf("%s: until: %v", arg, err)
		}
	}
	if !q.Since.Before(q.Until) {
		return q, fmt.Errorf("%s: the window is empty: since %s is not before until %s", arg, q.Since.UTC().Format(time.RFC3339), q.Until.UTC().Format(time.RFC3339))
	}
	return q, nil
}

// checkInputs lists the inputs that the arguments of cmd name: the files
// that event.FindInputs finds, and the windows of the audit log of
// ld:auditlog arguments, in order. It writes the warnings to stderr, and
// returns an error with exit status 2 when an input cannot be read, or an
// ld: argument is malformed or has no access token to be read with:
// nothing has been read then, so that no partial result is taken for a
// whole one.
func checkInputs(cmd string, args []string, ld *ldConn, stderr io.Writer) ([]input, error) {
	var ins []input
	var problems []error
	find := func(paths []string) {
		l := event.FindInputs(paths)
		for _, w := range l.Warnings {
			fmt.Fprintf(stderr, "ldpolicy: %s: warning: %s\n", cmd, w)
		}
		problems = append(problems, l.Problems...)
		for _, in := range l.Inputs {
			ins = append(ins, input{Input: in})
		}
	}
	if len(args) == 0 {
		find(nil) // stdin
	}
	now := time.Now()
	first := 0 // of the files not yet found
	for i, arg := range args {
		if !policysource.IsAccount(arg) {
			continue
		}
		if i > first {
			find(args[first:i])
		}
		first = i + 1
		q, err := parseAuditLog(arg, now)
		if err != nil {
			return nil, usagef(cmd, "%v", err)
		}
		if _, err := ld.clientFor(arg); err != nil {
			return nil, err
		}
		ins = append(ins, input{Input: event.Input{Name: arg, Path: arg}, auditLog: &auditLogInput{query: q, ld: ld}})
	}
	if first < len(args) {
		find(args[first:])
	}
	switch len(problems) {
	case 0:
		return ins, nil
	case 1:
		return nil, inputErr(fmt.Errorf("%s: %v", cmd, problems[0]))
	}
	for _, p := range problems {
		fmt.Fprintf(stderr, "ldpolicy: %s: %v\n", cmd, p)
	}
	return nil, inputErr(fmt.Errorf("%s: %d inputs cannot be read: nothing was read", cmd, len(problems)))
}

// readErr is the error that ends a run of cmd at err, which reading the
// input in met at where: exit status 130 when Ctrl-C stopped the listing
// of an audit log, 2 otherwise. The run is incomplete.
func (in input) readErr(cmd, where string, err error) error {
	if a := in.auditLog; a != nil {
		if ierr := a.ld.interrupted(err, "the run is incomplete"); ierr != err {
			return ierr
		}
		return inputErr(fmt.Errorf("%s: %s: %v; the run is incomplete", cmd, in.Name, err))
	}
	return inputErr(fmt.Errorf("%s: %s: read error: %v; the run is incomplete", cmd, where, err))
}

// eventFlags are the flags of the commands that read and decide captured
// events: dry-run, filter, diff and replay. Not every one has --dedup and
// --strict.
type eventFlags struct {
	metadataFile  string
	mode          policy.Mode
	dedup, strict bool
}

// register defines --metadata and --mode, with their usage after prefix.
func (f *eventFlags) register(fs *flag.FlagSet, prefix string) {
	fs.StringVar(&f.metadataFile, "metadata", "", prefix+"a JSON `FILE` of tags, properties and views by resource path")
	fs.Var(modeFlag{&f.mode}, "mode", prefix+"deliver an event when `any` access is allowed, or only when all are")
}

// runner loads --metadata, lists the inputs, checking that each can be
// read, and returns the runner that decides their events with set: the
// way every command that reads events starts.
func (f *eventFlags) runner(cmd string, set *policy.Set, inputs []string, stdin io.Reader, ld *ldConn, stderr io.Writer) (*runner, []input, error) {
	meta, err := loadMetadata(f.metadataFile, stdin)
	if err != nil {
		return nil, nil, err
	}
	ins, err := checkInputs(cmd, inputs, ld, stderr)
	if err != nil {
		return nil, nil, err
	}
	return newRunner(options{cmd: cmd, set: set, mode: f.mode, meta: meta, dedup: f.dedup, strict: f.strict, stdin: stdin}), ins, nil
}
