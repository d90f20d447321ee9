// Command ldpolicy decides LaunchDarkly policy statements offline: which
// accesses a policy allows, which webhook events it delivers, and whether a
// policy file is valid and does what it seems to; and it signs, receives
// and replays webhook deliveries, to try receivers locally.
//
// Usage:
//
//	ldpolicy dry-run --policy FILE [INPUT...]
//	ldpolicy filter --policy FILE [INPUT...]
//	ldpolicy eval --policy FILE --action ACTION --resource RESOURCE
//	ldpolicy eval --policy FILE --event FILE
//	ldpolicy check [--format text|json|sarif|github] [--strict] PATH...
//	ldpolicy check --fix [-d] PATH...
//	ldpolicy fmt [-w | --check] [-d] [PATH...]
//	ldpolicy diff OLD NEW [INPUT...]
//	ldpolicy diff --patch PATCH OLD [INPUT...]
//	ldpolicy test [PATH...]
//	ldpolicy sign --secret SECRET [FILE]
//	ldpolicy verify --secret SECRET --signature HEX [FILE]
//	ldpolicy serve --policy FILE (--secret SECRET | --unsigned) [--addr HOST:PORT]
//	ldpolicy replay --webhooks FILE [INPUT...]
//	ldpolicy pull auditlog|webhooks|roles|members [-o FILE]
//	ldpolicy crosscheck --policy FILE [--since T] [--until T]
//	ldpolicy who-can --action ACTION --resource RESOURCE [--source FILE]
//	ldpolicy version
//
// Wherever a command takes a policy file (--policy, check, diff, the policy
// of a test file, replay --webhooks), it takes a Terraform source too: a
// .tf file, a module directory or the output of "terraform show -json",
// with #ADDRESS to select one resource, as in
// main.tf#launchdarkly_webhook.prod. Wherever a command takes one, a test
// file apart, it also takes what LaunchDarkly's REST API gives of your
// account: ld:webhook/ID, ld:webhooks, ld:role/KEY, ld:team/KEY or
// ld:member/ID-or-EMAIL.
//
// Run "ldpolicy help COMMAND" for the flags of a command.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

func main() {
	os.Exit(exitCode(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr), os.Stderr))
}

// Exit statuses.
const (
	exitOK    = 0 // allow, delivered, valid
	exitNo    = 1 // deny, not delivered, invalid
	exitUsage = 2 // bad usage or unreadable input
)

// exitError ends the command with a status. A nil err prints nothing (the
// command has written its results); otherwise err is the diagnostic.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// usagef reports bad usage of a command.
func usagef(cmd, format string, args ...any) error {
	return &exitError{exitUsage, fmt.Errorf("%s: %s (run 'ldpolicy %s --help' for usage)", cmd, fmt.Sprintf(format, args...), cmd)}
}

// inputErr reports input that cannot be used.
func inputErr(err error) error { return &exitError{exitUsage, err} }

// exitCode prints the diagnostic of err, if any, and returns the status.
func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintf(stderr, "ldpolicy: %v\n", ee.err)
		}
		return ee.code
	}
	fmt.Fprintf(stderr, "ldpolicy: %v\n", err)
	return exitUsage
}

// command is a subcommand.
type command struct {
	name    string
	summary string
	run     func(args []string, stdin io.Reader, stdout, stderr io.Writer) error
}

var commands = []command{
	{"dry-run", "decide which captured webhook events a policy delivers, and why", withFlags("dry-run", dryRunUsage, runDryRun)},
	{"filter", "write the captured events a policy delivers (or not), as NDJSON", withFlags("filter", filterUsage, runFilter)},
	{"eval", "decide one access, or the delivery of one event, under a policy", withFlags("eval", evalUsage, runEval)},
	{"check", "validate and lint policy files and Terraform sources: every problem, with its code and position", withFlags("check", checkUsage, runCheck)},
	{"fmt", "write policy files in canonical form, or list those that are not", withFlags("fmt", fmtUsage, runFmt)},
	{"diff", "show the accesses and events that a new version of a policy decides differently", withFlags("diff", diffUsage, runDiff)},
	{"test", "run policy tests: accesses and events with the decision each must get", withFlags("test", testUsage, runTest)},
	{"sign", "print the X-LD-Signature of a body, as LaunchDarkly signs it", runSign},
	{"verify", "check an X-LD-Signature against a body", runVerify},
	{"serve", "run a local webhook receiver that verifies, filters and prints each event", runServe},
	{"replay", "deliver captured events to webhooks' URLs as LaunchDarkly would", withFlags("replay", replayUsage, runReplay)},
	{"pull", "write your LaunchDarkly account's audit log, webhooks, roles or members to files", interruptible(runPull)},
	{"crosscheck", "compare a policy's decisions on your audit log with LaunchDarkly's own", interruptible(runCrosscheck)},
	{"who-can", "list the members whose roles allow an access, with the role that does", interruptible(runWhoCan)},
	{"version", "print ldpolicy's version", runVersion},
}

const usage = `ldpolicy decides LaunchDarkly policy statements offline: which accesses a
policy allows, which webhook events it delivers, and why. It also signs,
receives and replays webhook deliveries, to try receivers locally.

Usage:

	ldpolicy COMMAND [flags] [arguments]

Commands:
%s
A policy is a policy file, or a resource of a Terraform source: a .tf file,
a module directory or the output of terraform show -json, with #ADDRESS
for one resource (main.tf#launchdarkly_webhook.prod), or what your
LaunchDarkly account holds: ld:webhook/ID, ld:webhooks, ld:role/KEY,
ld:team/KEY or ld:member/ID-or-EMAIL (with LAUNCHDARKLY_ACCESS_TOKEN).

Run 'ldpolicy help COMMAND' or 'ldpolicy COMMAND --help' for the flags of a command.

Exit status: 2 for bad usage or unusable input; otherwise see each command.
`

