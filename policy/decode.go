package policy

import (
	"bytes"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/ldpolicy/ldpolicy/internal/jsonscan"
)

// Size limits for policy files. Each has its own error.
const (
	MaxFileSize   = 16 << 20 // bytes in a policy file
	MaxStatements = 4096     // statements in a policy
	MaxListLength = 4096     // elements in one list of a statement
)

// File is a policy file as decoded from JSON: its statements and where each
// of their values is in the source, so that the errors [File.Compile] finds
// point into the file. [ParseFile] decodes a JSON file; [ParseDerived]
// decodes JSON derived from another source, such as a Terraform file, with
// positions in that source.
type File struct {
	Name       string
	Statements []Statement
	// Kind says what the file holds: a list of statements, a webhook or a
	// custom role.
	Kind FileKind
	// RoleKey and RoleName are the "key" and "name" of a custom role, when
	// the file gives them; empty for other kinds.
	RoleKey, RoleName string
	// BasePermissions are those of a custom role as the file gives them
	// ("basePermissions", or Terraform's "base_permissions"); 0 when it
	// does not. See [File.RoleBasePermissions] for what is assumed then.
	BasePermissions BasePermissions
	start           int // offset of the statements array
	pos             []stmtPos
	lines           []int
	// derived is set for a File decoded by ParseDerived: it locates the
	// offsets of the JSON in the source the JSON was derived from.
	derived func(offset int) Position
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
	f, d := decodeFile(name, data, 0, len(data))
	if err := d.err(); err != nil {
		return nil, err
	}
	return f, nil
}

// ParseDerived decodes a policy as [ParseFile] does, from JSON that was
// derived from a source rather than read from it: a JSON policy written
// inside a string of another file, such as a Terraform heredoc with its own
// escapes, or JSON written from values that another syntax gave, such as
// the statements of a Terraform resource (package terraform does both).
//
// pos gives the place in the source of each byte offset of data, from 0 to
// len(data) included: every position of the File and of its errors is
// pos(off), where off is the offset in data that ParseFile would locate
// ("file:line:col" of the byte at fault inside a specifier, past any JSON
// escapes before it, of an element's opening quote, of a field's value, of
// a statement, or of the statements array). The position is only as exact
// as pos: a source that cannot say where each byte came from can map
// offsets to the start of the enclosing value. pos is called while
// decoding and later, by [File.Position], [File.Compile] and package lint,
// possibly from several goroutines at once: it must not change, and it
// must be safe for concurrent use. name is the File's Name.
func ParseDerived(name string, data []byte, pos func(offset int) Position) (*File, error) {
	if pos == nil {
		return nil, errors.New("policy: ParseDerived: pos is nil")
	}
	f, d := decodeDerived(name, data, pos)
	if err := d.err(); err != nil {
		return nil, err
	}
	return f, nil
}

// Load decodes and compiles a policy file, reporting every problem of it
// at once, in file order, as an [ErrorList]. Warnings, such as the typos
// that [Options.Lenient] accepts, are on the returned [Set].
func Load(name string, data []byte, opts Options) (*Set, error) {
	f, d := decodeFile(name, data, 0, len(data))
	return loadDecoded(f, d, opts)
}

// LoadAt is [Load] for the policy in data[start:end] alone, such as one
// webhook object of a list response: positions are those of data, so that
// they point into the file that holds the policy.
func LoadAt(name string, data []byte, start, end int, opts Options) (*Set, error) {
	if start < 0 || end < start || end > len(data) {
		return nil, fmt.Errorf("policy: LoadAt: the range [%d, %d) is not in the %d bytes of %s", start, end, len(data), name)
	}
	f, d := decodeFile(name, data, start, end)
	return loadDecoded(f, d, opts)
}

