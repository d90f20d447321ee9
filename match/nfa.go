package match

import (
	"math/bits"
	"slices"
	"unicode/utf8"
)

// An nfa matches a glob pattern in one left-to-right pass over the name,
// simulating the pattern's automaton with a bit set of states (a Thompson
// simulation): the time is linear in the name for a fixed pattern, and
// braces, '?' and classes cost no backtracking.
//
// Each element of the pattern is one bit, laid out in pattern order:
//
//   - a literal character, '?' or a class consumes one character;
//   - a run of stars consumes any character and stays where it is;
//   - a brace group {A,B} is laid out as [enter] A [exit] B [exit]: enter
//     and exit are states that consume nothing (pseudo states), from which
//     the alternatives start and to which they return;
//   - one last bit, accept, follows the whole pattern.
//
// A set bit means the element is ready to consume the next character.
// Reading a character keeps the ready elements that match it, moves each to
// the next bit (a shift), keeps the stars, and closes the result over the
// moves that consume nothing: past a star, which may match the empty run,
// and from the pseudo states, whose closures are computed at compile time.
// All those moves go forward in the layout, which makes the closures finite
// and each step a fixed amount of work per 64 states.
type nfa struct {
	nw     int      // words in a state set
	accept int      // the bit after the whole pattern
	start  []uint64 // the ready states before the first character
	stars  []uint64 // the star states
	pseudo []uint64 // the enter and exit states
	// ascii holds, for each ASCII character c, the states that consume it,
	// at ascii[c*nw:(c+1)*nw]: stars, '?', literals and classes.
	ascii []uint64
	// wild holds the states that consume any character: stars and '?'.
	wild []uint64
	// others are the literals beyond ASCII and the classes, with the
	// states of each; they decide the other characters.
	others []nfaTest
	// cl holds the closure of each pseudo state p, the states ready once
	// p is, as the words from p/64 on: clOff[p] is where they start in
	// clWords and clLen[p] how many there are. skipWords, at the same
	// offsets, are the pseudo states whose closures p's covers: those in
	// it and, for the exit of an alternative, the other exits of its group,
	// which lead to the same states.
	clWords   []uint64
	skipWords []uint64
	clOff     []int32
	clLen     []int32
	// perByte bounds the word operations of reading one character: see
	// Pattern.Cost.
	perByte int
}

// nfaTest is a literal character beyond ASCII or a class, and the states
// that hold it.
type nfaTest struct {
	lit    rune // when cls is nil
	cls    *class
	states []uint64
}

// class is a character class: [lo-hi] or a set, possibly negated.
type class struct {
	not    bool
	lo, hi rune   // a range when set is nil
	set    []rune // a set
}

func (c *class) match(r rune) bool {
	var in bool
	if c.set == nil {
		in = c.lo <= r && r <= c.hi
	} else {
		in = slices.Contains(c.set, r)
	}
	return in != c.not
}

// nfaMaxWords bounds the state sets Match keeps on its stack: 65 words hold
// the states of every pattern up to 4096 bytes, each byte making at most one
// state, and the accept state. Longer patterns with more states stay with
// gobwas/glob.
const nfaMaxWords = 65

// element kinds of a parsed pattern.
const (
	kLit = iota
	kAny
	kStar
	kClass
	kEnter
	kExit
)

type element struct {
	kind   uint8
	r      rune   // kLit
	cls    *class // kClass
	firsts []int  // kEnter: the first state of each alternative
	after  int    // kExit: the state after the group
	exits  []int  // kExit: the exits of the group
}

// nfaParser reads a pattern that gobwas/glob compiled, so it is valid, the
// way the gobwas/glob lexer reads it.
type nfaParser struct {
	src   string
	i     int
	elems []element
}

