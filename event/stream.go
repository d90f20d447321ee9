package event

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/ldpolicy/ldpolicy/internal/jsonscan"
)

// MaxEventSize is the largest event, or audit-log list response, a Stream
// reads; a larger one is reported and skipped.
const MaxEventSize = 64 << 20

// Record is one event of a stream, or a part of the input that is not one.
type Record struct {
	Name string // the name the stream was given, such as a file name
	// Line is the line of the start of the event or problem, from 1; 0 for
	// an element of a top-level array, which Index numbers.
	Line int
	// Index is the index of an element of a top-level array, counting the
	// elements of every such array of the input, or of an element of the
	// items of a list response; -1 otherwise.
	Index int
	// Data is the event's JSON. It is valid until the next call to Next.
	Data []byte
	// Err says why this part of the input is not an event; Data is then
	// nil.
	Err error

	// startLine and startCol are where Data starts in the input, from 1,
	// or, with Err, where the problem is; 0 when unknown.
	startLine, startCol int
}

// Position returns the line and column, from 1, of the byte at offset off
// of Data in the input, so that a problem found in an event can be located
// in the file that holds it, pretty-printed or not. Columns count bytes.
// For a record with Err, Position(0) is where the problem is: the start of
// the value that is not an event, or the byte at which the input stops
// making sense. It returns 0, 0 when the stream did not record where the
// record is.
func (r Record) Position(off int) (line, col int) {
	if r.startLine == 0 || off < 0 || off > len(r.Data) {
		return 0, 0
	}
	line, col = Position(r.Data, off)
	if line == 1 {
		return r.startLine, r.startCol + col - 1
	}
	return r.startLine + line - 1, col
}

// Position returns the line and column, from 1, of the byte at offset off
// of data, such as the contents of a file that holds one event, where
// [DecodeError.Offset] or [AccessOffset] locate a problem. Columns count
// bytes. An offset out of range is taken as the nearest end of data.
func Position(data []byte, off int) (line, col int) {
	off = max(0, min(off, len(data)))
	before := data[:off]
	nl := bytes.LastIndexByte(before, '\n')
	return 1 + bytes.Count(before, []byte("\n")), off - nl
}

// Source names the place of the record in the input: "name:line",
// "name#index" or "name:line#index".
func (r Record) Source() string {
	s := r.Name
	if r.Line > 0 {
		s += ":" + strconv.Itoa(r.Line)
	}
	if r.Index >= 0 {
		s += "#" + strconv.Itoa(r.Index)
	}
	return s
}

// Stream splits captured webhook payloads into events, one at a time:
//
//	for s.Next() {
//		r := s.Record()
//		...
//	}
//
// The input is a sequence of JSON values, each an event, an array of
// events, or an audit-log list response ({"items": [...]}), laid out in any
// way: one pretty-printed value, NDJSON (one value a line), several values
// on a line. A top-level array is read element by element, so memory does
// not grow with its length; a list response is read whole (LaunchDarkly's
// pages are small), up to MaxEventSize. A leading byte order mark is
// skipped.
//
// A Stream finds where events start and end by their brackets and strings;
// the syntax inside an event is for the event's decoder to check. A part of
// the input that is not an event (a value that is not an object, brackets
// that do not match, a value cut short) is a Record with Err set, and the
// stream goes on at the next line that starts with '{' or '[': in NDJSON,
// a malformed line costs only itself. Reading stops at a read error, which
// is the last Record.
type Stream struct {
	r       *bufio.Reader
	rerr    *readErr // the first read error of the underlying reader
	name    string
	line    int  // line of the reader's position, from 1
	col     int  // column of the reader's position, from 1, in bytes
	lineEnd bool // the last byte read ended a line: the reader is at column 1
	started bool // past the byte order mark, if any

	rec     Record
	buf     []byte
	pending []Record // events of an in-memory value still to be returned
	// inArray is set while a top-level array is read element by element;
	// afterElem once an element of it has been read.
	inArray, afterElem bool
	index              int // elements of top-level arrays so far
	done               bool
}

// NewStream returns a stream over r, whose records are named name.
func NewStream(r io.Reader, name string) *Stream {
	re := &readErr{r: r}
	return &Stream{r: bufio.NewReaderSize(re, 64<<10), rerr: re, name: name, line: 1, col: 1, lineEnd: true}
}

