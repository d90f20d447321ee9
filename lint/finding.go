package lint

import (
	"strings"

	"github.com/ldpolicy/ldpolicy/policy"
)

// Severity says how bad a finding is.
type Severity uint8

const (
	// Info is a remark about style: nothing is wrong, but something could
	// be simpler (a redundant statement or element), or something was
	// assumed (the base permissions of a role).
	Info Severity = iota
	// Warning is what LaunchDarkly accepts but is very likely a mistake,
	// including every finding that rests on the catalogue of types and
	// actions: the catalogue lags LaunchDarkly, so such a finding never
	// fails a check unless warnings are made to ("ldpolicy check
	// --strict").
	Warning
	// Error is what LaunchDarkly rejects: malformed JSON, the shape of a
	// policy file, the validation of statements and the syntax of
	// specifiers (LDP001 to LDP007).
	Error
)

// String returns "info", "warning" or "error".
func (s Severity) String() string {
	switch s {
	case Error:
		return "error"
	case Warning:
		return "warning"
	}
	return "info"
}

// MarshalText writes the severity as its String.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Finding is one problem found in a policy.
type Finding struct {
	Code     string // the rule, such as "LDP101"; see Rules
	Severity Severity
	// Message says what is wrong and what to write instead.
	Message string
	// Fix is the value at fault as it was probably meant, such as
	// "proj/*:env/production:flag/*"; empty when there is no single fix.
	Fix string
	// Location is where the finding is: the statement, field and element,
	// the byte at fault inside the element, and the position in the file
	// (invalid for a policy built by hand). Its fields and its Path are
	// promoted: f.Pos, f.Statement, f.Path().
	policy.Location
}

// String returns the finding on one line, as
// "file:line:col: path: warning: message [CODE]"; errors have no
// severity before the message.
func (f Finding) String() string {
	var b strings.Builder
	loc := f.Pos.String()
	if p := f.Path(); p != "" {
		if loc != "" {
			loc += ": "
		}
		loc += p
	}
	if loc != "" {
		b.WriteString(loc)
		b.WriteString(": ")
	}
	if f.Severity != Error {
		b.WriteString(f.Severity.String())
		b.WriteString(": ")
	}
	b.WriteString(f.Message)
	b.WriteString(" [")
	b.WriteString(f.Code)
	b.WriteString("]")
	return b.String()
}