// seq parses a sequence up to the end of the pattern or, inside braces
// (depth > 0), up to the ',' or '}' that ends an alternative.
func (p *nfaParser) seq(depth int) {
	start := len(p.elems)
	for p.i < len(p.src) {
		c := p.src[p.i]
		switch {
		case c == '{':
			p.i++
			enter := len(p.elems)
			p.elems = append(p.elems, element{kind: kEnter})
			var firsts, exits []int
			for {
				firsts = append(firsts, len(p.elems))
				p.seq(depth + 1)
				exits = append(exits, len(p.elems))
				p.elems = append(p.elems, element{kind: kExit})
				end := p.src[p.i]
				p.i++
				if end == '}' {
					break
				}
			}
			for _, x := range exits {
				p.elems[x].after = len(p.elems)
				p.elems[x].exits = exits
			}
			p.elems[enter].firsts = firsts
		case depth > 0 && (c == ',' || c == '}'):
			return
		case c == '*':
			for p.i < len(p.src) && p.src[p.i] == '*' {
				p.i++
			}
			// Adjacent stars within a sequence are one star.
			if n := len(p.elems); n == start || p.elems[n-1].kind != kStar {
				p.elems = append(p.elems, element{kind: kStar})
			}
		case c == '?':
			p.i++
			p.elems = append(p.elems, element{kind: kAny})
		case c == '[':
			p.i++
			p.elems = append(p.elems, element{kind: kClass, cls: p.class()})
		default:
			if c == '\\' {
				p.i++
			}
			r, n := utf8.DecodeRuneInString(p.src[p.i:])
			p.i += n
			p.elems = append(p.elems, element{kind: kLit, r: r})
		}
	}
}

// class parses a class after its '[': an optional '!', then either lo '-'
// hi ']' (no escapes, hi may be ']'), or characters up to the first
// unescaped ']'.
func (p *nfaParser) class() *class {
	c := &class{}
	if p.src[p.i] == '!' {
		c.not = true
		p.i++
	}
	r, n := utf8.DecodeRuneInString(p.src[p.i:])
	if p.i+n < len(p.src) && p.src[p.i+n] == '-' {
		c.lo = r
		p.i += n + 1
		c.hi, n = utf8.DecodeRuneInString(p.src[p.i:])
		p.i += n + 1 // hi and ']'
		return c
	}
	c.set = []rune{}
	for p.src[p.i] != ']' {
		if p.src[p.i] == '\\' {
			p.i++
		}
		r, n := utf8.DecodeRuneInString(p.src[p.i:])
		p.i += n
		c.set = append(c.set, r)
	}
	p.i++
	return c
}

