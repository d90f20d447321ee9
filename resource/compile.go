package resource

import (
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
	// bound: it then matches nothing.
	never bool
	shape Shape
	// tests are the segments with something to test beyond their type: a
	// name that is not "*", or modifiers. A matcher without tests matches
	// every resource of its shape.
	tests []segMatcher
}

// A Shape is the sequence of a resource's segment types, the bare "acct"
// apart from "acct/key": a specifier other than "*" matches only resources
// of its own shape. Shapes are comparable, so they can key a map, and
// [Concrete.HasShape] tells a resource's shape apart from others in a few
// instructions, which lets a caller index matchers by shape.
type Shape struct {
	hash uint64
	// types is every segment's type, each followed by '/' or, for the
	// bare "acct", by ';': "proj/env/flag/".
	types string
}

// String returns the shape as a resource of that shape would be written
// with every key "*", such as "proj/*:env/*:flag/*".
func (s Shape) String() string {
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

// nameMatcher matches a key: a pattern, or the values of a role attribute.
type nameMatcher struct {
	any  bool           // "*": no test at all
	pat  *match.Pattern // nil for a role attribute
	keys []string       // the values of a role attribute
}

func (n *nameMatcher) match(key string) bool {
	if n.any {
		return true
	}
	if n.pat != nil {
		return n.pat.Match(key)
	}
	for _, k := range n.keys {
		if k == key {
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
	tag         *match.Pattern // modTag
	name, value string         // modProperty
	view        nameMatcher    // modView
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
		case m.kind == modTag && isPlainTag(e) && m.tag.Match(e):
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
// attrs: "${roleAttribute/projects}" matches the keys in attrs["projects"],
// each of which must be a key (see [IsKey]). A specifier that names a role
// attribute missing from attrs matches nothing.
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
			m.never = m.never || !bound
			sm.name = n
		}
		for _, mod := range seg.Modifiers {
			mm, bound, err := compileModifier(mod, attrs)
			if err != nil {
				return nil, err
			}
			m.never = m.never || !bound
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
		keys, ok := attrs[n.Attribute]
		for _, k := range keys {
			if !IsKey(k) {
				return nameMatcher{}, false, fmt.Errorf("resource: role attribute %q: value %q is not a key", n.Attribute, k)
			}
		}
		// A copy: the Matcher must not change when the caller's map does.
		return nameMatcher{keys: append([]string{}, keys...)}, ok, nil
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
		p, err := match.Compile(mod.Pattern)
		return modMatcher{kind: modTag, tag: p}, true, err
	case Property:
		return modMatcher{kind: modProperty, name: mod.Name, value: mod.Value}, true, nil
	case View:
		n, bound, err := compileName(mod.Name, attrs)
		return modMatcher{kind: modView, view: n}, bound, err
	}
	panic(fmt.Sprintf("resource: unknown modifier %T", mod))
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
	if m.never || !c.HasShape(m.shape) {
		return match.False
	}
	return m.MatchShaped(c)
}

// Shape returns the shape of the resources m can match, and false for the
// bare "*", which matches resources of every shape.
func (m *Matcher) Shape() (Shape, bool) { return m.shape, !m.any }

// MatchesShape reports whether m matches every resource of its shape: its
// keys are all "*", it has no modifiers, and it names no unbound role
// attribute. The bare "*" matches every resource of every shape.
func (m *Matcher) MatchesShape() bool { return m.any || !m.never && len(m.tests) == 0 }

// MatchShaped is [Matcher.Match] for a resource known to have m's shape
// (see [Concrete.HasShape]), without testing the shape again. On a resource
// of another shape its result is meaningless.
func (m *Matcher) MatchShaped(c *Concrete) match.Truth {
	if m.any {
		return match.True
	}
	if m.never {
		return match.False
	}
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
