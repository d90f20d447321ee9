package resource

import (
	"errors"
	"fmt"
	"strings"

	"github.com/ldpolicy/ldpolicy/match"
)

// Specifier is a parsed resource specifier such as
// "proj/*:env/production:flag/*". It is immutable: [Specifier.Segments]
// returns a copy of the tree.
type Specifier struct {
	text string
	segs []Segment // nil for the bare "*"
}

// Segment is one ':'-separated part of a specifier.
type Segment struct {
	Offset    int        // byte offset of the segment in the specifier
	Type      string     // "proj", "env", "flag", ...; "acct" for the account
	Name      Name       // the zero Name for a type written alone, such as "acct"
	Modifiers []Modifier // tags, property selectors and views; all must hold
}

// Name is what a segment or a view modifier names: a glob pattern, or a role
// attribute that stands for a list of patterns bound at compile time.
type Name struct {
	Offset    int    // byte offset of the name in the specifier
	Pattern   string // glob pattern; empty when Attribute is set
	Attribute string // KEY of "${roleAttribute/KEY}"; empty for a pattern
}

// Modifier is a [Tag], a [Property] or a [View].
type Modifier interface {
	// Pos returns the byte offset of the modifier in the specifier.
	Pos() int
	String() string
	modifier()
}

// Tag is a modifier that holds when some tag of the resource matches
// Pattern, or for a role attribute, one of the patterns bound to it.
type Tag struct {
	Offset    int
	Pattern   string // glob pattern; empty when Attribute is set
	Attribute string // KEY of "${roleAttribute/KEY}"; empty for a pattern
}

// Property is a property selector such as "{critical:true}": it holds when
// the resource has property Name with exactly the value Value.
type Property struct {
	Offset      int
	Name, Value string
}

// View is a "view:" modifier: it holds when the resource (a flag, a segment
// or an AI config: what LaunchDarkly links to views) is linked to a view
// whose key Name matches.
type View struct {
	Offset int
	Name   Name
}

func (Tag) modifier()      {}
func (Property) modifier() {}
func (View) modifier()     {}

func (m Tag) Pos() int      { return m.Offset }
func (m Property) Pos() int { return m.Offset }
func (m View) Pos() int     { return m.Offset }

func (m Tag) String() string      { return m.name().String() }
func (m Property) String() string { return "{" + m.Name + ":" + m.Value + "}" }
func (m View) String() string     { return "view:" + m.Name.String() }

const roleAttrPrefix = "${roleAttribute/"

// name returns the pattern or role attribute of a tag as a [Name].
func (m Tag) name() Name { return Name{Offset: m.Offset, Pattern: m.Pattern, Attribute: m.Attribute} }

func (n Name) String() string {
	if n.Attribute != "" {
		return roleAttrPrefix + n.Attribute + "}"
	}
	return n.Pattern
}

// IsBare reports whether s is a type written alone, without "/name", such
// as "acct" or "ip-allowlist".
func (s Segment) IsBare() bool { return s.Name.Pattern == "" && s.Name.Attribute == "" }

func (s Segment) String() string {
	var b strings.Builder
	b.WriteString(s.Type)
	if !s.IsBare() {
		b.WriteByte('/')
		b.WriteString(s.Name.String())
	}
	for i, m := range s.Modifiers {
		if i == 0 {
			b.WriteByte(';')
		} else {
			b.WriteByte(',')
		}
		b.WriteString(m.String())
	}
	return b.String()
}

// String returns the specifier's text; parsing it gives back an equal tree.
func (s *Specifier) String() string { return s.text }

// IsAny reports whether s is the bare "*" that matches every resource of
// every type and depth.
func (s *Specifier) IsAny() bool { return s.segs == nil }

// Segments returns a copy of the segments of s; nil for the bare "*".
func (s *Specifier) Segments() []Segment {
	if s.segs == nil {
		return nil
	}
	out := make([]Segment, len(s.segs))
	for i, seg := range s.segs {
		seg.Modifiers = append([]Modifier(nil), seg.Modifiers...)
		out[i] = seg
	}
	return out
}