func loadDecoded(f *File, d *decoder, opts Options) (*Set, error) {
	if d.Err != nil {
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
		sortErrors(errs)
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
		sortErrors(errs)
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

// Position returns where a value of statement stmt is in the file: the
// statement itself when field is "", the value of field (such as
// "resources"; "not_resources" and "notResources" alike) when index is -1,
// the opening quote of element index of the field's list when offset is
// -1, and the byte at offset inside that element's string otherwise, past
// any escapes before it. It falls back to the nearest enclosing value that
// the file has, and to the statements array when stmt is out of range.
func (f *File) Position(stmt int, field string, index, offset int) Position {
	if stmt < 0 || stmt >= len(f.pos) {
		return f.position(f.start)
	}
	return f.locate(&Error{Location: Location{Statement: stmt, Field: field, Index: index, Offset: offset}}).Pos
}

// FieldName returns the name of a field of statement stmt as the file
// spells it: "not_resources" for "notResources" in a file that uses the
// spelling of LaunchDarkly's Terraform provider, and field itself
// otherwise.
func (f *File) FieldName(stmt int, field string) string {
	if stmt < 0 || stmt >= len(f.pos) {
		return field
	}
	if id := fieldID(field); id >= 0 && f.pos[stmt].fields[id].present {
		return f.pos[stmt].fields[id].key
	}
	return field
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
					off = el.start + 1 + jsonscan.RawOffset(el.raw, e.Offset)
				}
			}
		}
	}
	e.Pos = f.position(off)
	return e
}

// position returns the position of offset off of the decoded JSON.
func (f *File) position(off int) Position {
	if f.derived != nil {
		return f.derived(off)
	}
	return position(f.Name, f.lines, off)
}

func position(name string, lines []int, off int) Position {
	if len(lines) == 0 {
		return Position{Filename: name} // a File that was not decoded from a source
	}
	line := sort.Search(len(lines), func(i int) bool { return lines[i] > off })
	return Position{Filename: name, Offset: off, Line: line, Column: off - lines[line-1] + 1}
}

// decodeFile decodes the policy in data[start:end], with positions in data.
func decodeFile(name string, data []byte, start, end int) (*File, *decoder) {
	d := &decoder{Scanner: jsonscan.Scanner{Data: data[:end], Pos: start}, text: string(data[start:end]), base: start, name: name}
	f := &File{Name: name}
	f.Statements, f.pos, f.start = d.policy(f)
	f.lines = d.lineStarts()
	return f, d
}

// decodeDerived decodes the policy in data, with positions given by pos.
func decodeDerived(name string, data []byte, pos func(int) Position) (*File, *decoder) {
	d := &decoder{Scanner: jsonscan.Scanner{Data: data}, text: string(data), name: name, derived: pos}
	f := &File{Name: name, derived: pos}
	f.Statements, f.pos, f.start = d.policy(f)
	return f, d
}

// decoder reads the JSON of a policy, recording positions. A problem with
// the shape of a value (a number where a list belongs, an unknown field) is
// recorded and the value skipped; a JSON syntax error ends decoding.
type decoder struct {
	jsonscan.Scanner
	// text is Data as a string, converted once: strings without escapes
	// are slices of it rather than copies each.
	text    string
	base    int // the offset in Data of text, which holds Data[base:]
	name    string
	lines   []int
	errs    ErrorList
	shadows []shadow
	derived func(int) Position // as File.derived
}

func newDecoder(data []byte, name string) *decoder {
	return &decoder{Scanner: jsonscan.Scanner{Data: data}, text: string(data), name: name}
}

// str decodes a string literal, as Scanner.String does.
func (d *decoder) str() (string, bool) {
	start := d.Pos
	raw, escaped := d.RawString()
	switch {
	case d.Err != nil:
		return "", false
	case escaped:
		return string(raw), true
	}
	return d.text[start+1-d.base : d.Pos-1-d.base], false
}

// fatal returns the syntax error that ended decoding, positioned, or nil.
func (d *decoder) fatal() *Error {
	if d.Err == nil {
		return nil
	}
	return &Error{Location: Location{Pos: d.pos(d.Err.Offset), Statement: -1, Index: -1, Offset: -1}, Err: errors.New(d.Err.Msg)}
}

func (d *decoder) err() error {
	if f := d.fatal(); f != nil {
		return append(d.errs, f)
	}
	return d.errs.Err()
}

func (d *decoder) lineStarts() []int {
	if d.lines == nil {
		d.lines = []int{0}
		for i, c := range d.Data {
			if c == '\n' {
				d.lines = append(d.lines, i+1)
			}
		}
	}
	return d.lines
}

func (d *decoder) pos(off int) Position {
	if d.derived != nil {
		return d.derived(off)
	}
	return position(d.name, d.lineStarts(), off)
}

