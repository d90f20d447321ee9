package policy

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Size limits for policy files. Each has its own error.
const (
	MaxFileSize   = 16 << 20 // bytes in a policy file
	MaxStatements = 4096     // statements in a policy
	MaxListLength = 4096     // elements in one list of a statement
	maxDepth      = 512      // nesting of the JSON values skipped over
)

// File is a policy file as decoded from JSON: its statements and where each
// of their values is in the source, so that the errors [File.Compile] finds
// point into the file.
type File struct {
	Name       string
	Statements []Statement
	start      int // offset of the statements array
	pos        []stmtPos
	lines      []int
}

// stmtPos records where a statement and its fields are in the source.
type stmtPos struct {
	start  int
	fields [numFields]fieldPos
}

type fieldPos struct {
	present bool
	key     string // the field name as written: "notResources" or "not_resources"
	value   int    // offset of the value
	elems   []elemPos
}

type elemPos struct {
	start int    // offset of the opening quote
	raw   string // the raw literal, kept only when it has escapes
}

// Field ids, indexing stmtPos.fields.
const (
	idEffect = iota
	idActions
	idNotActions
	idResources
	idNotResources
	numFields
)

var fieldNames = [numFields]string{fieldEffect, fieldActions, fieldNotActions, fieldResources, fieldNotResources}

// fieldID returns the id of a statement field, or -1. The snake_case
// spellings of LaunchDarkly's Terraform provider are aliases.
func fieldID(key string) int {
	switch key {
	case fieldEffect:
		return idEffect
	case fieldActions:
		return idActions
	case fieldNotActions, "not_actions":
		return idNotActions
	case fieldResources:
		return idResources
	case fieldNotResources, "not_resources":
		return idNotResources
	}
	return -1
}

// suggestField returns the statement field that an unknown key probably
// means ("resource" for "resources", "Effect" for "effect"), or "".
func suggestField(key string) string {
	norm := func(s string) string {
		return strings.TrimSuffix(strings.ReplaceAll(strings.ToLower(s), "_", ""), "s")
	}
	for _, f := range fieldNames {
		if norm(f) == norm(key) {
			return f
		}
	}
	return ""
}

// ParseFile decodes a policy file: a JSON array of statements, an object
// with a "statements" array (a webhook as the REST API returns it), or an
// object with a "policy" array (a custom role). Other fields of such an
// object are ignored; a "statements" or "policy" of null is an empty policy,
// and so is a webhook (an object with a "url") that has neither.
//
// ParseFile checks the JSON and the shape of the statements (field names and
// types); [File.Compile] checks their values. Errors are an [ErrorList] of
// positioned [*Error]s. [Load] does both at once and reports every problem
// of the file together.
func ParseFile(name string, data []byte) (*File, error) {
	f, d := decodeFile(name, data)
	if err := d.err(); err != nil {
		return nil, err
	}
	return f, nil
}

// Load decodes and compiles a policy file, reporting every problem of it
// at once, in file order, as an [ErrorList]. Warnings, such as the typos
// that [Options.Lenient] accepts, are on the returned [Set].
func Load(name string, data []byte, opts Options) (*Set, error) {
	f, d := decodeFile(name, data)
	if d.fatal != nil {
		return nil, d.err()
	}
	set, err := Compile(f.Statements, opts)
	errs := d.errs
	var cerrs ErrorList
	errors.As(err, &cerrs)
	for _, e := range cerrs {
		if e.Warning || !d.shadowed(e) {
			errs = append(errs, f.locate(e))
		}
	}
	if len(errs) > 0 {
		errs.sort()
		return nil, errs
	}
	for _, w := range set.warnings {
		f.locate(w)
	}
	return set, nil
}

// shadow marks what a decoding error makes meaningless to check again: a
// statement that is not an object (field ""), a field whose value has the
// wrong JSON type (index -1), or one element of the wrong type.
type shadow struct {
	stmt  int
	field string
	index int
}

// shadowed reports whether the compile error e is about a value that
// decoding already reported as having the wrong JSON type, and so would only
// restate that problem.
func (d *decoder) shadowed(e *Error) bool {
	for _, s := range d.shadows {
		if s.stmt == e.Statement && (s.field == "" || s.field == e.Field && (s.index < 0 || s.index == e.Index)) {
			return true
		}
	}
	return false
}

