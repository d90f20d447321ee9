package main

import (
	"flag"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/ldpolicy/ldpolicy/policy"
)

// flagValueError is an error of a flag value's Set that is a whole usage
// message, naming the flag and the value: parseFlags reports it as it is,
// rather than as the flag package words the errors of Set ("invalid value
// "x" for flag -name: ...").
type flagValueError struct{ msg string }

func (e *flagValueError) Error() string { return e.msg }

// commandFlags are the flags of a command.
type commandFlags interface {
	// register defines the flags.
	register(fs *flag.FlagSet)
	// check reports bad usage once the flags are parsed; args are the
	// other arguments.
	check(fs *flag.FlagSet, args []string) error
}

// parseCommand defines the flags f of the command name, parses them with
// parseFlags, checks them, and returns the other arguments. For --help it
// prints usageText and the flags, and returns flag.ErrHelp, which
// helpIsDone turns into success.
func parseCommand(name string, f commandFlags, args []string, stdout io.Writer, usageText string) ([]string, error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	f.register(fs)
	rest, err := parseFlags(fs, args, stdout, usageText)
	if err != nil {
		return nil, err
	}
	return rest, f.check(fs, rest)
}

// withFlags returns the run function of the command name, whose flags are
// an F: it parses and checks them with parseCommand, and calls run with
// them and the other arguments.
func withFlags[F any, P interface {
	*F
	commandFlags
}](name, usageText string, run func(f P, args []string, stdin io.Reader, stdout, stderr io.Writer) error) func(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	return func(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
		f := P(new(F))
		rest, err := parseCommand(name, f, args, stdout, usageText)
		if err != nil {
			return helpIsDone(err)
		}
		return run(f, rest, stdin, stdout, stderr)
	}
}

// quoted marks the flag values that are strings to people, as --format
// is: help quotes their defaults, as the flag package quotes the defaults
// of string flags.
type quoted interface{ quoted() }

// quoteDefaults quotes the defaults of the quoted flags of fs, for help.
func quoteDefaults(fs *flag.FlagSet) {
	fs.VisitAll(func(f *flag.Flag) {
		if _, ok := f.Value.(quoted); ok {
			f.DefValue = strconv.Quote(f.DefValue)
		}
	})
}

// modeFlag is the value of --mode, stored in *p: how many accesses of an
// event must be allowed for it to be delivered, "any" (policy.AnyAccess)
// or "all" (policy.EveryAccess).
type modeFlag struct{ p *policy.Mode }

// String is safe on the zero modeFlag, as the flag package requires; it is
// empty then, so that help shows the default.
func (m modeFlag) String() string {
	if m.p == nil {
		return ""
	}
	return m.p.String()
}

func (modeFlag) quoted() {}

func (m modeFlag) Set(s string) error {
	switch s {
	case "any":
		*m.p = policy.AnyAccess
	case "all":
		*m.p = policy.EveryAccess
	default:
		return &flagValueError{fmt.Sprintf("--mode must be any or all, not %q", s)}
	}
	return nil
}

// formatFlag is the value of --format, stored in *p: one of the formats of
// a command, the first of them by default.
type formatFlag struct {
	p       *string
	formats []string
}

// newFormatFlag returns the --format flag that stores into p one of
// formats, and sets *p to the first, the default.
func newFormatFlag(p *string, formats ...string) formatFlag {
	*p = formats[0]
	return formatFlag{p, formats}
}

// String is safe on the zero formatFlag, as the flag package requires.
func (f formatFlag) String() string {
	if f.p == nil {
		return ""
	}
	return *f.p
}

func (formatFlag) quoted() {}

func (f formatFlag) Set(s string) error {
	if !slices.Contains(f.formats, s) {
		return &flagValueError{fmt.Sprintf("--format must be %s, not %q", orList(f.formats), s)}
	}
	*f.p = s
	return nil
}

// orList joins words as "a, b or c".
func orList(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}

// stdinOnce returns a usage error of cmd when more than one of the file
// names reads stdin ("-"); who says what can name a file, for the message:
// "--policy, --metadata and the inputs".
func stdinOnce(cmd, who string, names ...string) error {
	if stdinReaders(names) > 1 {
		return usagef(cmd, "only one of %s can read stdin", who)
	}
	return nil
}

// stdinReaders counts the names that read stdin ("-").
func stdinReaders(names []string) int {
	n := 0
	for _, name := range names {
		if name == "-" {
			n++
		}
	}
	return n
}

// orStdin returns the file arguments of a command, or "-" (stdin) when
// there are none.
func orStdin(inputs []string) []string {
	if len(inputs) == 0 {
		return []string{"-"}
	}
	return inputs
}