// shape records a problem with the shape of a value at offset off.
func (d *decoder) shape(off, stmt int, field string, index int, format string, args ...any) {
	d.errs = append(d.errs, &Error{Location: Location{Pos: d.pos(off), Statement: stmt, Field: field, Index: index, Offset: -1}, Err: fmt.Errorf(format, args...)})
}

// policy decodes the top-level value. It returns the statements, their
// positions and the offset of the statements array.
func (d *decoder) policy(f *File) ([]Statement, []stmtPos, int) {
	if n := len(d.Data) - d.Pos; n > MaxFileSize {
		d.Fail(d.Pos, "policy file is %d bytes, longer than the limit of %d", n, MaxFileSize)
		return nil, nil, d.Pos
	}
	if d.Pos == 0 && len(d.Data) >= 3 && string(d.Data[:3]) == "\uFEFF" {
		d.Pos = 3 // a byte order mark, as some editors write
	}
	d.WS()
	const want = `a JSON array of statements, or an object with a "statements" or "policy" array`
	start := d.Pos
	var stmts []Statement
	var pos []stmtPos
	switch d.Peek() {
	case '[':
		stmts, pos = d.statements()
	case '{':
		stmts, pos, start = d.container(f)
	default:
		switch {
		case d.Pos == len(d.Data):
			d.Fail(d.Pos, "empty policy file: expected %s", want)
		case looksLikeYAML(d.Data[d.Pos:]):
			d.Fail(d.Pos, "expected %s, found what looks like YAML: policy files are JSON (convert it, for example with yq -o json)", want)
		default:
			d.Fail(d.Pos, "expected %s, found %s", want, d.Found(d.Pos))
		}
		return nil, nil, start
	}
	if d.Err == nil {
		d.end()
	}
	return stmts, pos, start
}

// looksLikeYAML reports whether data, which is not JSON, starts as YAML
// does: a document marker "---", a list item "- ", a comment, or a
// "key:" mapping.
func looksLikeYAML(data []byte) bool {
	line, _, _ := bytes.Cut(data, []byte("\n"))
	line = bytes.TrimRight(line, " \t\r")
	switch {
	case bytes.Equal(line, []byte("---")), bytes.HasPrefix(line, []byte("- ")), bytes.Equal(line, []byte("-")), bytes.HasPrefix(line, []byte("#")):
		return true
	}
	key, _, found := bytes.Cut(line, []byte(":"))
	if !found || len(key) == 0 {
		return false
	}
	for _, c := range key {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '"' || c == '\'') {
			return false
		}
	}
	return true
}

// end checks that nothing but whitespace follows the value.
func (d *decoder) end() {
	d.WS()
	if d.Pos < len(d.Data) {
		d.Fail(d.Pos, "expected the end of the policy, found %s", d.Found(d.Pos))
	}
}

// container decodes an object that holds the statements: a webhook
// ("statements") or a custom role ("policy"), and the role's key, name and
// base permissions.
func (d *decoder) container(f *File) ([]Statement, []stmtPos, int) {
	var stmts []Statement
	var pos []stmtPos
	objStart := d.Pos
	start, found, hasURL := objStart, "", false
	var roleKey, roleName string
	d.Object(func(k []byte, keyOff int) {
		key := string(k)
		switch key {
		case "statements", "policy":
		case "basePermissions", "base_permissions":
			d.basePermissions(f, key)
			return
		case "key", "name":
			if d.Peek() != '"' {
				d.Skip()
				return
			}
			v, _ := d.str()
			if key == "key" {
				roleKey = v
			} else {
				roleName = v
			}
			return
		default:
			hasURL = hasURL || key == "url"
			d.Skip()
			return
		}
		if found != "" {
			d.shape(keyOff, -1, "", -1, "both %q and %q: expected one array of statements", found, key)
			d.Skip()
			return
		}
		found, start = key, d.Pos
		switch d.Peek() {
		case '[':
			stmts, pos = d.statements()
		case 'n':
			d.Skip() // null: no statements, no filter
		default:
			d.shape(d.Pos, -1, key, -1, "expected an array of statements, found %s", d.Found(d.Pos))
			d.Skip()
		}
	})
	switch {
	case found == "policy":
		f.Kind, f.RoleKey, f.RoleName = RoleFile, roleKey, roleName
	case found == "statements" || hasURL:
		f.Kind = WebhookFile
	}
	if d.Err == nil && found == "" {
		if hasURL {
			stmts = []Statement{} // a webhook without a policy filter
		} else {
			d.shape(objStart, -1, "", -1, `expected a "statements" or "policy" array in the object (a webhook without a policy filter has "statements": [])`)
		}
	}
	if f.Kind != RoleFile && f.BasePermissions != 0 && d.Err == nil {
		d.shape(objStart, -1, "", -1, `base permissions belong to a custom role, an object with a "policy" array`)
	}
	return stmts, pos, start
}

