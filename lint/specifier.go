package lint

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ldpolicy/ldpolicy/action"
	"github.com/ldpolicy/ldpolicy/internal/editdist"
	"github.com/ldpolicy/ldpolicy/match"
	"github.com/ldpolicy/ldpolicy/policy"
	"github.com/ldpolicy/ldpolicy/resource"
)

// spec is a parsed resource specifier with the text it came from.
type spec struct {
	*resource.Specifier
	text    string
	removed []int // offsets in text of the '/' that ParseLenient dropped
}

// parseSpecifier parses a resource specifier, reading the ":/flag/" typo
// as meant when lenient.
func parseSpecifier(s string, lenient bool) (*spec, error) {
	if !lenient {
		sp, err := resource.Parse(s)
		if err != nil {
			return nil, err
		}
		return &spec{Specifier: sp, text: s}, nil
	}
	sp, warnings, err := resource.ParseLenient(s)
	if err != nil {
		return nil, err
	}
	out := &spec{Specifier: sp, text: s}
	for _, w := range warnings {
		out.removed = append(out.removed, w.Offset)
	}
	return out, nil
}

// orig maps an offset in the parsed specifier to one in its text.
func (s *spec) orig(off int) int {
	for _, r := range s.removed {
		if r <= off {
			off++
		}
	}
	return off
}

// names returns the names of a specifier: of its segments, its views and
// its tags, each a pattern or a role attribute.
func names(s *spec) []resource.Name {
	var out []resource.Name
	for _, seg := range s.Segments() {
		if !seg.IsBare() {
			out = append(out, seg.Name)
		}
		for _, m := range seg.Modifiers {
			switch m := m.(type) {
			case resource.View:
				out = append(out, m.Name)
			case resource.Tag:
				out = append(out, resource.Name{Offset: m.Offset, Pattern: m.Pattern, Attribute: m.Attribute})
			}
		}
	}
	return out
}

// segType returns the type of the last segment of s: the type of the
// resources it matches.
func segType(s *spec) string {
	segs := s.Segments()
	return segs[len(segs)-1].Type
}

// shapeOf returns the types of the segments of s, with "acct" for the
// bare account and "acct/" for "acct/KEY": a type the catalogue writes
// alone gets a '/' when it is written with a key.
func shapeOf(segs []resource.Segment) []string {
	out := make([]string, len(segs))
	for i, seg := range segs {
		out[i] = seg.Type
		if writtenAlone(seg.Type) && !seg.IsBare() {
			out[i] += "/"
		}
	}
	return out
}

// writtenAlone reports whether the catalogue writes type typ alone,
// without a name, as it does "acct".
func writtenAlone(typ string) bool {
	t, ok := action.Lookup(typ)
	if !ok {
		return false
	}
	specs := strings.Split(t.Specifier, ":")
	return !strings.Contains(specs[len(specs)-1], "/")
}

// catalogueShape returns the types of the catalogue specifier of t.
func catalogueShape(t action.Type) []string {
	var out []string
	for _, seg := range strings.Split(t.Specifier, ":") {
		typ, _, _ := strings.Cut(seg, "/")
		out = append(out, typ)
	}
	return out
}

// checkStatement runs the rules about single specifiers (LDP101 to LDP111)
// on statement i.
func (c *checker) checkStatement(i int, st policy.Statement) {
	lenient := c.opts.Policy.Lenient
	type elem struct {
		field string
		index int
		spec  *spec
	}
	var res []elem
	for _, l := range []struct {
		field string
		items []string
	}{{"resources", st.Resources}, {"notResources", st.NotResources}} {
		for j, s := range l.items {
			sp, err := parseSpecifier(s, lenient)
			if err != nil {
				continue
			}
			res = append(res, elem{l.field, j, sp})
			c.checkSpecifier(i, l.field, j, sp)
		}
	}
	for _, l := range []struct {
		field string
		items []string
	}{{"actions", st.Actions}, {"notActions", st.NotActions}} {
		for j, s := range l.items {
			c.checkAction(i, l.field, j, s)
		}
	}

	// LDP101: the actions never apply to the type of a resource.
	if st.Actions == nil || st.NotActions != nil || st.Resources == nil || st.NotResources != nil {
		return
	}
	types, ok := actionTypes(st.Actions)
	if !ok {
		return // an action the catalogue does not know may apply to anything
	}
	dead := 0
	for _, e := range res {
		if e.spec.IsAny() {
			continue
		}
		typ := segType(e.spec)
		if _, known := action.Lookup(typ); !known || types[typ] {
			continue
		}
		dead++
		c.hierarchy(i, e.index, e.spec, st.Actions, types)
	}
	if dead == len(st.Resources) {
		c.explained[i] = true
	}
}

