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
	shape uint64
	segs  []segMatcher
}

type segMatcher struct {
	typ  string
	bare bool
	name nameMatcher
	mods []modMatcher
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
	m := &Matcher{text: s.text, any: s.IsAny(), shape: shapeSeed}
	for _, seg := range s.segs {
		sm := segMatcher{typ: seg.Type, bare: seg.IsBare()}
		m.shape = mixShape(m.shape, seg.Type, seg.IsBare())
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
		m.segs = append(m.segs, sm)
	}
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
	if m.never || m.shape != c.shape || len(m.segs) != c.n {
		return match.False
	}
	unknown := false
	for i := range m.segs {
		sm, cs := &m.segs[i], &c.segs[i]
		if sm.typ != c.text[cs.start:cs.slash] || sm.bare != (cs.slash == cs.end) {
			return match.False // a shape hash collision
		}
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
