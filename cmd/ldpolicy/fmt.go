package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/ldpolicy/ldpolicy/internal/policyfmt"
	"github.com/ldpolicy/ldpolicy/internal/policysource"
	"github.com/ldpolicy/ldpolicy/internal/udiff"
	"github.com/ldpolicy/ldpolicy/policy"
)

const fmtUsage = `usage: ldpolicy fmt [flags] [PATH...]

Fmt writes policy files in one canonical form, so that a change to a policy
under review shows as a change of meaning, not of layout:

  - the shape of the file is kept (an array of statements, a webhook, a
    custom role), and so is every other field of a webhook or role, with its
    value;
  - the fields of a statement come in the order effect, actions, notActions,
    resources, notResources; those of a webhook in the order _id, name, url,
    secret, on, sign, tags, statements, and those of a role in the order _id,
    key, name, description, basePermissions, resourceCategory, policy; other
    fields follow in the order of the file;
  - each statement is a block of its own, indented by two spaces a level; a
    scalar, an empty list and a list of one scalar stay on one line
    ("actions": ["*"]), any other list or object has one element a line;
  - strings are written as JSON writes them, numbers as the file wrote them;
    the file ends with a newline.

Terraform's spellings not_actions and not_resources are kept, since a file
may feed Terraform as well as the REST API; --camel-case writes them as
notActions and notResources. Formatting changes no value: the formatted file
decodes to the same statements and fields, and so decides the same.

` + pathsUsage + `
No PATH reads stdin. A file must be well-formed JSON of a policy file's
shape whose statements have only known fields; its problems are printed as
check prints them. Specifiers are not checked: a file that check rejects
for a malformed specifier is formatted all the same.

` + excludeUsage + `
Terraform files (.tf) are terraform fmt's to format, and the output of
terraform show -json Terraform's to write: fmt skips both, named or found
in a directory, with a note on stderr, and they are not errors.

Without flags, fmt writes the formatted files to stdout. --check writes
nothing but the names of the files that are not formatted; -w rewrites them
in place (through a temporary file in the same directory, renamed over the
file, with the file's permissions); -d writes a unified diff of each change,
with --check instead of the names, with -w as well as rewriting.

Exit status: 0 when every file was formatted (with --check: when every file
is formatted already); 1 when --check found a file that is not; 2 for bad
usage, or a file that cannot be read, written, or parsed.

Flags:
`

// fmtFlags are the flags of fmt.
type fmtFlags struct {
	checkOnly, diff, write bool
	opts                   policyfmt.Options
	exclude                excludeFlag
}

func (f *fmtFlags) register(fs *flag.FlagSet) {
	fs.BoolVar(&f.checkOnly, "check", false, "list the files that are not formatted, and exit with status 1 if there are any")
	fs.BoolVar(&f.diff, "d", false, "write a unified diff of the changes instead of the formatted files")
	fs.BoolVar(&f.diff, "diff", false, "the same as -d")
	fs.BoolVar(&f.write, "w", false, "rewrite the files that are not formatted in place")
	fs.BoolVar(&f.write, "write", false, "the same as -w")
	fs.BoolVar(&f.opts.CamelCase, "camel-case", false, "write not_actions and not_resources as notActions and notResources")
	f.exclude.register(fs)
}

// check reports bad usage.
func (f *fmtFlags) check(_ *flag.FlagSet, args []string) error {
	stdinUsers := stdinReaders(orStdin(args))
	switch {
	case f.checkOnly && f.write:
		return usagef("fmt", "--check and -w cannot be used together: --check never writes")
	case f.write && stdinUsers > 0:
		return usagef("fmt", "-w rewrites files in place, and stdin is not a file")
	case stdinUsers > 1:
		return usagef("fmt", "stdin can be read only once")
	}
	return nil
}

func runFmt(f *fmtFlags, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	files, err := policyWalker("fmt", f.exclude).find(orStdin(args), stderr)
	if err != nil {
		return err
	}
	failed, unformatted := 0, 0
	for _, in := range files {
		if in.err != nil {
			fmt.Fprintf(stderr, "ldpolicy: %v\n", in.err)
			failed++
			continue
		}
		changed, ok, err := f.file(in.path, stdin, stdout, stderr)
		if err != nil {
			return err
		}
		if changed {
			unformatted++
		}
		if !ok {
			failed++
		}
	}
	switch {
	case failed > 0:
		return &exitError{code: exitUsage}
	case f.checkOnly && unformatted > 0:
		return &exitError{code: exitNo}
	}
	return nil
}

// file formats a policy file and writes, lists or rewrites it as the flags
// say. It reports whether the file is not formatted, and whether it could
// be read, parsed and rewritten (the problems went to stderr); an error
// writing to stdout ends fmt.
func (f *fmtFlags) file(name string, stdin io.Reader, stdout, stderr io.Writer) (changed, ok bool, err error) {
	if policysource.IsTerraformFile(name) {
		fmt.Fprintf(stderr, "ldpolicy: fmt: %s: skipped: a Terraform file: terraform fmt formats it\n", name)
		return false, true, nil
	}
	data, err := readInput(name, stdin)
	if err != nil {
		fmt.Fprintf(stderr, "ldpolicy: %v\n", errors.Unwrap(err))
		return false, false, nil
	}
	shown := displayName(name)
	if policysource.IsShowJSON(data) {
		fmt.Fprintf(stderr, "ldpolicy: fmt: %s: skipped: the output of terraform show -json, which Terraform writes\n", shown)
		return false, true, nil
	}
	out, err := policyfmt.Format(shown, data, f.opts)
	var errs policy.ErrorList
	switch {
	case errors.As(err, &errs):
		writeProblems(stderr, errs)
		return false, false, nil
	case err != nil:
		fmt.Fprintf(stderr, "ldpolicy: %s: %v\n", shown, err)
		return false, false, nil
	}
	changed = !bytes.Equal(out, data)
	if f.diff && changed {
		if _, err := stdout.Write(udiff.Unified(shown, shown, data, out)); err != nil {
			return changed, true, err
		}
	}
	switch {
	case f.checkOnly:
		if changed && !f.diff {
			_, err = fmt.Fprintln(stdout, shown)
		}
	case f.write:
		if changed {
			if err := writeAtomically(name, out); err != nil {
				fmt.Fprintf(stderr, "ldpolicy: %v\n", err)
				return changed, false, nil
			}
		}
	case !f.diff:
		_, err = stdout.Write(out)
	}
	return changed, true, err
}

// writeAtomically replaces the file name (the file it links to, if it is a
// symbolic link) with data, keeping its permissions, through an outputFile,
// so that the file is never seen half-written.
func writeAtomically(name string, data []byte) error {
	target, err := filepath.EvalSymlinks(name)
	if err != nil {
		return err
	}
	info, err := os.Stat(target)
	if err != nil {
		return err
	}
	o, err := newOutputFile(target, name, info.Mode().Perm())
	if err != nil {
		return err
	}
	if _, err := o.Write(data); err != nil {
		o.abort()
		return fmt.Errorf("%s: %v", name, err)
	}
	return o.commit()
}
