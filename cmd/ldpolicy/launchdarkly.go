package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/ldpolicy/ldpolicy/ldapi"
)

// What the commands that talk to LaunchDarkly's REST API (pull,
// crosscheck, who-can) share: the access token from the environment,
// --ld-host, the progress of long calls, Ctrl-C, windows of time, and
// output files that are written whole or not at all.

// exitInterrupted is the exit status of a command that Ctrl-C (SIGINT) or
// SIGTERM stopped: 128 + 2, as shells report a process that SIGINT ended.
const exitInterrupted = 130

// ldAccountHelp ends the usage of every command that talks to
// LaunchDarkly.
const ldAccountHelp = `The access token is read from the environment variable
LAUNCHDARKLY_ACCESS_TOKEN: a personal or service access token (LaunchDarkly:
Organization settings > Authorization) whose role can read what the command
reads. It is never printed, in errors or anywhere else. The instance is
app.launchdarkly.com unless --ld-host or LAUNCHDARKLY_API_HOST (the variables
of LaunchDarkly's Terraform provider) names another: app.launchdarkly.us for
federal accounts, app.eu.launchdarkly.com for EU ones. A 401 or 403 answer
stops the command at once and says what to check: the token, its role, the
instance. Rate limits are waited out, up to five minutes in all for one
listing, and transient failures (network errors, 5xx answers) are retried.
When stderr is a terminal, a command that takes more than a second shows
there how far it is (pages, entries, waits for rate limits). Ctrl-C stops it
cleanly, with exit status 130.
`

// ldFlags are the flags of every command that talks to LaunchDarkly.
type ldFlags struct {
	host string
}

func (f *ldFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.host, "ld-host", "", "LaunchDarkly's instance: a `HOST` (app.launchdarkly.com, app.launchdarkly.us, app.eu.launchdarkly.com) or an https URL (default $LAUNCHDARKLY_API_HOST, else app.launchdarkly.com)")
}

// client returns a client of LaunchDarkly's REST API with the access token
// of LAUNCHDARKLY_ACCESS_TOKEN, which shows the progress of its long
// calls with prog.
func (f *ldFlags) client(cmd string, prog *progress) (*ldapi.Client, error) {
	if !haveToken() {
		return nil, usagef(cmd, "%s is not set: set it to an access token of your LaunchDarkly account whose role can read what %s reads (LaunchDarkly: Organization settings > Authorization), as in: export %[1]s=api-...",
			ldapi.TokenEnv, cmd)
	}
	return f.newClient(cmd, prog.show)
}

// haveToken reports whether LAUNCHDARKLY_ACCESS_TOKEN is set.
func haveToken() bool { return strings.TrimSpace(os.Getenv(ldapi.TokenEnv)) != "" }

// newClient returns a client of LaunchDarkly's REST API with the access
// token of LAUNCHDARKLY_ACCESS_TOKEN, which is set, and the host of the
// flags or the environment. It shows the progress of its long calls with
// show, as progress.show takes them.
func (f *ldFlags) newClient(cmd string, show func(line string, urgent bool)) (*ldapi.Client, error) {
	opts := ldapi.Options{
		Host:      f.host,
		UserAgent: "ldpolicy/" + strings.ReplaceAll(version(), " ", "-"),
		Progress: func(p ldapi.Progress) {
			show(describeProgress(p), p.Wait > 0)
		},
	}
	c, err := ldapi.NewFromEnv(os.Getenv, opts)
	if err != nil {
		if f.host != "" {
			return nil, usagef(cmd, "--ld-host: %v", err)
		}
		return nil, usagef(cmd, "%v", err)
	}
	return c, nil
}

// ldConn is how a command reads the ld: arguments it is given, policies
// and inputs, from LaunchDarkly's REST API. Its client is made when the
// first one is read, so that a command given none needs no access token.
// While it talks to LaunchDarkly, Ctrl-C (SIGINT) and SIGTERM cancel its
// calls, and the command stops with exit status 130; otherwise they end
// the command as they end any process.
type ldConn struct {
	cmd    string
	flags  *ldFlags
	ctx    context.Context
	cancel context.CancelFunc
	// signals is set when ldConn watches for signals itself: the command
	// does not (see interruptible).
	signals bool
	// prog shows the progress of long calls, once the command has one.
	prog   *progress
	client *ldapi.Client
}

