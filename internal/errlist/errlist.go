// Package errlist is what the error lists of packages policy and
// policytest share: a list of problems, some of them only warnings,
// reported as one error.
package errlist

import "fmt"

// Message returns the message of a list of problems: that of the first
// problem that is not a warning (of the first problem when all are) and
// how many more problems there are, or "no errors" when there are none.
func Message[E error](l []E, warning func(E) bool) string {
	if len(l) == 0 {
		return "no errors"
	}
	first := l[0]
	for _, e := range l {
		if !warning(e) {
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

// Err returns the list l as an error, or nil when it is empty.
func Err[L interface {
	~[]E
	error
}, E any](l L) error {
	if len(l) == 0 {
		return nil
	}
	return l
}

// Unwrap returns the problems of l as errors, for errors.Is and
// errors.As.
func Unwrap[E error](l []E) []error {
	out := make([]error, len(l))
	for i, e := range l {
		out[i] = e
	}
	return out
}
