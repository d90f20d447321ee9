package fuzz

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/ldpolicy/ldpolicy/action"
	"github.com/ldpolicy/ldpolicy/policy"
	"github.com/ldpolicy/ldpolicy/resource"
)

// A Case is a policy and an event to decide: realistic statements built from
// the catalogue's resource types and actions, and accesses that hit them,
// or miss them by a single character or a single segment.
//
// Cases are built from a recipe of bytes (see BuildCase), so that the
// property tests and the fuzz targets share one generator, and shrinking a
// failing recipe shrinks the case.
type Case struct {
	Recipe   []byte
	Stmts    []policy.Statement
	Role     bool                // the custom-role context
	Attrs    map[string][]string // role attributes; nil when none is bound
	Accesses []Access
	Meta     map[string]Meta // what a resolver knows, by path
}

// String shows a case as a failing test reports it.
func (c Case) String() string {
	var b strings.Builder
	stmts, _ := json.Marshal(c.Stmts)
	fmt.Fprintf(&b, "\n  statements: %s\n  role: %v\n", stmts, c.Role)
	if c.Attrs != nil {
		attrs, _ := json.Marshal(c.Attrs)
		fmt.Fprintf(&b, "  attributes: %s\n", attrs)
	}
	for _, a := range c.Accesses {
		fmt.Fprintf(&b, "  access: %s %s\n", a.Action, a.Resource)
	}
	paths := make([]string, 0, len(c.Meta))
	for p := range c.Meta {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		m := c.Meta[p]
		fmt.Fprintf(&b, "  metadata %s: tags %q (partial %v) props %v (partial %v) views %q (partial %v)\n",
			p, m.Tags, m.PartialTags, m.Props, m.PartialProps, m.Views, m.PartialViews)
	}
	fmt.Fprintf(&b, "  recipe: %q", c.Recipe)
	return b.String()
}

// Resolver returns what c.Meta knows as the engine's resolver.
func (c Case) Resolver() resource.MetadataMap {
	out := resource.MetadataMap{}
	for path, m := range c.Meta {
		md, err := resource.NewMetadata(m.Tags, m.Props, m.Views)
		if err != nil {
			panic(fmt.Sprintf("generated metadata of %s: %v", path, err))
		}
		var k resource.Kinds
		if m.PartialTags {
			k |= resource.Tags
		}
		if m.PartialProps {
			k |= resource.Properties
		}
		if m.PartialViews {
			k |= resource.Views
		}
		out[path] = md.Partial(k)
	}
	return out
}

// PolicyAccesses returns the accesses in the engine's type.
func (c Case) PolicyAccesses() []policy.Access {
	out := make([]policy.Access, len(c.Accesses))
	for i, a := range c.Accesses {
		out[i] = policy.Access{Action: a.Action, Resource: a.Resource}
	}
	return out
}

// draw reads choices from a recipe: each choice is the next byte modulo the
// number of options. An exhausted recipe always chooses 0, the simplest
// option, so a shorter recipe builds a simpler case.
type draw struct {
	r []byte
	i int
}

func (d *draw) n(k int) int {
	if d.i >= len(d.r) || k <= 1 {
		d.i++
		return 0
	}
	v := int(d.r[d.i])
	d.i++
	return v % k
}

// chance is true with the given percentage; never on an exhausted recipe.
func (d *draw) chance(pct int) bool {
	if d.i >= len(d.r) {
		d.i++
		return false
	}
	return d.n(100) >= 100-pct
}

func (d *draw) pick(xs []string) string { return xs[d.n(len(xs))] }

var (
	keys      = []string{"default", "production", "dark-mode", "qa", "a", "new.checkout", "Beta_1", "x-9"}
	tags      = []string{"qa_test", "prod", "beta", "qa"}
	viewKeys  = []string{"checkout", "billing"}
	props     = []string{"{critical:true}", "{critical:false}", "{tier:gold}"}
	keyRunes  = "aZ09_.-"
	attrNames = []string{"projects", "views", "tags"}
)

// bareTypes are the types LaunchDarkly writes alone, without a name.
var bareTypes = map[string]bool{"acct": true, "ip-allowlist": true}

// shapes are the resource shapes cases use: the catalogue's, weighted
// toward the common ones, and a few no real resource has.
var shapes = func() [][]string {
	var out [][]string
	common := map[string]bool{"proj": true, "env": true, "flag": true, "segment": true, "member": true, "token": true, "metric": true}
	for _, t := range action.Types() {
		if common[t.Name] || t.Name == "acct" {
			out = append(out, typesOf(t.Specifier))
		}
	}
	return append(out, typesOf("proj/*:segment/*"), typesOf("widget/*"), typesOf("proj/*:env/*:flag/*:view/*"),
		typesOf("ip-allowlist"), typesOf("acct:proj/*"))
}()

