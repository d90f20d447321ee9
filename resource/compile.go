package resource

import (
	"errors"
	"fmt"
	"strings"

	"github.com/ldpolicy/ldpolicy/match"
)

// Matcher is a compiled specifier. A Matcher is immutable and safe for
// concurrent use by multiple goroutines.
type Matcher struct {
	text string
	any  bool // the bare "*"
	// never is set when the specifier names a role attribute that is not
	// bound, or is bound to no value: it then matches nothing, whatever
	// the metadata.
	never bool
	shape shape
	// tests are the segments with something to test beyond their type: a
	// name that is not "*", or modifiers. A matcher without tests matches
	// every resource of its shape.
	tests []segMatcher
}

// A shape is the sequence of a resource's segment types, a type alone
// ("acct") apart from the type with a key ("acct/key"): a specifier other
// than "*" matches only resources of its own shape. Shapes are comparable,
// so they can key a map, and Concrete.hasShape tells a resource's shape
// apart from others in a few instructions, which lets an Index sort
// matchers by shape.
type shape struct {
	hash uint64
	// types is every segment's type, each followed by '/' or, for a type
	// alone such as "acct", by ';': "proj/env/flag/".
	types string
}

// String returns the shape as a resource of that shape would be written
// with every key "*", such as "proj/*:env/*:flag/*".
func (s shape) String() string {
	var b strings.Builder
	for rest := s.types; rest != ""; {
		i := strings.IndexAny(rest, "/;")
		if b.Len() > 0 {
			b.WriteByte(':')
		}
		b.WriteString(rest[:i])
		if rest[i] == '/' {
			b.WriteString("/*")
		}
		rest = rest[i+1:]
	}
	return b.String()
}

type segMatcher struct {
	index int // of the segment in the specifier
	bare  bool
	name  nameMatcher
	mods  []modMatcher
}

// nameMatcher matches a key or a tag: a pattern, or the values of a role
// attribute, each a pattern.
type nameMatcher struct {
	any  bool             // "*": no test at all
	pat  *match.Pattern   // nil for a role attribute
	vals []*match.Pattern // the values of a role attribute: one must match
}

// empty reports whether n matches nothing: a role attribute bound to no
// value.
func (n *nameMatcher) empty() bool { return !n.any && n.pat == nil && len(n.vals) == 0 }

func (n *nameMatcher) match(key string) bool {
	if n.any {
		return true
	}
	if n.pat != nil {
		return n.pat.Match(key)
	}
	for _, p := range n.vals {
		if p.Match(key) {
			return true
		}
	}
	return false
}

type modKind uint8

const (
	modTag modKind = iota
	modProperty
	modView
)

type modMatcher struct {
	kind        modKind
	tag         nameMatcher // modTag
	name, value string      // modProperty
	view        nameMatcher // modView
}

// empty reports whether the modifier never holds: a tag or view that is a
// role attribute bound to no value.
func (m *modMatcher) empty() bool {
	switch m.kind {
	case modTag:
		return m.tag.empty()
	case modView:
		return m.view.empty()
	}
	return false
}

// holds tests the modifier against known metadata. A miss is false when the
// kind of metadata the modifier tests is complete, unknown when it is
// partial; a property listed with another value is false either way, since
// a property has one value.
func (m *modMatcher) holds(md Metadata) match.Truth {
	if m.kind == modProperty {
		v, ok := property(md.text, m.name)
		switch {
		case ok && v == m.value:
			return match.True
		case ok || md.partial&Properties == 0:
			return match.False
		}
		return match.Unknown
	}
	for meta := md.text; meta != ""; {
		var e string
		e, meta = nextEntry(meta)
		switch {
		case m.kind == modTag && isPlainTag(e) && m.tag.match(e):
			return match.True
		case m.kind == modView && strings.HasPrefix(e, "view:") && m.view.match(e[len("view:"):]):
			return match.True
		}
	}
	kind := Tags
	if m.kind == modView {
		kind = Views
	}
	if md.partial&kind != 0 {
		return match.Unknown
	}
	return match.False
}

// Compile compiles a specifier. Role attributes take their values from
// attrs: "${roleAttribute/projects}" stands for the values in
// attrs["projects"], each a pattern matched exactly as the text it stands
// for would be ("team-*" matches "team-a"), and matches when one of them
// does. A value must be well-formed (see [CheckValue]); Compile returns an
// [*AttributeError] for the first that is not. A specifier that names a role
// attribute missing from attrs, or bound to no value, matches nothing, be
// the attribute a name or a tag, and whatever the metadata.
func Compile(s *Specifier, attrs map[string][]string) (*Matcher, error) {
	m := &Matcher{text: s.text, any: s.IsAny()}
	var types strings.Builder
	for i, seg := range s.segs {
		sm := segMatcher{index: i, bare: seg.IsBare()}
		types.WriteString(seg.Type)
		if seg.IsBare() {
			types.WriteByte(';')
		} else {
			types.WriteByte('/')
		}
		if !seg.IsBare() {
			n, bound, err := compileName(seg.Name, attrs)
			if err != nil {
				return nil, err
			}
			m.never = m.never || !bound || n.empty()
			sm.name = n
		}
		for _, mod := range seg.Modifiers {
			mm, bound, err := compileModifier(mod, attrs)
			if err != nil {
				return nil, err
			}
			m.never = m.never || !bound || mm.empty()
			sm.mods = append(sm.mods, mm)
		}
		if !sm.bare && !sm.name.any || len(sm.mods) > 0 {
			m.tests = append(m.tests, sm)
		}
	}
	m.shape.types = types.String()
	m.shape.hash = shapeKey(len(s.segs), func(i int) (string, bool) { return s.segs[i].Type, s.segs[i].IsBare() })
	return m, nil
}

