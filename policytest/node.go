package policytest

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/ldpolicy/ldpolicy/internal/jsonscan"
	"github.com/ldpolicy/ldpolicy/policy"
)

// A test file is read into a tree of nodes, whatever its syntax, so that one
// decoder checks the schema of YAML and JSON alike and every value keeps its
// place in the file.

// Bounds on the tree, against adversarial input: YAML aliases can make a
// small file stand for an exponentially large tree.
const (
	maxDepth  = 64        // nesting of lists and objects
	maxValues = 1_000_000 // values, after YAML aliases are expanded
)

// kind is the kind of a node.
type kind uint8

const (
	nullNode kind = iota
	boolNode
	numberNode
	stringNode
	listNode
	objectNode
)

// String names the kind for messages: "expected a string, found a number".
func (k kind) String() string {
	return [...]string{"null", "a boolean", "a number", "a string", "a list", "an object"}[k]
}

// node is one value of a test file.
type node struct {
	kind  kind
	value string // a scalar's text: the decoded string, the number, "true" or "false"
	off   int    // byte offset of the value in the file
	// quoted marks a string whose text starts one byte after off, after
	// its opening quote; raw is the literal of a JSON string with escapes,
	// to map offsets in the decoded text to the file.
	quoted bool
	raw    string
	keys   []*node // an object's keys, in order, duplicates kept
	elems  []*node // an object's values, one per key, or a list's elements
}

// get returns the key and value of the first field called name, or nils.
func (n *node) get(name string) (key, val *node) {
	for i, k := range n.keys {
		if k.value == name {
			return k, n.elems[i]
		}
	}
	return nil, nil
}

// appendJSON appends n as JSON. A YAML number that is not a JSON number,
// such as 0x1F or .inf, is written as a string.
func (n *node) appendJSON(b []byte) []byte {
	switch n.kind {
	case nullNode:
		return append(b, "null"...)
	case boolNode, numberNode:
		if n.kind == boolNode || isJSONNumber(n.value) {
			return append(b, n.value...)
		}
		return appendString(b, n.value)
	case stringNode:
		return appendString(b, n.value)
	case listNode:
		b = append(b, '[')
		for i, e := range n.elems {
			if i > 0 {
				b = append(b, ',')
			}
			b = e.appendJSON(b)
		}
		return append(b, ']')
	}
	b = append(b, '{')
	for i, k := range n.keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, k.value)
		b = append(b, ':')
		b = n.elems[i].appendJSON(b)
	}
	return append(b, '}')
}

func appendString(b []byte, s string) []byte {
	q, _ := json.Marshal(s) // a string always marshals
	return append(b, q...)
}

func isJSONNumber(s string) bool {
	return s != "" && (s[0] == '-' || s[0] >= '0' && s[0] <= '9') && json.Valid([]byte(s))
}

// source is a test file: its name, its bytes and where its lines start.
type source struct {
	name  string
	data  []byte
	lines []int
}

func newSource(name string, data []byte) *source {
	s := &source{name: name, data: data, lines: []int{0}}
	for i, c := range data {
		if c == '\n' {
			s.lines = append(s.lines, i+1)
		}
	}
	return s
}

// pos returns the position of byte off.
func (s *source) pos(off int) policy.Position {
	off = max(0, min(off, len(s.data)))
	line := sort.Search(len(s.lines), func(i int) bool { return s.lines[i] > off })
	return policy.Position{Filename: s.name, Offset: off, Line: line, Column: off - s.lines[line-1] + 1}
}

// posIn returns the position of byte off of the text of the string n;
// for off < 0, the position of n. Offsets inside YAML strings with escapes
// or folded lines are approximate.
func (s *source) posIn(n *node, off int) policy.Position {
	switch {
	case off < 0:
		return s.pos(n.off)
	case n.raw != "":
		return s.pos(n.off + 1 + jsonscan.RawOffset(n.raw, off))
	case n.quoted:
		return s.pos(n.off + 1 + off)
	}
	return s.pos(n.off + off)
}

