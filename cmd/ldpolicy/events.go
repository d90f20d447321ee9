package main

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
	"io"
	"strings"

	"github.com/ldpolicy/ldpolicy/event"
	"github.com/ldpolicy/ldpolicy/internal/jsonscan"

	"github.com/ldpolicy/ldpolicy/policy"
	"github.com/ldpolicy/ldpolicy/resource"
)

// options are the flags that dry-run and filter share.
type options struct {
	cmd     string // the command, to name it in errors
	set     *policy.Set
	mode    policy.Mode
	meta    resource.Resolver // from --metadata; may be nil
	dedup   bool
	strict  bool
	stdin   io.Reader
	onBytes func(n int) // counts input bytes, for progress; may be nil
}

// decided is one event with its decisions. Its slices and data are reused
// by the next event: copy what outlives the call.
type decided struct {
	source    string
	head      *event.Head
	event     *policy.Event // the head's accesses, ready to decide with other policies
	decisions []policy.Decision
	delivery  policy.Delivery
	data      []byte
}

// counts are what a run saw.
type counts struct {
	Events        int `json:"events"` // records read: events, malformed records and duplicates
	Delivered     int `json:"delivered"`
	NotDelivered  int `json:"notDelivered"`
	Indeterminate int `json:"indeterminate"`
	Malformed     int `json:"malformed"`
	Duplicates    int `json:"duplicates"` // events whose _id came before
	Dropped       int `json:"dropped"`    // duplicates left out by --dedup
	hits          []int
}

// problem is input that is not an event. It is located by source, the
// record's place in the input ("events.json#3"), and, in a file, by the
// line and column of the problem itself, from 1; 0 when unknown.
type problem struct {
	source    string
	name      string // the input's name, with line and column
	line, col int
	err       error
}

// recordProblem is the problem err of the record rec, at byte off of its
// data: of the record's place when it has no data.
func recordProblem(rec event.Record, off int, err error) problem {
	line, col := rec.Position(off)
	return problem{source: rec.Source(), name: rec.Name, line: line, col: col, err: err}
}

// where locates the problem: "name:line:col", as compilers and editors
// write it, or its source when its line is unknown.
func (p problem) where() string {
	if p.line == 0 {
		return p.source
	}
	return fmt.Sprintf("%s:%d:%d", p.name, p.line, p.col)
}

func (p problem) Error() string { return p.where() + ": " + p.err.Error() }

// runner decides the events of the inputs, one at a time.
type runner struct {
	options
	counts
	head      event.Head
	resolver  resource.Resolver // the head's metadata, then meta's
	event     policy.Event      // the head's accesses, parsed and resolved
	decisions []policy.Decision
	seen      idSet
}

func newRunner(opts options) *runner {
	r := &runner{options: opts}
	r.resolver = resource.Chain{&r.head, opts.meta}
	r.hits = make([]int, opts.set.Len())
	return r
}

// run calls onEvent for every event of the inputs, and onProblem for every
// part of them that is not an event. With strict, the first problem ends
// the run with that problem as the error. An input that cannot be read to
// its end (a read error of a file, an error of LaunchDarkly's API while
// it lists an audit log) ends the run with an error of exit status 2:
// what it held after the error is unknown, and the run is incomplete;
// Ctrl-C while an audit log is listed ends it with exit status 130.
func (r *runner) run(inputs []input, onEvent func(*decided) error, onProblem func(problem) error) error {
	for _, in := range inputs {
		if err := r.runInput(in, onEvent, onProblem); err != nil {
			return err
		}
	}
	return nil
}

// runShowingProgress runs r as run does, and shows how the run goes with
// prog (see progress): onEvent and onProblem write through prog.stdout and
// prog.stderr.
func (r *runner) runShowingProgress(prog *progress, inputs []input, onEvent func(*decided) error, onProblem func(problem) error) error {
	r.onBytes = prog.addBytes
	err := r.run(inputs, func(ev *decided) error {
		prog.addEvent()
		return onEvent(ev)
	}, func(p problem) error {
		prog.addEvent()
		return onProblem(p)
	})
	prog.done()
	return err
}