// actionTypes returns the types for which some action that the patterns
// match is documented, and false when a pattern matches no documented
// action.
func actionTypes(patterns []string) (map[string]bool, bool) {
	types := map[string]bool{}
	for _, s := range patterns {
		p, err := action.Parse(s)
		if err != nil {
			return nil, false
		}
		found := false
		for _, t := range action.Types() {
			for _, a := range t.Actions {
				if p.Match(a) {
					types[t.Name], found = true, true
				}
			}
		}
		if !found {
			return nil, false
		}
	}
	return types, true
}

// hierarchy reports LDP101 for resources[j] of statement i, with the
// specifier that the actions probably meant.
func (c *checker) hierarchy(i, j int, s *spec, actions []string, types map[string]bool) {
	segs := s.Segments()
	typ := segType(s)
	shape := shapeOf(segs)
	// The best type is the one most of the actions are documented for,
	// then the first in the catalogue, among those whose scoping extends
	// the specifier's shape (flags below an environment), or else is a
	// part of it (a project above a flag).
	var best action.Type
	bestN, bestRank := -1, 3
	for _, t := range action.Types() {
		if !types[t.Name] {
			continue
		}
		cs := catalogueShape(t)
		rank := 2
		switch {
		case len(cs) > len(shape) && equalPrefix(cs, shape):
			rank = 0
		case len(cs) < len(shape) && equalPrefix(shape, cs):
			rank = 1
		}
		n := 0
		for _, a := range actions {
			p, _ := action.Parse(a)
			for _, ta := range t.Actions {
				if p != nil && p.Match(ta) {
					n++
					break
				}
			}
		}
		if rank < bestRank || rank == bestRank && n > bestN {
			best, bestN, bestRank = t, n, rank
		}
	}
	var fix string
	cs := catalogueShape(best)
	switch bestRank {
	case 0:
		fix = s.String()
		for _, t := range cs[len(shape):] {
			fix += ":" + t + "/*"
		}
	case 1:
		fix = s.String()[:segs[len(cs)].Offset-1]
	default:
		fix = best.Specifier
	}
	// Say which types the actions are for, grouping the actions of the
	// same types: "updateTargets and updateRules are actions of flag".
	var groups []string
	byTypes := map[string][]string{}
	for _, a := range actions {
		types := action.TypesOf(a)
		if types == nil {
			types = typesOfPattern(a)
		}
		k := joinTypes(types)
		if _, ok := byTypes[k]; !ok {
			groups = append(groups, k)
		}
		byTypes[k] = append(byTypes[k], a)
	}
	var what []string
	for _, k := range groups {
		if len(what) == 3 {
			what = append(what, "…")
			break
		}
		acts := byTypes[k]
		if len(acts) == 1 {
			what = append(what, fmt.Sprintf("%s is for %s", acts[0], k))
		} else {
			what = append(what, fmt.Sprintf("%s are for %s", joinAnd(acts), k))
		}
	}
	head := fmt.Sprintf("no action of the statement applies to %q resources (%s)", typ, strings.Join(what, "; "))
	var msg string
	switch bestRank {
	case 0:
		msg = fmt.Sprintf("%s: %q covers the %s resources themselves, not the %s resources in them (specifiers have no hierarchy): did you mean %q?", head, s.text, typ, best.Name, fix)
	case 1:
		msg = fmt.Sprintf("%s: %q covers %s resources, not the %s they are in: did you mean %q?", head, s.text, typ, best.Name, fix)
	default:
		msg = fmt.Sprintf("%s: name a resource the actions act on, such as %q", head, fix)
	}
	c.add(Finding{
		Code:     codeHierarchy,
		Location: policy.Location{Statement: i, Field: "resources", Index: j, Value: s.text, Offset: s.orig(segs[len(segs)-1].Offset)},
		Fix:      fix,
		Message:  msg,
	})
}

func equalPrefix(long, short []string) bool {
	for k := range short {
		if long[k] != short[k] {
			return false
		}
	}
	return true
}

func typesOfPattern(a string) []string {
	p, err := action.Parse(a)
	if err != nil {
		return nil
	}
	var out []string
	for _, t := range action.Types() {
		for _, ta := range t.Actions {
			if p.Match(ta) {
				out = append(out, t.Name)
				break
			}
		}
	}
	return out
}

