package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
)

const filterUsage = `usage: ldpolicy filter --policy FILE [flags] [INPUT...]

Filter writes to stdout, as NDJSON, the captured webhook events that a
webhook with the policy would receive: each event's own JSON, unchanged
but for whitespace, one a line. --invert writes the others instead. Counts
and problems go to stderr, so that filter sits in a pipeline:

	ldpolicy filter --policy p.json events/ | jq .title

--policy names a policy file, a Terraform source with #ADDRESS or an ld:
source of your LaunchDarkly account, INPUTs are read (files, directories,
stdin, or ld:auditlog?since=T for a window of your account's audit log),
malformed input is located (FILE:LINE:COLUMN), and a long run shows its
progress on a terminal, as in dry-run ("ldpolicy dry-run --help"). An event whose
delivery is indeterminate (it depends on metadata nobody supplied)
goes where its decision with that metadata taken as absent puts it, and is
counted as indeterminate.

Exit status: 0 when the run completed; 1 when --strict stopped it or
--fail-on-indeterminate found an indeterminate event; 2 for bad usage, an
unusable policy or metadata file, or an input that cannot be read (the
events written before a read error, or an error of LaunchDarkly's API, are
then incomplete); 130 when Ctrl-C stopped the reading of an ld: source.

Flags:
`

// filterFlags are the flags of filter.
type filterFlags struct {
	runFlags
	invert bool
}

func (f *filterFlags) register(fs *flag.FlagSet) {
	f.runFlags.register(fs)
	fs.BoolVar(&f.invert, "invert", false, "write the events that would not be delivered")
}

func runFilter(f *filterFlags, inputs []string, stdin io.Reader, stdout, stderr io.Writer) error {
	r, ins, ld, err := f.prepare("filter", inputs, stdin, stderr)
	if err != nil {
		return err
	}
	prog := newProgress(stdout, stderr)
	ld.prog = prog
	w := bufio.NewWriterSize(prog.stdout, 64<<10)
	var compact bytes.Buffer
	written := 0
	onEvent := func(ev *decided) error {
		if ev.delivery.Delivered == f.invert {
			return nil
		}
		compact.Reset()
		if err := json.Compact(&compact, ev.data); err != nil {
			return err // ReadHead has checked the syntax
		}
		compact.WriteByte('\n')
		written++
		_, err := w.Write(compact.Bytes())
		return err
	}
	onProblem := func(p problem) error {
		_, err := fmt.Fprintf(prog.stderr, "ldpolicy: %v\n", p)
		return err
	}
	err = r.runShowingProgress(prog, ins, onEvent, onProblem)
	if ferr := w.Flush(); err == nil {
		err = ferr
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "ldpolicy: filter: %d read, %d written; %d delivered, %d not delivered, %d indeterminate, %d malformed, %d duplicate _ids",
		r.Events, written, r.Delivered, r.NotDelivered, r.Indeterminate, r.Malformed, r.Duplicates)
	if r.Dropped > 0 {
		fmt.Fprintf(stderr, " (left out)")
	}
	fmt.Fprintln(stderr)
	return f.indeterminateError("filter", &r.counts)
}
