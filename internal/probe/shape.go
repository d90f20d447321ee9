package probe

import (
	"strings"

	"github.com/ldpolicy/ldpolicy/match"
	"github.com/ldpolicy/ldpolicy/resource"
)

// test is one name or modifier of a specifier, or an action pattern.
type test struct {
	kind   testKind
	pat    *match.Pattern // nil for a role attribute, or a pattern that does not compile
	attr   bool           // a role attribute: holds where one of alts does
	values []string       // the values bound to the role attribute
	alts   []test         // a test of each well-formed value, a pattern
	name   string         // a property's name
	value  string         // a property's value
	b      *Budget
}

type testKind uint8

const (
	nameKind testKind = iota
	tagKind
	propKind
	viewKind
)

// holds reports whether a name or action test holds for s, spending the
// work on t.b; once t.b is exhausted, no test holds.
func (t test) holds(s string) bool {
	if t.attr {
		if !t.b.Spend(1) {
			return false
		}
		for _, a := range t.alts {
			if a.holds(s) {
				return true
			}
		}
		return false
	}
	return t.pat != nil && t.b.match(t.pat, s)
}

// holdsFor reports whether a modifier test holds for metadata m.
func (t test) holdsFor(m *meta) bool {
	if m == nil {
		return false
	}
	switch t.kind {
	case tagKind:
		for _, tag := range m.tags {
			if t.holds(tag) {
				return true
			}
			if t.b.Exhausted() {
				return false
			}
		}
	case propKind:
		if !t.b.Spend(int64(1 + len(m.props))) {
			return false
		}
		for _, p := range m.props {
			if p[0] == t.name {
				return p[1] == t.value
			}
		}
	case viewKind:
		for _, v := range m.views {
			if t.holds(v) {
				return true
			}
			if t.b.Exhausted() {
				return false
			}
		}
	}
	return false
}

func (g *generator) nameTest(n resource.Name) test {
	if n.Attribute != "" {
		// Each value is a pattern, matched where the attribute stands.
		t := test{kind: nameKind, attr: true, values: g.attrs[n.Attribute], b: g.budget}
		for _, v := range t.values {
			if resource.CheckValue(n.Attribute, v) != nil {
				continue // the policy does not compile with it
			}
			p, _ := match.Compile(v)
			t.alts = append(t.alts, test{kind: nameKind, pat: p, b: g.budget})
		}
		return t
	}
	p, _ := match.Compile(n.Pattern)
	return test{kind: nameKind, pat: p, b: g.budget}
}

func (g *generator) modTest(m resource.Modifier) test {
	switch m := m.(type) {
	case resource.Tag:
		if m.Attribute != "" {
			t := g.nameTest(resource.Name{Attribute: m.Attribute})
			t.kind = tagKind
			return t
		}
		p, _ := match.Compile(m.Pattern)
		return test{kind: tagKind, pat: p, b: g.budget}
	case resource.Property:
		return test{kind: propKind, name: m.Name, value: m.Value, b: g.budget}
	case resource.View:
		t := g.nameTest(m.Name)
		t.kind = viewKind
		return t
	}
	return test{kind: tagKind, b: g.budget}
}

// meta is the inline metadata of one concrete segment. A nil *meta is
// unknown metadata: the segment is written without ';'.
type meta struct {
	tags  []string
	props [][2]string // at most one value a name
	views []string
}

func (m *meta) String() string {
	var parts []string
	parts = append(parts, m.tags...)
	for _, p := range m.props {
		parts = append(parts, "{"+p[0]+":"+p[1]+"}")
	}
	for _, v := range m.views {
		parts = append(parts, "view:"+v)
	}
	return strings.Join(parts, ",")
}

