package probe

import (
	"strings"
	"unicode/utf8"

	"github.com/ldpolicy/ldpolicy/match"
	"github.com/ldpolicy/ldpolicy/policy"
)

// DefaultBudget is the work, in steps, that an analysis of policies from
// untrusted input may do: about a quarter of a second. A step is about one
// operation on a 64-bit word (see match.Pattern.Cost); matching a short
// pattern against a short name is some 20 of them, deciding an access a
// hundred or so. Every policy of the repository's tests and examples is
// analysed within a hundredth of it; a resource specifier made of
// thousands of brace groups with stars, which costs up to millions of
// steps a match, exhausts it.
const DefaultBudget = 100_000_000

// matchOverhead is the steps of calling a matcher, whatever it does.
const matchOverhead = 16

// emitCost is the steps of formatting a generated resource, parsing it
// to check it, and keeping it, besides a step a byte.
const emitCost = 256

// decideOverhead is the steps of deciding one access under one statement
// besides matching its patterns, and segmentOverhead those of each segment
// and modifier of a specifier: looking them up and comparing their types.
const (
	decideOverhead  = 16
	segmentOverhead = 4
)

// A Budget bounds the work of an analysis: [Accesses] and the comparisons
// built on its accesses spend it, and stop once it is exhausted, so that
// no policy, however it is written, decides how long they take. Spend it
// from one goroutine at a time. A nil *Budget has no limit.
type Budget struct {
	limit, used int64
	exhausted   bool
}

// NewBudget returns a budget of the given steps.
func NewBudget(steps int64) *Budget { return &Budget{limit: steps} }

// Spend spends steps on work about to be done and reports whether the
// budget holds them; when it does not, it spends nothing, and the budget
// is exhausted for good: the work must not be done.
func (b *Budget) Spend(steps int64) bool {
	if b == nil {
		return true
	}
	if b.exhausted || b.used+steps > b.limit {
		b.exhausted = true
		return false
	}
	b.used += steps
	return true
}

// charge spends steps on work already done, and exhausts the budget if
// they were more than it held.
func (b *Budget) charge(steps int64) {
	if b == nil {
		return
	}
	b.used += steps
	if b.used > b.limit {
		b.exhausted = true
	}
}

// Exhausted reports whether the budget ran out.
func (b *Budget) Exhausted() bool { return b != nil && b.exhausted }

// Used returns the steps spent: at most the budget, and the work done
// before a spending was found to exceed it (a few thousand steps).
func (b *Budget) Used() int64 { return b.used }

// Limit returns the steps the budget holds.
func (b *Budget) Limit() int64 { return b.limit }

// match spends the steps of matching p against s and, when the budget
// holds them, matches. An exhausted budget matches nothing.
func (b *Budget) match(p *match.Pattern, s string) bool {
	if !b.Spend(matchOverhead + int64(p.Cost(len(s)))) {
		return false
	}
	return p.Match(s)
}

// Cost is the work of deciding an access under some statements, or of
// matching it against some specifiers and action patterns: an upper bound,
// in the steps of [Budget], that grows with the bytes of the access.
type Cost struct {
	fixed, perByte int64
}

// Of returns the steps of an access of n bytes, its action and resource
// together.
func (c Cost) Of(n int) int64 { return c.fixed + c.perByte*int64(n) }

// Plus returns the cost of doing both.
func (c Cost) Plus(d Cost) Cost { return Cost{c.fixed + d.fixed, c.perByte + d.perByte} }

// StatementCost returns the cost of deciding an access under st: matching
// each of its names, modifiers and action patterns against the access.
func StatementCost(st policy.Statement) Cost {
	c := Cost{fixed: decideOverhead}
	for _, l := range [][]string{st.Resources, st.NotResources} {
		for _, s := range l {
			c = c.Plus(SpecifierCost(s))
		}
	}
	for _, l := range [][]string{st.Actions, st.NotActions} {
		for _, s := range l {
			c = c.Plus(ActionCost(s))
		}
	}
	return c
}

// SpecifierCost returns the cost of matching a resource against the
// specifier s, estimated from its text as [ActionCost] does, the whole
// specifier taken as one pattern, with a match for each segment and
// modifier.
func SpecifierCost(s string) Cost {
	c := textCost(s)
	c.fixed += segmentOverhead * int64(strings.Count(s, ":")+strings.Count(s, ";")+strings.Count(s, ","))
	return c
}

// ActionCost returns the cost of matching an action against the action
// pattern s.
//
// It is estimated from the text, an upper bound of match.Pattern.Cost
// without compiling the pattern, which for a long pattern of brace groups
// costs more than matching it a few times: the states of the automaton
// are at most the bytes of the pattern, its pseudo states at most its
// braces and commas, and reading a character costs a few passes over the
// states and a closure of each pseudo state.
func ActionCost(s string) Cost {
	return textCost(s)
}

// compileCost estimates the steps of parsing and compiling a specifier or
// action pattern, which the generator does once more: a glob's automaton
// has a table of 128 characters and a closure of up to a state set for
// each state, each set a word per 64 states, and its syntax is checked by
// gobwas/glob.
func compileCost(s string) int64 {
	if !strings.ContainsAny(s, "?[]{}\\") {
		return int64(256 + len(s))
	}
	return 16384 + int64(len(s))*int64(len(s)/64+1)*128
}

func textCost(s string) Cost {
	if !strings.ContainsAny(s, "?[]{}\\") {
		// Literals and stars: a comparison of words, or a search for each
		// literal between the stars.
		return Cost{fixed: segmentOverhead, perByte: int64(strings.Count(s, "*")+1) / 8}
	}
	nw := int64(len(s)/64 + 1)
	pseudo := int64(strings.Count(s, "{") + strings.Count(s, ",") + strings.Count(s, "}"))
	others := int64(strings.Count(s, "["))
	for _, r := range s {
		if r >= utf8.RuneSelf {
			others++
		}
	}
	if nw == 1 {
		return Cost{fixed: matchOverhead + 1, perByte: 4 + pseudo + others}
	}
	return Cost{fixed: matchOverhead + nw, perByte: (5 + pseudo + others) * nw}
}
