// Package probe generates representative accesses for policy statements:
// for every resource specifier and action pattern of one or more policies,
// concrete accesses that exercise it. Deciding the same accesses under two
// policies, or under each statement of one policy, compares them on every
// distinction the policies draw, without enumerating LaunchDarkly's
// resources: "ldpolicy check" finds redundant and overridden statements
// with them, and two versions of a policy can be compared on them.
//
// The accesses are built per resource shape (the types of the segments, in
// order). At each segment of a shape that some specifier names, the keys
// tried are:
//
//   - every literal name and every key bound to a role attribute there;
//   - for a wildcard name, instances of it: its '*' replaced by nothing, by
//     "x" and by the literal text of the other names there (so "prod*" and
//     "*-eu" meet in "prod-eu"), '?' and classes by a character they match,
//     every alternative of braces, and for a class a key it does not match
//     ("[!a]*" gives "ax");
//   - a fresh key that no name matches but "*", "other-" and the type
//     ("other-flag"): the key no statement names.
//
// Where a specifier of the shape tests metadata, the segment carries
// inline metadata, always complete (so that decisions are definite): none
// at all, what each specifier tests, each tested tag, property or view
// alone, and all of them together. Keys, and metadata, that every name and
// modifier treats alike are tried once. The resources are every
// combination of the choices of each segment or, when there would be more
// than 512, two instances of each specifier (one with the keys the fewest
// names match) varied one segment at a time through the keys the
// specifier matches there, one it does not, and every metadata. One more
// resource has a shape that no specifier names, the first of the catalogue
// such as "proj/other-proj", for the bare "*" and notResources.
//
// Each resource is paired with every literal action the policies name and
// with one action of each class of actions that every action pattern
// treats alike (deciding depends on an action only through the patterns it
// matches): a catalogue action of the resource's type (the type of its
// last segment) where one falls in the class, otherwise an instance of a
// pattern ("update*" gives "update" and "updateAction"). Every resource is
// also paired with an action that no pattern matches but "*"
// ("otherAction"): one that LaunchDarkly may add later.
//
// The work is bounded twice: by the number of accesses ([Limit]) and by a
// [Budget] of steps, which every match of a pattern against a candidate
// key or action spends according to the pattern's cost (a 4096-byte
// specifier of brace groups with stars costs up to millions of steps a
// match). When either runs out, generation stops and says the accesses are
// incomplete: an analysis built on them must then say what it did not
// check.
//
// The accesses are representative, not exhaustive: two statements that
// decide every generated access alike almost always decide every access
// alike, but globs can in principle intersect where no instance lands.
// Analyses built on them say so.
package probe

import (
	"strconv"
	"strings"

	"github.com/ldpolicy/ldpolicy/action"
	"github.com/ldpolicy/ldpolicy/match"
	"github.com/ldpolicy/ldpolicy/policy"
	"github.com/ldpolicy/ldpolicy/resource"
)

// Limit is the most accesses [Accesses] returns.
const Limit = 1 << 16

// shapeBudget is the most resources of one shape that are generated as
// every combination of the choices of each segment; beyond it, one
// segment varies at a time.
const shapeBudget = 2048

// maxInstances bounds the instances of one pattern, and maxFills the fills
// tried for its '*'. Beyond manyNames distinct names at one place, a
// pattern is filled with nothing and "x" only, not with the text of the
// others, and at most maxCandidates instances are tried there: what costs
// is testing each candidate against every name.
const (
	maxInstances  = 16
	maxFills      = 32
	manyNames     = 64
	maxCandidates = 4096
)

// Options control the generation.
type Options struct {
	// Attributes binds role attributes as policy.Options.Attributes does.
	// The keys bound to an attribute that a specifier names are tried at
	// its place; an unbound attribute matches nothing and adds no key.
	Attributes map[string][]string
	// Budget is spent by the generation; nil stands for a budget of
	// DefaultBudget steps of its own. Pass the same budget on to the
	// comparisons made with the accesses, so that it bounds them all.
	Budget *Budget
}

