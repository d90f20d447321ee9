package policytest

import (
	"errors"
	"sort"
	"strings"

	"github.com/ldpolicy/ldpolicy/policy"
	"github.com/ldpolicy/ldpolicy/resource"
	"github.com/ldpolicy/ldpolicy/terraform"
)

// Error is a problem with a test file, or with a policy, metadata or event
// file that it names.
type Error struct {
	// Pos is where the problem is: in the test file or, for a problem inside
	// a file it names, in that file. Its Column is 0 when only the line is
	// known, and its Line is 0 when neither is.
	Pos policy.Position
	// Path is where the problem is inside the file, such as
	// "cases[2].expect" in a test file or "statements[0].resources[1]" in a
	// policy file; empty for a problem with the file as a whole.
	Path string
	// Value is the resource or specifier the problem is in, and Offset the
	// byte offset of the problem inside it; Offset is -1 when there is no
	// such value.
	Value  string
	Offset int
	// Warning marks a problem that does not stop the tests from running,
	// such as a typo in the policy that lenient reads.
	Warning bool
	Err     error
}

// Error returns "file:line:col: path: message".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Pos.String())
	if e.Path != "" {
		if b.Len() > 0 {
			b.WriteString(": ")
		}
		b.WriteString(e.Path)
	}
	if b.Len() == 0 {
		b.WriteString("policytest")
	}
	b.WriteString(": ")
	if e.Warning {
		b.WriteString("warning: ")
	}
	b.WriteString(e.Message())
	return b.String()
}

// Message returns what is wrong, without the location.
func (e *Error) Message() string {
	var pe *policy.Error
	if errors.As(e.Err, &pe) {
		return pe.Message()
	}
	var rs *resource.SyntaxError
	if errors.As(e.Err, &rs) {
		return rs.Msg
	}
	return e.Err.Error()
}

// Unwrap returns e.Err.
func (e *Error) Unwrap() error { return e.Err }

// IsWarning reports whether e is only a warning (e.Warning), for
// [policy.Problem].
func (e *Error) IsWarning() bool { return e.Warning }

// ErrorList is a list of problems, in the order of their positions. Its
// Error reports the first problem that is not a warning, and how many
// more there are.
type ErrorList = policy.Problems[*Error]

// sortErrors orders the problems of each file by position, keeping the
// files in the order they first appear.
func sortErrors(l ErrorList) {
	files := map[string]int{}
	for _, e := range l {
		if _, ok := files[e.Pos.Filename]; !ok {
			files[e.Pos.Filename] = len(files)
		}
	}
	sort.SliceStable(l, func(i, j int) bool {
		a, b := l[i].Pos, l[j].Pos
		if a.Filename != b.Filename {
			return files[a.Filename] < files[b.Filename]
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Column < b.Column
	})
}

// fromPolicy turns a problem of a policy file into an Error.
func fromPolicy(pe *policy.Error) *Error {
	return &Error{Pos: pe.Pos, Path: pe.Path(), Value: pe.Value, Offset: pe.Offset, Warning: pe.Warning, Err: pe}
}

// fromResourcePolicy is fromPolicy for the policy of a Terraform resource:
// its path starts with the resource's address, as in
// "launchdarkly_webhook.prod: statements[0].resources[1]".
func fromResourcePolicy(address string, pe *policy.Error) *Error {
	e := fromPolicy(pe)
	e.Path = joinPath(address, e.Path)
	return e
}

// fromTerraform is a problem reading a Terraform source, located in it.
func fromTerraform(te *terraform.Error) *Error {
	var pe *policy.Error
	if errors.As(te.Err, &pe) {
		return fromResourcePolicy(te.Address, pe)
	}
	return &Error{Pos: te.Pos, Path: te.Address, Offset: -1, Err: te.Err}
}

// joinPath joins a resource's address and a path inside its policy.
func joinPath(address, path string) string {
	switch {
	case address == "":
		return path
	case path == "":
		return address
	}
	return address + ": " + path
}
