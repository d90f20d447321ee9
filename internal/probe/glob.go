package probe

import (
	"strings"
	"unicode/utf8"
)

// A node is one element of a glob pattern, as github.com/gobwas/glob reads
// it: a literal character, '*', '?', a class "[...]" or alternatives
// "{a,b}".
type node struct {
	kind   nodeKind
	lit    rune
	ranges [][2]rune // a class: its characters and ranges
	neg    bool      // a class written "[!...]"
	alts   [][]node  // alternatives
}

type nodeKind uint8

const (
	litNode nodeKind = iota
	starNode
	anyNode
	classNode
	altNode
)

// parseGlob reads a pattern into nodes. It is lenient: the patterns it sees
// have been checked by match.Compile already, and anything it cannot read
// is taken literally (an instance that does not match is dropped later).
func parseGlob(p string) []node {
	nodes, _ := parseSeq(p, 0, false)
	return nodes
}

// parseSeq reads nodes from p[i:] up to the end or, inside braces, up to
// the ',' or '}' that ends the alternative, and returns where it stopped.
func parseSeq(p string, i int, inAlt bool) ([]node, int) {
	var nodes []node
	for i < len(p) {
		c := p[i]
		switch {
		case inAlt && (c == ',' || c == '}'):
			return nodes, i
		case c == '*':
			if len(nodes) == 0 || nodes[len(nodes)-1].kind != starNode {
				nodes = append(nodes, node{kind: starNode})
			}
			i++
		case c == '?':
			nodes = append(nodes, node{kind: anyNode})
			i++
		case c == '\\' && i+1 < len(p):
			r, w := utf8.DecodeRuneInString(p[i+1:])
			nodes = append(nodes, node{kind: litNode, lit: r})
			i += 1 + w
		case c == '[':
			n, end, ok := parseClass(p, i)
			if !ok {
				nodes = append(nodes, node{kind: litNode, lit: '['})
				i++
				continue
			}
			nodes = append(nodes, n)
			i = end
		case c == '{':
			n := node{kind: altNode}
			j := i + 1
			for {
				alt, end := parseSeq(p, j, true)
				n.alts = append(n.alts, alt)
				if end >= len(p) {
					j = end
					break
				}
				j = end + 1
				if p[end] == '}' {
					break
				}
			}
			nodes = append(nodes, n)
			i = j
		default:
			r, w := utf8.DecodeRuneInString(p[i:])
			nodes = append(nodes, node{kind: litNode, lit: r})
			i += w
		}
	}
	return nodes, i
}

// parseClass reads the class that starts at p[i] == '['.
func parseClass(p string, i int) (node, int, bool) {
	n := node{kind: classNode}
	j := i + 1
	if j < len(p) && p[j] == '!' {
		n.neg = true
		j++
	}
	for j < len(p) && p[j] != ']' {
		lo, w := utf8.DecodeRuneInString(p[j:])
		j += w
		hi := lo
		if j+1 < len(p) && p[j] == '-' && p[j+1] != ']' {
			r, w := utf8.DecodeRuneInString(p[j+1:])
			hi = r
			j += 1 + w
		}
		n.ranges = append(n.ranges, [2]rune{lo, hi})
	}
	if j >= len(p) {
		return node{}, 0, false
	}
	return n, j + 1, true
}

// keyRunes are the characters tried for '?' and classes, in order of
// preference: ones that keys and tags may hold.
const keyRunes = "x0aZ9_-."

// expand returns up to max strings that nodes match, with every '*'
// replaced by fill. Alternatives multiply; '?' and classes take one
// character each, preferring characters that keys may hold. It spends the
// bytes it writes on b, and returns nothing once b is exhausted.
func expand(b *Budget, nodes []node, fill string, max int) []string {
	out := expandBytes(b, nodes, fill, max)
	strs := make([]string, len(out))
	for i, s := range out {
		strs[i] = string(s)
	}
	return strs
}

// expandBytes is expand building each string in place, in time linear in
// its length.
func expandBytes(b *Budget, nodes []node, fill string, max int) [][]byte {
	out := [][]byte{{}}
	var one [utf8.UTFMax]byte
	for _, n := range nodes {
		if b.Exhausted() {
			return nil
		}
		var choices [][]byte
		switch n.kind {
		case litNode:
			choices = [][]byte{utf8.AppendRune(one[:0], n.lit)}
		case starNode:
			choices = [][]byte{[]byte(fill)}
		case anyNode:
			choices = [][]byte{{'x'}}
		case classNode:
			if r, ok := classRune(n); ok {
				choices = [][]byte{utf8.AppendRune(one[:0], r)}
			}
		case altNode:
			for _, alt := range n.alts {
				choices = append(choices, expandBytes(b, alt, fill, max)...)
			}
		}
		if len(choices) == 0 {
			return nil
		}
		// What the strings grow by, spent before they grow.
		written, count := 0, 0
		for _, prefix := range out {
			for _, c := range choices {
				if count == max {
					break
				}
				count++
				written += len(c)
				if len(choices) > 1 {
					written += len(prefix) // copied
				}
			}
		}
		if !b.Spend(int64(1 + written/8)) {
			return nil
		}
		if len(choices) == 1 {
			for i := range out {
				out[i] = append(out[i], choices[0]...)
			}
			continue
		}
		next := make([][]byte, 0, count)
		for _, prefix := range out {
			for _, c := range choices {
				if len(next) == max {
					break
				}
				// A copy of its own: the strings grow apart.
				next = append(next, append(prefix[:len(prefix):len(prefix)], c...))
			}
		}
		out = next
	}
	return out
}

// classRune returns a character that the class matches.
func classRune(n node) (rune, bool) {
	in := func(r rune) bool {
		for _, rg := range n.ranges {
			if rg[0] <= r && r <= rg[1] {
				return true
			}
		}
		return false
	}
	if !n.neg {
		for _, r := range keyRunes {
			if in(r) {
				return r, true
			}
		}
		if len(n.ranges) > 0 {
			return n.ranges[0][0], true
		}
		return 0, false
	}
	for _, r := range keyRunes {
		if !in(r) {
			return r, true
		}
	}
	return 0, false
}

// literal reports whether nodes are all literal characters, and the text
// they spell.
func literal(nodes []node) (string, bool) {
	var b strings.Builder
	for _, n := range nodes {
		if n.kind != litNode {
			return "", false
		}
		b.WriteRune(n.lit)
	}
	return b.String(), true
}

// misses returns strings that nodes almost match: each class in turn
// replaced by a character it does not match (for "[!a]*", "a"), with '*'
// replaced by fill. They are candidates for the keys that a pattern
// leaves out, beside the fresh key, which a negated class would match.
func misses(b *Budget, nodes []node, fill string) []string {
	var out []string
	for i, n := range nodes {
		if n.kind != classNode {
			continue
		}
		if !b.Spend(int64(len(nodes))) {
			return out
		}
		r, ok := classRune(node{kind: classNode, ranges: n.ranges, neg: !n.neg})
		if !ok {
			continue
		}
		alt := append([]node{}, nodes...)
		alt[i] = node{kind: litNode, lit: r}
		out = append(out, expand(b, alt, fill, maxInstances)...)
	}
	return out
}