// joinTypes writes a list of types as "flag, segment and env", with at
// most four named.
func joinTypes(types []string) string {
	if len(types) > 5 {
		return strings.Join(types[:4], ", ") + fmt.Sprintf(" and %d more", len(types)-4)
	}
	switch len(types) {
	case 0:
		return "no type"
	case 1:
		return types[0]
	}
	return strings.Join(types[:len(types)-1], ", ") + " and " + types[len(types)-1]
}

// checkSpecifier runs LDP103 to LDP111 on one resource specifier.
func (c *checker) checkSpecifier(i int, field string, j int, s *spec) {
	if s.IsAny() {
		return
	}
	segs := s.Segments()
	// at locates a finding at byte off of the specifier as parsed.
	at := func(off int) policy.Location {
		return policy.Location{Statement: i, Field: field, Index: j, Value: s.text, Offset: s.orig(off)}
	}

	// LDP103: unknown types.
	known := true
	for _, seg := range segs {
		if _, ok := action.Lookup(seg.Type); ok {
			continue
		}
		known = false
		if sug := action.SuggestType(seg.Type); sug != "" {
			fix := replaceAt(s.String(), seg.Offset, len(seg.Type), sug)
			c.add(Finding{Code: codeUnknownType, Location: at(seg.Offset), Fix: fix, Message: fmt.Sprintf("unknown resource type %q: did you mean %q (%q)?", seg.Type, sug, fix)})
		} else {
			c.add(Finding{Code: codeUnknownType, Location: at(seg.Offset), Message: fmt.Sprintf("unknown resource type %q: the catalogue documents no such type, so this matches only resources of a type LaunchDarkly may not have", seg.Type)})
		}
	}

	// LDP109: a type alone that the catalogue gives a key.
	for _, seg := range segs {
		if !seg.IsBare() || writtenAlone(seg.Type) {
			continue
		}
		t, ok := action.Lookup(seg.Type)
		if !ok {
			continue // LDP103 says the type is unknown
		}
		known = false // the scoping is moot until the segment has a name
		fix := replaceAt(s.String(), seg.Offset, len(seg.Type), seg.Type+"/*")
		c.add(Finding{Code: codeAlone, Location: at(seg.Offset), Fix: fix, Message: fmt.Sprintf("%q alone is a %s resource without a key, which LaunchDarkly does not have (%s resources are written %q), so this matches nothing: did you mean %q?", seg.Type, seg.Type, seg.Type, t.Specifier, fix)})
	}

	// LDP104: a chain of known types that no resource has.
	if known {
		last := segs[len(segs)-1]
		t, _ := action.Lookup(last.Type)
		want := catalogueShape(t)
		have := shapeOf(segs)
		if strings.Join(want, ":") != strings.Join(have, ":") {
			fix := rescope(segs, want, s.String())
			c.add(Finding{Code: codeScoping, Location: at(segs[0].Offset), Fix: fix, Message: fmt.Sprintf("%q resources are scoped as %q; no resource has the shape of %q: did you mean %q?", last.Type, t.Specifier, s.text, fix)})
		}
	}

	for _, seg := range segs {
		c.checkName(s.String(), seg.Name, seg, at, false)
		props := map[string]string{}
		for _, m := range seg.Modifiers {
			switch m := m.(type) {
			case resource.Tag:
				if m.Attribute != "" {
					c.checkAttribute(m.Attribute, m.Offset, at, false)
				} else {
					c.checkPattern(s.String(), m.Pattern, m.Offset, at, true)
				}
			case resource.View:
				c.checkName(s.String(), m.Name, seg, at, true)
				if !viewTypes[seg.Type] && seg.Type != "" {
					c.add(Finding{Code: codeModifier, Location: at(m.Offset), Message: fmt.Sprintf("%q resources are not linked to views, so %q never holds: LaunchDarkly links flags, segments and AI configs to views", seg.Type, m.String())})
				}
				if p := m.Name.Pattern; p != "" && strings.ToLower(p) != p {
					k := strings.IndexFunc(p, unicode.IsUpper)
					fix := replaceAt(s.String(), m.Name.Offset, len(p), strings.ToLower(p))
					c.add(Finding{Code: codeViewCase, Location: at(m.Name.Offset + k), Fix: fix, Message: fmt.Sprintf("view keys are lower case, so %q, with the upper-case %q, matches no view: did you mean %q?", p, string([]rune(p[k:])[0]), fix)})
				}
			case resource.Property:
				c.checkProperty(seg, m, at)
				if v, ok := props[m.Name]; ok && v != m.Value {
					c.add(Finding{Code: codeModifier, Location: at(m.Offset), Message: fmt.Sprintf("{%s:%s} and {%s:%s} on one segment never hold together", m.Name, v, m.Name, m.Value)})
				}
				props[m.Name] = m.Value
			}
		}
	}
}

