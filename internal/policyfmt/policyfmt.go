// Package policyfmt writes policy files in one canonical form, so that a
// change to a policy under review shows as a change of meaning, not of
// layout.
//
// The canonical form of a file:
//
//   - its shape is kept: a bare array of statements stays one, a webhook
//     ({"statements": [...]}) and a custom role ({"policy": [...]}) stay
//     objects, with every other field and its value;
//   - the fields of a statement come in the order effect, actions,
//     notActions, resources, notResources;
//   - the fields of a webhook come in the order _id, name, url, secret, on,
//     sign, tags, statements, and those of a custom role in the order _id,
//     key, name, description, basePermissions, resourceCategory, policy (the
//     fields of LaunchDarkly's REST API); any other field follows, in the
//     order of the file;
//   - every statement is a block of its own, and values are indented by two
//     spaces a level;
//   - a scalar, an empty array or object, and an array of one scalar are
//     written on one line ("actions": ["*"]); any other array or object has
//     one element or field a line;
//   - strings are written as encoding/json writes them, without escaping
//     '<', '>' and '&'; numbers are kept as they are written;
//   - a byte order mark is dropped, and the file ends with a newline.
//
// The snake_case spellings "not_actions" and "not_resources", which
// LaunchDarkly's Terraform provider writes and the decoder accepts, are
// kept by default, since a file may feed either tool; [Options.CamelCase]
// rewrites them as "notActions" and "notResources", the REST API's spelling.
//
// Formatting is idempotent, and it changes no value: the formatted file
// decodes to the same statements and the same other fields.
package policyfmt

import (
	"bytes"
	"encoding/json"
	"errors"
	"sort"

	"github.com/ldpolicy/ldpolicy/internal/jsonscan"
	"github.com/ldpolicy/ldpolicy/policy"
)

// Options control formatting.
type Options struct {
	// CamelCase writes the statement fields "not_actions" and
	// "not_resources" as "notActions" and "notResources".
	CamelCase bool
}

// Canonical field orders. A field not listed sorts after the listed ones.
var (
	statementOrder = []string{"effect", "actions", "notActions", "not_actions", "resources", "notResources", "not_resources"}
	webhookOrder   = []string{"_id", "name", "url", "secret", "on", "sign", "tags", "statements"}
	roleOrder      = []string{"_id", "key", "name", "description", "basePermissions", "resourceCategory", "policy"}
)

// Format returns the policy file data in canonical form. name names the
// file in errors.
//
// The file must decode as [policy.ParseFile] decodes it: well-formed JSON of
// one of the shapes of a policy file, whose statements have only known
// fields of the right JSON types. Otherwise the error is the
// [policy.ErrorList] of ParseFile, every problem with its position. The
// values of specifiers are not checked: a file that [policy.File.Compile]
// rejects, for a malformed specifier or a missing effect, is formatted all
// the same, and rejected in the same way afterwards.
func Format(name string, data []byte, opts Options) ([]byte, error) {
	if _, err := policy.ParseFile(name, data); err != nil {
		return nil, err
	}
	s := &jsonscan.Scanner{Data: data}
	if bytes.HasPrefix(data, []byte("\uFEFF")) {
		s.Pos = 3
	}
	s.WS()
	v := readValue(s)
	if s.Err != nil {
		// ParseFile has read the whole file: this cannot happen, but if it
		// does, it is an error rather than a wrong result.
		return nil, errors.New("policyfmt: " + s.Err.Error())
	}
	switch v.kind {
	case '[':
		canonicalStatements(&v, opts)
	case '{':
		order := webhookOrder
		for _, m := range v.members {
			if m.key == "policy" {
				order = roleOrder
			}
		}
		sortMembers(v.members, order)
		for i := range v.members {
			if k := v.members[i].key; (k == "statements" || k == "policy") && v.members[i].val.kind == '[' {
				canonicalStatements(&v.members[i].val, opts)
			}
		}
	}
	w := writer{buf: make([]byte, 0, len(data)+len(data)/4)}
	w.value(&v, 0)
	w.buf = append(w.buf, '\n')
	return w.buf, nil
}

