package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"iter"
	"regexp"
	"strings"
	"time"

	"github.com/ldpolicy/ldpolicy/internal/jsonscan"
	"github.com/ldpolicy/ldpolicy/internal/policyfmt"
	"github.com/ldpolicy/ldpolicy/ldapi"
)

const pullUsage = `usage: ldpolicy pull auditlog [--since T] [--until T] [--spec SPEC] [--full] [-o FILE]
       ldpolicy pull webhooks [--with-secrets] [-o FILE]
       ldpolicy pull roles [-o DIR]
       ldpolicy pull members [-o FILE]

Pull reads your LaunchDarkly account and writes what the other commands
read offline:

	auditlog   audit-log entries as NDJSON, for dry-run, filter, diff and replay
	webhooks   the webhooks as a list response, for replay --webhooks
	roles      the custom roles, a file each, for eval --role --policy and check
	members    the members with their teams and roles, for who-can --source

Run 'ldpolicy pull WHAT --help' for each.

` + ldAccountHelp + pullExitHelp

// pullExitHelp ends the usage of pull, and of each pull before its flags.
const pullExitHelp = `
Exit status: 0 when everything was written; 2 for bad usage or an error of
LaunchDarkly's API; 130 when interrupted.
`

// pullOutputHelp says how pull writes -o FILE.
const pullOutputHelp = `With -o FILE, the output goes to a temporary file beside FILE (.FILE.tmp-*),
readable by you only, which is renamed FILE once it is complete: a pull
that fails or is interrupted leaves FILE as it was (only a pull killed
outright, by SIGKILL or a crash, can leave the temporary file behind).
Without -o, the output goes to stdout.
`

// pulls are what pull writes: each with its usage, and the function that
// writes it to out, -o FILE or stdout, and returns a note for stderr, if
// any, once the output is written (pull roles -o DIR writes a directory,
// with pullRolesDir).
var pulls = map[string]struct {
	usage string
	run   func(ctx context.Context, f *pullFlags, c *ldapi.Client, out *pullOutput) (string, error)
}{
	"auditlog": {pullAuditLogUsage, pullAuditLog},
	"webhooks": {pullWebhooksUsage, pullWebhooks},
	"roles":    {pullRolesUsage, pullRoles},
	"members":  {pullMembersUsage, pullMembers},
}

func runPull(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usagef("pull", "expected what to pull: auditlog, webhooks, roles or members")
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, pullUsage)
		return nil
	}
	p, ok := pulls[args[0]]
	if !ok {
		return usagef("pull", "cannot pull %q: expected auditlog, webhooks, roles or members", args[0])
	}
	f := &pullFlags{what: args[0]}
	if _, err := parseCommand(f.cmd(), f, args[1:], stdout, p.usage); err != nil {
		return helpIsDone(err)
	}
	prog := newProgress(stdout, stderr)
	defer prog.done()
	c, err := f.client(f.cmd(), prog)
	if err != nil {
		return err
	}
	if f.what == "roles" && f.output != "" {
		return pullRolesDir(ctx, f, c, prog)
	}
	out, err := f.open(prog)
	if err != nil {
		return err
	}
	note, err := p.run(ctx, f, c, out)
	prog.done()
	if err := out.close(ctx, f.cmd(), err); err != nil {
		return err
	}
	if note != "" {
		fmt.Fprintf(prog.stderr, "ldpolicy: %s: %s\n", f.cmd(), note)
	}
	return nil
}

// pullFlags are the flags of a pull: those of every pull, and those of
// what it pulls.
type pullFlags struct {
	what string // auditlog, webhooks, roles or members
	ldFlags
	output string
	// Of auditlog.
	window windowFlags
	spec   string
	full   bool
	// Of webhooks.
	withSecrets bool
}

// cmd names the pull in messages: "pull auditlog".
func (f *pullFlags) cmd() string { return "pull " + f.what }

