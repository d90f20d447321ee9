package event

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/ldpolicy/ldpolicy/internal/jsonscan"
	"github.com/ldpolicy/ldpolicy/policy"
	"github.com/ldpolicy/ldpolicy/resource"
)

// Head is what deciding the delivery of an event reads of it. [ReadHead]
// fills it without decoding the rest of the event.
type Head struct {
	ID    string
	Date  int64 // Unix time in milliseconds; 0 when absent
	Kind  string
	Name  string
	Title string
	// Accesses are the event's accesses. HasAccesses reports whether the
	// event has the field at all: every audit-log entry does.
	Accesses    []policy.Access
	HasAccesses bool
	// Current is what the event says of the changed resource after the
	// change: its currentVersion field.
	Current Version

	scan jsonscan.Scanner // reused: its buffer for escaped strings
	meta resource.Metadata
	// metaType is the type of the resource Current describes ("flag",
	// "proj", "env", "segment"), or "" when the event gives no metadata.
	metaType string
}

// Version is the part of an event's currentVersion that holds metadata.
type Version struct {
	Key         string
	Tags        []string
	HasTags     bool
	Critical    bool // for an environment
	HasCritical bool
}

// DecodeError is an event that cannot be read: malformed JSON, or a field
// that deciding needs with a value of the wrong type.
type DecodeError struct {
	Offset int // byte offset in the event
	Msg    string
}

func (e *DecodeError) Error() string {
	return fmt.Sprintf("event: byte %d: %s", e.Offset, e.Msg)
}

// resourceTypes maps the kind of an event to the type of resource whose
// metadata its currentVersion gives.
var resourceTypes = map[string]string{
	"flag":        "flag",
	"project":     "proj",
	"environment": "env",
	"segment":     "segment",
}

// ReadHead reads what deciding the delivery of an event needs into h,
// reusing h's memory. It checks the JSON syntax of the whole event but
// decodes only _id, date, kind, name, title, accesses and currentVersion's
// key, tags and critical. A null value is an absent one.
func ReadHead(data []byte, h *Head) error {
	accesses, tags := h.Accesses[:0], h.Current.Tags[:0]
	scan := h.scan
	*h = Head{Accesses: accesses, Current: Version{Tags: tags}}
	s := &scan
	s.Data, s.Pos, s.Err, s.LenientUTF8 = data, 0, nil, true
	defer func() { h.scan = scan }()

	s.WS()
	if s.Peek() != '{' {
		if s.AtEnd() {
			return &DecodeError{0, "empty event: expected a JSON object"}
		}
		return &DecodeError{s.Pos, "expected an event (a JSON object), found " + s.Found(s.Pos)}
	}
	s.Object(func(key []byte, _ int) {
		switch string(key) {
		case "_id":
			h.ID = str(s, "_id")
		case "date":
			h.Date = integer(s, "date")
		case "kind":
			h.Kind = str(s, "kind")
		case "name":
			h.Name = str(s, "name")
		case "title":
			h.Title = str(s, "title")
		case "accesses": // a repeated key replaces, as in encoding/json
			h.HasAccesses = s.Peek() != 'n'
			h.Accesses = readAccesses(s, h.Accesses[:0])
		case "currentVersion":
			h.Current = Version{Tags: h.Current.Tags[:0]}
			readVersion(s, &h.Current)
		default:
			s.Skip()
		}
	})
	s.WS()
	if s.Err == nil && !s.AtEnd() {
		s.Fail(s.Pos, "expected the end of the event, found %s", s.Found(s.Pos))
	}
	if s.Err != nil {
		return &DecodeError{s.Err.Offset, s.Err.Msg}
	}
	h.meta, h.metaType = bodyMetadata(h)
	return nil
}

// str reads a string or null.
func str(s *jsonscan.Scanner, field string) string {
	switch s.Peek() {
	case '"':
		v, _ := s.String()
		return v
	case 'n':
		s.Skip()
		return ""
	}
	s.Fail(s.Pos, "%s: expected a string, found %s", field, s.Found(s.Pos))
	return ""
}

