// Package fuzz holds the proof that the engine is right: a reference
// evaluator, the property-based tests that hold the engine against it and
// against the documented semantics, and the fuzz targets that compare the two
// on arbitrary input.
//
// The reference evaluator ([Reference]) is a second, deliberately naive
// implementation of the semantics of resource specifiers, statements,
// decisions and deliveries, written from the rules the policy package
// documents rather than from the engine: it splits strings, translates every
// glob into an anchored regular expression, and loops over statements. It
// shares no code with the packages resource, match, action and policy; it
// only reads their public input type, [policy.Statement]. It is slow, and
// allocates freely; it exists to be obviously right.
//
// Every file of the package is a test file, the reference and the case
// generators included: they are not API, and nothing outside the package
// can import them.
package fuzz

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ldpolicy/ldpolicy/policy"
)

// Limits, as the engine documents them.
const (
	maxLength    = 4096 // bytes in a specifier or concrete resource
	maxSegments  = 8
	maxModifiers = 32  // modifiers in one segment of a specifier
	maxMetadata  = 256 // entries in the metadata of one concrete segment
	maxAction    = 256 // bytes in an action specifier
)

var (
	typeRE     = regexp.MustCompile(`^[a-z][a-z0-9-]*$`)
	keyRE      = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]*$`)
	propertyRE = regexp.MustCompile(`^\{([A-Za-z][A-Za-z0-9_-]*):([^{}:,;]+)\}$`)
	typoRE     = regexp.MustCompile(`^/[a-z][a-z0-9-]*/`)
)

// spec is a parsed resource specifier.
type spec struct {
	any  bool // the bare "*"
	segs []specSeg
}

type specSeg struct {
	typ  string
	bare bool // a type alone, with no name: "acct", "ip-allowlist"
	name name
	mods []mod
}

// name is a glob or a role attribute.
type name struct {
	re   *regexp.Regexp
	attr string
}

type mod struct {
	kind  byte // 't' tag, 'p' property, 'v' view
	name  name // of a tag or a view
	prop  string
	value string
}

// splitSegments splits s at every ':' outside {...} that starts a new
// segment: "acct" alone, or a type and '/'. The typo ":/type/" starts one too,
// so that it can be reported. So does a ':' followed by nothing or by ':'s
// up to the end or up to a segment (but not the ':' of a "view:" that ends
// the text): the parts between are the empty segments that make "proj/*:"
// an error.
func splitSegments(s string) ([]string, error) {
	segs, depth := splitOutsideBraces(s, ':', func(before, after string) bool {
		if after == "" {
			return !strings.HasSuffix(before, ";view") && !strings.HasSuffix(before, ",view")
		}
		after = strings.TrimLeft(after, ":")
		return after == "" || startsSegment(after)
	})
	if depth > 0 {
		return nil, errors.New("unclosed {")
	}
	return segs, nil
}

// splitOutsideBraces splits s at every sep outside {...} where at, given
// the text before and after it, agrees. It returns the parts and the depth
// of braces left open at the end; a '}' with none open is text.
func splitOutsideBraces(s string, sep byte, at func(before, after string) bool) (parts []string, depth int) {
	start := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '{':
			depth++
		case '}':
			if depth > 0 {
				depth--
			}
		case sep:
			if depth == 0 && at(s[:i], s[i+1:]) {
				parts = append(parts, s[start:i])
				start = i + 1
			}
		}
	}
	return append(parts, s[start:]), depth
}

func startsSegment(t string) bool {
	if t == "acct" || strings.HasPrefix(t, "acct;") || strings.HasPrefix(t, "acct:") {
		return true
	}
	t = strings.TrimPrefix(t, "/")
	slash := strings.IndexByte(t, '/')
	return slash > 0 && typeRE.MatchString(t[:slash])
}

// checkText rejects what no specifier or resource may hold anywhere.
func checkText(s string) error {
	if s == "" {
		return errors.New("empty")
	}
	if len(s) > maxLength {
		return errors.New("too long")
	}
	if !utf8.ValidString(s) {
		return errors.New("invalid UTF-8")
	}
	if strings.IndexFunc(s, unicode.IsSpace) >= 0 {
		return errors.New("whitespace")
	}
	return nil
}

// splitHead splits a segment into its head and what follows the first ';',
// and the head into type and name. A head that is a type alone is a
// segment with no name.
func splitHead(seg string, first bool) (typ, nm, rest string, bare, hasRest bool, err error) {
	head, rest, hasRest := strings.Cut(seg, ";")
	if typeRE.MatchString(head) {
		return head, "", rest, true, hasRest, nil
	}
	if !first && typoRE.MatchString(head) {
		return "", "", "", false, false, errors.New("the :/type/ typo")
	}
	typ, nm, ok := strings.Cut(head, "/")
	switch {
	case !ok:
		err = errors.New("missing /")
	case !typeRE.MatchString(typ):
		err = errors.New("malformed type")
	case nm == "":
		err = errors.New("empty name")
	}
	return typ, nm, rest, false, hasRest, err
}

func parseSpec(s string) (*spec, error) {
	if err := checkText(s); err != nil {
		return nil, err
	}
	if s == "*" {
		return &spec{any: true}, nil
	}
	texts, err := splitSegments(s)
	if err != nil {
		return nil, err
	}
	if len(texts) > maxSegments {
		return nil, errors.New("too many segments")
	}
	sp := &spec{}
	for i, text := range texts {
		typ, nm, rest, bare, hasMods, err := splitHead(text, i == 0)
		if err != nil {
			return nil, err
		}
		seg := specSeg{typ: typ, bare: bare}
		if !bare {
			if seg.name, err = parseName(nm); err != nil {
				return nil, err
			}
		}
		if hasMods {
			if strings.HasSuffix(rest, ";") {
				return nil, errors.New("empty modifier after ;")
			}
			items := splitItems(rest)
			if len(items) > maxModifiers {
				return nil, errors.New("too many modifiers")
			}
			for _, item := range items {
				m, err := parseMod(item)
				if err != nil {
					return nil, err
				}
				seg.mods = append(seg.mods, m)
			}
		}
		sp.segs = append(sp.segs, seg)
	}
	return sp, nil
}

func parseName(s string) (name, error) {
	if strings.HasPrefix(s, "${roleAttribute/") {
		key, ok := strings.CutSuffix(strings.TrimPrefix(s, "${roleAttribute/"), "}")
		if !ok || !keyRE.MatchString(key) {
			return name{}, errors.New("malformed role attribute")
		}
		return name{attr: key}, nil
	}
	re, err := globRegexp(s)
	return name{re: re}, err
}

func parseMod(item string) (mod, error) {
	switch {
	case item == "":
		return mod{}, errors.New("empty modifier")
	case item[0] == '{' && strings.Contains(item, ":"):
		m := propertyRE.FindStringSubmatch(item)
		if m == nil {
			return mod{}, errors.New("malformed property selector")
		}
		return mod{kind: 'p', prop: m[1], value: m[2]}, nil
	case strings.HasPrefix(item, "view:"):
		if item == "view:" {
			return mod{}, errors.New("empty view")
		}
		n, err := parseName(item[len("view:"):])
		return mod{kind: 'v', name: n}, err
	}
	n, err := parseName(item)
	return mod{kind: 't', name: n}, err
}

// splitItems splits a list at every ',' outside {...}.
func splitItems(s string) []string {
	items, _ := splitOutsideBraces(s, ',', func(string, string) bool { return true })
	return items
}

// Meta is what is known of the metadata of one resource. A kind marked
// partial lists what holds, and anything else is unknown; otherwise the list
// is complete.
type Meta struct {
	Tags, Views  []string
	Props        map[string]string
	PartialTags  bool
	PartialProps bool
	PartialViews bool
}

// concrete is a parsed concrete resource.
type concrete struct {
	types, keys, paths []string
	bare               []bool
	meta               []*Meta // nil: unknown
}

func parseConcrete(s string, resolve map[string]Meta) (*concrete, error) {
	if err := checkText(s); err != nil {
		return nil, err
	}
	if s == "*" {
		return nil, errors.New(`"*" is no concrete resource`)
	}
	texts, err := splitSegments(s)
	if err != nil {
		return nil, err
	}
	if len(texts) > maxSegments {
		return nil, errors.New("too many segments")
	}
	c := &concrete{}
	var path []string
	for i, text := range texts {
		typ, key, rest, bare, hasMeta, err := splitHead(text, i == 0)
		if err != nil {
			return nil, err
		}
		head := typ
		if !bare {
			head += "/" + key
		}
		path = append(path, head)
		c.types, c.keys, c.bare = append(c.types, typ), append(c.keys, key), append(c.bare, bare)
		c.paths = append(c.paths, strings.Join(path, ":"))
		var m *Meta
		if hasMeta {
			if m, err = parseMeta(rest); err != nil {
				return nil, err
			}
		} else if r, ok := resolve[c.paths[i]]; ok {
			m = &r
		}
		c.meta = append(c.meta, m)
	}
	return c, nil
}

// parseMeta parses inline metadata: literal tags, {property:value} and
// view:key, separated by ','.
func parseMeta(s string) (*Meta, error) {
	m := &Meta{Props: map[string]string{}}
	if s == "" {
		return m, nil
	}
	items := splitItems(s)
	if len(items) > maxMetadata {
		return nil, errors.New("too many metadata entries")
	}
	for _, item := range items {
		switch {
		case item == "":
			return nil, errors.New("empty entry")
		case item[0] == '{':
			p := propertyRE.FindStringSubmatch(item)
			if p == nil {
				return nil, errors.New("malformed property")
			}
			if _, dup := m.Props[p[1]]; dup {
				return nil, errors.New("property listed twice")
			}
			m.Props[p[1]] = p[2]
		case strings.HasPrefix(item, "view:"):
			v := item[len("view:"):]
			if v == "" || strings.ContainsAny(v, ":;{}") {
				return nil, errors.New("malformed view")
			}
			m.Views = append(m.Views, v)
		default:
			if strings.ContainsAny(item, ":;{}") {
				return nil, errors.New("malformed tag")
			}
			m.Tags = append(m.Tags, item)
		}
	}
	return m, nil
}

// tv is a three-valued truth: false, true, or unknown.
type tv int8

const (
	no tv = iota
	yes
	unknown
)

func and(a, b tv) tv {
	switch {
	case a == no || b == no:
		return no
	case a == yes && b == yes:
		return yes
	}
	return unknown
}

func or(a, b tv) tv {
	switch {
	case a == yes || b == yes:
		return yes
	case a == no && b == no:
		return no
	}
	return unknown
}

func not(a tv) tv {
	switch a {
	case yes:
		return no
	case no:
		return yes
	}
	return unknown
}

func truth(b bool) tv {
	if b {
		return yes
	}
	return no
}

// matchName matches a name or tag pattern against a key or tag. A role
// attribute matches what one of the values bound to it, each a glob,
// matches.
func matchName(n name, key string, attrs map[string][]string) bool {
	if n.re != nil {
		return n.re.MatchString(key)
	}
	for _, v := range attrs[n.attr] {
		if re, err := globRegexp(v); err == nil && re.MatchString(key) {
			return true
		}
	}
	return false
}

// checkValue checks a value bound to a role attribute: the text of one
// pattern, as it could stand for a name or a tag.
func checkValue(v string) error {
	if err := checkText(v); err != nil {
		return err
	}
	if strings.HasPrefix(v, "${roleAttribute/") {
		return errors.New("a role attribute")
	}
	if strings.ContainsAny(v, ":;") {
		return errors.New("a separator")
	}
	if parts, _ := splitOutsideBraces(v, ',', func(string, string) bool { return true }); len(parts) > 1 {
		return errors.New("a comma outside {...}")
	}
	_, err := globRegexp(v)
	return err
}

// holds tests one modifier against what is known of a segment's metadata.
// In the absent world a modifier on unknown metadata does not hold; in
// three-valued logic it is unknown unless the known part decides it.
func holds(m mod, md *Meta, attrs map[string][]string) tv {
	if md == nil {
		return unknown
	}
	switch m.kind {
	case 'p':
		v, ok := md.Props[m.prop]
		switch {
		case ok:
			return truth(v == m.value)
		case md.PartialProps:
			return unknown
		}
		return no
	case 'v':
		for _, v := range md.Views {
			if matchName(m.name, v, attrs) {
				return yes
			}
		}
		if md.PartialViews {
			return unknown
		}
		return no
	}
	for _, t := range md.Tags {
		if matchName(m.name, t, attrs) {
			return yes
		}
	}
	if md.PartialTags {
		return unknown
	}
	return no
}

// unbound reports whether sp names a role attribute that attrs does not
// bind, or binds to no value: such a specifier matches nothing, whatever
// the metadata.
func (sp *spec) unbound(attrs map[string][]string) bool {
	for _, seg := range sp.segs {
		if seg.name.attr != "" && len(attrs[seg.name.attr]) == 0 {
			return true
		}
		for _, m := range seg.mods {
			if m.kind != 'p' && m.name.attr != "" && len(attrs[m.name.attr]) == 0 {
				return true
			}
		}
	}
	return false
}

// matches matches a specifier against a concrete resource: no hierarchy,
// the same types in the same order, every name and every modifier.
func (sp *spec) matches(c *concrete, attrs map[string][]string) tv {
	if sp.any {
		return yes
	}
	if len(sp.segs) != len(c.types) || sp.unbound(attrs) {
		return no
	}
	t := yes
	for i, seg := range sp.segs {
		if seg.typ != c.types[i] || seg.bare != c.bare[i] {
			return no
		}
		if !seg.bare && !matchName(seg.name, c.keys[i], attrs) {
			return no
		}
		for _, m := range seg.mods {
			t = and(t, holds(m, c.meta[i], attrs))
		}
	}
	return t
}

// Reference is the reference evaluator of one policy.
type Reference struct {
	stmts []refStmt
	role  bool
	attrs map[string][]string
}

type refStmt struct {
	deny      bool
	notAct    bool
	acts      []*regexp.Regexp
	notRes    bool
	resources []*spec
}

// NewReference validates a policy and prepares it for evaluation. role is
// the custom-role context; attrs binds role attributes. The error says only
// that the policy is invalid, not where.
func NewReference(stmts []policy.Statement, role bool, attrs map[string][]string) (*Reference, error) {
	ref := &Reference{role: role, attrs: attrs}
	for k, vs := range attrs {
		if !keyRE.MatchString(k) {
			return nil, fmt.Errorf("role attribute %q is not a key", k)
		}
		for _, v := range vs {
			if err := checkValue(v); err != nil {
				return nil, fmt.Errorf("role attribute %s: %q: %v", k, v, err)
			}
		}
	}
	if len(stmts) > 4096 {
		return nil, errors.New("too many statements")
	}
	for i, st := range stmts {
		var r refStmt
		switch st.Effect {
		case "allow":
		case "deny":
			r.deny = true
		default:
			return nil, fmt.Errorf("statement %d: effect %q", i, st.Effect)
		}
		if (st.Actions == nil) == (st.NotActions == nil) || (st.Resources == nil) == (st.NotResources == nil) {
			return nil, fmt.Errorf("statement %d: needs one of each pair", i)
		}
		acts, res := st.Actions, st.Resources
		if acts == nil {
			acts, r.notAct = st.NotActions, true
		}
		if res == nil {
			res, r.notRes = st.NotResources, true
		}
		if len(acts) == 0 || len(res) == 0 || len(acts) > 4096 || len(res) > 4096 {
			return nil, fmt.Errorf("statement %d: list length", i)
		}
		for _, a := range acts {
			if a == "" || len(a) > maxAction || !utf8.ValidString(a) || strings.IndexFunc(a, unicode.IsSpace) >= 0 {
				return nil, fmt.Errorf("statement %d: action %q", i, a)
			}
			re, err := globRegexp(a)
			if err != nil {
				return nil, fmt.Errorf("statement %d: action %q: %v", i, a, err)
			}
			r.acts = append(r.acts, re)
		}
		for _, s := range res {
			sp, err := parseSpec(s)
			if err != nil {
				return nil, fmt.Errorf("statement %d: resource %q: %v", i, s, err)
			}
			r.resources = append(r.resources, sp)
		}
		ref.stmts = append(ref.stmts, r)
	}
	return ref, nil
}

// Outcome is the reference's decision of one access.
type Outcome struct {
	Allow         bool
	Statement     int // the first deciding statement, or -1
	Indeterminate bool
}

// applies evaluates a statement in three-valued logic.
func (ref *Reference) applies(st *refStmt, action string, c *concrete) tv {
	act := false
	for _, re := range st.acts {
		act = act || re.MatchString(action)
	}
	if st.notAct {
		act = !act
	}
	res := no
	for _, sp := range st.resources {
		res = or(res, sp.matches(c, ref.attrs))
	}
	if st.notRes {
		res = not(res)
	}
	return and(truth(act), res)
}

// absentMeta returns c with every unknown piece of metadata taken as
// absent: a modifier on it does not hold. In that world nothing is unknown,
// so evaluating a statement there gives the value decisions report, apart
// from the three-valued logic.
func absentMeta(c *concrete) *concrete {
	out := *c
	out.meta = make([]*Meta, len(c.meta))
	for i, m := range c.meta {
		if m == nil {
			out.meta[i] = &Meta{}
			continue
		}
		cp := *m
		cp.PartialTags, cp.PartialProps, cp.PartialViews = false, false, false
		out.meta[i] = &cp
	}
	return &out
}

// Decide decides one access: deny overrides allow, and nothing applying is
// a deny. meta resolves the metadata of segments written without ';', by
// path ("proj/p:env/e").
func (ref *Reference) Decide(action, resource string, meta map[string]Meta) (Outcome, error) {
	c, err := parseConcrete(resource, meta)
	if err != nil {
		return Outcome{}, err
	}
	if len(ref.stmts) == 0 {
		return Outcome{Allow: !ref.role, Statement: -1}, nil
	}
	v := ref.verdicts(action, c)
	out := Outcome{Statement: -1, Indeterminate: and(not(v.denyAny), v.allowAny) == unknown}
	switch {
	case v.firstDeny >= 0:
		out.Statement = v.firstDeny
	case v.firstAllow >= 0:
		out.Allow, out.Statement = true, v.firstAllow
	}
	return out, nil
}

// verdicts is how the statements of a policy fare against one access: the
// first deny and allow statements that apply with unknown metadata taken
// as absent (-1 for none), and whether any applies, in three-valued logic.
type verdicts struct {
	firstDeny, firstAllow int
	denyAny, allowAny     tv
}

func (ref *Reference) verdicts(action string, c *concrete) verdicts {
	v := verdicts{firstDeny: -1, firstAllow: -1, denyAny: no, allowAny: no}
	absent := absentMeta(c)
	for i := range ref.stmts {
		st := &ref.stmts[i]
		t := ref.applies(st, action, c)
		abs := ref.applies(st, action, absent) == yes
		if st.deny {
			v.denyAny = or(v.denyAny, t)
			if abs && v.firstDeny < 0 {
				v.firstDeny = i
			}
		} else {
			v.allowAny = or(v.allowAny, t)
			if abs && v.firstAllow < 0 {
				v.firstAllow = i
			}
		}
	}
	return v
}

// Access is one access of an event.
type Access struct{ Action, Resource string }

// Delivered is the reference's decision of one event.
type Delivered struct {
	Delivered     bool
	Indeterminate bool
	Access        int // the deciding access, or -1
}

// Deliver decides whether a webhook with this policy receives an event:
// without statements (webhook context), always; without accesses, never;
// otherwise when some access is allowed or, with every set, when all are.
// A malformed resource in any access is an error.
func (ref *Reference) Deliver(accesses []Access, every bool, meta map[string]Meta) (Delivered, error) {
	outs := make([]Outcome, len(accesses))
	for i, a := range accesses {
		o, err := ref.Decide(a.Action, a.Resource, meta)
		if err != nil {
			return Delivered{}, fmt.Errorf("access %d: %v", i, err)
		}
		outs[i] = o
	}
	if len(ref.stmts) == 0 && !ref.role {
		return Delivered{Delivered: true, Access: -1}, nil
	}
	d := Delivered{Access: -1}
	if len(accesses) == 0 {
		return d, nil
	}
	// "Some access counts": allowed, or with every, denied.
	counts := no
	for i, o := range outs {
		t := truth(o.Allow)
		if o.Indeterminate {
			t = unknown
		}
		if every {
			t = not(t)
		}
		counts = or(counts, t)
		if o.Allow != every && d.Access < 0 {
			d.Access = i
		}
	}
	someAllowed := false
	allAllowed := true
	for _, o := range outs {
		someAllowed = someAllowed || o.Allow
		allAllowed = allAllowed && o.Allow
	}
	d.Delivered = someAllowed
	if every {
		d.Delivered = allAllowed
	}
	d.Indeterminate = counts == unknown
	return d, nil
}
