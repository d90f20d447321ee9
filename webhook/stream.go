package webhook

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/ldpolicy/ldpolicy/internal/jsonscan"
)

// MaxEventSize is the largest event, or line, or audit-log list response, a
// Stream reads; a larger one is reported and skipped.
const MaxEventSize = 64 << 20

// Format is how a captured file holds its events.
type Format uint8

const (
	// Auto tells NDJSON from JSON by the first line: a line that holds a
	// whole JSON value, followed by more, starts NDJSON.
	Auto Format = iota
	// JSON is one event, a JSON array of events, or an audit-log list
	// response ({"items": [...]}); or several of these one after another.
	JSON
	// NDJSON is one JSON value a line, each an event, an array of events
	// or a list response. A malformed line is reported and skipped.
	NDJSON
)

// Record is one event of a stream, or a part of the input that is not one.
type Record struct {
	Name  string // the name the stream was given, such as a file name
	Line  int    // line of the event's start, from 1; 0 for an element of a streamed array
	Index int    // index of the event in its array or items list; -1 when it is in neither
	// Data is the event's JSON. It is valid until the next call to Next.
	Data []byte
	// Err says why this part of the input is not an event; Data is then
	// nil.
	Err error
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
// A JSON array is read element by element, so memory does not grow with
// its length; an NDJSON file is read line by line. An audit-log list
// response is read whole (LaunchDarkly's pages are small), up to
// MaxEventSize. A part of the input that is not an event (a value that is
// not an object, malformed JSON around events) is a Record with Err set; the
// stream goes on after it where it can tell where the next event starts: at
// the next line of NDJSON, or after the malformed element. The syntax inside
// an event is for the event's decoder to check: a Stream finds where events
// start and end, and does not read them twice. Reading stops at a read
// error, which is the last Record.
type Stream struct {
	r      *bufio.Reader
	name   string
	format Format
	line   int // line of the reader's position, from 1

	rec     Record
	buf     []byte   // the current value
	pending []Record // events of an in-memory value still to be returned
	// inArray is set while a top-level array of JSON input is being read
	// element by element; index counts its elements.
	inArray bool
	index   int
	done    bool
}

// NewStream returns a stream over r, whose records are named name.
func NewStream(r io.Reader, name string, format Format) *Stream {
	return &Stream{r: bufio.NewReaderSize(r, 64<<10), name: name, format: format, line: 1}
}

// Record returns the current record.
func (s *Stream) Record() Record { return s.rec }

// Next advances to the next record, and reports whether there is one.
func (s *Stream) Next() bool {
	if len(s.pending) > 0 {
		s.rec, s.pending = s.pending[0], s.pending[1:]
		return true
	}
	if s.done {
		return false
	}
	if s.format == Auto {
		s.format = s.sniff()
	}
	if s.format == NDJSON {
		return s.nextLine()
	}
	return s.nextValue()
}

// fail makes the current record an error and reports true.
func (s *Stream) fail(line, index int, format string, args ...any) bool {
	s.rec = Record{Name: s.name, Line: line, Index: index, Err: fmt.Errorf(format, args...)}
	return true
}

// readErr turns a read error into the last record.
func (s *Stream) readErr(err error) bool {
	s.done = true
	return s.fail(s.line, -1, "read error: %v", err)
}

// sniff decides between JSON and NDJSON: NDJSON when the first line holds
// a whole JSON value and more follows.
func (s *Stream) sniff() Format {
	if err := s.skipSpace(); err != nil {
		return JSON // nextValue reports what there is to report
	}
	first, err := s.r.Peek(1)
	if err != nil || first[0] == '[' {
		return JSON
	}
	for n := 4096; ; n *= 2 {
		b, err := s.r.Peek(n)
		i := bytes.IndexByte(b, '\n')
		if i < 0 && err == nil && n < s.r.Size() {
			continue
		}
		if i < 0 {
			return JSON // one line, or a line too long to look at: read it as a value
		}
		end, complete := valueEnd(b[:i])
		if !complete || len(bytes.TrimSpace(b[end:i])) > 0 {
			return JSON
		}
		return NDJSON
	}
}

// valueScanner follows a JSON value byte by byte by its strings and
// brackets only: the syntax inside is for the event's decoder to check.
type valueScanner struct {
	stack            []byte // the closing brackets expected
	inString, escape bool
	started          bool
}

// step takes the next byte of the value. It returns 1 when c ends the value,
// -1 when c is the first byte after a scalar value (which c does not
// belong to), 0 otherwise, and an error for a closing bracket that closes
// nothing open.
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
		if len(v.stack) == 0 || v.stack[len(v.stack)-1] != c {
			return 0, fmt.Errorf("unexpected %q", c)
		}
		v.stack = v.stack[:len(v.stack)-1]
		if len(v.stack) == 0 {
			return 1, nil
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

// open reports whether the value is not complete yet.
func (v *valueScanner) open() bool { return v.inString || len(v.stack) > 0 }

// valueEnd finds the end of the JSON value at the start of b (after
// whitespace), and reports whether it is complete within b.
func valueEnd(b []byte) (int, bool) {
	var v valueScanner
	for i, c := range b {
		switch end, err := v.step(c); {
		case err != nil:
			return i, false
		case end == 1:
			return i + 1, true
		case end == -1:
			return i, true
		}
	}
	return len(b), v.started && !v.open()
}

// skipSpace skips whitespace, counting lines.
func (s *Stream) skipSpace() error {
	for {
		c, err := s.r.ReadByte()
		if err != nil {
			return err
		}
		switch c {
		case '\n':
			s.line++
		case ' ', '\t', '\r':
		default:
			return s.r.UnreadByte()
		}
	}
}

// nextLine reads the next non-blank line of NDJSON.
func (s *Stream) nextLine() bool {
	for {
		line := s.line
		data, tooLong, err := s.readLine()
		if err != nil && err != io.EOF {
			return s.readErr(err)
		}
		if err == io.EOF {
			s.done = true
		}
		switch {
		case tooLong:
			return s.fail(line, -1, "line longer than %d bytes", MaxEventSize)
		case len(bytes.TrimSpace(data)) > 0:
			return s.expand(data, line, -1)
		case s.done:
			return false
		}
	}
}

// readLine reads a line into s.buf, without the newline. A line longer than
// MaxEventSize is skipped and reported as too long.
func (s *Stream) readLine() (line []byte, tooLong bool, err error) {
	s.buf = s.buf[:0]
	for {
		chunk, err := s.r.ReadSlice('\n')
		if len(s.buf)+len(chunk) > MaxEventSize {
			tooLong = true
		} else {
			s.buf = append(s.buf, chunk...)
		}
		switch err {
		case bufio.ErrBufferFull:
			continue
		case nil:
			s.line++
			return bytes.TrimSuffix(s.buf, []byte("\n")), tooLong, nil
		default:
			return s.buf, tooLong, err
		}
	}
}

// nextValue reads the next event of JSON input.
func (s *Stream) nextValue() bool {
	if err := s.skipSpace(); err != nil {
		if err == io.EOF {
			if s.inArray {
				s.done = true
				return s.fail(s.line, -1, "unexpected end of input in an array: missing \"]\"")
			}
			s.done = true
			return false
		}
		return s.readErr(err)
	}
	c, _ := s.r.ReadByte()
	if s.inArray {
		switch {
		case c == ']':
			s.inArray = false
			return s.nextValue()
		case s.index > 0 && c != ',':
			s.done = true
			return s.fail(s.line, -1, "expected \",\" or \"]\" after array element, found %q; the rest of the input is skipped", c)
		case s.index > 0:
			if err := s.skipSpace(); err != nil {
				return s.nextValue() // reports the end of input
			}
		default:
			s.r.UnreadByte()
		}
		line, index := s.line, s.index
		s.index++
		data, err := s.copyValue()
		if err != nil {
			s.done = true
			return s.fail(line, -1, "%v; the rest of the input is skipped", err)
		}
		return s.event(data, 0, index)
	}
	if c == '[' {
		s.inArray, s.index = true, 0
		if err := s.skipSpace(); err == nil {
			if c, _ := s.r.ReadByte(); c == ']' {
				s.inArray = false // an empty array
				return s.nextValue()
			}
			s.r.UnreadByte()
		}
		return s.nextValue()
	}
	s.r.UnreadByte()
	line := s.line
	data, err := s.copyValue()
	if err != nil {
		s.done = true
		return s.fail(line, -1, "%v; the rest of the input is skipped", err)
	}
	return s.expand(data, line, -1)
}

// event makes data the current record, if it is an object.
func (s *Stream) event(data []byte, line, index int) bool {
	if data[0] != '{' {
		return s.fail(line, index, "expected an event (a JSON object), found %s", (&jsonscan.Scanner{Data: data}).Found(0))
	}
	s.rec = Record{Name: s.name, Line: line, Index: index, Data: data}
	return true
}

// expand returns the events of a value held in memory: the value itself, the
// elements of an array, or the items of a list response.
func (s *Stream) expand(data []byte, line, index int) bool {
	sc := &jsonscan.Scanner{Data: data}
	sc.WS()
	switch sc.Peek() {
	case '[':
		sc.Array(func(i int) {
			start := sc.Pos
			if sc.Skip(); sc.Err == nil {
				s.pending = append(s.pending, s.elementRecord(data[start:sc.Pos], line, i))
			}
		})
		return s.finishExpand(sc, line)
	case '{':
		start := sc.Pos
		if !bytes.Contains(data, []byte(`"items"`)) && !bytes.Contains(data, []byte(`\u`)) {
			// Not a list response: no key can spell "items". The event's
			// decoder checks the syntax, so it is not scanned twice.
			s.rec = Record{Name: s.name, Line: line, Index: index, Data: bytes.TrimRight(data[start:], " \t\r\n")}
			return true
		}
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
					s.pending = append(s.pending, s.elementRecord(data[start:sc.Pos], line, i))
				}
			})
		})
		if !isList && sc.Err == nil {
			sc.WS()
			if !sc.AtEnd() {
				sc.Fail(sc.Pos, "expected the end of the event, found %s", sc.Found(sc.Pos))
			}
			if sc.Err == nil {
				return s.event(data[start:sc.Pos], line, index)
			}
		}
		return s.finishExpand(sc, line)
	}
	if sc.AtEnd() {
		return s.fail(line, index, "empty input")
	}
	return s.fail(line, index, "expected an event (a JSON object), found %s", sc.Found(sc.Pos))
}

