package terraform

import (
	"sort"
	"strconv"

	"github.com/ldpolicy/ldpolicy/policy"
)

// srcFile is a file read: its name, its bytes and where its lines start,
// found once, so that any number of positions cost a binary search each.
type srcFile struct {
	name  string
	data  []byte
	text  string // data, for file(): converted once however often it is read
	lines []int
}

func newSrcFile(name string, data []byte) *srcFile {
	lines := []int{0}
	for i, c := range data {
		if c == '\n' {
			lines = append(lines, i+1)
		}
	}
	return &srcFile{name: name, data: data, text: string(data), lines: lines}
}

// pos returns the position of byte offset off, counting columns in bytes
// as package policy does (hcl.Pos counts characters).
func (f *srcFile) pos(off int) policy.Position {
	off = max(0, min(off, len(f.data)))
	line := sort.Search(len(f.lines), func(i int) bool { return f.lines[i] > off })
	return policy.Position{Filename: f.name, Offset: off, Line: line, Column: off - f.lines[line-1] + 1}
}

// place is a byte of a file.
type place struct {
	src *srcFile
	off int
}

func (p place) pos() policy.Position { return p.src.pos(p.off) }

// kind is the type of a value.
type kind uint8

const (
	nullKind kind = iota
	stringKind
	numberKind
	boolKind
	listKind
	objectKind
)

func (k kind) String() string {
	switch k {
	case stringKind:
		return "a string"
	case numberKind:
		return "a number"
	case boolKind:
		return "a boolean"
	case listKind:
		return "a list"
	case objectKind:
		return "an object"
	}
	return "null"
}

// A value is what an expression evaluates to without running Terraform,
// or a JSON value of a file, with where each of its parts came from.
type value struct {
	kind kind
	at   place // the start of the expression or JSON value
	// str is a string; the text of a number or boolean.
	str string
	// spans say where each byte of a string came from; with none, every
	// byte is at "at".
	spans []span
	elems []value // the elements of a list; the values of an object
	keys  []value // the keys of an object, as strings, in source order
}

// A span says that the bytes of a string from index at on came from the
// bytes of src from off on, one for one; or, when fixed, that they all
// came from the byte at off, such as the bytes an escape sequence decodes
// to, or the bytes of a value whose exact origin is not known.
type span struct {
	at    int
	src   *srcFile
	off   int
	fixed bool
}

// source returns where byte i of the string v came from; i may be
// len(v.str), the end of the string.
func (v *value) source(i int) place {
	return spanSource(v.spans, v.at, i)
}

// spanSource returns where byte i of a string came from, by its spans, or
// at when it has none.
func spanSource(spans []span, at place, i int) place {
	k := sort.Search(len(spans), func(k int) bool { return spans[k].at > i }) - 1
	if k < 0 {
		return at
	}
	s := spans[k]
	if s.fixed {
		return place{s.src, s.off}
	}
	return place{s.src, s.off + i - s.at}
}

// maxSpans bounds the spans of a string: a string made of more pieces
// than that, or with more escapes, such as jsonencode(…) nested to double
// its backslashes again and again, is located exactly up to there, and at
// the place of the last span after it.
const maxSpans = 1 << 20

// builder builds a string and its spans.
type builder struct {
	b     []byte
	spans []span
}

// add appends s, whose bytes came from p on, or all from p when fixed.
func (b *builder) add(s string, p place, fixed bool) {
	if s == "" {
		return
	}
	n := len(b.spans)
	if n == 0 || n < maxSpans && (fixed || b.spans[n-1].fixed || b.spans[n-1].src != p.src || b.spans[n-1].off+len(b.b)-b.spans[n-1].at != p.off) {
		b.spans = append(b.spans, span{at: len(b.b), src: p.src, off: p.off, fixed: fixed || n+1 == maxSpans})
	}
	b.b = append(b.b, s...)
}

// addString appends the bytes [i, j) of the string v, with their spans.
func (b *builder) addString(v *value, i, j int) {
	for i < j {
		// The span of byte i runs up to the next span's start.
		k := sort.Search(len(v.spans), func(k int) bool { return v.spans[k].at > i }) - 1
		end := j
		if k+1 < len(v.spans) {
			end = min(j, v.spans[k+1].at)
		}
		if k < 0 {
			b.add(v.str[i:end], v.at, true)
		} else {
			s := v.spans[k]
			if s.fixed {
				b.add(v.str[i:end], place{s.src, s.off}, true)
			} else {
				b.add(v.str[i:end], place{s.src, s.off + i - s.at}, false)
			}
		}
		i = end
	}
}

// value returns the string built, as a value at p.
func (b *builder) value(p place) value {
	return value{kind: stringKind, at: p, str: string(b.b), spans: b.spans}
}

// positions returns the function that locates the bytes of a string, for
// policy.ParseDerived.
func positions(spans []span, at place) func(int) policy.Position {
	return func(off int) policy.Position { return spanSource(spans, at, off).pos() }
}

// writeJSON writes v as JSON, each byte mapped to where it came from: a
// string's opening quote to the start of its expression and its bytes to
// theirs, so that an offset inside a string of the JSON locates the byte
// of the Terraform string it came from. limit bounds the length of the
// JSON; writeJSON reports whether it stayed within it.
func writeJSON(b *builder, v *value, limit int) bool {
	if len(b.b) > limit {
		return false
	}
	switch v.kind {
	case nullKind:
		b.add("null", v.at, true)
	case boolKind, numberKind:
		b.add(v.str, v.at, true)
	case stringKind:
		writeJSONString(b, v)
	case listKind:
		b.add("[", v.at, true)
		for i := range v.elems {
			if i > 0 {
				b.add(",", v.elems[i].at, true)
			}
			if !writeJSON(b, &v.elems[i], limit) {
				return false
			}
		}
		b.add("]", v.at, true)
	case objectKind:
		b.add("{", v.at, true)
		for i := range v.elems {
			if i > 0 {
				b.add(",", v.keys[i].at, true)
			}
			writeJSONString(b, &v.keys[i])
			b.add(":", v.elems[i].at, true)
			if !writeJSON(b, &v.elems[i], limit) {
				return false
			}
		}
		b.add("}", v.at, true)
	}
	return len(b.b) <= limit
}

// writeJSONString writes the string v as a JSON string. Only '"', '\\'
// and control characters are escaped; an escape maps to the byte it
// stands for.
func writeJSONString(b *builder, v *value) {
	b.add(`"`, v.at, true)
	s := v.str
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		b.addString(v, start, i)
		var esc string
		switch c {
		case '"':
			esc = `\"`
		case '\\':
			esc = `\\`
		case '\n':
			esc = `\n`
		case '\r':
			esc = `\r`
		case '\t':
			esc = `\t`
		default:
			esc = `\u00` + strconv.FormatUint(uint64(c)>>4, 16) + strconv.FormatUint(uint64(c)&0xF, 16)
		}
		b.add(esc, v.source(i), true)
		start = i + 1
	}
	b.addString(v, start, len(s))
	b.add(`"`, v.source(len(s)), true)
}