// Parse parses a resource specifier:
//
//	specifier  = "*" | segment { ":" segment }
//	segment    = type [ "/" name ] [ ";" modifiers ]
//	type       = lower-case letter { lower-case letter | digit | "-" }
//	name       = pattern | "${roleAttribute/" key "}"
//	modifiers  = modifier { "," modifier }     all must hold
//	modifier   = "{" property ":" value "}"    property selector
//	           | "view:" name                  linked to a view
//	           | name                          tag pattern
//	pattern    = glob text: "*" is any run of characters; "?", "[...]",
//	             "{a,b}" and "\" as in github.com/gobwas/glob
//
// A type written alone, without "/name", is a segment that names no key:
// "acct" (the account) and "ip-allowlist" are written so. Any well-formed
// type parses alone; "proj" is a project segment without a name, which no
// resource LaunchDarkly has matches (lint reports it).
//
// A role attribute "${roleAttribute/KEY}" stands wherever a name or a tag
// pattern stands: "proj/${roleAttribute/projects}:env/*", and
// "proj/*;${roleAttribute/domain}" for projects with a tag that one of the
// bound values matches. It must be the whole name or tag. [Compile] binds it.
//
// A ':' separates segments only outside {...} and only where the text after
// it starts a new segment: "acct", or a type followed by '/'. So both
//
//	proj/*:env/*;{critical:true}:flag/*
//	proj/*:env/*:flag/*;view:checkout
//
// have three segments, while in "proj/a:b" the name is "a:b" (a name that
// no key can have; see [IsKey]). A type other than "acct" written alone
// starts a segment only at the start of the specifier, as LaunchDarkly
// writes them (at the top level); after a ':' a bare word is not a
// segment, so that the ':' of "view:checkout" never splits and no
// specifier means two things:
//
//	ip-allowlist               one segment: the type ip-allowlist, no name
//	ip-allowlist;beta          the same, with the tag pattern beta
//	proj/a:ip-allowlist        one segment: the project named "a:ip-allowlist"
//	proj/a:acct                two segments: "acct" always starts one
//	proj/*:env                 one segment: the project named "*:env"
//
// A ':' at the end, or before another ':' that separates, ends a segment
// too, and leaves an empty one: "proj/*:" and "proj/*::env/*" are errors,
// not a name "*:". A segment splits at its first ';' into name and
// modifiers, and the type and name split at the first '/'. Modifiers split
// at ',' outside {...}; a modifier that starts with '{' and has a ':' is a
// property selector, so "{qa,dev}" is a tag pattern with alternatives.
//
// Any well-formed type parses: "proj/*:segment/*" is a valid specifier even
// though no resource has that shape (it then matches nothing). The errors are
// the [*SyntaxError]s for an empty specifier or segment (a specifier that
// ends in ':'), a malformed type, an empty name or modifier (a segment that
// ends in ';' or ',', or ",," in the modifiers), an unclosed '{',
// whitespace, invalid UTF-8, a malformed glob, role attribute or property
// selector, a bare "*" that is not the whole specifier, the limits
// [MaxLength], [MaxSegments] and [MaxModifiers], and the typo ":/flag/" (as
// in "proj/*:env/*;qa_*:/flag/*"), reported with the fix in
// [SyntaxError.Fix]; [ParseLenient] accepts that typo.
func Parse(s string) (*Specifier, error) {
	sp, err := parse(s)
	if err != nil {
		return nil, err
	}
	return sp, nil
}