// conn returns the connection of the command cmd for its ld: arguments.
// ctx is the context of a command that handles Ctrl-C itself
// (interruptible), or nil.
func (f *ldFlags) conn(ctx context.Context, cmd string) *ldConn {
	c := &ldConn{cmd: cmd, flags: f, signals: ctx == nil}
	if ctx == nil {
		ctx = context.Background()
	}
	c.ctx, c.cancel = context.WithCancel(ctx)
	return c
}

// clientFor returns the client that reads the ld: argument arg, made the
// first time; arg is "" for what the command itself reads.
func (c *ldConn) clientFor(arg string) (*ldapi.Client, error) {
	if c.client != nil {
		return c.client, nil
	}
	switch {
	case haveToken():
	case arg == "":
		return nil, usagef(c.cmd, "%s is not set: set it to an access token of your LaunchDarkly account whose role can read what %s reads (LaunchDarkly: Organization settings > Authorization), as in: export %[1]s=api-...",
			ldapi.TokenEnv, c.cmd)
	default:
		return nil, usagef(c.cmd, "%s is read from your LaunchDarkly account, and %s is not set: set it to an access token of the account whose role can read it (LaunchDarkly: Organization settings > Authorization), as in: export %[2]s=api-...",
			arg, ldapi.TokenEnv)
	}
	client, err := c.flags.newClient(c.cmd, func(line string, urgent bool) {
		if c.prog != nil {
			c.prog.show(line, urgent)
		}
	})
	if err != nil {
		return nil, err
	}
	c.client = client
	return client, nil
}

// watch makes Ctrl-C (SIGINT) and SIGTERM cancel the calls of c, until the
// function it returns is called. After the first signal, a second one
// kills the process as it would without ldpolicy's handling.
func (c *ldConn) watch() (unwatch func()) {
	if !c.signals {
		return func() {}
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case <-sig:
			signal.Stop(sig)
			c.cancel()
		case <-done:
		}
	}()
	return func() {
		signal.Stop(sig)
		close(done)
	}
}

// interrupted returns the error of exit status 130 for err, an error of a
// call of c, when Ctrl-C canceled the call; err otherwise. done says what
// became of the command's output, if anything.
func (c *ldConn) interrupted(err error, done string) error {
	if err != nil && c.ctx.Err() != nil && errors.Is(err, context.Canceled) {
		return ldErr(c.ctx, c.cmd, err, done)
	}
	return err
}

// describeProgress is the progress line of a call of LaunchDarkly's API.
func describeProgress(p ldapi.Progress) string {
	var b strings.Builder
	switch p.Op {
	case "auditlog", "auditlog search":
		fmt.Fprintf(&b, "%s: %d entries, %d pages", p.Op, p.Items, p.Pages)
		if p.Items > 0 && !p.Reached.IsZero() {
			fmt.Fprintf(&b, ", back to %s", p.Reached.UTC().Format("2006-01-02 15:04:05"))
		}
	case "auditlog entries":
		fmt.Fprintf(&b, "%s: %d of %d fetched in full", p.Op, p.Fetched, p.Items)
	case "roles and teams":
		fmt.Fprintf(&b, "%s: %d fetched", p.Op, p.Items)
	default:
		fmt.Fprintf(&b, "%s: %d, %d pages", p.Op, p.Items, p.Pages)
	}
	if p.Wait > 0 {
		fmt.Fprintf(&b, "; waiting %s (%s)", p.Wait.Round(100*time.Millisecond), p.WaitReason)
	}
	return b.String()
}

// ldErr is the error of the command cmd for err, which a call of
// LaunchDarkly's API returned: exit status 130 when ctx was canceled (by
// Ctrl-C), with done saying what became of the output; 2 otherwise.
func ldErr(ctx context.Context, cmd string, err error, done string) error {
	if ctx.Err() != nil && errors.Is(err, context.Canceled) {
		if done != "" {
			done = ": " + done
		}
		return &exitError{exitInterrupted, fmt.Errorf("%s: interrupted%s", cmd, done)}
	}
	return &exitError{exitUsage, fmt.Errorf("%s: %v", cmd, err)}
}

