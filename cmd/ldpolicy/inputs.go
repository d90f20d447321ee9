package main

import (
	"fmt"
	"io"

	"github.com/ldpolicy/ldpolicy/event"
)

// checkInputs lists the inputs that the arguments of cmd name, with
// event.FindInputs. It writes the warnings to stderr, and returns an error with
// exit status 2 when an input cannot be read: nothing has been read then,
// so that no partial result is taken for a whole one.
func checkInputs(cmd string, args []string, stderr io.Writer) ([]event.Input, error) {
	l := event.FindInputs(args)
	for _, w := range l.Warnings {
		fmt.Fprintf(stderr, "ldpolicy: %s: warning: %s\n", cmd, w)
	}
	switch len(l.Problems) {
	case 0:
		return l.Inputs, nil
	case 1:
		return nil, inputErr(fmt.Errorf("%s: %v", cmd, l.Problems[0]))
	}
	for _, p := range l.Problems {
		fmt.Fprintf(stderr, "ldpolicy: %s: %v\n", cmd, p)
	}
	return nil, inputErr(fmt.Errorf("%s: %d inputs cannot be read: nothing was read", cmd, len(l.Problems)))
}