func typesOf(spec string) []string {
	var ts []string
	for _, seg := range strings.Split(spec, ":") {
		t, _, _ := strings.Cut(seg, "/")
		ts = append(ts, t)
	}
	return ts
}

// actionsOf lists catalogue actions of a type, a few at most.
func actionsOf(typ string) []string {
	t, ok := action.Lookup(typ)
	if !ok || len(t.Actions) == 0 {
		return []string{"updateOn", "createFlag", "deleteFlag"}
	}
	if len(t.Actions) > 6 {
		return t.Actions[:6]
	}
	return t.Actions
}

// boundValue draws a value to bind to a role attribute: a key or a tag
// from lits, or a pattern built from one, since values are patterns.
func (d *draw) boundValue(lits []string) string {
	if d.chance(40) {
		return d.pattern(d.pick(lits), lits)
	}
	if k := d.mutate(d.pick(lits)); resource.IsKey(k) {
		return k
	}
	return d.pick(lits)
}

// mutate changes one character of s: an insertion, a deletion or a
// replacement, so that a pattern built from s misses (or hits) by one.
func (d *draw) mutate(s string) string {
	c := string(keyRunes[d.n(len(keyRunes))])
	i := d.n(len(s) + 1)
	var out string
	switch d.n(3) {
	case 0:
		out = s[:i] + c + s[i:]
	case 1:
		if i == len(s) {
			i--
		}
		out = s[:i] + s[i+1:]
	default:
		if i == len(s) {
			i--
		}
		out = s[:i] + c + s[i+1:]
	}
	if !resource.IsTag(out) {
		return s + c
	}
	return out
}

