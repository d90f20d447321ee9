package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ldpolicy/ldpolicy/policy"
	"github.com/ldpolicy/ldpolicy/resource"
)

const checkUsage = `usage: ldpolicy check [flags] FILE...

Check validates policy files and reports every problem of each at once:
malformed JSON, unknown or duplicate fields, a missing or misspelled effect,
resources or actions that are missing, given twice or empty, and malformed
specifiers. Each problem is printed as

	FILE:LINE:COL: statements[N].resources[I]: message

followed, for a problem inside a specifier, by the specifier with a caret
under the byte at fault. Columns count bytes. "-" reads a policy from stdin.

Exit status: 0 when every file is valid, 1 when a file has a problem, 2 for
bad usage or a file that cannot be read.

Flags:
`

func runCheck(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	format := fs.String("format", "text", "output `format`: text or json")
	lenient := fs.Bool("lenient", false, "accept the typo \":/flag/\" in specifiers, with a warning")
	files, err := parseFlags(fs, args, stdout, checkUsage)
	if err != nil {
		return helpIsDone(err)
	}
	switch {
	case *format != "text" && *format != "json":
		return usagef("check", "--format must be text or json, not %q", *format)
	case len(files) == 0:
		return usagef("check", "no policy files given")
	}

	var reports []fileReport
	unreadable, invalid := 0, 0
	for _, name := range files {
		r := fileReport{File: displayName(name), Problems: []problemJSON{}}
		data, err := readInput(name, stdin)
		if err != nil {
			unreadable++
			fmt.Fprintf(stderr, "ldpolicy: %v\n", errors.Unwrap(err))
			r.Error = errors.Unwrap(err).Error()
			reports = append(reports, r)
			continue
		}
		set, err := policy.Load(r.File, data, policy.Options{Lenient: *lenient})
		var errs policy.ErrorList
		switch {
		case errors.As(err, &errs):
			invalid++
			for _, e := range errs {
				r.Problems = append(r.Problems, newProblem(e))
			}
		case err != nil:
			return inputErr(err)
		default:
			r.Valid, r.Statements = true, set.Len()
			for _, w := range set.Warnings() {
				r.Problems = append(r.Problems, newProblem(w))
			}
		}
		reports = append(reports, r)
	}

	if *format == "json" {
		out := &output{w: stdout}
		if err := out.writeJSON(reports); err != nil {
			return err
		}
	} else {
		var b strings.Builder
		for _, r := range reports {
			for _, p := range r.Problems {
				writeProblem(&b, p)
			}
			if r.Valid {
				fmt.Fprintf(&b, "%s: valid, %d statement%s\n", r.File, r.Statements, plural(r.Statements))
			}
		}
		if _, err := io.WriteString(stdout, b.String()); err != nil {
			return err
		}
	}
	switch {
	case unreadable > 0:
		return &exitError{code: exitUsage}
	case invalid > 0:
		return &exitError{code: exitNo}
	}
	return nil
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// fileReport is what check found in one file.
type fileReport struct {
	File       string        `json:"file"`
	Valid      bool          `json:"valid"`
	Statements int           `json:"statements"`
	Problems   []problemJSON `json:"problems"`
	Error      string        `json:"error,omitempty"` // why the file could not be read
}

// problemJSON is one problem, as check --format json writes it. Statement,
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
	pos       string
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
		pos:       e.Pos.String(),
	}
	var se *resource.SyntaxError
	if errors.As(e.Err, &se) {
		p.Fix = se.Fix
	}
	return p
}

// writeProblems writes problems for people, as check does.
func writeProblems(w io.Writer, errs policy.ErrorList) {
	var b strings.Builder
	for _, e := range errs {
		writeProblem(&b, newProblem(e))
	}
	io.WriteString(w, b.String())
}

func writeProblem(b *strings.Builder, p problemJSON) {
	loc := p.pos
	if p.Path != "" {
		if loc != "" {
			loc += ": "
		}
		loc += p.Path
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
	if p.Value != "" && p.Offset >= 0 {
		b.WriteString(caret(p.Value, p.Offset, "\t"))
		b.WriteString("\n")
	}
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