// viewTypes are the types LaunchDarkly links to views ("Views" in
// LaunchDarkly's documentation: flags, segments and AI configs).
var viewTypes = map[string]bool{"flag": true, "segment": true, "aiconfig": true}

// properties are the property selectors LaunchDarkly documents ("Using
// resources": {critical:true} selects critical environments), by type.
var properties = map[string]map[string][]string{
	"env": {"critical": {"true", "false"}},
}

// checkProperty runs LDP108 on a property selector.
func (c *checker) checkProperty(seg resource.Segment, m resource.Property, at func(off int) policy.Location) {
	props, ok := properties[seg.Type]
	if !ok {
		c.add(Finding{Code: codeModifier, Location: at(m.Offset), Message: fmt.Sprintf("%q resources have no property selectors, so %s never holds; LaunchDarkly documents {critical:true} on environments", seg.Type, m.String())})
		return
	}
	values, ok := props[m.Name]
	if !ok {
		if sug := editdist.Nearest(m.Name, keysOf(props)); sug != "" {
			c.add(Finding{Code: codeModifier, Location: at(m.Offset), Message: fmt.Sprintf("unknown property %q, so %s never holds: did you mean {%s:%s}?", m.Name, m.String(), sug, m.Value)})
		} else {
			c.add(Finding{Code: codeModifier, Location: at(m.Offset), Message: fmt.Sprintf("unknown property %q, so %s never holds: LaunchDarkly documents {critical:true} and {critical:false}", m.Name, m.String())})
		}
		return
	}
	for _, v := range values {
		if v == m.Value {
			return
		}
	}
	c.add(Finding{Code: codeModifier, Location: at(m.Offset), Message: fmt.Sprintf("property %q is %s, never %q, so %s never holds", m.Name, strings.Join(values, " or "), m.Value, m.String())})
}