// pattern builds a glob from a literal, in one of the shapes the matcher
// specialises: exact, prefix, suffix, any, stars, and general globs.
func (d *draw) pattern(lit string, others []string) string {
	i := d.n(len(lit))
	switch d.n(10) {
	case 0, 1:
		return lit
	case 2:
		return lit[:i] + "*"
	case 3:
		return "*" + lit[i:]
	case 4:
		return "*"
	case 5:
		return lit[:i] + "*" + lit[i:i+1] + "*"
	case 6:
		return lit[:i] + "?" + lit[i+1:]
	case 7:
		neg := ""
		if d.chance(30) {
			neg = "!"
		}
		return lit[:i] + "[" + neg + lit[i:i+1] + "x]" + lit[i+1:]
	case 8:
		return "{" + lit + "," + d.pick(others) + "}"
	default:
		return lit[:i] + `\` + lit[i:]
	}
}

// target remembers what a specifier was built from, so that accesses can
// hit it.
type target struct {
	types, keys []string
	bare        []bool // the segments written as a type alone
}

type builder struct {
	*draw
	targets []target
	actions []string
	attrs   map[string][]string
}

// BuildCase builds a case from a recipe. Any recipe builds a case.
func BuildCase(recipe []byte) Case {
	b := &builder{draw: &draw{r: recipe}}
	c := Case{Recipe: recipe, Role: b.chance(20)}
	if b.chance(50) {
		b.attrs = map[string][]string{
			"projects": {b.pick(keys), b.boundValue(keys)},
			"views":    {b.boundValue(viewKeys)},
			"tags":     {b.boundValue(tags)},
		}
		if b.chance(30) {
			delete(b.attrs, attrNames[b.n(len(attrNames))])
		}
		if b.chance(10) {
			b.attrs["tags"] = nil // bound to no value
		}
		c.Attrs = b.attrs
	}
	for n := b.n(4) + 1 - b.n(2); n > 0; n-- {
		c.Stmts = append(c.Stmts, b.statement())
	}
	for n := b.n(3) + 1; n > 0; n-- {
		c.Accesses = append(c.Accesses, b.access(&c))
	}
	return c
}

func (b *builder) statement() policy.Statement {
	st := policy.Statement{Effect: policy.Allow}
	if b.chance(40) {
		st.Effect = policy.Deny
	}
	var res []string
	for n := b.n(2) + 1; n > 0; n-- {
		res = append(res, b.specifier())
	}
	if b.chance(25) {
		st.NotResources = res
	} else {
		st.Resources = res
	}
	var acts []string
	for n := b.n(2) + 1; n > 0; n-- {
		acts = append(acts, b.actionPattern())
	}
	if b.chance(20) {
		st.NotActions = acts
	} else {
		st.Actions = acts
	}
	return st
}

func (b *builder) specifier() string {
	if b.chance(8) {
		return "*"
	}
	types := shapes[b.n(len(shapes))]
	t := target{types: types}
	segs := make([]string, len(types))
	for i, typ := range types {
		key := b.pick(keys)
		t.keys = append(t.keys, key)
		// A type alone starts a segment after ':' only if it is "acct";
		// elsewhere only the first segment can be one, such as "proj"
		// written without its name.
		bare := bareTypes[typ] && (i == 0 || typ == "acct") || i == 0 && b.chance(4)
		t.bare = append(t.bare, bare)
		if bare {
			segs[i] = typ
		} else if b.chance(10) {
			segs[i] = typ + "/${roleAttribute/" + attrNames[b.n(2)] + "}"
		} else {
			segs[i] = typ + "/" + b.pattern(key, keys)
		}
		if b.chance(20) {
			var mods []string
			for n := b.n(2) + 1; n > 0; n-- {
				mods = append(mods, b.modifier())
			}
			segs[i] += ";" + strings.Join(mods, ",")
		}
	}
	b.targets = append(b.targets, t)
	return strings.Join(segs, ":")
}

func (b *builder) modifier() string {
	switch b.n(4) {
	case 0, 1:
		if b.chance(15) {
			return "${roleAttribute/tags}"
		}
		return b.pattern(b.pick(tags), tags)
	case 2:
		return b.pick(props)
	}
	if b.chance(20) {
		return "view:${roleAttribute/views}"
	}
	return "view:" + b.pattern(b.pick(viewKeys), viewKeys)
}

func (b *builder) actionPattern() string {
	types := shapes[b.n(len(shapes))]
	acts := actionsOf(types[len(types)-1])
	a := b.pick(acts)
	b.actions = append(b.actions, a)
	return b.pattern(a, acts)
}

// access builds an access that most often hits one of the specifiers built
// so far, or misses it by one character or one segment.
func (b *builder) access(c *Case) Access {
	var t target
	if len(b.targets) > 0 && !b.chance(15) {
		t = b.targets[b.n(len(b.targets))]
	} else {
		types := shapes[b.n(len(shapes))]
		t = target{types: types}
		for i, typ := range types {
			t.keys = append(t.keys, b.pick(keys))
			t.bare = append(t.bare, bareTypes[typ] && (i == 0 || typ == "acct"))
		}
	}
	types := append([]string(nil), t.types...)
	ks := append([]string(nil), t.keys...)
	bare := append([]bool(nil), t.bare...)
	switch {
	case b.chance(10) && len(types) > 1:
		types, ks, bare = types[:len(types)-1], ks[:len(ks)-1], bare[:len(bare)-1]
	case b.chance(10):
		types, ks, bare = append(types, "flag"), append(ks, b.pick(keys)), append(bare, false)
	case b.chance(5):
		types[len(types)-1] = "segment"
		bare[len(bare)-1] = false
	case b.chance(5):
		// The first segment with and without its name: "proj" and
		// "proj/a", "ip-allowlist" and "ip-allowlist/a".
		bare[0] = !bare[0]
	}
	var segs, path []string
	for i, typ := range types {
		seg := typ
		if !bare[i] {
			key := ks[i]
			if b.chance(20) {
				key = b.mutate(key)
			} else if b.chance(3) {
				key = "*"
			}
			seg = typ + "/" + key
		}
		path = append(path, seg)
		switch {
		case b.chance(35):
			seg += ";" + strings.Join(b.metadata(), ",")
		case b.chance(30):
			if c.Meta == nil {
				c.Meta = map[string]Meta{}
			}
			c.Meta[strings.Join(path, ":")] = b.meta()
		}
		segs = append(segs, seg)
	}
	act := b.pick(actionsOf(types[len(types)-1]))
	if len(b.actions) > 0 && !b.chance(20) {
		act = b.actions[b.n(len(b.actions))]
		if b.chance(15) {
			act = b.mutate(act)
		}
	}
	return Access{Action: act, Resource: strings.Join(segs, ":")}
}

// metadata draws an inline metadata list.
func (b *builder) metadata() []string {
	var items []string
	if b.chance(60) {
		items = append(items, b.pick(tags))
	}
	if b.chance(30) {
		items = append(items, b.pick(tags))
	}
	if b.chance(40) {
		items = append(items, props[b.n(2)])
	}
	if b.chance(30) {
		items = append(items, "view:"+b.pick(viewKeys))
	}
	return items
}

// meta draws what a resolver knows of a resource, some kinds in part.
func (b *builder) meta() Meta {
	m := Meta{Props: map[string]string{}}
	if b.chance(60) {
		m.Tags = append(m.Tags, b.pick(tags))
	}
	if b.chance(40) {
		m.Props["critical"] = []string{"true", "false"}[b.n(2)]
	}
	if b.chance(30) {
		m.Views = append(m.Views, b.pick(viewKeys))
	}
	m.PartialTags, m.PartialProps, m.PartialViews = b.chance(30), b.chance(30), b.chance(30)
	return m
}