// add returns m with the witness w of a modifier added; a property that m
// sets already keeps its value.
func (m meta) add(w *meta) meta {
	m.tags = append(append([]string{}, m.tags...), w.tags...)
	m.views = append(append([]string{}, m.views...), w.views...)
	props := append([][2]string{}, m.props...)
next:
	for _, p := range w.props {
		for _, q := range props {
			if q[0] == p[0] {
				continue next
			}
		}
		props = append(props, p)
	}
	m.props = props
	return m
}

// witness returns metadata for which the modifier test t holds, or nil
// when there is none (a view bound to no key).
func witness(t test) *meta {
	switch t.kind {
	case propKind:
		return &meta{props: [][2]string{{t.name, t.value}}}
	case tagKind, viewKind:
		var s string
		var ok bool
		pats := []*match.Pattern{t.pat}
		if t.attr {
			pats = pats[:0]
			for _, a := range t.alts {
				pats = append(pats, a.pat)
			}
		}
		for _, p := range pats {
			if p != nil && !ok {
				s, ok = firstInstance(t.b, p, t.kind == tagKind)
			}
		}
		if !ok {
			return nil
		}
		if t.kind == tagKind {
			return &meta{tags: []string{s}}
		}
		return &meta{views: []string{s}}
	}
	return nil
}

// firstInstance returns an instance of p, a valid tag (or key) if there is
// one.
func firstInstance(b *Budget, p *match.Pattern, tag bool) (string, bool) {
	valid := resource.IsKey
	if tag {
		valid = resource.IsTag
	}
	nodes := parseGlob(p.String())
	all := instances(b, p, nodes, []string{"", "x"}, nil)
	for _, s := range all {
		if valid(s) {
			return s, true
		}
	}
	if len(all) > 0 {
		return all[0], true
	}
	return "", false
}

// keys returns the keys tried at slot i of the shape: one of each class of
// keys that the names there treat alike, valid keys preferred. The
// matches spend b.
func (sl *slot) keys(b *Budget) []string {
	if sl.bare {
		return []string{""}
	}
	names := distinctTests(sl.names)
	// The candidates come from every pattern: those of the names, and the
	// values of the role attributes, each a pattern of its own.
	var pats []test
	for _, t := range names {
		if t.attr {
			pats = append(pats, t.alts...)
		} else {
			pats = append(pats, t)
		}
	}
	pats = distinctTests(pats)
	var first, inst []string
	var frags []string
	for _, t := range pats {
		if t.pat == nil {
			continue
		}
		nodes := parseGlob(t.pat.String())
		if s, ok := literal(nodes); ok {
			first = append(first, s)
		}
		frags = append(frags, expand(b, nodes, "", maxInstances)...)
	}
	first = append(first, fresh("other-"+sl.typ, names))
	if len(names) > manyNames {
		frags = nil // each name gets its own instances only
	}
	for _, t := range pats {
		if t.pat == nil {
			continue
		}
		nodes := parseGlob(t.pat.String())
		if _, ok := literal(nodes); ok {
			continue
		}
		fills := []string{"", "x"}
		if t.pat.Shape() == match.Any {
			fills = nil // the fresh key stands for these
		}
		inst = append(inst, instances(b, t.pat, nodes, fills, frags)...)
		inst = append(inst, misses(b, nodes, "x")...)
		if len(inst) >= maxCandidates {
			inst = inst[:maxCandidates]
			break
		}
		if b.Exhausted() {
			break
		}
	}
	return classes(append(first, inst...), func(s string) string { return signature(names, s) }, resource.IsKey)
}

// classes returns one of each class of cands, in order, preferring the
// candidates for which preferred holds.
func classes(cands []string, sig func(string) string, preferred func(string) bool) []string {
	seen := map[string]bool{}
	var out []string
	for _, pass := range []bool{true, false} {
		for _, s := range cands {
			if preferred(s) != pass {
				continue
			}
			if k := sig(s); !seen[k] {
				seen[k] = true
				out = append(out, s)
			}
		}
	}
	// Keep the order of the candidates, whichever pass found them.
	pos := map[string]int{}
	for i, s := range cands {
		if _, ok := pos[s]; !ok {
			pos[s] = i
		}
	}
	sortByPos(out, pos)
	return out
}