// Compile compiles the statements of f. Its errors carry positions in the
// file.
func (f *File) Compile(opts Options) (*Set, error) {
	set, err := Compile(f.Statements, opts)
	var errs ErrorList
	if errors.As(err, &errs) {
		for _, e := range errs {
			f.locate(e)
		}
		errs.sort()
		return nil, errs
	}
	if err != nil {
		return nil, err
	}
	for _, w := range set.warnings {
		f.locate(w)
	}
	return set, nil
}

// locate sets the position of e, and names its field as the file spells it.
func (f *File) locate(e *Error) *Error {
	if e.Statement < 0 {
		return e // about the options, such as role attribute bindings
	}
	off := f.start
	if e.Statement < len(f.pos) {
		sp := &f.pos[e.Statement]
		off = sp.start
		if id := fieldID(e.Field); id >= 0 && sp.fields[id].present {
			fp := &sp.fields[id]
			e.Field = fp.key
			off = fp.value
			if e.Index >= 0 && e.Index < len(fp.elems) {
				el := fp.elems[e.Index]
				off = el.start
				if e.Offset >= 0 {
					off = el.start + 1 + rawOffset(el.raw, e.Offset)
				}
			}
		}
	}
	e.Pos = position(f.Name, f.lines, off)
	return e
}

// rawOffset maps an offset in a decoded JSON string to the offset in its
// literal after the opening quote. raw is the literal, or "" when it has no
// escapes and the two offsets are the same.
func rawOffset(raw string, off int) int {
	if raw == "" {
		return off
	}
	i, n := 1, 0
	for n < off && i < len(raw)-1 {
		if raw[i] != '\\' {
			i++
			n++
			continue
		}
		if raw[i+1] != 'u' {
			i += 2
			n++
			continue
		}
		r, w := decodeUnicodeEscape(raw[i:])
		i += w
		n += utf8.RuneLen(r)
	}
	return i - 1
}

func position(name string, lines []int, off int) Position {
	line := sort.Search(len(lines), func(i int) bool { return lines[i] > off })
	return Position{Filename: name, Offset: off, Line: line, Column: off - lines[line-1] + 1}
}

func decodeFile(name string, data []byte) (*File, *decoder) {
	d := newDecoder(data, name)
	f := &File{Name: name}
	f.Statements, f.pos, f.start = d.policy()
	f.lines = d.lineStarts()
	return f, d
}

// decoder reads the JSON of a policy, recording positions. A problem with
// the shape of a value (a number where a list belongs, an unknown field) is
// recorded and the value skipped; a JSON syntax error ends decoding.
type decoder struct {
	data    []byte
	i       int
	name    string
	lines   []int
	errs    ErrorList
	shadows []shadow
	fatal   *Error
}

func newDecoder(data []byte, name string) *decoder {
	return &decoder{data: data, name: name}
}

func (d *decoder) err() error {
	if d.fatal != nil {
		return append(d.errs, d.fatal)
	}
	return d.errs.Err()
}

func (d *decoder) lineStarts() []int {
	if d.lines == nil {
		d.lines = []int{0}
		for i, c := range d.data {
			if c == '\n' {
				d.lines = append(d.lines, i+1)
			}
		}
	}
	return d.lines
}

func (d *decoder) pos(off int) Position { return position(d.name, d.lineStarts(), off) }

// syntax records a fatal JSON syntax error at offset off.
func (d *decoder) syntax(off int, format string, args ...any) {
	if d.fatal == nil {
		d.fatal = &Error{Pos: d.pos(off), Statement: -1, Index: -1, Offset: -1, Err: fmt.Errorf(format, args...)}
	}
}

// shape records a problem with the shape of a value at offset off.
func (d *decoder) shape(off, stmt int, field string, index int, format string, args ...any) {
	d.errs = append(d.errs, &Error{Pos: d.pos(off), Statement: stmt, Field: field, Index: index, Offset: -1, Err: fmt.Errorf(format, args...)})
}