// integer reads an integer or null.
func integer(s *jsonscan.Scanner, field string) int64 {
	if s.Peek() == 'n' {
		s.Skip()
		return 0
	}
	start := s.Pos
	if c := s.Peek(); c != '-' && (c < '0' || c > '9') {
		s.Fail(s.Pos, "%s: expected an integer, found %s", field, s.Found(s.Pos))
		return 0
	}
	text := s.Number()
	if s.Err != nil {
		return 0
	}
	n, err := strconv.ParseInt(string(text), 10, 64)
	if err != nil {
		s.Fail(start, "%s: expected an integer, found %s", field, text)
	}
	return n
}

func readAccesses(s *jsonscan.Scanner, dst []policy.Access) []policy.Access {
	switch s.Peek() {
	case 'n':
		s.Skip()
		return dst
	case '[':
	default:
		s.Fail(s.Pos, "accesses: expected an array, found %s", s.Found(s.Pos))
		return dst
	}
	s.Array(func(i int) {
		if s.Peek() != '{' {
			s.Fail(s.Pos, "accesses[%d]: expected an object, found %s", i, s.Found(s.Pos))
			return
		}
		start := s.Pos
		var a policy.Access
		var hasAction, hasResource bool
		s.Object(func(key []byte, _ int) {
			switch string(key) {
			case "action":
				a.Action, hasAction = internAction(s), true
			case "resource":
				a.Resource, hasResource = str(s, "resource"), true
			default:
				s.Skip()
			}
		})
		switch {
		case s.Err != nil:
		case !hasAction:
			s.Fail(start, "accesses[%d]: missing action", i)
		case !hasResource:
			s.Fail(start, "accesses[%d]: missing resource", i)
		}
		dst = append(dst, a)
	})
	return dst
}

// actions holds the strings of common action names, so that reading one
// does not allocate.
var actions = func() map[string]string {
	m := map[string]string{}
	for _, t := range actionNames() {
		m[t] = t
	}
	return m
}()

func internAction(s *jsonscan.Scanner) string {
	if s.Peek() != '"' {
		return str(s, "action")
	}
	raw, escaped := s.RawString()
	if a, ok := actions[string(raw)]; ok && !escaped {
		return a
	}
	return string(raw)
}

// readVersion reads the fields of a currentVersion that hold metadata. A
// field with a value of an unexpected type is left unknown rather than
// failing the event: the other fields of currentVersion vary with the kind
// of resource, and deciding may not need them.
func readVersion(s *jsonscan.Scanner, v *Version) {
	if s.Peek() != '{' {
		s.Skip() // null, or something this reader does not use
		return
	}
	s.Object(func(key []byte, _ int) {
		switch string(key) {
		case "key":
			v.Key = ""
			if s.Peek() == '"' {
				v.Key, _ = s.String()
				return
			}
		case "tags":
			v.Tags, v.HasTags = v.Tags[:0], false
			if s.Peek() == '[' {
				ok := true
				s.Array(func(i int) {
					if s.Peek() != '"' {
						ok = false
						s.Skip()
						return
					}
					tag, _ := s.String()
					v.Tags = append(v.Tags, tag)
				})
				v.HasTags = ok
				if !ok {
					v.Tags = v.Tags[:0]
				}
				return
			}
		case "critical":
			c := s.Peek()
			v.HasCritical, v.Critical = c == 't' || c == 'f', c == 't'
		}
		s.Skip()
	})
}