func (r *runner) runInput(in input, onEvent func(*decided) error, onProblem func(problem) error) error {
	report := func(p problem) error {
		r.Malformed++
		if err := onProblem(p); err != nil {
			return err
		}
		if r.strict {
			return &exitError{exitNo, fmt.Errorf("stopped at %s (--strict)", p.where())}
		}
		return nil
	}
	s, closeInput, err := in.open(r.stdin, r.onBytes)
	if err != nil {
		// Listing the inputs opened it; it has gone since.
		return inputErr(fmt.Errorf("%s: %s: %v", r.cmd, in.Name, err))
	}
	defer closeInput()
	// failed reports a read error, which the stream has turned into the
	// record at where: it is not malformed input.
	failed := func(where string) error { return in.readErr(r.cmd, where, s.Err()) }
	var ev decided
	for s.Next() {
		rec := s.Record()
		if rec.Err != nil && s.Err() != nil {
			return failed(rec.Source())
		}
		r.Events++
		if rec.Err != nil {
			if err := report(recordProblem(rec, 0, rec.Err)); err != nil {
				return err
			}
			continue
		}
		if err := r.decide(rec, &ev); err != nil {
			if err := report(recordProblem(rec, errorOffset(err), err)); err != nil {
				return err
			}
			continue
		}
		if ev.source == "" {
			continue // a duplicate that --dedup leaves out
		}
		if err := onEvent(&ev); err != nil {
			return err
		}
	}
	if s.Err() != nil {
		// A stream ends at a read error with a record that says so;
		// should it ever not, the error still ends the run. The listing
		// of an audit log ends with its error.
		return failed(in.Name)
	}
	return nil
}

// decide decides the event of a record into ev, and counts it. It leaves
// ev.source empty for a duplicate that is dropped.
func (r *runner) decide(rec event.Record, ev *decided) error {
	*ev = decided{}
	h := &r.head
	if err := readHead(rec.Data, h); err != nil {
		return err
	}
	if err := parseAccesses(&r.event, h, rec.Data, r.resolver); err != nil {
		return err
	}
	var delivery policy.Delivery
	r.decisions, delivery = r.set.DecideEvent(r.decisions[:0], &r.event, r.mode)
	// Only a well-formed event makes its _id seen: the retry of a
	// malformed one is decided.
	if h.ID != "" && r.seen.add(h.ID, rec.Data) {
		r.Duplicates++
		if r.dedup {
			r.Dropped++
			return nil
		}
	}
	for _, d := range r.decisions {
		if d.Statement >= 0 {
			r.hits[d.Statement]++
		}
	}
	switch {
	case delivery.Indeterminate:
		r.Indeterminate++
	case delivery.Delivered:
		r.Delivered++
	default:
		r.NotDelivered++
	}
	*ev = decided{source: rec.Source(), head: h, event: &r.event, decisions: r.decisions, delivery: delivery, data: rec.Data}
	return nil
}

// eventError is an event that cannot be decided, with the offset in its
// data of the problem, which errorOffset finds.
type eventError struct {
	offset int
	err    error
}

func (e *eventError) Error() string { return e.err.Error() }

// errorOffset returns the offset of the problem of an event that err
// reports: 0, the start of the event, unless it is an eventError.
func errorOffset(err error) int {
	var ee *eventError
	if errors.As(err, &ee) {
		return ee.offset
	}
	return 0
}

// readHead reads the head of an event with event.ReadHead, and requires
// its "accesses". Its errors are eventErrors.
func readHead(data []byte, h *event.Head) error {
	if err := event.ReadHead(data, h); err != nil {
		var de *event.DecodeError
		if errors.As(err, &de) {
			return &eventError{de.Offset, errors.New(de.Msg)}
		}
		return &eventError{0, err}
	}
	if !h.HasAccesses {
		return &eventError{0, errors.New(`the event has no "accesses"`)}
	}
	return nil
}