func keysOf(m map[string][]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// checkName runs LDP105 to LDP107 on a name of a segment or view.
func (c *checker) checkName(whole string, n resource.Name, seg resource.Segment, at func(off int) policy.Location, view bool) {
	if seg.IsBare() && !view {
		return
	}
	if n.Attribute != "" {
		c.checkAttribute(n.Attribute, n.Offset, at, view)
		return
	}
	c.checkPattern(whole, n.Pattern, n.Offset, at, false)
}

// checkAttribute runs LDP107, LDP110 and LDP111 on a role attribute that
// stands for a name, a view (when view is set) or a tag at offset off.
func (c *checker) checkAttribute(attr string, off int, at func(off int) policy.Location, view bool) {
	values, ok := c.opts.Policy.Attributes[attr]
	if !ok {
		if c.opts.Policy.Context == policy.Role {
			c.add(Finding{Code: codeUnbound, Location: at(off), Message: fmt.Sprintf("role attribute %q is not bound here, so this specifier matches nothing; LaunchDarkly binds it per member from the role assignment: bind it to check the role as such a member has it", attr)})
		} else {
			c.add(Finding{Code: codeUnbound, Location: at(off), Message: fmt.Sprintf("role attribute %q in a webhook policy, which has no role attributes: this specifier matches nothing", attr)})
		}
		return
	}
	for _, v := range values {
		var ae *resource.AttributeError
		if err := resource.CheckValue(attr, v); errors.As(err, &ae) {
			c.add(Finding{Code: codeValue, Location: at(off), Message: fmt.Sprintf("role attribute %q is bound to the malformed value %q (at its byte %d: %s): a value is one pattern, such as \"team-*\", matched where the attribute stands", attr, v, ae.Offset, ae.Msg)})
			continue
		}
		if view && strings.ToLower(v) != v {
			c.add(Finding{Code: codeViewCase, Location: at(off), Message: fmt.Sprintf("role attribute %q is bound to %q, which has upper-case letters: view keys are lower case, so it matches no view", attr, v)})
		}
	}
}

// checkPattern runs LDP105 and LDP106 on a name pattern (a tag pattern
// when tag is set) that starts at offset off of the element whole.
func (c *checker) checkPattern(whole, pat string, off int, at func(off int) policy.Location, tag bool) {
	p, err := match.Compile(pat)
	if err != nil {
		return
	}
	what, valid := "key", isKeyByte
	if tag {
		what = "tag"
	}
	if p.Shape() == match.Glob {
		k := strings.IndexAny(pat, `?[{\`)
		if k < 0 {
			k = 0
		}
		msg := fmt.Sprintf("%q is glob syntax beyond \"*\", which LaunchDarkly does not document: it may not match there what it matches here", pat[k:k+1])
		if alts, ok := alternatives(pat); ok && !tag {
			for k, a := range alts {
				alts[k] = whole[:off] + a + whole[off+len(pat):]
			}
			msg += fmt.Sprintf("; list the alternatives as separate elements (%s)", quoteAll(alts))
		}
		c.add(Finding{Code: codeGlob, Location: at(off + k), Message: msg})
		return
	}
	// Outside '*', every character must be one a key or tag can hold.
	for k := 0; k < len(pat); k++ {
		ch := pat[k]
		if ch == '*' || valid(ch) {
			continue
		}
		bad, _ := utf8.DecodeRuneInString(pat[k:]) // the character, not its first byte
		why := fmt.Sprintf("no %s has %q", what, bad)
		switch ch {
		case ',':
			why = "a comma inside a name is literal, it does not list two names: write one element each"
			if tag {
				why = "a comma here separates modifiers, and a tag has none"
			}
		case ':':
			why = `":" starts a segment only before a type and "/"`
		}
		c.add(Finding{Code: codeNotKey, Location: at(off + k), Message: fmt.Sprintf("%q can never be a LaunchDarkly %s: %s; %ss are letters, digits, \"_\", \".\" and \"-\"", pat, what, why, what)})
		return
	}
	if !tag && p.Shape() == match.Exact && !resource.IsKey(pat) {
		c.add(Finding{Code: codeNotKey, Location: at(off), Message: fmt.Sprintf("%q can never be a LaunchDarkly key: keys start with a letter or digit", pat)})
	}
	if tag && p.Shape() == match.Exact && !resource.IsTag(pat) {
		c.add(Finding{Code: codeNotKey, Location: at(off), Message: fmt.Sprintf("%q can never be a LaunchDarkly tag: tags are at most 64 characters", pat)})
	}
}

func isKeyByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-'
}

// alternatives returns the expansions of a pattern whose only glob syntax
// is one level of braces, such as "{web,mobile}-*".
func alternatives(pat string) ([]string, bool) {
	open := strings.IndexByte(pat, '{')
	end := strings.IndexByte(pat, '}')
	if open < 0 || end < open || strings.ContainsAny(pat[:open]+pat[end+1:], `?[{}\`) || strings.ContainsAny(pat[open+1:end], `?[{\`) {
		return nil, false
	}
	var out []string
	for _, alt := range strings.Split(pat[open+1:end], ",") {
		out = append(out, pat[:open]+alt+pat[end+1:])
	}
	return out, true
}

func quoteAll(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}

// rescope rewrites a specifier to the catalogue scoping want, keeping the
// segments of the types it has and naming the others "*".
func rescope(segs []resource.Segment, want []string, text string) string {
	used := make([]bool, len(segs))
	var parts []string
	for _, t := range want {
		part := t + "/*"
		if writtenAlone(t) {
			part = t
		}
		for k, seg := range segs {
			if !used[k] && seg.Type == t {
				used[k] = true
				end := len(text)
				if k+1 < len(segs) {
					end = segs[k+1].Offset - 1
				}
				part = text[seg.Offset:end]
				if writtenAlone(t) && !seg.IsBare() {
					part = t
				}
				break
			}
		}
		parts = append(parts, part)
	}
	return strings.Join(parts, ":")
}

func replaceAt(s string, off, n int, with string) string {
	return s[:off] + with + s[off+n:]
}

// checkAction runs LDP102 and LDP105 on an action specifier.
func (c *checker) checkAction(i int, field string, j int, s string) {
	p, err := action.Parse(s)
	if err != nil {
		return
	}
	// at locates a finding at byte off of the action.
	at := func(off int) policy.Location {
		return policy.Location{Statement: i, Field: field, Index: j, Value: s, Offset: off}
	}
	if p.Shape() == match.Glob {
		c.checkPattern(s, s, 0, at, false)
	}
	if p.Shape() == match.Exact {
		if msg, sug := action.UnknownAction(s); msg != "" {
			c.add(Finding{Code: codeUnknownAction, Location: at(0), Fix: sug, Message: msg})
		}
		return
	}
	for _, t := range action.Types() {
		for _, a := range t.Actions {
			if p.Match(a) {
				return
			}
		}
	}
	c.add(Finding{Code: codeUnknownAction, Location: at(0), Message: fmt.Sprintf("%q matches no documented action (actions are case-sensitive)", s)})
}
