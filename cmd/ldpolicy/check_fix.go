package main

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/ldpolicy/ldpolicy/internal/udiff"
	"github.com/ldpolicy/ldpolicy/lint"
)

// fixer applies the fixes of check --fix.
type fixer struct {
	diff           bool // -d: write diffs, not the files
	stdout, stderr io.Writer
}

// fixer returns the fixer of the flags, nil without --fix.
func (f *checkFlags) fixer(stdout, stderr io.Writer) *fixer {
	if !f.fix {
		return nil
	}
	return &fixer{diff: f.diff, stdout: stdout, stderr: stderr}
}

// apply applies the fixes of the findings of r, the file name, to its
// source (lint.FixEdits: only those of the codes that are fixable, one an
// element), noting each on stderr, with the fixes not applied and why.
// It rewrites the file as fmt -w does, or with -d writes the diff, and
// returns the fixed source.
func (x *fixer) apply(name string, r *checked) ([]byte, error) {
	edits, unfixed := lint.FixEdits(r.policy, r.findings)
	for _, e := range edits {
		verb := "fixed"
		if x.diff {
			verb = "would fix (-d)"
		}
		fmt.Fprintf(x.stderr, "ldpolicy: check: %s: %s %s: %q -> %q\n", place(e.Finding, ""), verb, e.Finding.Code, e.Finding.Value, e.Finding.Fix)
	}
	for _, u := range unfixed {
		fmt.Fprintf(x.stderr, "ldpolicy: check: %s: %s not fixed: %s\n", place(u.Finding, ""), u.Finding.Code, u.Reason)
	}
	out := lint.ApplyEdits(r.data, edits)
	switch {
	case bytes.Equal(out, r.data):
		return out, nil
	case x.diff:
		_, err := x.stdout.Write(udiff.Unified(r.file, r.file, r.data, out))
		return out, err
	}
	return out, writeAtomically(name, out)
}

// place is where a finding is: "file:line:col: path", with the address
// of its Terraform resource, if any, before the path.
func place(f lint.Finding, address string) string {
	var parts []string
	for _, p := range []string{f.Pos.String(), address, f.Path()} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, ": ")
}