// basePermissions decodes the base permissions of a custom role.
func (d *decoder) basePermissions(f *File, key string) {
	off := d.Pos
	if d.Peek() == 'n' {
		d.Skip() // null: not given
		return
	}
	if d.Peek() != '"' {
		d.shape(off, -1, key, -1, `expected "reader" or "no_access", found %s`, d.Found(off))
		d.Skip()
		return
	}
	v, _ := d.str()
	b, err := ParseBasePermissions(v)
	if err != nil {
		d.shape(off, -1, key, -1, "%v", err)
		return
	}
	f.BasePermissions = b
}

func (d *decoder) statements() ([]Statement, []stmtPos) {
	// Most policies have a few statements: room for them at once.
	stmts := make([]Statement, 0, 4)
	pos := make([]stmtPos, 0, 4)
	d.Array(func(i int) {
		if i >= MaxStatements {
			if i == MaxStatements {
				d.shape(d.Pos, i, "", -1, "more than %d statements", MaxStatements)
			}
			d.Skip()
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
	sp := stmtPos{start: d.Pos}
	if d.Peek() != '{' {
		d.shape(d.Pos, idx, "", -1, "expected a statement object, found %s", d.Found(d.Pos))
		d.shadows = append(d.shadows, shadow{idx, "", -1})
		d.Skip()
		return st, sp
	}
	d.Object(func(k []byte, keyOff int) {
		key := string(k)
		id := fieldID(key)
		switch {
		case id < 0:
			msg := fmt.Sprintf("unknown field %q", key)
			if s := suggestField(key); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			}
			d.errs = append(d.errs, &Error{Location: Location{Pos: d.pos(keyOff), Statement: idx, Field: key, Index: -1, Offset: -1}, Err: errors.New(msg)})
			d.Skip()
			return
		case sp.fields[id].present:
			d.shape(keyOff, idx, fieldNames[id], -1, "duplicate field %q (the first is %q)", key, sp.fields[id].key)
			d.Skip()
			return
		}
		fp := &sp.fields[id]
		fp.present, fp.key, fp.value = true, key, d.Pos
		if id == idEffect {
			if d.Peek() != '"' {
				d.shape(d.Pos, idx, fieldEffect, -1, `expected "allow" or "deny", found %s`, d.Found(d.Pos))
				d.shadows = append(d.shadows, shadow{idx, fieldEffect, -1})
				d.Skip()
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
	switch d.Peek() {
	case 'n':
		d.Skip()
		return nil, nil
	case '[':
	default:
		d.shape(d.Pos, idx, field, -1, "expected an array of strings, found %s", d.Found(d.Pos))
		d.shadows = append(d.shadows, shadow{idx, field, -1})
		d.Skip()
		// An empty list stands in, so that Compile does not also report
		// the field as missing.
		return []string{}, nil
	}
	// Most lists have an element or two.
	list := make([]string, 0, 2)
	elems := make([]elemPos, 0, 2)
	d.Array(func(i int) {
		if i >= MaxListLength {
			if i == MaxListLength {
				d.shape(d.Pos, idx, field, i, "more than %d elements", MaxListLength)
			}
			d.Skip()
			return
		}
		el := elemPos{start: d.Pos}
		if d.Peek() != '"' {
			d.shape(d.Pos, idx, field, i, "expected a string, found %s", d.Found(d.Pos))
			d.shadows = append(d.shadows, shadow{idx, field, i})
			d.Skip()
			list = append(list, "")
			elems = append(elems, el)
			return
		}
		s, escaped := d.str()
		if escaped {
			el.raw = string(d.Data[el.start:d.Pos])
		}
		list = append(list, s)
		elems = append(elems, el)
	})
	return list, elems
}