// Accesses returns representative accesses for the statements of the given
// policies, without duplicates, in an order that depends only on the
// statements. Malformed specifiers and action patterns are left out; the
// typo ":/flag/" is read as ":flag/". It returns at most [Limit] accesses,
// and complete is false when there would have been more, or when the
// budget ran out first (opts.Budget.Exhausted() tells which): the accesses
// returned are then no basis for comparing the policies.
func Accesses(opts Options, policies ...[]policy.Statement) (accesses []policy.Access, complete bool) {
	g := newGenerator(opts)
	for _, stmts := range policies {
		for _, st := range stmts {
			for _, l := range [][]string{st.Resources, st.NotResources} {
				for _, s := range l {
					if !g.budget.Spend(compileCost(s)) {
						return nil, false
					}
					g.addSpecifier(s)
				}
			}
			for _, l := range [][]string{st.Actions, st.NotActions} {
				for _, s := range l {
					if !g.budget.Spend(compileCost(s)) {
						return nil, false
					}
					g.addAction(s)
				}
			}
		}
	}
	accesses, complete = g.accesses()
	if g.budget.Exhausted() {
		return accesses, false
	}
	return accesses, complete
}

// generator collects the specifiers and action patterns of the policies.
type generator struct {
	attrs   map[string][]string
	budget  *Budget
	shapes  []*shape
	byKey   map[string]*shape
	actions []*match.Pattern
	seenAct map[string]bool
}

func newGenerator(opts Options) *generator {
	b := opts.Budget
	if b == nil {
		b = NewBudget(DefaultBudget)
	}
	return &generator{attrs: opts.Attributes, budget: b, byKey: map[string]*shape{}, seenAct: map[string]bool{}}
}

// shape gathers the specifiers of one resource shape.
type shape struct {
	segs   []slot
	specs  [][]resource.Segment
	budget *Budget
}

// slot is one segment position of a shape: its type and what the
// specifiers of the shape test there.
type slot struct {
	typ   string
	bare  bool // a type written alone, such as "acct"
	names []test
	mods  []test
}

func (g *generator) addSpecifier(s string) {
	spec, _, err := resource.ParseLenient(s)
	if err != nil || spec.IsAny() {
		return
	}
	segs := spec.Segments()
	var key strings.Builder
	for i, seg := range segs {
		if i > 0 {
			key.WriteByte(':')
		}
		key.WriteString(seg.Type)
		if !seg.IsBare() {
			key.WriteString("/")
		}
	}
	sh := g.byKey[key.String()]
	if sh == nil {
		sh = &shape{segs: make([]slot, len(segs)), budget: g.budget}
		for i, seg := range segs {
			sh.segs[i] = slot{typ: seg.Type, bare: seg.IsBare()}
		}
		g.byKey[key.String()] = sh
		g.shapes = append(g.shapes, sh)
	}
	sh.specs = append(sh.specs, segs)
	for i, seg := range segs {
		sl := &sh.segs[i]
		if !seg.IsBare() {
			sl.names = append(sl.names, g.nameTest(seg.Name))
		}
		for _, m := range seg.Modifiers {
			sl.mods = append(sl.mods, g.modTest(m))
		}
	}
}

func (g *generator) addAction(s string) {
	if g.seenAct[s] {
		return
	}
	p, err := action.Parse(s)
	if err != nil {
		return
	}
	g.seenAct[s] = true
	g.actions = append(g.actions, p)
}

// accesses pairs the resources of every shape with their actions.
func (g *generator) accesses() ([]policy.Access, bool) {
	byType := map[string][]string{}
	var out []policy.Access
	add := func(res, typ string) bool {
		acts, ok := byType[typ]
		if !ok {
			acts = g.actionsFor(typ)
			byType[typ] = acts
		}
		for _, a := range acts {
			if len(out) == Limit {
				return false
			}
			out = append(out, policy.Access{Action: a, Resource: res})
		}
		return true
	}
	for _, sh := range g.shapes {
		if g.budget.Exhausted() {
			return out, false
		}
		typ := sh.segs[len(sh.segs)-1].typ
		for _, res := range sh.resources(Limit - len(out)) {
			if !add(res, typ) {
				return out, false
			}
		}
	}
	if g.budget.Exhausted() {
		return out, false
	}
	if res, typ, ok := g.unnamedShape(); ok {
		if !add(res, typ) {
			return out, false
		}
	}
	return out, true
}