func sortByPos(out []string, pos map[string]int) {
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && pos[out[j]] < pos[out[j-1]]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
}

// metas returns the metadata tried at a slot: nil (no ';') when no
// specifier tests metadata there, otherwise none at all, what each
// specifier tests, each tested modifier alone and all together, one of each
// class that the modifiers there treat alike. mods lists, for each
// specifier, the indices in sl.mods of its modifiers.
func (sl *slot) metas(mods [][]int) []*meta {
	if len(sl.mods) == 0 {
		return []*meta{nil}
	}
	wit := make([]*meta, len(sl.mods))
	for i, t := range sl.mods {
		wit[i] = witness(t)
	}
	cands := []*meta{{}}
	for _, idx := range mods {
		var m meta
		for _, i := range idx {
			if wit[i] != nil {
				m = m.add(wit[i])
			}
		}
		cands = append(cands, &m)
	}
	// All of them together, built in place: add copies.
	var all meta
	seenProp := map[string]bool{}
	for _, w := range wit {
		if w == nil {
			continue
		}
		cands = append(cands, w)
		all.tags = append(all.tags, w.tags...)
		all.views = append(all.views, w.views...)
		for _, p := range w.props {
			if !seenProp[p[0]] {
				seenProp[p[0]] = true
				all.props = append(all.props, p)
			}
		}
	}
	cands = append(cands, &all)
	seen := map[string]bool{}
	var out []*meta
	for _, m := range cands {
		if sl.mods[0].b.Exhausted() {
			return []*meta{{}}
		}
		b := make([]byte, len(sl.mods))
		for i, t := range sl.mods {
			b[i] = '0'
			if t.b.Exhausted() {
				return []*meta{{}}
			}
			if t.holdsFor(m) {
				b[i] = '1'
			}
		}
		if !seen[string(b)] {
			seen[string(b)] = true
			out = append(out, m)
		}
	}
	return out
}

// choice is what one segment of a generated resource holds.
type choice struct {
	key  string
	meta *meta
}

// resources returns the concrete resources generated for the shape, at
// most max of them.
func (sh *shape) resources(max int) []string {
	g := &resourceGen{sh: sh, max: max, seen: map[string]bool{}}
	g.index()
	opts, total := g.choices()
	if sh.budget.Exhausted() {
		return nil
	}
	if total <= shapeBudget {
		g.everyCombination(opts)
		return g.out
	}
	if !g.sample() {
		return nil
	}
	return g.out
}

// resourceGen generates the concrete resources of a shape.
type resourceGen struct {
	sh      *shape
	nameIdx [][]int    // for each specifier and slot, the index of its name test there, or -1
	modIdx  [][][]int  // for each slot and specifier, the indices of its modifier tests there
	keys    [][]string // for each slot, the keys tried
	metas   [][]*meta  // for each slot, the metadata tried
	out     []string   // the resources generated
	seen    map[string]bool
	max     int
}

// index finds, for each specifier and slot, the indices of its name test
// and of its modifier tests there.
func (g *resourceGen) index() {
	sh := g.sh
	n := len(sh.segs)
	g.nameIdx = make([][]int, len(sh.specs))
	g.modIdx = make([][][]int, n)
	counts := make([][2]int, n)
	for s, segs := range sh.specs {
		g.nameIdx[s] = make([]int, n)
		for i, seg := range segs {
			g.nameIdx[s][i] = -1
			if !seg.IsBare() {
				g.nameIdx[s][i] = counts[i][0]
				counts[i][0]++
			}
			var idx []int
			for range seg.Modifiers {
				idx = append(idx, counts[i][1])
				counts[i][1]++
			}
			g.modIdx[i] = append(g.modIdx[i], idx)
		}
	}
}