// Err returns the first error other than io.EOF that reading the input
// met, or nil. When it is set, the last record is the one at which reading
// stopped, with Err set: it is not malformed input, and the input after it
// was not read.
func (s *Stream) Err() error { return s.rerr.err }

// readErr remembers the first error other than io.EOF of a reader.
type readErr struct {
	r   io.Reader
	err error
}

func (e *readErr) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err != nil && err != io.EOF && e.err == nil {
		e.err = err
	}
	return n, err
}

// Record returns the current record.
func (s *Stream) Record() Record { return s.rec }

// Next advances to the next record, and reports whether there is one.
func (s *Stream) Next() bool {
	for {
		if len(s.pending) > 0 {
			s.rec, s.pending = s.pending[0], s.pending[1:]
			return true
		}
		if s.done {
			return false
		}
		if s.step() {
			return true
		}
	}
}

// fail makes the current record an error, at line and col of the input.
func (s *Stream) fail(line, index, atLine, atCol int, format string, args ...any) bool {
	s.rec = Record{Name: s.name, Line: line, Index: index, Err: fmt.Errorf(format, args...), startLine: atLine, startCol: atCol}
	return true
}

// step reads the next piece of the input. It reports whether it made a
// record; it may make none (the end of an array, an empty list response),
// or queue several in pending.
func (s *Stream) step() bool {
	if !s.started {
		s.started = true
		if bom, _ := s.r.Peek(3); string(bom) == "\uFEFF" {
			s.r.Discard(3)
		}
	}
	if err := s.skipSpace(); err != nil {
		s.done = true
		switch {
		case err != io.EOF:
			return s.fail(s.line, -1, s.line, s.col, "read error: %v", err)
		case s.inArray:
			return s.fail(s.line, -1, s.line, s.col, `unexpected end of input in an array: missing "]"`)
		}
		return false
	}
	c, _ := s.r.Peek(1)
	line, col := s.line, s.col
	if s.inArray {
		switch {
		case c[0] == ']':
			s.read(1)
			s.inArray = false
			return false
		case s.afterElem && c[0] != ',':
			s.inArray = false
			err := fmt.Errorf("expected \",\" or \"]\" after an array element, found %q", c[0])
			return s.resync(line, col, err)
		case s.afterElem:
			s.read(1)
			s.afterElem = false
			return false
		}
		index := s.index
		s.index++
		data, err := s.copyValue()
		if err != nil {
			s.inArray = false
			return s.resync(line, col, err)
		}
		s.afterElem = true
		return s.event(data, 0, index, line, col)
	}
	if c[0] == '[' {
		s.read(1)
		s.inArray, s.afterElem = true, false
		return false
	}
	data, err := s.copyValue()
	if err != nil {
		return s.resync(line, col, err)
	}
	return s.expand(data, line, col)
}

// read consumes n bytes, counting lines.
func (s *Stream) read(n int) {
	b, _ := s.r.Peek(n)
	s.count(b)
	s.r.Discard(len(b))
}

func (s *Stream) count(b []byte) {
	if len(b) == 0 {
		return
	}
	if nl := bytes.LastIndexByte(b, '\n'); nl >= 0 {
		s.line += bytes.Count(b, []byte("\n"))
		s.col = len(b) - nl
	} else {
		s.col += len(b)
	}
	s.lineEnd = b[len(b)-1] == '\n'
}

