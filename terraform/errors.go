package terraform

import (
	"errors"
	"fmt"
	"strings"

	"github.com/ldpolicy/ldpolicy/policy"
)

// Error is a problem reading a Terraform source: a syntax error, a value
// that is not known without running Terraform, a bound exceeded, or a
// problem with the policy of a resource, which Err then holds as a
// [*policy.Error] (errors.As finds it).
type Error struct {
	// Pos is where the problem is: the expression at fault, the string
	// at fault inside a policy, or the file as a whole (only a Filename).
	Pos policy.Position
	// Address is the resource's, such as "launchdarkly_webhook.prod";
	// empty for a problem with a file.
	Address string
	// Err is what is wrong.
	Err error
}

// Error returns "file:line:col: address: message", where a problem with a
// resource's policy names the value at fault as package policy does
// ("statements[0].resources[1]").
func (e *Error) Error() string {
	var b strings.Builder
	if s := e.Pos.String(); s != "" {
		b.WriteString(s)
	} else {
		b.WriteString("terraform")
	}
	if e.Address != "" {
		b.WriteString(": ")
		b.WriteString(e.Address)
	}
	b.WriteString(": ")
	var pe *policy.Error
	if errors.As(e.Err, &pe) {
		if path := pe.Path(); path != "" {
			b.WriteString(path)
			b.WriteString(": ")
		}
		if pe.Warning {
			b.WriteString("warning: ")
		}
		b.WriteString(pe.Message())
	} else {
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns e.Err.
func (e *Error) Unwrap() error { return e.Err }

// IsWarning reports whether e is only a warning: never, for now; it makes
// [ErrorList] a [policy.Problems] list.
func (e *Error) IsWarning() bool { return false }

// ErrorList is a list of problems, in the order found: the files of a
// module in name order, and the problems of a resource in the order of its
// attributes as they are read. It is an error when not empty (see
// [policy.Problems.Err]).
type ErrorList = policy.Problems[*Error]

// errorf returns a problem at p, with no address.
func errorf(p policy.Position, format string, args ...any) *Error {
	return &Error{Pos: p, Err: fmt.Errorf(format, args...)}
}

// fromPolicy turns the problems of a policy, located in the source
// already, into problems of the resource at addr.
func fromPolicy(addr string, err error) ErrorList {
	var pl policy.ErrorList
	if !errors.As(err, &pl) {
		return ErrorList{{Address: addr, Err: err}}
	}
	out := make(ErrorList, len(pl))
	for i, e := range pl {
		out[i] = &Error{Pos: e.Pos, Address: addr, Err: e}
	}
	return out
}