// choices finds the keys and metadata tried at each slot, and returns the
// choices of each slot, every key with every metadata, and how many
// combinations they make (counted only up to past shapeBudget).
func (g *resourceGen) choices() (opts [][]choice, total int) {
	sh := g.sh
	n := len(sh.segs)
	opts = make([][]choice, n)
	g.keys = make([][]string, n)
	g.metas = make([][]*meta, n)
	total = 1
	for i := range sh.segs {
		g.keys[i] = sh.segs[i].keys(sh.budget)
		g.metas[i] = sh.segs[i].metas(g.modIdx[i])
		for _, k := range g.keys[i] {
			for _, m := range g.metas[i] {
				opts[i] = append(opts[i], choice{k, m})
			}
		}
		if total <= shapeBudget {
			total *= len(opts[i])
		}
	}
	return opts, total
}

// emit adds the resource of the choices cs, when it is new, well-formed,
// and there is room for it; formatting and checking it spend the budget.
func (g *resourceGen) emit(cs []choice) {
	sh := g.sh
	if sh.budget.Exhausted() {
		return
	}
	s := sh.format(cs)
	sh.budget.charge(int64(emitCost + len(s)))
	if g.seen[s] || len(g.out) >= g.max {
		return
	}
	g.seen[s] = true
	if _, err := resource.ParseConcrete(s); err == nil {
		g.out = append(g.out, s)
	}
}

// everyCombination emits every combination of the choices of the slots,
// the last slot varying fastest.
func (g *resourceGen) everyCombination(opts [][]choice) {
	n := len(g.sh.segs)
	cs := make([]choice, n)
	idx := make([]int, n)
	for {
		for i := range cs {
			cs[i] = opts[i][idx[i]]
		}
		g.emit(cs)
		i := n - 1
		for ; i >= 0; i-- {
			idx[i]++
			if idx[i] < len(opts[i]) {
				break
			}
			idx[i] = 0
		}
		if i < 0 || len(g.out) >= g.max {
			return
		}
	}
}

// matched is what the keys of a slot are to one name test: the keys it
// matches, the first key it does not match, if any, and the key of those
// it matches that the fewest names of the slot match.
type matched struct {
	keys   []string
	miss   []string
	fewest string
}

// sample emits, for a shape with too many combinations, for each
// specifier, two instances of its own, one with the keys listed first and
// one with the keys that the fewest names match (so that "proj/*:env/*"
// meets "proj/other-proj:env/other-env" even when "proj/a:env/*" and
// "proj/*:env/x" hold every other pair), and each of them with one segment
// varied through the keys the specifier matches there, one key it does not
// match, and every metadata. It reports false when the budget ran out.
func (g *resourceGen) sample() bool {
	sh := g.sh
	n := len(sh.segs)
	// For each slot, the tests without repeats, and the keys a name
	// matches and the one of them the fewest names match, by name: many
	// specifiers share a name, and finding these costs keys times names.
	distinct := make([][]test, n)
	memo := make([]map[string]matched, n)
	for i := range sh.segs {
		distinct[i] = distinctTests(sh.segs[i].names)
		memo[i] = map[string]matched{}
	}
	cs := make([]choice, n)
	for s := range sh.specs {
		if sh.budget.Exhausted() {
			return false
		}
		var hit, miss [][]string
		base1 := make([]choice, n)
		base2 := make([]choice, n)
		for i := range sh.segs {
			mm, ok := g.matched(s, i, distinct[i], memo[i])
			if !ok {
				return false
			}
			hit, miss = append(hit, mm.keys), append(miss, mm.miss)
			m := g.metaOf(s, i)
			base1[i] = choice{mm.keys[0], m}
			base2[i] = choice{mm.fewest, m}
		}
		for _, base := range [][]choice{base1, base2} {
			g.vary(base, hit, miss, cs)
		}
		if len(g.out) >= g.max {
			break
		}
	}
	return true
}

