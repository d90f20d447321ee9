package main

import (
	"flag"
	"fmt"
	"io"

	"github.com/ldpolicy/ldpolicy/event"
	"github.com/ldpolicy/ldpolicy/policy"
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

// eventFlags are the flags of the commands that read and decide captured
// events: dry-run, filter, diff and replay. Not every one has --dedup and
// --strict.
type eventFlags struct {
	metadataFile  string
	mode          policy.Mode
	dedup, strict bool
}

// register defines --metadata and --mode, with their usage after prefix.
func (f *eventFlags) register(fs *flag.FlagSet, prefix string) {
	fs.StringVar(&f.metadataFile, "metadata", "", prefix+"a JSON `FILE` of tags, properties and views by resource path")
	fs.Var(modeFlag{&f.mode}, "mode", prefix+"deliver an event when `any` access is allowed, or only when all are")
}

// runner loads --metadata, lists the inputs, checking that each can be
// read, and returns the runner that decides their events with set: the
// way every command that reads events starts.
func (f *eventFlags) runner(cmd string, set *policy.Set, inputs []string, stdin io.Reader, stderr io.Writer) (*runner, []event.Input, error) {
	meta, err := loadMetadata(f.metadataFile, stdin)
	if err != nil {
		return nil, nil, err
	}
	ins, err := checkInputs(cmd, inputs, stderr)
	if err != nil {
		return nil, nil, err
	}
	return newRunner(options{cmd: cmd, set: set, mode: f.mode, meta: meta, dedup: f.dedup, strict: f.strict, stdin: stdin}), ins, nil
}