// offset returns the byte offset of a YAML position, whose column counts
// characters.
func (s *source) offset(line, col int) int {
	if line < 1 || line > len(s.lines) {
		return 0
	}
	off := s.lines[line-1]
	for ; col > 1 && off < len(s.data) && s.data[off] != '\n'; col-- {
		_, w := utf8.DecodeRune(s.data[off:])
		off += w
	}
	return off
}

// builder builds the tree of a file, collecting problems that do not stop
// it.
type builder struct {
	src    *source
	errs   ErrorList
	values int
	over   bool // a bound was passed: the tree is cut short
}

func (b *builder) fail(off int, err error) {
	b.errs = append(b.errs, &Error{Pos: b.src.pos(off), Offset: -1, Err: err})
}

// count counts a value, and reports whether the tree may grow by it. Once
// a bound is passed, nothing more is built, and the file has no tree.
func (b *builder) count(off, depth int) bool {
	b.values++
	switch {
	case b.over:
		return false
	case depth > maxDepth:
		b.fail(off, errors.New("values nested more than "+strconv.Itoa(maxDepth)+" deep"))
		b.over = true
	case b.values > maxValues:
		b.fail(off, errors.New("more than "+strconv.Itoa(maxValues)+" values (YAML aliases included)"))
		b.over = true
	}
	return !b.over
}

var bom = []byte("\uFEFF")

// errEmpty is the error for a file without a value.
var errEmpty = errors.New(`empty test file: expected an object with "policy" and "cases"`)

// parseJSON reads a JSON test file. A syntax error ends it, without a tree.
func parseJSON(src *source) (*node, ErrorList) {
	b := &builder{src: src}
	s := &jsonscan.Scanner{Data: src.data}
	if bytes.HasPrefix(src.data, bom) {
		s.Pos = len(bom)
	}
	s.WS()
	if s.AtEnd() {
		b.fail(s.Pos, errEmpty)
		return nil, b.errs
	}
	n := b.json(s, 0)
	if s.Err == nil {
		s.WS()
		if !s.AtEnd() {
			s.Fail(s.Pos, "expected the end of the test file, found %s", s.Found(s.Pos))
		}
	}
	if s.Err != nil {
		b.fail(s.Err.Offset, errors.New(s.Err.Msg))
		return nil, b.errs
	}
	return n, b.errs
}

func (b *builder) json(s *jsonscan.Scanner, depth int) *node {
	n := &node{off: s.Pos}
	if depth > maxDepth {
		s.Fail(s.Pos, "values nested more than %d deep", maxDepth)
		return n
	}
	switch c := s.Peek(); {
	case c == '{':
		n.kind = objectNode
		s.Object(func(key []byte, keyOff int) {
			n.keys = append(n.keys, &node{kind: stringNode, value: string(key), off: keyOff, quoted: true})
			n.elems = append(n.elems, b.json(s, depth+1))
		})
	case c == '[':
		n.kind = listNode
		s.Array(func(int) { n.elems = append(n.elems, b.json(s, depth+1)) })
	case c == '"':
		n.kind, n.quoted = stringNode, true
		v, escaped := s.String()
		n.value = v
		if escaped {
			n.raw = string(s.Data[n.off:s.Pos])
		}
	case c == 't' || c == 'f':
		n.kind = boolNode
		s.Skip()
		n.value = string(s.Data[n.off:s.Pos])
	case c == 'n':
		s.Skip()
	case c == '-' || c >= '0' && c <= '9':
		n.kind = numberNode
		n.value = string(s.Number())
	default:
		s.Fail(s.Pos, "expected a JSON value, found %s", s.Found(s.Pos))
	}
	return n
}