func (f *pullFlags) register(fs *flag.FlagSet) {
	f.ldFlags.register(fs)
	output := "write to `FILE`, whole or not at all, rather than to stdout"
	switch f.what {
	case "auditlog":
		f.window.register(fs)
		fs.StringVar(&f.spec, "spec", "", "only the entries of resources that the resource specifier `SPEC` matches, as LaunchDarkly filters them")
		fs.BoolVar(&f.full, "full", false, "fetch each entry in full, with the versions of what it changed (one request an entry)")
	case "webhooks":
		fs.BoolVar(&f.withSecrets, "with-secrets", false, "keep the webhooks' signing secrets (needs -o FILE)")
	case "roles":
		output = "write each role to `DIR`/KEY.json, rather than all to stdout as NDJSON"
	}
	fs.StringVar(&f.output, "o", "", output)
}

func (f *pullFlags) check(fs *flag.FlagSet, args []string) error {
	switch {
	case len(args) > 0:
		return usagef(fs.Name(), "takes no arguments, found %q", args[0])
	case f.withSecrets && f.output == "":
		return usagef(fs.Name(), "--with-secrets needs -o FILE: secrets are never written to stdout")
	case f.what == "auditlog":
		return f.window.check(fs.Name(), time.Now())
	}
	return nil
}

// pullOutput is where a pull writes: -o FILE, or stdout through a buffer
// that is flushed at the end, whatever the end: a pull writes whole lines,
// so that an interrupted one leaves whole lines on stdout.
type pullOutput struct {
	*bufio.Writer
	file *outputFile // nil for stdout
}

// open opens the output of a pull, -o FILE or prog.stdout.
func (f *pullFlags) open(prog *progress) (*pullOutput, error) {
	if f.output == "" {
		return &pullOutput{Writer: bufio.NewWriterSize(prog.stdout, 64<<10)}, nil
	}
	file, err := createOutput(f.output)
	if err != nil {
		return nil, err
	}
	return &pullOutput{Writer: file.Writer, file: file}, nil
}

// close ends the output after the pull cmd returned err: committed when
// err is nil, abandoned otherwise. It returns the error of the command, if
// any.
func (o *pullOutput) close(ctx context.Context, cmd string, err error) error {
	if o.file == nil {
		if ferr := o.Flush(); err == nil && ferr != nil {
			return ferr
		}
		if err != nil {
			return ldErr(ctx, cmd, err, "what was written to stdout stays")
		}
		return nil
	}
	if err == nil {
		return o.file.commit()
	}
	o.file.abort()
	return ldErr(ctx, cmd, err, "nothing written to "+o.file.name)
}

const pullAuditLogUsage = `usage: ldpolicy pull auditlog [--since T] [--until T] [--spec SPEC] [--full] [-o FILE]

Pull auditlog writes the audit-log entries of a window as NDJSON, one entry
a line as LaunchDarkly wrote it, oldest first and each once: the input of
dry-run, filter, diff and replay.

T is a time in RFC 3339 (2024-05-01T12:00:00Z), a date (2024-05-01, its
midnight in UTC), or a duration back from now: whole numbers with a unit,
d (24 hours), h, m or s, such as 7d, 36h, 90m or 1d12h. The window holds
the entries dated at or after --since (by default, the start of the audit
log) and before --until (by default, now). --spec filters the entries with
a resource specifier, as LaunchDarkly's "spec" parameter does:
proj/*:env/production:flag/*.

LaunchDarkly lists entries without the versions of what they changed
(currentVersion and previousVersion, where a changed flag's tags are, which
a policy with tag specifiers needs to decide); --full fetches each entry in
full, one request an entry.

LaunchDarkly lists the newest entries first: the entries are held, in
memory and beyond 16 MiB in a temporary file that is removed at the end,
until the whole window is read, then written oldest first. A window of more
than 200,000 entries is refused before anything is written: narrow it.

` + pullOutputHelp + `
An interrupted pull to stdout has written whole lines: the oldest entries
of the window.

` + ldAccountHelp + pullExitHelp + `
Flags:
`