// bodyMetadata returns the metadata that the event's currentVersion gives
// of the changed resource, and the type of that resource: the tags of a
// flag, project, environment or segment, and whether an environment is
// critical. What the body does not say stays unknown: the kinds of metadata
// it does not list are partial.
func bodyMetadata(h *Head) (resource.Metadata, string) {
	typ := resourceTypes[h.Kind]
	if typ == "" || h.Current.Key == "" || !h.Current.HasTags && !h.Current.HasCritical {
		return resource.Metadata{}, ""
	}
	partial := resource.Properties | resource.Views
	var props map[string]string
	if h.Current.HasCritical {
		props = map[string]string{"critical": strconv.FormatBool(h.Current.Critical)}
	}
	tags := h.Current.Tags
	if !h.Current.HasTags {
		partial |= resource.Tags
		tags = nil
	}
	m, err := resource.NewMetadata(tags, props, nil)
	if err != nil {
		// Tags that the notation cannot hold: say nothing rather than
		// something wrong.
		return resource.Metadata{}, ""
	}
	return m.Partial(partial), typ
}

// Metadata implements [resource.Resolver] with what the event's body says
// of the changed resource: the resource of one of the event's accesses
// whose last segment has the type that the event's kind names and the key
// of its currentVersion. A flag event's accesses name the flag in each
// environment, and the flag's tags are the same in all of them. It knows
// nothing of other resources.
func (h *Head) Metadata(path string) (resource.Metadata, bool) {
	if h.metaType == "" {
		return resource.Metadata{}, false
	}
	last := path[strings.LastIndexByte(path, ':')+1:]
	typ, key, ok := strings.Cut(last, "/")
	if !ok || typ != h.metaType || key != h.Current.Key {
		return resource.Metadata{}, false
	}
	for _, a := range h.Accesses {
		if a.Resource == path {
			return h.meta, true
		}
	}
	return resource.Metadata{}, false
}

// AccessOffset returns the offset in data, an event that [ReadHead] has
// read, of byte off of the string value of field ("action" or "resource")
// of accesses[i], as ReadHead reads it (the last "accesses" of the event,
// the last such field of the access); off counts the bytes of the decoded
// string, as an offset in an error about the value does. With
// [Position] or [Record.Position] it locates a problem found in the value
// after ReadHead, such as a malformed resource. A value that is not a
// string (null, which ReadHead reads as "") is located at its start. It
// reads data again: it is for reporting errors, not for every event. ok is
// false when the access has no such field.
func AccessOffset(data []byte, i int, field string, off int) (int, bool) {
	s := &jsonscan.Scanner{Data: data, LenientUTF8: true}
	start, raw := -1, ""
	s.WS()
	s.Object(func(key []byte, _ int) {
		if string(key) != "accesses" || s.Peek() != '[' {
			s.Skip()
			return
		}
		start = -1 // a repeated key replaces
		s.Array(func(j int) {
			if j != i || s.Peek() != '{' {
				s.Skip()
				return
			}
			s.Object(func(key []byte, _ int) {
				if string(key) != field {
					s.Skip()
					return
				}
				start, raw = s.Pos, ""
				if s.Peek() != '"' {
					s.Skip() // null: "" to ReadHead
					return
				}
				if _, escaped := s.RawString(); escaped {
					raw = string(data[start:s.Pos])
				}
			})
		})
	})
	switch {
	case start < 0:
		return 0, false
	case data[start] != '"':
		return start, true
	}
	return start + 1 + jsonscan.RawOffset(raw, off), true
}

// ResourceErrorOffset returns the offset in data, the event that
// [ReadHead] read into h, of the problem of the first resource of h's
// accesses that does not parse, the one that policy.Event.Parse reports:
// the byte that the resource's syntax error names, within the resource's
// string in data. ok is false when every resource parses. Like
// [AccessOffset], it is for reporting errors.
func (h *Head) ResourceErrorOffset(data []byte) (off int, ok bool) {
	for i, a := range h.Accesses {
		_, err := resource.ParseConcrete(a.Resource)
		if err == nil {
			continue
		}
		var se *resource.SyntaxError
		if errors.As(err, &se) {
			off = se.Offset
		}
		return AccessOffset(data, i, "resource", off)
	}
	return 0, false
}