// canonicalStatements orders the fields of the statements of the array v.
func canonicalStatements(v *value, opts Options) {
	for i := range v.elems {
		st := &v.elems[i]
		if opts.CamelCase {
			for j := range st.members {
				switch st.members[j].key {
				case "not_actions":
					st.members[j].key = "notActions"
				case "not_resources":
					st.members[j].key = "notResources"
				}
			}
		}
		sortMembers(st.members, statementOrder)
	}
}

// sortMembers orders members by their key's place in order; keys that are
// not in order come after, in their original order.
func sortMembers(members []member, order []string) {
	rank := func(key string) int {
		for i, k := range order {
			if k == key {
				return i
			}
		}
		return len(order)
	}
	sort.SliceStable(members, func(i, j int) bool { return rank(members[i].key) < rank(members[j].key) })
}

// value is a JSON value as the file holds it.
type value struct {
	kind    byte   // '"' string, '0' number or literal, '[' array, '{' object
	text    string // a string's decoded text, or the literal text of a number, true, false or null
	elems   []value
	members []member
}

type member struct {
	key string
	val value
}

// readValue reads the value at s.Pos. The data has been checked by
// policy.ParseFile, which bounds its depth.
func readValue(s *jsonscan.Scanner) value {
	switch c := s.Peek(); c {
	case '"':
		str, _ := s.String()
		return value{kind: '"', text: str}
	case '[':
		v := value{kind: '[', elems: []value{}}
		s.Array(func(int) { v.elems = append(v.elems, readValue(s)) })
		return v
	case '{':
		v := value{kind: '{', members: []member{}}
		s.Object(func(k []byte, _ int) {
			key := string(k) // decoded, in a buffer that reading the value reuses
			v.members = append(v.members, member{key: key, val: readValue(s)})
		})
		return v
	default:
		start := s.Pos
		s.Skip()
		if s.Err != nil {
			return value{kind: '0'}
		}
		return value{kind: '0', text: string(s.Data[start:s.Pos])}
	}
}

// writer writes values in canonical form.
type writer struct {
	buf []byte
}

// inline reports whether v is written on one line.
func inline(v *value) bool {
	switch v.kind {
	case '[':
		return len(v.elems) == 0 || len(v.elems) == 1 && v.elems[0].kind != '[' && v.elems[0].kind != '{'
	case '{':
		return len(v.members) == 0
	}
	return true
}

func (w *writer) value(v *value, depth int) {
	switch v.kind {
	case '"':
		w.buf = appendString(w.buf, v.text)
	case '0':
		w.buf = append(w.buf, v.text...)
	case '[':
		if inline(v) {
			w.buf = append(w.buf, '[')
			for i := range v.elems {
				w.value(&v.elems[i], depth+1)
			}
			w.buf = append(w.buf, ']')
			return
		}
		w.buf = append(w.buf, '[')
		for i := range v.elems {
			if i > 0 {
				w.buf = append(w.buf, ',')
			}
			w.newline(depth + 1)
			w.value(&v.elems[i], depth+1)
		}
		w.newline(depth)
		w.buf = append(w.buf, ']')
	case '{':
		if inline(v) {
			w.buf = append(w.buf, "{}"...)
			return
		}
		w.buf = append(w.buf, '{')
		for i := range v.members {
			if i > 0 {
				w.buf = append(w.buf, ',')
			}
			w.newline(depth + 1)
			w.buf = appendString(w.buf, v.members[i].key)
			w.buf = append(w.buf, ": "...)
			w.value(&v.members[i].val, depth+1)
		}
		w.newline(depth)
		w.buf = append(w.buf, '}')
	}
}

func (w *writer) newline(depth int) {
	w.buf = append(w.buf, '\n')
	for range depth {
		w.buf = append(w.buf, "  "...)
	}
}

// appendString appends s as a JSON string, as encoding/json writes it
// without HTML escaping.
func appendString(b []byte, s string) []byte {
	plain := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < ' ' || c > '~' || c == '"' || c == '\\' {
			plain = false
			break
		}
	}
	if plain {
		b = append(b, '"')
		b = append(b, s...)
		return append(b, '"')
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.Encode(s) // a string always encodes
	return append(b, bytes.TrimSuffix(buf.Bytes(), []byte("\n"))...)
}