func printUsage(w io.Writer) {
	var b strings.Builder
	for _, c := range commands {
		fmt.Fprintf(&b, "\n\t%-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, usage, b.String())
}

// run runs ldpolicy with the given arguments (without the program name).
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		printUsage(stderr)
		return &exitError{code: exitUsage}
	}
	name := args[0]
	switch name {
	case "help", "-h", "-help", "--help":
		if len(args) > 1 && name == "help" {
			for _, c := range commands {
				if c.name == args[1] {
					return c.run([]string{"--help"}, stdin, stdout, stderr)
				}
			}
			return &exitError{exitUsage, fmt.Errorf("help: unknown command %q", args[1])}
		}
		printUsage(stdout)
		return nil
	case "--version", "-version", "-v":
		return runVersion(args[1:], stdin, stdout, stderr)
	}
	for _, c := range commands {
		if c.name == name {
			return c.run(args[1:], stdin, stdout, stderr)
		}
	}
	return &exitError{exitUsage, fmt.Errorf("unknown command %q (run 'ldpolicy help' for the list)", name)}
}

// parseFlags parses flags wherever they appear among the arguments (before,
// between or after file names; "--" ends the flags) and returns the other
// arguments. For --help it prints the usage on stdout and returns
// flag.ErrHelp.
func parseFlags(fs *flag.FlagSet, args []string, stdout io.Writer, usageText string) ([]string, error) {
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	onlyOnce(fs)
	var rest []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fmt.Fprint(stdout, usageText)
				fs.SetOutput(stdout)
				unwrapOnce(fs) // so that defaults show as the flag package shows them
				quoteDefaults(fs)
				fs.PrintDefaults()
				return nil, err
			}
			return nil, usagef(fs.Name(), "%v", valueError(fs, err))
		}
		rem := fs.Args()
		if n := len(args) - len(rem); n > 0 && args[n-1] == "--" {
			return append(rest, rem...), nil // everything after "--" is an argument
		}
		if len(rem) == 0 {
			return rest, nil
		}
		rest = append(rest, rem[0])
		args = rem[1:]
	}
}

// valueError returns the flagValueError of the flag whose value failed
// the parse, err otherwise.
func valueError(fs *flag.FlagSet, err error) error {
	fs.VisitAll(func(f *flag.Flag) {
		var ve *flagValueError
		if o, ok := f.Value.(*onceValue); ok && errors.As(o.err, &ve) {
			err = ve
		}
	})
	return err
}

// flagGiven reports whether the flag name was given on the command line.
func flagGiven(fs *flag.FlagSet, name string) bool {
	given := false
	fs.Visit(func(f *flag.Flag) { given = given || f.Name == name })
	return given
}

// repeatable marks the flag values that may be given more than once.
type repeatable interface{ repeatable() }

// onlyOnce makes every flag of fs that takes a value, apart from the
// repeatable ones, an error when it is given twice: "the last one wins"
// would silently drop the first (a second --policy of one webhook).
func onlyOnce(fs *flag.FlagSet) {
	fs.VisitAll(func(f *flag.Flag) {
		_, many := f.Value.(repeatable)
		b, isBool := f.Value.(interface{ IsBoolFlag() bool })
		if many || isBool && b.IsBoolFlag() {
			return
		}
		if _, done := f.Value.(*onceValue); !done {
			f.Value = &onceValue{Value: f.Value}
		}
	})
}

// unwrapOnce undoes onlyOnce.
func unwrapOnce(fs *flag.FlagSet) {
	fs.VisitAll(func(f *flag.Flag) {
		if o, ok := f.Value.(*onceValue); ok {
			f.Value = o.Value
		}
	})
}

// onceValue is a flag value that may be set once. It keeps the error of
// the value's Set, for valueError.
type onceValue struct {
	flag.Value
	set bool
	err error
}

// String is safe on the zero onceValue, as the flag package requires.
func (o *onceValue) String() string {
	if o == nil || o.Value == nil {
		return ""
	}
	return o.Value.String()
}

func (o *onceValue) Set(s string) error {
	if o.set {
		return errors.New("the flag is given more than once; it takes one value")
	}
	o.set = true
	o.err = o.Value.Set(s)
	return o.err
}

// helpIsDone turns the flag.ErrHelp of parseFlags, whose usage text has
// been printed, into success.
func helpIsDone(err error) error {
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	return err
}

// maxInput bounds what ldpolicy reads from one file or stdin.
const maxInput = 64 << 20

// readInput reads a file, or stdin for "-".
func readInput(name string, stdin io.Reader) ([]byte, error) {
	var r io.Reader = stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, inputErr(err)
		}
		defer f.Close()
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, maxInput+1))
	if err != nil {
		return nil, inputErr(fmt.Errorf("%s: %v", displayName(name), err))
	}
	if len(data) > maxInput {
		return nil, inputErr(fmt.Errorf("%s: more than %d bytes", displayName(name), maxInput))
	}
	return data, nil
}

// displayName is how errors name an input.
func displayName(name string) string {
	if name == "-" {
		return "<stdin>"
	}
	return name
}