// matched returns what the keys of slot i are to the name test of
// specifier s there, from memo when another specifier has the same name
// test. distinct are the name tests of the slot without repeats. It
// reports false when the budget ran out.
func (g *resourceGen) matched(s, i int, distinct []test, memo map[string]matched) (matched, bool) {
	sl := &g.sh.segs[i]
	j := g.nameIdx[s][i]
	id := "bare"
	if j >= 0 {
		id = sl.names[j].id()
	}
	if mm, ok := memo[id]; ok {
		return mm, true
	}
	var mm matched
	for _, k := range g.keys[i] {
		if g.sh.budget.Exhausted() {
			return mm, false
		}
		if j < 0 || sl.names[j].holds(k) {
			mm.keys = append(mm.keys, k)
		} else if len(mm.miss) == 0 {
			mm.miss = append(mm.miss, k)
		}
	}
	if len(mm.keys) == 0 {
		mm.keys = g.keys[i][:1:1] // a role attribute bound to no key; appending copies
	}
	mm.fewest = fewest(distinct, mm.keys)
	memo[id] = mm
	return mm, true
}

// metaOf returns the first metadata tried at slot i for which every
// modifier of specifier s there holds, or the first of them.
func (g *resourceGen) metaOf(s, i int) *meta {
	sl := &g.sh.segs[i]
	for _, c := range g.metas[i] {
		if allHold(sl.mods, g.modIdx[i][s], c) {
			return c
		}
	}
	return g.metas[i][0]
}

// vary emits base, then base with one slot varied at a time: through the
// keys hit and miss list for it, and through its metadata. cs is scratch
// space.
func (g *resourceGen) vary(base []choice, hit, miss [][]string, cs []choice) {
	g.emit(base)
	for i := range g.sh.segs {
		for _, keys := range [2][]string{hit[i], miss[i]} {
			for _, k := range keys {
				copy(cs, base)
				cs[i].key = k
				g.emit(cs)
			}
		}
		for _, m := range g.metas[i] {
			copy(cs, base)
			cs[i].meta = m
			g.emit(cs)
		}
	}
}

// fewest returns the first of keys that the fewest of tests match.
func fewest(tests []test, keys []string) string {
	best, bestN := keys[0], -1
	for _, k := range keys {
		n := 0
		for _, t := range tests {
			if t.b.Exhausted() {
				return best
			}
			if t.holds(k) {
				n++
			}
		}
		if bestN < 0 || n < bestN {
			best, bestN = k, n
		}
	}
	return best
}

func allHold(tests []test, idx []int, m *meta) bool {
	for _, i := range idx {
		if !tests[i].holdsFor(m) {
			return false
		}
	}
	return true
}

// format writes a concrete resource of the shape.
func (sh *shape) format(cs []choice) string {
	var b strings.Builder
	for i, c := range cs {
		if i > 0 {
			b.WriteByte(':')
		}
		b.WriteString(sh.segs[i].typ)
		if !sh.segs[i].bare {
			b.WriteByte('/')
			b.WriteString(c.key)
		}
		if c.meta != nil {
			b.WriteByte(';')
			b.WriteString(c.meta.String())
		}
	}
	return b.String()
}

// id identifies a name test by what it matches: its pattern, or the keys
// bound to its role attribute.
func (t test) id() string {
	if t.attr {
		return "a" + strings.Join(t.values, ",")
	}
	return "p" + t.pattern()
}

// distinctTests returns tests without repeats: the same pattern, or the
// same role attribute, named by several specifiers is tested once.
func distinctTests(tests []test) []test {
	seen := map[string]bool{}
	var out []test
	for _, t := range tests {
		k := t.id()
		if !seen[k] {
			seen[k] = true
			out = append(out, t)
		}
	}
	return out
}

func (t test) pattern() string {
	if t.pat == nil {
		return ""
	}
	return t.pat.String()
}