func pullAuditLog(ctx context.Context, f *pullFlags, c *ldapi.Client, out *pullOutput) (string, error) {
	q := f.window.query()
	q.Spec, q.Full = f.spec, f.full
	return "", writeLines(out, c.AuditLog(ctx, q), func(e ldapi.Entry) []byte { return e.Raw })
}

// writeLines writes the raw JSON of each item of seq to w, one a line,
// until the first error.
func writeLines[T any](w io.Writer, seq iter.Seq2[T, error], raw func(T) []byte) error {
	var buf bytes.Buffer
	for item, err := range seq {
		if err == nil {
			err = writeLine(w, raw(item), &buf)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

const pullWebhooksUsage = `usage: ldpolicy pull webhooks [--with-secrets] [-o FILE]

Pull webhooks writes the account's webhooks as LaunchDarkly lists them, a
list response ({"items": [...]}) with one webhook a line as LaunchDarkly
wrote it: the file that replay --webhooks reads.

A webhook's signing secret is left out, its "secret" written as null, unless
--with-secrets is given with -o FILE: secrets are never written to stdout.
Replay needs the secret of every webhook that signs ("sign": true), so pull
with --with-secrets -o FILE for it, and keep the file as you keep secrets.
URLs are written as they are: a webhook's URL may carry credentials of its
own (a token in its query, a user and password).

` + pullOutputHelp + `
` + ldAccountHelp + pullExitHelp + `
Flags:
`

func pullWebhooks(ctx context.Context, f *pullFlags, c *ldapi.Client, out *pullOutput) (string, error) {
	redacted, err := writeWebhooks(ctx, c, out, f.withSecrets)
	if redacted > 0 {
		return fmt.Sprintf("left out the signing secrets of %d webhook%s (--with-secrets -o FILE keeps them)", redacted, plural(redacted)), err
	}
	return "", err
}

// writeWebhooks writes the webhooks as a list response, with their
// secrets unless withSecrets, and returns how many secrets it left out.
func writeWebhooks(ctx context.Context, c *ldapi.Client, w io.Writer, withSecrets bool) (int, error) {
	hooks, err := c.Webhooks(ctx)
	if err != nil {
		return 0, err
	}
	var b, buf bytes.Buffer
	b.WriteString(`{"items":[`)
	redacted := 0
	for i, h := range hooks {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
		raw := []byte(h.Raw)
		if !withSecrets {
			var n int
			if raw, n, err = withoutSecret(raw); err != nil {
				return 0, fmt.Errorf("webhook %s: %v", h.ID, err)
			}
			redacted += n
		}
		if err := writeLine(&b, raw, &buf); err != nil {
			return 0, fmt.Errorf("webhook %s: %v", h.ID, err)
		}
		b.Truncate(b.Len() - 1) // the new line: a comma may follow
	}
	if len(hooks) > 0 {
		b.WriteByte('\n')
	}
	b.WriteString("]}\n")
	_, err = w.Write(b.Bytes())
	return redacted, err
}

// withoutSecret returns a webhook object with the value of its "secret"
// (of every field that encoding/json would read as it, whatever its case)
// replaced by null, and how many webhooks had one: 0 or 1.
func withoutSecret(raw []byte) ([]byte, int, error) {
	spans, err := jsonscan.FieldValues(raw, "secret")
	if err != nil {
		return nil, 0, err
	}
	var out []byte
	last, had := 0, 0
	for _, sp := range spans {
		if string(raw[sp[0]:sp[1]]) != "null" && string(raw[sp[0]:sp[1]]) != `""` {
			had = 1
		}
		out = append(append(out, raw[last:sp[0]]...), "null"...)
		last = sp[1]
	}
	return append(out, raw[last:]...), had, nil
}

const pullRolesUsage = `usage: ldpolicy pull roles [-o DIR]

Pull roles writes the account's custom and preset roles.

With -o DIR, each role is a file of its own, DIR/KEY.json, in the canonical
form of ldpolicy fmt (a role that ldpolicy cannot read as a policy is
written indented as it is, with a warning): eval --role --policy
DIR/KEY.json decides for a member who holds the role, and check DIR lints
every role. DIR must not exist, or be empty: the files go to a temporary
directory beside it (.DIR.tmp-*), readable by you only, which is renamed
DIR once complete, so that a pull that fails or is interrupted writes
nothing, and a directory never mixes the roles of two pulls.

Without -o, the roles are written to stdout as NDJSON, one role a line as
LaunchDarkly wrote it.

A role created from a preset also grants the read-only statements of its
"_presetStatements", which its "policy" need not repeat: the file keeps
them as they are, but eval and check read the "policy" of a file only,
while who-can, and eval --policy ld:role/KEY, count both, as LaunchDarkly
does.

` + ldAccountHelp + pullExitHelp + `
Flags:
`

// roleKeyRE is what a role's key must be to name a file: LaunchDarkly's
// keys are letters, digits, '.', '_' and '-'.
var roleKeyRE = regexp.MustCompile(`^[A-Za-z0-9_-][A-Za-z0-9._-]*$`)

func pullRoles(ctx context.Context, f *pullFlags, c *ldapi.Client, out *pullOutput) (string, error) {
	return "", writeLines(out, c.Roles(ctx), func(r *ldapi.Role) []byte { return r.Raw })
}

// pullRolesDir writes each role to a file of its own in -o DIR.
func pullRolesDir(ctx context.Context, f *pullFlags, c *ldapi.Client, prog *progress) error {
	cmd := f.cmd()
	dir, err := createOutputDir(f.output)
	if err != nil {
		return err
	}
	defer dir.abort()
	names := map[string]string{} // by lower case, for file systems that ignore case
	for role, err := range c.Roles(ctx) {
		if err != nil {
			return ldErr(ctx, cmd, err, "nothing written to "+f.output)
		}
		if !roleKeyRE.MatchString(role.Key) {
			return ldErr(ctx, cmd, fmt.Errorf("role key %q cannot name a file", role.Key), "nothing written to "+f.output)
		}
		lower := strings.ToLower(role.Key)
		if other, ok := names[lower]; ok {
			return ldErr(ctx, cmd, fmt.Errorf("roles %s and %s differ only in case: their files would be one on some file systems", other, role.Key), "nothing written to "+f.output)
		}
		names[lower] = role.Key
		data, err := policyfmt.Format("ld:role/"+role.Key, role.Raw, policyfmt.Options{})
		if err != nil {
			fmt.Fprintf(prog.stderr, "ldpolicy: %s: role %s is not a policy file ldpolicy can read; written as it is: %v\n", cmd, role.Key, firstLine(err.Error()))
			var b bytes.Buffer
			if json.Indent(&b, role.Raw, "", "  ") == nil {
				b.WriteByte('\n')
				data = b.Bytes()
			} else {
				data = append(append([]byte(nil), role.Raw...), '\n')
			}
		}
		if err := dir.write(role.Key+".json", data); err != nil {
			return err
		}
	}
	return dir.commit()
}

// firstLine returns the first line of s.
func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

const pullMembersUsage = `usage: ldpolicy pull members [-o FILE]

Pull members writes a snapshot of what the access of the account's members
rests on: every member (with their custom roles, role attributes, teams and
permission grants), every team they belong to (with its roles and role
attributes), and every role that they or their teams hold, each as
LaunchDarkly wrote it, one a line:

	{"members":[
	{"_id":"507f1f77bcf86cd799439011","email":"ariel@acme.com",...},
	...
	],"teams":[...],"roles":[...]}

who-can --source FILE decides from it offline, with the code that decides
from the account online (package ldapi's Snapshot).

` + pullOutputHelp + `
` + ldAccountHelp + pullExitHelp + `
Flags:
`

func pullMembers(ctx context.Context, f *pullFlags, c *ldapi.Client, out *pullOutput) (string, error) {
	snap, err := c.Snapshot(ctx)
	if err != nil {
		return "", err
	}
	_, err = snap.WriteTo(out)
	return "", err
}