// yamlLine is the form of go.yaml.in/yaml's syntax errors that give a line.
var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// parseYAML reads a YAML test file: one document. A syntax error ends it,
// without a tree.
func parseYAML(src *source) (*node, ErrorList) {
	b := &builder{src: src}
	dec := yaml.NewDecoder(bytes.NewReader(src.data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if err == io.EOF {
			b.fail(0, errEmpty)
		} else {
			b.yamlError(err)
		}
		return nil, b.errs
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case err == nil:
		b.fail(src.offset(next.Line, next.Column), errors.New("a second YAML document: a test file holds one"))
		return nil, b.errs
	case err != io.EOF:
		b.yamlError(err)
		return nil, b.errs
	}
	n := b.yaml(&doc, 0)
	if b.over {
		return nil, b.errs
	}
	return n, b.errs
}

// yamlError records a YAML syntax error, at its line when it gives one.
func (b *builder) yamlError(err error) {
	msg := err.Error()
	pos := policy.Position{Filename: b.src.name}
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		pos.Line, _ = strconv.Atoi(m[1])
		msg = m[2]
	} else {
		msg = strings.TrimPrefix(msg, "yaml: ")
	}
	b.errs = append(b.errs, &Error{Pos: pos, Offset: -1, Err: errors.New("invalid YAML: " + msg)})
}

func (b *builder) yaml(y *yaml.Node, depth int) *node {
	n := &node{off: b.src.offset(y.Line, y.Column)}
	if !b.count(n.off, depth) {
		return n
	}
	switch y.Kind {
	case yaml.DocumentNode:
		if len(y.Content) == 0 {
			return n
		}
		return b.yaml(y.Content[0], depth)
	case yaml.AliasNode:
		if y.Alias == nil {
			return n
		}
		return b.yaml(y.Alias, depth+1)
	case yaml.ScalarNode:
		n.value = y.Value
		n.quoted = y.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0
		switch tag := y.ShortTag(); tag {
		case "!!str", "!!timestamp", "!!binary":
			n.kind = stringNode
		case "!!int", "!!float":
			n.kind = numberNode
		case "!!bool":
			n.kind = boolNode
			n.value = strings.ToLower(y.Value)
		case "!!null":
			n.kind = nullNode
		default:
			n.kind = stringNode
			b.fail(n.off, errors.New("unsupported YAML tag "+strconv.Quote(tag)))
		}
	case yaml.SequenceNode:
		n.kind = listNode
		for _, c := range y.Content {
			n.elems = append(n.elems, b.yaml(c, depth+1))
		}
	case yaml.MappingNode:
		n.kind = objectNode
		b.mapping(n, y, depth)
	}
	return n
}

// mapping builds the fields of an object. A merge key ("<<: *defaults")
// adds the fields of the objects it names that the object does not have
// itself, the first object named taking precedence.
func (b *builder) mapping(n *node, y *yaml.Node, depth int) {
	var merged []*node
	for i := 0; i+1 < len(y.Content); i += 2 {
		ky, vy := y.Content[i], y.Content[i+1]
		for ky.Kind == yaml.AliasNode && ky.Alias != nil {
			ky = ky.Alias
		}
		v := b.yaml(vy, depth+1)
		if ky.Kind == yaml.ScalarNode && ky.ShortTag() == "!!merge" {
			switch v.kind {
			case objectNode:
				merged = append(merged, v)
			case listNode:
				for _, e := range v.elems {
					if e.kind != objectNode {
						b.fail(e.off, errors.New("expected an object to merge, found "+e.kind.String()))
						continue
					}
					merged = append(merged, e)
				}
			default:
				b.fail(v.off, errors.New("expected an object, or a list of objects, to merge, found "+v.kind.String()))
			}
			continue
		}
		k := &node{kind: stringNode, value: ky.Value, off: b.src.offset(ky.Line, ky.Column)}
		if ky.Kind != yaml.ScalarNode {
			b.fail(k.off, errors.New("expected a field name, found "+map[yaml.Kind]string{yaml.SequenceNode: "a list", yaml.MappingNode: "an object"}[ky.Kind]))
			continue
		}
		n.keys = append(n.keys, k)
		n.elems = append(n.elems, v)
	}
	for _, m := range merged {
		for i, k := range m.keys {
			if k0, _ := n.get(k.value); k0 == nil {
				n.keys = append(n.keys, k)
				n.elems = append(n.elems, m.elems[i])
			}
		}
	}
}