// interruptible returns the run function of a command that gets a context
// canceled by Ctrl-C (SIGINT) or SIGTERM. After the first signal, a second
// one kills the process as it would without ldpolicy's handling.
func interruptible(run func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error) func(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	return func(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		go func() {
			<-ctx.Done()
			stop()
		}()
		return run(ctx, args, stdin, stdout, stderr)
	}
}

// windowFlags are --since and --until: a window of the audit log.
type windowFlags struct {
	since, until         string
	sinceDefault         string // what --since is when not given; empty: the start of the audit log
	sinceTime, untilTime time.Time
}

func (f *windowFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.since, "since", f.sinceDefault, "the start of the window: a time `T` (RFC 3339 or a date), or a duration back from now (7d, 36h, 90m)")
	fs.StringVar(&f.until, "until", "", "the end of the window, not included: a time `T`, or a duration back from now (default now)")
}

// check reads --since and --until, the durations back from now.
func (f *windowFlags) check(cmd string, now time.Time) error {
	var err error
	if f.since != "" {
		if f.sinceTime, err = parseWhen(f.since, now); err != nil {
			return usagef(cmd, "--since: %v", err)
		}
	}
	f.untilTime = now
	if f.until != "" {
		if f.untilTime, err = parseWhen(f.until, now); err != nil {
			return usagef(cmd, "--until: %v", err)
		}
	}
	if !f.sinceTime.IsZero() && !f.sinceTime.Before(f.untilTime) {
		return usagef(cmd, "the window is empty: --since %s is not before --until %s",
			f.sinceTime.UTC().Format(time.RFC3339), f.untilTime.UTC().Format(time.RFC3339))
	}
	return nil
}

// query returns the audit-log query of the window.
func (f *windowFlags) query() ldapi.AuditLogQuery {
	return ldapi.AuditLogQuery{Since: f.sinceTime, Until: f.untilTime}
}

// maxBack bounds a duration back from now: a century.
const maxBack = 100 * 365 * 24 * time.Hour

// parseWhen reads the time of --since or --until:
//
//   - a time in RFC 3339, such as 2024-05-01T12:00:00Z or
//     2024-05-01T14:00:00+02:00 (fractions of a second allowed);
//   - a date, 2024-05-01: its midnight in UTC;
//   - a duration back from now: one or more whole numbers, each followed
//     by a unit, d (24 hours), h, m or s, such as 7d, 36h, 90m or 1d12h.
func parseWhen(s string, now time.Time) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	bad := func() (time.Time, error) {
		return time.Time{}, fmt.Errorf("expected a time in RFC 3339 (2024-05-01T12:00:00Z), a date (2024-05-01), or a duration back from now (7d, 36h, 90m), found %q", s)
	}
	if len(s) > len("2024-") && s[4] == '-' && strings.ContainsAny(s, "T:") {
		// Meant as a time: say what time.Parse says.
		_, err := time.Parse(time.RFC3339Nano, s)
		return time.Time{}, fmt.Errorf("not a time in RFC 3339 (2024-05-01T12:00:00Z): %v", err)
	}
	if s == "" {
		return bad()
	}
	var back time.Duration
	for rest := s; rest != ""; {
		i := 0
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		if i == 0 || i == len(rest) {
			return bad()
		}
		n, err := strconv.ParseInt(rest[:i], 10, 64)
		if err != nil {
			return bad()
		}
		var unit time.Duration
		switch rest[i] {
		case 'd':
			unit = 24 * time.Hour
		case 'h':
			unit = time.Hour
		case 'm':
			unit = time.Minute
		case 's':
			unit = time.Second
		default:
			return bad()
		}
		if n > int64(maxBack/unit) || back+time.Duration(n)*unit > maxBack {
			return time.Time{}, fmt.Errorf("%q is more than a century back", s)
		}
		back += time.Duration(n) * unit
		rest = rest[i+1:]
	}
	return now.Add(-back), nil
}