// compileNFA compiles a pattern gobwas/glob accepts. It returns nil when the
// pattern has too many states for Match's stack.
func compileNFA(pattern string) *nfa {
	ps := &nfaParser{src: pattern}
	ps.seq(0)
	elems := ps.elems
	n := len(elems) + 1 // and accept
	nw := (n + 63) / 64
	if nw > nfaMaxWords {
		return nil
	}
	a := &nfa{
		nw:     nw,
		accept: len(elems),
		stars:  make([]uint64, nw),
		pseudo: make([]uint64, nw),
		ascii:  make([]uint64, 128*nw),
		wild:   make([]uint64, nw),
	}
	set := func(s []uint64, b int) { s[b/64] |= 1 << (b % 64) }
	tests := map[any]int{} // a rune or a class's text: index in others
	test := func(key any, t nfaTest, b int) {
		k, ok := tests[key]
		if !ok {
			k = len(a.others)
			tests[key] = k
			t.states = make([]uint64, nw)
			a.others = append(a.others, t)
		}
		set(a.others[k].states, b)
	}
	for b, e := range elems {
		switch e.kind {
		case kLit:
			if e.r < utf8.RuneSelf {
				set(a.ascii[int(e.r)*nw:], b)
			} else {
				test(e.r, nfaTest{lit: e.r}, b)
			}
		case kAny, kStar:
			if e.kind == kStar {
				set(a.stars, b)
			}
			set(a.wild, b)
			for c := 0; c < utf8.RuneSelf; c++ {
				set(a.ascii[c*nw:], b)
			}
		case kClass:
			for c := rune(0); c < utf8.RuneSelf; c++ {
				if e.cls.match(c) {
					set(a.ascii[int(c)*nw:], b)
				}
			}
			test(*e.cls.key(), nfaTest{cls: e.cls}, b)
		case kEnter, kExit:
			set(a.pseudo, b)
		}
	}

	// The closures, from the last state back, since every move that
	// consumes nothing goes forward. Only the stars and the pseudo states
	// have more than themselves in theirs; they are kept while computing.
	closures := make([][]uint64, len(elems))
	closure := func(b int, dst []uint64) {
		if b < len(elems) && closures[b] != nil {
			c := closures[b]
			for w := b / 64; w < nw; w++ {
				dst[w] |= c[w]
			}
			return
		}
		set(dst, b)
	}
	for b := len(elems) - 1; b >= 0; b-- {
		e := elems[b]
		var c []uint64
		switch e.kind {
		case kStar:
			c = make([]uint64, nw)
			set(c, b)
			closure(b+1, c)
		case kEnter:
			c = make([]uint64, nw)
			set(c, b)
			for _, f := range e.firsts {
				closure(f, c)
			}
		case kExit:
			c = make([]uint64, nw)
			set(c, b)
			closure(e.after, c)
		default:
			continue
		}
		closures[b] = c
	}
	a.start = make([]uint64, nw)
	closure(0, a.start)
	seen := make([]int, len(elems))
	a.clOff = make([]int32, n)
	a.clLen = make([]int32, n)
	for b, e := range elems {
		if e.kind != kEnter && e.kind != kExit {
			continue
		}
		c := closures[b]
		lo, hi := b/64, nw
		for hi > lo && c[hi-1] == 0 {
			hi--
		}
		a.clOff[b] = int32(len(a.clWords))
		a.clLen[b] = int32(hi - lo)
		a.clWords = append(a.clWords, c[lo:hi]...)
		// An exit in the closure brings the other exits of its group
		// within it too: they all lead to the same states.
		skip := slices.Clone(c[lo:hi])
		for q := range setBits(c, b) {
			// A group is known by its first exit; seen stamps it with b+1.
			if q == len(elems) || elems[q].kind != kExit || seen[elems[q].exits[0]] == b+1 {
				continue
			}
			seen[elems[q].exits[0]] = b + 1
			for _, x := range elems[q].exits {
				if x > b {
					set(skip, x-lo*64)
				}
			}
		}
		for w := range skip {
			skip[w] &= a.pseudo[lo+w]
		}
		a.skipWords = append(a.skipWords, skip...)
	}
	// Reading a character costs a few passes over the state set, one
	// closure for each pseudo state at most (a closure merged covers the
	// pseudo states it skips), and, beyond ASCII, a test of each literal
	// and class.
	if nw == 1 {
		a.perByte = 4 + bits.OnesCount64(a.pseudo[0]) + len(a.others)
	} else {
		a.perByte = 5*nw + len(a.others)*nw
		for b := range elems {
			a.perByte += int(a.clLen[b])
		}
	}
	return a
}

// setBits yields the bits set in s from b on.
func setBits(s []uint64, b int) func(func(int) bool) {
	return func(yield func(int) bool) {
		for w := b / 64; w < len(s); w++ {
			v := s[w]
			if w == b/64 {
				v &^= 1<<(b%64) - 1
			}
			for ; v != 0; v &= v - 1 {
				if !yield(w*64 + bits.TrailingZeros64(v)) {
					return
				}
			}
		}
	}
}

// classKey identifies a class by its meaning, so that equal classes are
// tested once per character.
type classKey struct {
	not    bool
	lo, hi rune
	set    string
}

func (c *class) key() *classKey {
	k := &classKey{not: c.not, lo: c.lo, hi: c.hi}
	if c.set != nil {
		k.set = "[" + string(c.set)
	}
	return k
}