// skipSpace skips whitespace.
func (s *Stream) skipSpace() error {
	for {
		b, err := s.r.Peek(max(s.r.Buffered(), 1))
		n := 0
		for n < len(b) && (b[n] == ' ' || b[n] == '\t' || b[n] == '\r' || b[n] == '\n') {
			n++
		}
		s.count(b[:n])
		s.r.Discard(n)
		if n < len(b) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// errorHere is an error of copyValue at the reader's position (a bracket
// that closes nothing, a line break in a string), rather than one of the
// value as a whole.
type errorHere struct{ error }

// resync reports err for the value that started at line and col, and
// skips to the next line that starts with '{' or '[', where the next value
// presumably starts. The error is located at the value's start, or, for an
// errorHere, at the reader's position.
func (s *Stream) resync(line, col int, err error) bool {
	atLine, atCol := line, col
	if e, ok := err.(errorHere); ok {
		atLine, atCol, err = s.line, s.col, e.error
	}
	for !(s.lineEnd && s.atValueStart()) {
		b, rerr := s.r.ReadSlice('\n')
		s.count(b)
		if rerr == bufio.ErrBufferFull {
			continue
		}
		if rerr != nil {
			if rerr != io.EOF {
				err = fmt.Errorf("%v; then a read error: %v", err, rerr)
			}
			s.done = true
			break
		}
	}
	return s.fail(line, -1, atLine, atCol, "%v", err)
}

// atValueStart reports whether the next byte opens an object or array.
func (s *Stream) atValueStart() bool {
	b, _ := s.r.Peek(1)
	return len(b) == 1 && (b[0] == '{' || b[0] == '[')
}

// event makes data, which starts at startLine and startCol, the current
// record, if it is an object.
func (s *Stream) event(data []byte, line, index, startLine, startCol int) bool {
	if data[0] != '{' {
		return s.fail(line, index, startLine, startCol, "expected an event (a JSON object), found %s", (&jsonscan.Scanner{Data: data}).Found(0))
	}
	s.rec = Record{Name: s.name, Line: line, Index: index, Data: data, startLine: startLine, startCol: startCol}
	return true
}

// expand returns the events of a value held in memory, which starts at
// line and col: the value itself, or the items of a list response.
func (s *Stream) expand(data []byte, line, col int) bool {
	if data[0] != '{' || !bytes.Contains(data, []byte(`"items"`)) && !bytes.Contains(data, []byte(`\u`)) {
		// No key can spell "items": not a list response. The event's
		// decoder checks the syntax, so it is not scanned twice.
		return s.event(data, line, -1, line, col)
	}
	whole := Record{Data: data, startLine: line, startCol: col}
	sc := &jsonscan.Scanner{Data: data}
	isList := false
	sc.Object(func(key []byte, _ int) {
		if string(key) != "items" || sc.Peek() != '[' {
			sc.Skip()
			return
		}
		isList = true
		sc.Array(func(i int) {
			start := sc.Pos
			if sc.Skip(); sc.Err == nil {
				r := s.elementRecord(data[start:sc.Pos], line, i)
				r.startLine, r.startCol = whole.Position(start)
				s.pending = append(s.pending, r)
			}
		})
	})
	if !isList {
		s.pending = s.pending[:0]
		return s.event(data, line, -1, line, col)
	}
	if sc.Err != nil {
		// The items read before the error stand; the error takes the
		// place of the rest.
		// Position locates the error: its message need not.
		r := Record{Name: s.name, Line: line, Index: -1, Err: errors.New(sc.Err.Msg)}
		r.startLine, r.startCol = whole.Position(sc.Err.Offset)
		s.pending = append(s.pending, r)
	}
	return false // Next returns the pending records
}

func (s *Stream) elementRecord(data []byte, line, index int) Record {
	if data[0] != '{' {
		return Record{Name: s.name, Line: line, Index: index, Err: fmt.Errorf("expected an event (a JSON object), found %s", (&jsonscan.Scanner{Data: data}).Found(0))}
	}
	return Record{Name: s.name, Line: line, Index: index, Data: data}
}

// valueScanner follows a JSON value byte by byte by its strings and
// brackets only.
type valueScanner struct {
	stack            []byte // the closing brackets expected
	inString, escape bool
	started          bool
}

// step takes the next byte of the value. It returns 1 when c ends the value,
// -1 when c is the first byte after a scalar value (which c does not belong
// to), 0 otherwise, and an error for a closing bracket that closes nothing
// open.
func (v *valueScanner) step(c byte) (int, error) {
	if v.inString {
		switch {
		case v.escape:
			v.escape = false
		case c == '\\':
			v.escape = true
		case c == '"':
			v.inString = false
			if len(v.stack) == 0 {
				return 1, nil
			}
		}
		return 0, nil
	}
	switch c {
	case '"':
		v.inString, v.started = true, true
	case '{':
		v.stack, v.started = append(v.stack, '}'), true
	case '[':
		v.stack, v.started = append(v.stack, ']'), true
	case '}', ']':
		switch {
		case len(v.stack) > 0 && v.stack[len(v.stack)-1] == c:
			v.stack = v.stack[:len(v.stack)-1]
			if len(v.stack) == 0 {
				return 1, nil
			}
		case len(v.stack) == 0 && v.started:
			return -1, nil // a scalar ended by the bracket of its array
		default:
			return 0, fmt.Errorf("unexpected %q", c)
		}
	case ' ', '\t', '\r', '\n', ',':
		if len(v.stack) == 0 && v.started {
			return -1, nil
		}
	default:
		v.started = true
	}
	return 0, nil
}

// stringStops are the bytes inside a string that the scanner must look at.
var stringStops = [256]bool{'"': true, '\\': true, '\n': true}

// bracketStops are the bytes between tokens inside an object or array that
// the scanner must look at.
var bracketStops = [256]bool{'"': true, '{': true, '}': true, '[': true, ']': true, '\n': true}

// run skips, from chunk[i], the bytes that cannot end or change the value
// by themselves, handling strings and brackets inline, the common case,
// rather than byte by byte through step. It returns the offset of the next
// byte step must take: a line break, a bracket that closes the value or
// closes nothing, a byte outside any bracket; len(chunk) when the chunk is
// used up.
func (v *valueScanner) run(chunk []byte, i int) int {
	for i < len(chunk) {
		if v.escape {
			v.escape = false
			i++
			continue
		}
		if v.inString {
			for i < len(chunk) && !stringStops[chunk[i]] {
				i++
			}
			if i == len(chunk) {
				return i
			}
			switch chunk[i] {
			case '\\':
				v.escape = true
				i++
				continue
			case '"':
				if len(v.stack) == 0 {
					return i // step ends the value
				}
				v.inString = false
				i++
				continue
			}
			return i // a line break
		}
		if len(v.stack) == 0 {
			return i
		}
		for i < len(chunk) && !bracketStops[chunk[i]] {
			i++
		}
		if i == len(chunk) {
			return i
		}
		switch c := chunk[i]; c {
		case '"':
			v.inString = true
		case '{':
			v.stack = append(v.stack, '}')
		case '[':
			v.stack = append(v.stack, ']')
		case '}', ']':
			if len(v.stack) == 1 || v.stack[len(v.stack)-1] != c {
				return i // step ends the value or reports the bracket
			}
			v.stack = v.stack[:len(v.stack)-1]
		default:
			return i // a line break
		}
		i++
	}
	return i
}

// open reports whether the value is not complete yet.
func (v *valueScanner) open() bool { return v.inString || len(v.stack) > 0 }

// copyValue reads the value at the reader's position into s.buf. Besides
// brackets that do not match and values longer than MaxEventSize, it
// reports a value cut short: by the end of the input, by a line break
// inside a string (which JSON does not allow), or by a line that starts
// with '{' or '[' while the value is open (a new value, in NDJSON). In the
// last case the reader stays at the start of that line.
func (s *Stream) copyValue() ([]byte, error) {
	s.buf = s.buf[:0]
	var v valueScanner
	for {
		chunk, err := s.r.Peek(max(s.r.Buffered(), 1))
		if len(chunk) == 0 {
			if err == io.EOF {
				if v.open() {
					return nil, errors.New("unexpected end of input inside a value")
				}
				if v.started {
					return s.buf, nil // a scalar at the end of the input
				}
			}
			return nil, err
		}
		end, newline := -1, false
		for i := 0; i < len(chunk); i++ {
			i = v.run(chunk, i)
			if i == len(chunk) {
				break
			}
			c := chunk[i]
			if c == '\n' && v.open() {
				if v.inString {
					s.count(chunk[:i])
					s.r.Discard(i)
					return nil, errorHere{errors.New("line break inside a string: the value is cut short")}
				}
				end, newline = i+1, true
				break
			}
			n, err := v.step(c)
			if err != nil {
				s.count(chunk[:i])
				s.r.Discard(i)
				return nil, errorHere{err}
			}
			if n == 1 {
				end = i + 1
				break
			}
			if n == -1 {
				end = i // the end of a scalar
				break
			}
		}
		n := len(chunk)
		if end >= 0 {
			n = end
		}
		if len(s.buf)+n > MaxEventSize {
			return nil, fmt.Errorf("value longer than %d bytes", MaxEventSize)
		}
		s.buf = append(s.buf, chunk[:n]...)
		s.count(chunk[:n])
		s.r.Discard(n)
		switch {
		case newline && s.atValueStart():
			return nil, errors.New("a value is cut short by the next line")
		case end >= 0 && !newline:
			return s.buf, nil
		}
	}
}
