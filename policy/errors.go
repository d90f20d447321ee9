package policy

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/ldpolicy/ldpolicy/match"
	"github.com/ldpolicy/ldpolicy/resource"
)

// Error is a problem in a policy, located by statement, field and list
// index and, when the policy came from a file, by position in it.
type Error struct {
	// Location is where the problem is; its fields and its Path are
	// promoted: e.Pos, e.Statement, e.Path().
	Location
	// Warning marks a problem that compiling accepted, such as a typo that
	// Options.Lenient rewrites.
	Warning bool
	// Err is what is wrong, such as a *resource.SyntaxError; Message gives
	// its message without a location.
	Err error
}

// Message returns what is wrong, without the location.
func (e *Error) Message() string {
	var rs *resource.SyntaxError
	if errors.As(e.Err, &rs) {
		return rs.Msg
	}
	var ms *match.SyntaxError
	if errors.As(e.Err, &ms) {
		return ms.Msg
	}
	return e.Err.Error()
}

// Error returns "file:line:col: path: message" for a positioned error, and
// "policy: path: message" (with the offset inside a specifier) otherwise.
func (e *Error) Error() string {
	var b strings.Builder
	if e.Pos.IsValid() {
		b.WriteString(e.Pos.String())
	} else {
		b.WriteString("policy")
	}
	if path := e.Path(); path != "" {
		b.WriteString(": ")
		b.WriteString(path)
	}
	b.WriteString(": ")
	if e.Warning {
		b.WriteString("warning: ")
	}
	if !e.Pos.IsValid() && e.Offset >= 0 && e.Value != "" {
		fmt.Fprintf(&b, "offset %d: ", e.Offset)
	}
	b.WriteString(e.Message())
	return b.String()
}

// Unwrap returns e.Err.
func (e *Error) Unwrap() error { return e.Err }

// IsWarning reports whether e is only a warning (e.Warning), for
// [Problem].
func (e *Error) IsWarning() bool { return e.Warning }

// ErrorList is a list of problems, in the order they appear in the policy.
// When compiling fails, the list holds the warnings too.
type ErrorList = Problems[*Error]

// Problem is what a [Problems] list holds: an error that may be only a
// warning. [*Error] is one, and so is the Error of package policytest.
type Problem interface {
	error
	// IsWarning reports whether the problem is only a warning: one that
	// did not stop what found it, such as a typo that Options.Lenient
	// rewrites.
	IsWarning() bool
}

// Problems is a list of problems that is itself an error: [ErrorList]
// lists the problems of a policy, and policytest.ErrorList those of a test
// file and the files it names.
type Problems[E Problem] []E

// Error returns the message of the first problem that is not a warning
// (of the first problem when all are) and how many more problems there
// are.
func (l Problems[E]) Error() string {
	if len(l) == 0 {
		return "no errors"
	}
	first := l[0]
	for _, e := range l {
		if !e.IsWarning() {
			first = e
			break
		}
	}
	switch len(l) {
	case 1:
		return first.Error()
	case 2:
		return first.Error() + " (and 1 more problem)"
	}
	return fmt.Sprintf("%s (and %d more problems)", first, len(l)-1)
}

// Err returns l as an error, or nil when l is empty.
func (l Problems[E]) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}

// Unwrap returns the problems of l, for [errors.Is] and [errors.As].
func (l Problems[E]) Unwrap() []error {
	out := make([]error, len(l))
	for i, e := range l {
		out[i] = e
	}
	return out
}

// sortErrors orders l by position in the file, then by statement, field
// order and index.
func sortErrors(l ErrorList) {
	sort.SliceStable(l, func(i, j int) bool {
		a, b := l[i], l[j]
		if a.Pos.Offset != b.Pos.Offset && a.Pos.IsValid() && b.Pos.IsValid() {
			return a.Pos.Offset < b.Pos.Offset
		}
		if a.Statement != b.Statement {
			return a.Statement < b.Statement
		}
		if fa, fb := fieldOrder(a.Field), fieldOrder(b.Field); fa != fb {
			return fa < fb
		}
		return a.Index < b.Index
	})
}

func fieldOrder(f string) int {
	switch f {
	case "":
		return 0
	case fieldEffect:
		return 1
	case fieldActions:
		return 2
	case fieldNotActions:
		return 3
	case fieldResources:
		return 4
	case fieldNotResources:
		return 5
	}
	return 6
}