func (s *Stream) elementRecord(data []byte, line, index int) Record {
	if len(data) == 0 || data[0] != '{' {
		return Record{Name: s.name, Line: line, Index: index, Err: fmt.Errorf("expected an event (a JSON object), found %s", (&jsonscan.Scanner{Data: data}).Found(0))}
	}
	return Record{Name: s.name, Line: line, Index: index, Data: data}
}

// finishExpand reports the syntax error of an expanded value after its
// well-formed elements, and returns the first pending record.
func (s *Stream) finishExpand(sc *jsonscan.Scanner, line int) bool {
	if sc.Err == nil {
		sc.WS()
		if !sc.AtEnd() {
			sc.Fail(sc.Pos, "expected the end of the value, found %s", sc.Found(sc.Pos))
		}
	}
	if sc.Err != nil {
		// The element being read when the error came is incomplete:
		// report the error in its place.
		s.pending = append(s.pending, Record{Name: s.name, Line: line, Index: -1, Err: errors.New(sc.Err.Error())})
	}
	if len(s.pending) == 0 {
		return s.Next()
	}
	s.rec, s.pending = s.pending[0], s.pending[1:]
	return true
}

// copyValue reads the JSON value at the reader's position into s.buf by its
// brackets and strings: the syntax inside is for the event decoder to
// check. It reports mismatched brackets, a value cut short by the end of
// the input, and values longer than MaxEventSize.
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
		end := -1
		for i, c := range chunk {
			n, err := v.step(c)
			if err != nil {
				s.r.Discard(i)
				return nil, fmt.Errorf("%v at line %d", err, s.line)
			}
			if n == 1 {
				end = i + 1
				break
			}
			if n == -1 {
				end = i // the end of a scalar
				break
			}
			if c == '\n' {
				s.line++
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
		s.r.Discard(n)
		if end >= 0 {
			return s.buf, nil
		}
	}
}