func (d *decoder) ws() {
	for d.i < len(d.data) {
		switch d.data[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

func (d *decoder) peek() byte {
	if d.i < len(d.data) {
		return d.data[d.i]
	}
	return 0
}

// found describes the value or character at offset off for an error message.
func (d *decoder) found(off int) string {
	if off >= len(d.data) {
		return "end of input"
	}
	switch c := d.data[off]; {
	case c == '"':
		return "a string"
	case c == '{':
		return "an object"
	case c == '[':
		return "an array"
	case c == 't' || c == 'f':
		return "a boolean"
	case c == 'n':
		return "null"
	case c == '-' || c >= '0' && c <= '9':
		return "a number"
	case c >= utf8.RuneSelf:
		r, _ := utf8.DecodeRune(d.data[off:])
		if r == utf8.RuneError {
			return "invalid UTF-8"
		}
		return fmt.Sprintf("%q", r)
	default:
		return fmt.Sprintf("%q", c)
	}
}

// policy decodes the top-level value. It returns the statements, their
// positions and the offset of the statements array.
func (d *decoder) policy() ([]Statement, []stmtPos, int) {
	if len(d.data) > MaxFileSize {
		d.syntax(0, "policy file is %d bytes, longer than the limit of %d", len(d.data), MaxFileSize)
		return nil, nil, 0
	}
	if len(d.data) >= 3 && string(d.data[:3]) == "\uFEFF" {
		d.i = 3 // a byte order mark, as some editors write
	}
	d.ws()
	const want = `a JSON array of statements, or an object with a "statements" or "policy" array`
	start := d.i
	var stmts []Statement
	var pos []stmtPos
	switch d.peek() {
	case '[':
		stmts, pos = d.statements()
	case '{':
		stmts, pos, start = d.container()
	default:
		if d.i == len(d.data) {
			d.syntax(d.i, "empty policy file: expected %s", want)
		} else {
			d.syntax(d.i, "expected %s, found %s", want, d.found(d.i))
		}
		return nil, nil, start
	}
	if d.fatal == nil {
		d.end()
	}
	return stmts, pos, start
}

// end checks that nothing but whitespace follows the value.
func (d *decoder) end() {
	d.ws()
	if d.i < len(d.data) {
		d.syntax(d.i, "unexpected %s after the end of the policy", d.found(d.i))
	}
}

// container decodes an object that holds the statements: a webhook
// ("statements") or a custom role ("policy").
func (d *decoder) container() ([]Statement, []stmtPos, int) {
	var stmts []Statement
	var pos []stmtPos
	objStart := d.i
	start, found, hasURL := objStart, "", false
	d.object(func(key string, keyOff int) {
		if key != "statements" && key != "policy" {
			hasURL = hasURL || key == "url"
			d.skip()
			return
		}
		if found != "" {
			d.shape(keyOff, -1, "", -1, "both %q and %q: expected one array of statements", found, key)
			d.skip()
			return
		}
		found, start = key, d.i
		switch d.peek() {
		case '[':
			stmts, pos = d.statements()
		case 'n':
			d.skip() // null: no statements, no filter
		default:
			d.shape(d.i, -1, key, -1, "expected an array of statements, found %s", d.found(d.i))
			d.skip()
		}
	})
	if d.fatal == nil && found == "" {
		if hasURL {
			stmts = []Statement{} // a webhook without a policy filter
		} else {
			d.shape(objStart, -1, "", -1, `expected a "statements" or "policy" array in the object (a webhook without a policy filter has "statements": [])`)
		}
	}
	return stmts, pos, start
}

// object decodes an object, calling f with each key and the offset of the
// key; f must consume the value.
func (d *decoder) object(f func(key string, keyOff int)) {
	d.i++ // '{'
	d.ws()
	if d.peek() == '}' {
		d.i++
		return
	}
	for d.fatal == nil {
		d.ws()
		keyOff := d.i
		if d.peek() != '"' {
			d.syntax(d.i, "expected a field name, found %s", d.found(d.i))
			return
		}
		key, _ := d.str()
		d.ws()
		if d.peek() != ':' {
			d.syntax(d.i, `expected ":" after field name %q, found %s`, key, d.found(d.i))
			return
		}
		d.i++
		d.ws()
		if d.fatal != nil {
			return
		}
		f(key, keyOff)
		d.ws()
		switch d.peek() {
		case ',':
			d.i++
		case '}':
			d.i++
			return
		default:
			d.syntax(d.i, `expected "," or "}" after field %q, found %s`, key, d.found(d.i))
		}
	}
}

// array decodes an array, calling f with the index of each element; f must
// consume the element.
func (d *decoder) array(f func(i int)) {
	d.i++ // '['
	d.ws()
	if d.peek() == ']' {
		d.i++
		return
	}
	for i := 0; d.fatal == nil; i++ {
		d.ws()
		f(i)
		d.ws()
		switch d.peek() {
		case ',':
			d.i++
		case ']':
			d.i++
			return
		default:
			d.syntax(d.i, `expected "," or "]" after array element, found %s`, d.found(d.i))
		}
	}
}

func (d *decoder) statements() ([]Statement, []stmtPos) {
	stmts := []Statement{}
	var pos []stmtPos
	d.array(func(i int) {
		if i >= MaxStatements {
			if i == MaxStatements {
				d.shape(d.i, i, "", -1, "more than %d statements", MaxStatements)
			}
			d.skip()
			return
		}
		st, sp := d.statement(i)
		stmts = append(stmts, st)
		pos = append(pos, sp)
	})
	return stmts, pos
}

// statement decodes statement number idx (-1 when unknown).
func (d *decoder) statement(idx int) (Statement, stmtPos) {
	var st Statement
	sp := stmtPos{start: d.i}
	if d.peek() != '{' {
		d.shape(d.i, idx, "", -1, "expected a statement object, found %s", d.found(d.i))
		d.shadows = append(d.shadows, shadow{idx, "", -1})
		d.skip()
		return st, sp
	}
	d.object(func(key string, keyOff int) {
		id := fieldID(key)
		switch {
		case id < 0:
			msg := fmt.Sprintf("unknown field %q", key)
			if s := suggestField(key); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			}
			d.errs = append(d.errs, &Error{Pos: d.pos(keyOff), Statement: idx, Field: key, Index: -1, Offset: -1, Err: errors.New(msg)})
			d.skip()
			return
		case sp.fields[id].present:
			d.shape(keyOff, idx, fieldNames[id], -1, "duplicate field %q (the first is %q)", key, sp.fields[id].key)
			d.skip()
			return
		}
		fp := &sp.fields[id]
		fp.present, fp.key, fp.value = true, key, d.i
		if id == idEffect {
			if d.peek() != '"' {
				d.shape(d.i, idx, fieldEffect, -1, `expected "allow" or "deny", found %s`, d.found(d.i))
				d.shadows = append(d.shadows, shadow{idx, fieldEffect, -1})
				d.skip()
				return
			}
			s, _ := d.str()
			st.Effect = Effect(s)
			return
		}
		list, elems := d.stringList(idx, fieldNames[id])
		fp.elems = elems
		switch id {
		case idActions:
			st.Actions = list
		case idNotActions:
			st.NotActions = list
		case idResources:
			st.Resources = list
		case idNotResources:
			st.NotResources = list
		}
	})
	return st, sp
}

// stringList decodes a list of strings. null is an absent list.
func (d *decoder) stringList(idx int, field string) ([]string, []elemPos) {
	switch d.peek() {
	case 'n':
		d.skip()
		return nil, nil
	case '[':
	default:
		d.shape(d.i, idx, field, -1, "expected an array of strings, found %s", d.found(d.i))
		d.shadows = append(d.shadows, shadow{idx, field, -1})
		d.skip()
		// An empty list stands in, so that Compile does not also report
		// the field as missing.
		return []string{}, nil
	}
	list := []string{}
	var elems []elemPos
	d.array(func(i int) {
		if i >= MaxListLength {
			if i == MaxListLength {
				d.shape(d.i, idx, field, i, "more than %d elements", MaxListLength)
			}
			d.skip()
			return
		}
		el := elemPos{start: d.i}
		if d.peek() != '"' {
			d.shape(d.i, idx, field, i, "expected a string, found %s", d.found(d.i))
			d.shadows = append(d.shadows, shadow{idx, field, i})
			d.skip()
			list = append(list, "")
			elems = append(elems, el)
			return
		}
		s, escaped := d.str()
		if escaped {
			el.raw = string(d.data[el.start:d.i])
		}
		list = append(list, s)
		elems = append(elems, el)
	})
	return list, elems
}

// str decodes the string literal at d.i and reports whether it had escapes.
func (d *decoder) str() (string, bool) {
	start := d.i
	d.i++ // '"'
	// Fast path: no escapes.
	for i := d.i; i < len(d.data); i++ {
		c := d.data[i]
		if c == '"' {
			if !utf8.Valid(d.data[d.i:i]) {
				break // find the offset below
			}
			s := string(d.data[d.i:i])
			d.i = i + 1
			return s, false
		}
		if c == '\\' || c < 0x20 {
			break
		}
	}
	var b []byte
	for d.i < len(d.data) {
		c := d.data[d.i]
		switch {
		case c == '"':
			d.i++
			return string(b), true
		case c < 0x20:
			d.syntax(d.i, "control character %q in string", c)
			return "", false
		case c == '\\':
			if d.i+1 >= len(d.data) {
				d.syntax(d.i, "unterminated string")
				return "", false
			}
			switch e := d.data[d.i+1]; e {
			case '"', '\\', '/':
				b = append(b, e)
			case 'b':
				b = append(b, '\b')
			case 'f':
				b = append(b, '\f')
			case 'n':
				b = append(b, '\n')
			case 'r':
				b = append(b, '\r')
			case 't':
				b = append(b, '\t')
			case 'u':
				r, w := decodeUnicodeEscape(string(d.data[d.i:min(d.i+12, len(d.data))]))
				if w == 0 {
					d.syntax(d.i, `malformed \u escape in string`)
					return "", false
				}
				b = utf8.AppendRune(b, r)
				d.i += w
				continue
			default:
				d.syntax(d.i, "unknown escape %q in string", "\\"+string(rune(e)))
				return "", false
			}
			d.i += 2
		case c < utf8.RuneSelf:
			b = append(b, c)
			d.i++
		default:
			r, n := utf8.DecodeRune(d.data[d.i:])
			if r == utf8.RuneError && n == 1 {
				d.syntax(d.i, "invalid UTF-8 in string")
				return "", false
			}
			b = append(b, d.data[d.i:d.i+n]...)
			d.i += n
		}
	}
	d.syntax(start, "unterminated string")
	return "", false
}

// decodeUnicodeEscape decodes the \uXXXX escape (with its low surrogate, if
// any) at the start of s. It returns the rune and the width of the escape,
// 0 if malformed. A lone surrogate decodes to U+FFFD, as in encoding/json.
func decodeUnicodeEscape(s string) (rune, int) {
	r := hex4(s)
	if r < 0 {
		return 0, 0
	}
	if !utf16.IsSurrogate(r) {
		return r, 6
	}
	if r2 := hex4(s[min(6, len(s)):]); r2 >= 0 {
		if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
			return dec, 12
		}
	}
	return utf8.RuneError, 6
}

// hex4 decodes "\uXXXX" at the start of s, or returns -1.
func hex4(s string) rune {
	if len(s) < 6 || s[0] != '\\' || s[1] != 'u' {
		return -1
	}
	var r rune
	for _, c := range []byte(s[2:6]) {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return -1
		}
		r = r<<4 | rune(c)
	}
	return r
}