// ParseLenient is like [Parse] but reads the typo ":/type/" as ":type/",
// returning a warning for each rewrite. The specifier it returns is the
// rewritten one, and its String is the rewritten text.
func ParseLenient(s string) (*Specifier, []*SyntaxError, error) {
	fixed, removed := fixTypos(s)
	sp, err := parse(fixed)
	if err != nil {
		// Report the error where it is in the text the caller gave.
		off := err.Offset
		for _, r := range removed {
			if r <= off {
				off++
			}
		}
		err.Offset = off
		return nil, nil, err
	}
	var warnings []*SyntaxError
	for _, r := range removed {
		head, _, _ := strings.Cut(s[r+1:], ":")
		head, _, _ = strings.Cut(head, ";")
		warnings = append(warnings, &SyntaxError{
			Offset: r,
			Msg:    fmt.Sprintf(`stray "/" after ":" ignored: read as ":%s"`, head),
			Fix:    fixed,
		})
	}
	return sp, warnings, nil
}

func parse(s string) (*Specifier, *SyntaxError) {
	if err := checkSize(s, "specifier"); err != nil {
		return nil, err
	}
	if s == "*" {
		return &Specifier{text: s}, nil
	}
	// Every segment but the last ends at a ':'; colons inside names make
	// this an overestimate, never too small.
	sp := &Specifier{text: s, segs: make([]Segment, 0, min(strings.Count(s, ":")+1, MaxSegments))}
	for start := 0; ; {
		end, err := scanSegment(s, start)
		if err != nil {
			return nil, err
		}
		if len(sp.segs) == MaxSegments {
			return nil, errorf(start, "more than %d segments", MaxSegments)
		}
		seg, err := parseSegment(s, start, end)
		if err != nil {
			return nil, err
		}
		sp.segs = append(sp.segs, seg)
		if end == len(s) {
			return sp, nil
		}
		start = end + 1
	}
}

// segmentForms is what a segment is expected to be, for error messages.
const segmentForms = `"type/name" or a type alone, such as "acct"`

// parseSegment parses the segment s[a:b].
func parseSegment(s string, a, b int) (Segment, *SyntaxError) {
	text := s[a:b]
	if text == "" {
		return Segment{}, errorf(a, "empty segment: expected %s", segmentForms)
	}
	head, mods, hasMods := strings.Cut(text, ";")
	seg := Segment{Offset: a, Type: head}
	if err := checkHead(s, a, head); err != nil {
		return Segment{}, err
	}
	if slash := strings.IndexByte(head, '/'); slash >= 0 {
		seg.Type = head[:slash]
		name := head[slash+1:]
		if name == "" {
			return Segment{}, errorf(a+slash+1, "empty name after %q", head)
		}
		var err *SyntaxError
		if seg.Name, err = parseName(name, a+slash+1); err != nil {
			return Segment{}, err
		}
	}
	if hasMods {
		if err := parseModifiers(mods, a+len(head)+1, &seg); err != nil {
			return Segment{}, err
		}
	}
	return seg, nil
}

// checkHead checks the head of the segment at offset a of s, the part
// before its first ';': a type alone, or a type, '/' and a name (which it
// does not check). Specifiers and concrete resources share it.
func checkHead(s string, a int, head string) *SyntaxError {
	slash := strings.IndexByte(head, '/')
	switch {
	case slash < 0 && head == "*":
		return errorf(a, `"*" alone stands for every resource only as the whole specifier; a segment is %s`, segmentForms)
	case slash < 0 && head == "":
		return errorf(a, `missing type before ";": expected %s`, segmentForms)
	case slash < 0:
		if n := typeLen(head); n != len(head) {
			return errorf(a+n, "malformed segment %q: expected %s; a type is lower-case letters, digits and \"-\", starting with a letter", head, segmentForms)
		}
		return nil
	case slash == 0 && a > 0 && isTypo(head):
		fixed, _ := fixTypos(s)
		return &SyntaxError{
			Offset: a,
			Msg:    fmt.Sprintf(`stray "/" after ":": did you mean ":%s"?`, head[1:]),
			Fix:    fixed,
		}
	}
	return checkType(head[:slash], a)
}

// isTypo reports whether a segment that follows a ':' is the typo form
// "/type/...".
func isTypo(head string) bool {
	n := typeLen(head[1:])
	return n > 0 && 1+n < len(head) && head[1+n] == '/'
}