// match reports whether the whole of s matches. The state sets live on the
// stack: one word for the patterns of up to 63 states, the most common,
// nfaMaxWords otherwise.
func (a *nfa) match(s string) bool {
	if a.nw == 1 {
		return a.match1(s)
	}
	var buf [4 * nfaMaxWords]uint64
	const m = nfaMaxWords
	nw := a.nw
	return a.matchN(s, buf[:nw], buf[m:m+nw], buf[2*m:2*m+nw], buf[3*m:3*m+nw])
}

// next decodes the character of s at i, as gobwas/glob does: an invalid
// byte is a character of its own, which classes read as U+FFFD but which
// is no literal U+FFFD.
func next(s string, i int) (r rune, n int, valid bool) {
	r, n = utf8.DecodeRuneInString(s[i:])
	return r, n, n > 1 || r != utf8.RuneError
}

// others1 returns the states that consume r, a character beyond ASCII, when
// the sets are one word.
func (a *nfa) others1(r rune, valid bool) uint64 {
	m := a.wild[0]
	for k := range a.others {
		t := &a.others[k]
		if t.cls != nil && t.cls.match(r) || t.cls == nil && valid && t.lit == r {
			m |= t.states[0]
		}
	}
	return m
}

func (a *nfa) match1(s string) bool {
	cur, stars, pseudo := a.start[0], a.stars[0], a.pseudo[0]
	for i := 0; i < len(s); {
		var m uint64
		if c := s[i]; c < utf8.RuneSelf {
			m = cur & a.ascii[c]
			i++
		} else {
			r, n, valid := next(s, i)
			m = cur & a.others1(r, valid)
			i += n
		}
		x := m<<1 | m&stars
		x |= (x & stars) << 1
		// The skip words hold b itself.
		for p := x & pseudo; p != 0; {
			b := bits.TrailingZeros64(p)
			x |= a.clWords[a.clOff[b]]
			p &^= a.skipWords[a.clOff[b]]
		}
		if x == 0 {
			return false
		}
		cur = x
	}
	return cur>>a.accept&1 != 0
}

// matchN is match for state sets of several words, with cur, x, m and
// done of a.nw words each as scratch.
func (a *nfa) matchN(s string, cur, x, m, done []uint64) bool {
	nw := a.nw
	copy(cur, a.start)
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			t := a.ascii[int(c)*nw : int(c+1)*nw]
			for w := range m {
				m[w] = cur[w] & t[w]
			}
			i++
		} else {
			r, n, valid := next(s, i)
			copy(m, a.wild)
			for k := range a.others {
				t := &a.others[k]
				if t.cls != nil && t.cls.match(r) || t.cls == nil && valid && t.lit == r {
					for w := range m {
						m[w] |= t.states[w]
					}
				}
			}
			for w := range m {
				m[w] &= cur[w]
			}
			i += n
		}
		// x = m<<1 | m&stars, then past the stars reached.
		var carry, scarry uint64
		for w := range x {
			y := m[w]<<1 | carry | m[w]&a.stars[w]
			carry = m[w] >> 63
			z := y & a.stars[w]
			x[w] = y | z<<1 | scarry
			scarry = z >> 63
		}
		clear(done)
		any := uint64(0)
		for w := range x {
			for p := x[w] & a.pseudo[w] &^ done[w]; p != 0; {
				b := w*64 + bits.TrailingZeros64(p)
				off, n := a.clOff[b], a.clLen[b]
				c, skip := a.clWords[off:off+n], a.skipWords[off:off+n]
				for j, v := range c {
					x[w+j] |= v
				}
				p &^= skip[0]
				for j := 1; j < len(skip); j++ {
					done[w+j] |= skip[j]
				}
			}
			any |= x[w]
		}
		if any == 0 {
			return false
		}
		cur, x = x, cur
	}
	return cur[a.accept/64]>>(a.accept%64)&1 != 0
}