// skip consumes one JSON value of any kind, checking its syntax.
func (d *decoder) skip() {
	d.skipDepth(0)
}

func (d *decoder) skipDepth(depth int) {
	if depth > maxDepth {
		d.syntax(d.i, "JSON nested more than %d deep", maxDepth)
		return
	}
	switch c := d.peek(); {
	case c == '"':
		d.str()
	case c == '{':
		d.object(func(string, int) { d.skipDepth(depth + 1) })
	case c == '[':
		d.array(func(int) { d.skipDepth(depth + 1) })
	case c == 't':
		d.literal("true")
	case c == 'f':
		d.literal("false")
	case c == 'n':
		d.literal("null")
	case c == '-' || c >= '0' && c <= '9':
		d.number()
	default:
		d.syntax(d.i, "expected a JSON value, found %s", d.found(d.i))
	}
}

func (d *decoder) literal(lit string) {
	if !strings.HasPrefix(string(d.data[d.i:min(d.i+len(lit), len(d.data))]), lit) {
		d.syntax(d.i, "invalid JSON literal: expected %q", lit)
		return
	}
	d.i += len(lit)
}

// number consumes a JSON number:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (d *decoder) number() {
	start := d.i
	digits := func() int {
		n := 0
		for d.i < len(d.data) && d.data[d.i] >= '0' && d.data[d.i] <= '9' {
			d.i++
			n++
		}
		return n
	}
	if d.peek() == '-' {
		d.i++
	}
	if d.peek() == '0' {
		d.i++
	} else if digits() == 0 {
		d.syntax(start, "malformed number")
		return
	}
	if d.peek() == '.' {
		d.i++
		if digits() == 0 {
			d.syntax(start, "malformed number")
			return
		}
	}
	if c := d.peek(); c == 'e' || c == 'E' {
		d.i++
		if c := d.peek(); c == '+' || c == '-' {
			d.i++
		}
		if digits() == 0 {
			d.syntax(start, "malformed number")
		}
	}
}