// outputFile is a file that a command writes whole or not at all: to a
// temporary file beside it, renamed into place by commit. abort removes
// the temporary file, leaving whatever file had the name before as it was.
type outputFile struct {
	name string // the file replaced
	what string // how errors name it: "-o NAME", or NAME
	tmp  *os.File
	*bufio.Writer
}

// createOutput creates the output file of -o name, readable by the user
// only.
func createOutput(name string) (*outputFile, error) {
	return newOutputFile(name, "-o "+name, 0o600)
}

// newOutputFile creates the temporary file that replaces name, with the
// permissions perm; what names it in errors.
func newOutputFile(name, what string, perm fs.FileMode) (*outputFile, error) {
	tmp, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".tmp-*")
	if err == nil && perm != 0o600 { // CreateTemp's
		if err = tmp.Chmod(perm); err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}
	if err != nil {
		return nil, inputErr(fmt.Errorf("%s: %v", what, err))
	}
	return &outputFile{name: name, what: what, tmp: tmp, Writer: bufio.NewWriterSize(tmp, 64<<10)}, nil
}

// commit writes the file out and renames it into place.
func (o *outputFile) commit() error {
	err := o.Flush()
	if err == nil {
		err = o.tmp.Sync()
	}
	if cerr := o.tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(o.tmp.Name(), o.name)
	}
	if err != nil {
		os.Remove(o.tmp.Name())
		return inputErr(fmt.Errorf("%s: %v", o.what, err))
	}
	return nil
}

// abort removes the temporary file; after commit, it does nothing.
func (o *outputFile) abort() {
	o.tmp.Close()
	if _, err := os.Stat(o.tmp.Name()); err == nil {
		os.Remove(o.tmp.Name())
	}
}

// outputDir is an output directory that a command writes whole or not at
// all, as outputFile is written: files go into a temporary directory
// beside it, renamed into place by commit. The directory must not exist,
// or be empty: a pull never mixes its files with others, nor leaves
// those of a previous pull that are gone from the account.
type outputDir struct {
	name, tmp string
}

func createOutputDir(name string) (*outputDir, error) {
	if entries, err := os.ReadDir(name); err == nil && len(entries) > 0 {
		return nil, inputErr(fmt.Errorf("-o %s: the directory is not empty: name a new or empty one", name))
	} else if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, inputErr(fmt.Errorf("-o %s: %v", name, err))
	}
	tmp, err := os.MkdirTemp(filepath.Dir(filepath.Clean(name)), "."+filepath.Base(name)+".tmp-*")
	if err != nil {
		return nil, inputErr(fmt.Errorf("-o %s: %v", name, err))
	}
	return &outputDir{name: name, tmp: tmp}, nil
}

// write writes the file base of the directory.
func (o *outputDir) write(base string, data []byte) error {
	if err := os.WriteFile(filepath.Join(o.tmp, base), data, 0o600); err != nil {
		return inputErr(fmt.Errorf("-o %s: %v", o.name, err))
	}
	return nil
}

// commit renames the directory into place, in place of an empty one.
func (o *outputDir) commit() error {
	err := os.Remove(o.name) // empty, as createOutputDir found it, or absent
	if err == nil || errors.Is(err, os.ErrNotExist) {
		err = os.Rename(o.tmp, o.name)
	}
	if err != nil {
		os.RemoveAll(o.tmp)
		return inputErr(fmt.Errorf("-o %s: %v", o.name, err))
	}
	return nil
}

// abort removes the temporary directory; after commit, it does nothing.
func (o *outputDir) abort() {
	if _, err := os.Stat(o.tmp); err == nil {
		os.RemoveAll(o.tmp)
	}
}

// writeLine writes JSON as one line of NDJSON: compacted when it holds a
// new line (only white space between tokens can), as it is otherwise.
func writeLine(w io.Writer, data []byte, buf *bytes.Buffer) error {
	if bytes.ContainsAny(data, "\r\n") {
		buf.Reset()
		if err := json.Compact(buf, data); err != nil {
			return err
		}
		data = buf.Bytes()
	}
	if _, err := w.Write(data); err != nil {
		return err
	}
	_, err := w.Write([]byte{'\n'})
	return err
}