func compileName(n Name, attrs map[string][]string) (nm nameMatcher, bound bool, err error) {
	if n.Attribute != "" {
		values, ok := attrs[n.Attribute]
		nm.vals = make([]*match.Pattern, 0, len(values))
		for _, v := range values {
			p, err := compileValue(n.Attribute, v)
			if err != nil {
				return nameMatcher{}, false, err
			}
			nm.vals = append(nm.vals, p)
			nm.any = nm.any || p.Shape() == match.Any
		}
		return nm, ok, nil
	}
	p, err := match.Compile(n.Pattern)
	if err != nil {
		return nameMatcher{}, false, err // Parse has checked the pattern
	}
	return nameMatcher{any: p.Shape() == match.Any, pat: p}, true, nil
}

func compileModifier(mod Modifier, attrs map[string][]string) (mm modMatcher, bound bool, err error) {
	switch mod := mod.(type) {
	case Tag:
		n, bound, err := compileName(mod.name(), attrs)
		return modMatcher{kind: modTag, tag: n}, bound, err
	case Property:
		return modMatcher{kind: modProperty, name: mod.Name, value: mod.Value}, true, nil
	case View:
		n, bound, err := compileName(mod.Name, attrs)
		return modMatcher{kind: modView, view: n}, bound, err
	}
	panic(fmt.Sprintf("resource: unknown modifier %T", mod))
}

// An AttributeError reports a malformed value bound to a role attribute.
type AttributeError struct {
	Attribute string // the KEY of "${roleAttribute/KEY}"
	Value     string // the value
	Offset    int    // byte offset of the problem in Value
	Msg       string // what was expected and what was found
}

func (e *AttributeError) Error() string {
	return fmt.Sprintf("resource: role attribute %q: malformed value %q at offset %d: %s", e.Attribute, e.Value, e.Offset, e.Msg)
}

// CheckValue reports whether v is well-formed as a value of the role
// attribute attr, and if not, why, as an [*AttributeError]. A value stands
// for the text of a pattern wherever the attribute stands, as a name or as
// a tag pattern, so it is what one pattern can be there: non-empty, at
// most [MaxLength] bytes, valid UTF-8 without whitespace, without ':' or
// ';', without ',' outside {...}, a well-formed glob, and not itself a role
// attribute. "team-*" and "{web,mobile}" are values; "a:b", "a,b" and "a b"
// are not.
func CheckValue(attr, v string) error {
	if _, err := compileValue(attr, v); err != nil {
		return err
	}
	return nil
}

// compileValue checks and compiles a value of the role attribute attr.
func compileValue(attr, v string) (*match.Pattern, error) {
	fail := func(off int, format string, args ...any) (*match.Pattern, error) {
		return nil, &AttributeError{Attribute: attr, Value: v, Offset: off, Msg: fmt.Sprintf(format, args...)}
	}
	switch {
	case v == "":
		return fail(0, "empty value: expected a pattern, such as a key")
	case len(v) > MaxLength:
		return fail(MaxLength, "value is %d bytes, longer than the limit of %d", len(v), MaxLength)
	case strings.HasPrefix(v, roleAttrPrefix):
		return fail(0, "a value is a pattern, not a role attribute")
	}
	depth := 0
	for i := 0; i < len(v); {
		n, err := checkChar(v, i)
		if err != nil {
			return fail(i, "%s", err.Msg)
		}
		switch c := v[i]; c {
		case '{':
			depth++
		case '}':
			if depth > 0 {
				depth--
			}
		case ':', ';':
			return fail(i, "unexpected %q: a value stands for one name or tag pattern, and no key or tag has it", c)
		case ',':
			if depth == 0 {
				return fail(i, `unexpected ',' outside {...}: a value stands for one pattern; bind each as a value of its own`)
			}
		}
		i += n
	}
	p, err := match.Compile(v)
	var se *match.SyntaxError
	switch {
	case errors.As(err, &se):
		return fail(se.Offset, "%s", se.Msg)
	case err != nil:
		return fail(0, "%v", err)
	}
	return p, nil
}

// String returns the text of the specifier m was compiled from.
func (m *Matcher) String() string { return m.text }

// Match reports whether m matches c.
//
// There is no hierarchy: apart from the bare "*", a specifier matches only a
// resource with the same number of segments, the same types in the same
// order, every name pattern matching its key and every modifier holding for
// its segment. A modifier on a segment whose metadata is unknown counts as
// not holding, and the result is then [match.Unknown] rather than
// [match.False]: knowing the metadata could make it true. Match does not
// allocate.
func (m *Matcher) Match(c *Concrete) match.Truth {
	if m.any {
		return match.True
	}
	if m.never || !c.hasShape(m.shape) {
		return match.False
	}
	return m.matchTests(c)
}

// matchTests is Match for a resource of m's shape, and a matcher that is
// neither the bare "*" nor one that matches nothing: it runs the tests of
// m's segments. Sublist.Match runs them the same way, written out.
func (m *Matcher) matchTests(c *Concrete) match.Truth {
	unknown := false
	for i := range m.tests {
		sm := &m.tests[i]
		cs := &c.segs[sm.index]
		if !sm.bare && !sm.name.match(c.text[cs.slash+1:cs.end]) {
			return match.False
		}
		for j := range sm.mods {
			if !cs.known {
				unknown = true
				continue
			}
			switch sm.mods[j].holds(cs.meta) {
			case match.False:
				return match.False
			case match.Unknown:
				unknown = true
			}
		}
	}
	if unknown {
		return match.Unknown
	}
	return match.True
}