// unnamedShape returns a resource of the first catalogue type, other than
// the account, whose shape no specifier names.
func (g *generator) unnamedShape() (res, typ string, ok bool) {
	for _, t := range action.Types() {
		if t.Name == "acct" {
			continue
		}
		key := strings.ReplaceAll(t.Specifier, "*", "")
		if _, named := g.byKey[key]; named {
			continue
		}
		var b strings.Builder
		for i, seg := range strings.Split(t.Specifier, ":") {
			if i > 0 {
				b.WriteByte(':')
			}
			typ, _, keyed := strings.Cut(seg, "/")
			b.WriteString(typ)
			if keyed {
				b.WriteString("/other-" + typ)
			}
		}
		return b.String(), t.Name, true
	}
	return "", "", false
}

// actionsFor returns the actions tried on resources of type typ: every
// literal action of the patterns; the catalogue actions of typ, one of each
// class of actions that every pattern treats alike; an action that no
// pattern but "*" matches; and instances of the patterns, again one of
// each class not yet tried.
func (g *generator) actionsFor(typ string) []string {
	b := g.budget
	tests := make([]test, len(g.actions))
	for i, p := range g.actions {
		tests[i] = test{kind: nameKind, pat: p, b: b}
	}
	var lits, frags []string
	for _, p := range g.actions {
		nodes := parseGlob(p.String())
		if s, ok := literal(nodes); ok {
			lits = append(lits, s)
		}
		frags = append(frags, expand(b, nodes, "", maxInstances)...)
	}
	var cands []string
	if t, ok := action.Lookup(typ); ok {
		cands = append(cands, t.Actions...)
	}
	if len(g.actions) > manyNames {
		frags = nil
	}
	var inst []string
	for _, p := range g.actions {
		nodes := parseGlob(p.String())
		if _, ok := literal(nodes); ok || p.Shape() == match.Any {
			continue
		}
		inst = append(inst, instances(b, p, nodes, []string{"", "Action"}, frags)...)
		inst = append(inst, misses(b, nodes, "Action")...)
		if len(inst) >= maxCandidates {
			inst = inst[:maxCandidates]
			break
		}
		if b.Exhausted() {
			break
		}
	}
	seen := map[string]bool{}
	var out []string
	keep := func(s string, always bool) {
		if sig := signature(tests, s); always || !seen[sig] {
			seen[sig] = true
			out = append(out, s)
		}
	}
	for _, s := range lits {
		keep(s, true)
	}
	for _, s := range cands {
		keep(s, false)
	}
	keep(fresh("otherAction", tests), true)
	for _, s := range inst {
		keep(s, false)
	}
	return out
}

// instances returns strings that p (parsed as nodes) matches, its '*'
// filled with each of fills and then each of frags, spending the matches
// on b.
func instances(b *Budget, p *match.Pattern, nodes []node, fills, frags []string) []string {
	var out []string
	all := append(append([]string{}, fills...), frags...)
	if len(all) > maxFills {
		all = all[:maxFills]
	}
	for _, fill := range all {
		for _, s := range expand(b, nodes, fill, maxInstances) {
			if b.match(p, s) {
				out = append(out, s)
			}
		}
	}
	return out
}

// fresh returns base, or base followed by a number, whichever the fewest
// of tests match.
func fresh(base string, tests []test) string {
	best, bestN := base, -1
	for i := 0; i < 10; i++ {
		s := base
		if i > 0 {
			s += strconv.Itoa(i + 1)
		}
		n := 0
		for _, t := range tests {
			if t.b.Exhausted() {
				break
			}
			if t.holds(s) {
				n++
			}
		}
		if bestN < 0 || n < bestN {
			best, bestN = s, n
		}
		if n == 0 {
			break
		}
	}
	return best
}

// signature says which of tests hold for s; once the budget is exhausted,
// none.
func signature(tests []test, s string) string {
	b := make([]byte, len(tests))
	for i, t := range tests {
		b[i] = '0'
		if t.b.Exhausted() {
			return ""
		}
		if t.holds(s) {
			b[i] = '1'
		}
	}
	return string(b)
}