// parseAccesses parses into ev the accesses of h, read from data, with
// policy.Event.Parse. Its error is an eventError at the malformed resource.
func parseAccesses(ev *policy.Event, h *event.Head, data []byte, r resource.Resolver) error {
	err := ev.Parse(h.Accesses, r)
	if err == nil {
		return nil
	}
	off, _ := h.ResourceErrorOffset(data)
	return &eventError{off, err}
}

// idSet holds the _ids seen by a digest of fixed size: the first 16 bytes
// of the SHA-256 of an _id's bytes. Memory grows by those 16 bytes (and the
// map's overhead) per distinct _id, however long the _ids are. Distinct
// _ids share a digest with negligible probability: by the birthday bound
// about n²/2^129 for n _ids, under 2^-64 for billions of them, so that the
// set is exact in practice.
//
// The bytes digested are the _id's as JSON decodes them, escapes undone,
// but with invalid UTF-8 kept as it is: decoded to a Go string as
// encoding/json decodes it, and as event.Head holds it, every invalid
// byte reads U+FFFD, and _ids that differ only there would be taken for
// one. (An escaped lone UTF-16 surrogate, "\ud800", still decodes to
// U+FFFD, as in encoding/json: there are no bytes to keep.)
type idSet struct {
	seen  map[[16]byte]struct{}
	sum   hash.Hash
	chunk [512]byte
	raw   []byte // the undecoded _id, reused
}

// add adds the _id of an event, id as event.ReadHead decoded it from
// data, and reports whether it was there already.
func (s *idSet) add(id string, data []byte) bool {
	if s.seen == nil {
		s.seen, s.sum = map[[16]byte]struct{}{}, sha256.New()
	}
	s.sum.Reset()
	if strings.Contains(id, "\uFFFD") {
		// Invalid UTF-8 may have been replaced: digest the bytes of data.
		s.raw = rawID(data, s.raw[:0])
		s.sum.Write(s.raw)
	} else {
		// Through a small buffer: converting id to []byte would copy it
		// whole.
		for len(id) > 0 {
			n := copy(s.chunk[:], id)
			s.sum.Write(s.chunk[:n])
			id = id[n:]
		}
	}
	var k [16]byte
	s.sum.Sum(s.chunk[:0])
	copy(k[:], s.chunk[:16])
	if _, dup := s.seen[k]; dup {
		return true
	}
	s.seen[k] = struct{}{}
	return false
}

// rawID appends to b the bytes of the last "_id" of the event in data,
// which event.ReadHead has checked, decoded as JSON decodes a string but
// with invalid UTF-8 kept as it is.
func rawID(data, b []byte) []byte {
	s := &jsonscan.Scanner{Data: data, LenientUTF8: true, KeepInvalidUTF8: true}
	s.WS()
	var id []byte
	s.Object(func(key []byte, _ int) {
		if string(key) != "_id" || s.Peek() != '"' {
			s.Skip()
			return
		}
		v, _ := s.RawString()
		id = append(id[:0], v...) // v may be the scanner's buffer, reused
	})
	return append(b, id...)
}

// countingReader reports the bytes read through it.
type countingReader struct {
	r     io.Reader
	count func(int)
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.count(n)
	return n, err
}

// loadMetadata reads a --metadata file.
func loadMetadata(name string, stdin io.Reader) (resource.Resolver, error) {
	if name == "" {
		return nil, nil
	}
	data, err := readInput(name, stdin)
	if err != nil {
		return nil, err
	}
	m, err := resource.ParseMetadataMap(data)
	if err != nil {
		return nil, inputErr(fmt.Errorf("%s: %v", displayName(name), err))
	}
	return m, nil
}