// fixTypos removes the stray '/' of every ":/type/" in s. It returns the
// fixed text and the offsets in s of the bytes it removed, in order.
func fixTypos(s string) (string, []int) {
	var removed []int
	for start := 0; start < len(s); {
		end, err := scanSegment(s, start)
		if err != nil {
			break
		}
		if start > 0 && s[start] == '/' && isTypo(s[start:end]) {
			removed = append(removed, start)
		}
		start = end + 1
	}
	if removed == nil {
		return s, nil
	}
	var b strings.Builder
	prev := 0
	for _, r := range removed {
		b.WriteString(s[prev:r])
		prev = r + 1
	}
	b.WriteString(s[prev:])
	return b.String(), removed
}

// parseName parses the name of a segment, view or tag at offset off.
func parseName(name string, off int) (Name, *SyntaxError) {
	if !strings.HasPrefix(name, roleAttrPrefix) {
		if err := checkPattern(name, off); err != nil {
			return Name{}, err
		}
		return Name{Offset: off, Pattern: name}, nil
	}
	end := strings.IndexByte(name, '}')
	if end < 0 {
		return Name{}, errorf(off+1, `unclosed "{" of %q`, roleAttrPrefix)
	}
	key := name[len(roleAttrPrefix):end]
	if !IsKey(key) {
		return Name{}, errorf(off+len(roleAttrPrefix), "malformed role attribute key %q: expected a letter or digit followed by letters, digits, \"_\", \".\" and \"-\"", key)
	}
	if end != len(name)-1 {
		return Name{}, errorf(off+end+1, "unexpected %q after %q: a role attribute must be the whole name or tag", name[end+1:], name[:end+1])
	}
	return Name{Offset: off, Attribute: key}, nil
}

// checkPattern reports a malformed glob pattern at offset off.
func checkPattern(p string, off int) *SyntaxError {
	if !strings.ContainsAny(p, `?[]{}\`) {
		return nil // only literals and '*': always well-formed
	}
	if _, err := match.Compile(p); err != nil {
		var se *match.SyntaxError
		if errors.As(err, &se) {
			return errorf(off+se.Offset, "malformed pattern %q: %s", p, se.Msg)
		}
		return errorf(off, "malformed pattern %q: %v", p, err)
	}
	return nil
}

// parseModifiers parses the modifiers mods, at offset off, into seg.
func parseModifiers(mods string, off int, seg *Segment) *SyntaxError {
	if mods == "" {
		return errorf(off, `empty modifier after ";"`)
	}
	if mods[len(mods)-1] == ';' {
		return errorf(off+len(mods), `empty modifier after ";"`)
	}
	return splitItems(mods, off, func(item string, off int) *SyntaxError {
		if item == "" {
			return errorf(off, "empty modifier")
		}
		if len(seg.Modifiers) == MaxModifiers {
			return errorf(off, "more than %d modifiers in one segment", MaxModifiers)
		}
		m, err := parseModifier(item, off)
		if err != nil {
			return err
		}
		seg.Modifiers = append(seg.Modifiers, m)
		return nil
	})
}

func parseModifier(item string, off int) (Modifier, *SyntaxError) {
	switch {
	case item[0] == '{' && strings.IndexByte(item, ':') >= 0:
		name, value, err := parseProperty(item, off)
		if err != nil {
			return nil, err
		}
		return Property{Offset: off, Name: name, Value: value}, nil
	case strings.HasPrefix(item, "view:"):
		if len(item) == len("view:") {
			return nil, errorf(off+len(item), `empty view name after "view:"`)
		}
		n, err := parseName(item[len("view:"):], off+len("view:"))
		if err != nil {
			return nil, err
		}
		return View{Offset: off, Name: n}, nil
	}
	n, err := parseName(item, off)
	if err != nil {
		return nil, err
	}
	return Tag{Offset: off, Pattern: n.Pattern, Attribute: n.Attribute}, nil
}
