// Package match compiles the glob patterns of policy statements (resource
// names, tags, views and actions) and matches them against one name at a
// time, without allocating.
//
// A pattern is compiled once into the cheapest shape that matches it
// exactly: a string comparison, a prefix or suffix test, a linear scan for
// patterns made only of literals and '*', and, for the other glob
// metacharacters ('?', classes, braces, escapes), a simulation of the
// pattern's automaton over a bit set of its states. Both of the last two
// take time linear in the name for a fixed pattern, where backtracking
// would not; the simulation costs a few operations per character and per
// 64 states (a pattern of up to 63 characters fits in one word), plus at
// most one per brace group an alternative of which ends at that character.
// gobwas/glob checks the syntax of the patterns and defines what they mean;
// it matches only the patterns too long for the simulation's state sets
// (several thousand states, beyond the 4096-byte names and patterns
// policies hold). The shape chosen is visible through [Pattern.Shape].
//
// A pattern is matched against one whole name, tag or action at a time, so
// a wildcard never reaches into another segment or modifier of a resource.
// Within that name a wildcard matches any run of characters, the empty run
// included. Matching is case-sensitive.
package match

import (
	"errors"
	"fmt"
	"strings"

	"github.com/gobwas/glob"
)

// Shape is the form a pattern was compiled into.
type Shape uint8

const (
	Exact  Shape = iota // no wildcard: "production"
	Prefix              // a literal then '*': "prod*"
	Suffix              // '*' then a literal: "*-prod"
	Any                 // only '*': "*"
	Stars               // literals and '*' in any other arrangement: "a*b", "*prod*"
	Glob                // '?', '[...]', '{...}' or '\': matched by an automaton
)

var shapeNames = [...]string{
	Exact:  "exact",
	Prefix: "prefix",
	Suffix: "suffix",
	Any:    "any",
	Stars:  "stars",
	Glob:   "glob",
}

func (s Shape) String() string {
	if int(s) < len(shapeNames) {
		return shapeNames[s]
	}
	return fmt.Sprintf("Shape(%d)", s)
}

// A SyntaxError reports a malformed glob pattern.
type SyntaxError struct {
	Offset int    // byte offset of the problem in the pattern
	Msg    string // what was expected and what was found
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("match: syntax error at offset %d: %s", e.Offset, e.Msg)
}

// Pattern is a compiled glob pattern. A Pattern is immutable and safe for
// concurrent use by multiple goroutines.
type Pattern struct {
	src   string
	shape Shape
	// lit is the literal of an Exact, Prefix or Suffix pattern.
	lit string
	// parts are the literals between the stars of a Stars pattern:
	// parts[0] must start the name and parts[len(parts)-1] must end it
	// (either may be empty); the others, all non-empty, must appear in order
	// in between. "a*b*c" is ["a" "b" "c"], "*ab*" is ["" "ab" ""].
	parts []string
	// min is the shortest name a Stars pattern can match.
	min int
	// nfa matches a Glob pattern; g, which checked its syntax, matches
	// it only when it has too many states for the nfa.
	nfa *nfa
	g   *glob.Pattern
}

// Compile compiles a glob pattern:
//
//	syntax   matches
//	*        any run of characters, the empty run included
//	?        any one character
//	[abc]    one of the listed characters; [a-z] a range; [!abc] none of them
//	{a,b}    one of the comma-separated alternatives
//	\c       the character c itself
//	c        any other character: itself
//
// A malformed pattern is reported with a [*SyntaxError].
func Compile(pattern string) (*Pattern, error) {
	if pattern == "*" {
		return anyName, nil // the commonest pattern by far; Patterns are immutable
	}
	p := &Pattern{src: pattern}
	if strings.ContainsAny(pattern, `?[]{}\`) {
		g, err := glob.Compile(pattern)
		if err != nil {
			var se *glob.SyntaxError
			if errors.As(err, &se) {
				return nil, &SyntaxError{Offset: se.Offset, Msg: se.Reason}
			}
			return nil, &SyntaxError{Offset: 0, Msg: err.Error()}
		}
		p.shape, p.g = Glob, g
		p.nfa = compileNFA(pattern)
		return p, nil
	}
	// The shapes with one literal, without splitting.
	switch star := strings.IndexByte(pattern, '*'); {
	case star < 0:
		p.shape, p.lit = Exact, pattern
		return p, nil
	case star == len(pattern)-1:
		p.shape, p.lit = Prefix, pattern[:star]
		return p, nil
	case star == 0 && strings.IndexByte(pattern[1:], '*') < 0:
		p.shape, p.lit = Suffix, pattern[1:]
		return p, nil
	}
	parts := strings.Split(pattern, "*")
	switch {
	case len(parts) == 1:
		p.shape, p.lit = Exact, pattern
	case strings.Trim(pattern, "*") == "":
		p.shape = Any
	case len(parts) == 2 && parts[1] == "":
		p.shape, p.lit = Prefix, parts[0]
	case len(parts) == 2 && parts[0] == "":
		p.shape, p.lit = Suffix, parts[1]
	default:
		// Drop the empty literals that runs of stars leave in the middle:
		// "a**b" is "a*b".
		keep := []string{parts[0]}
		for _, s := range parts[1 : len(parts)-1] {
			if s != "" {
				keep = append(keep, s)
			}
		}
		keep = append(keep, parts[len(parts)-1])
		if len(keep) == 2 && keep[1] == "" {
			p.shape, p.lit = Prefix, keep[0] // "a**"
			break
		}
		if len(keep) == 2 && keep[0] == "" {
			p.shape, p.lit = Suffix, keep[1] // "**a"
			break
		}
		p.shape, p.parts = Stars, keep
		for _, s := range keep {
			p.min += len(s)
		}
	}
	return p, nil
}

// anyName is the compiled "*".
var anyName = &Pattern{src: "*", shape: Any}

// MustCompile is like [Compile] but panics if the pattern is malformed. It
// simplifies the initialisation of global variables holding patterns.
func MustCompile(pattern string) *Pattern {
	p, err := Compile(pattern)
	if err != nil {
		panic(err)
	}
	return p
}

// Match reports whether the whole of s matches the pattern.
func (p *Pattern) Match(s string) bool {
	switch p.shape {
	case Exact:
		return s == p.lit
	case Prefix:
		return strings.HasPrefix(s, p.lit)
	case Suffix:
		return strings.HasSuffix(s, p.lit)
	case Any:
		return true
	case Stars:
		return p.matchStars(s)
	}
	if p.nfa != nil {
		return p.nfa.match(s)
	}
	return p.g.Match(s)
}

// matchStars matches a pattern of literals separated by stars. Taking each
// middle literal at its leftmost occurrence is optimal: it leaves the longest
// possible rest for the literals after it, so one left-to-right pass decides,
// in time linear in len(s) for a fixed pattern.
func (p *Pattern) matchStars(s string) bool {
	if len(s) < p.min {
		return false
	}
	first, last := p.parts[0], p.parts[len(p.parts)-1]
	if !strings.HasPrefix(s, first) || !strings.HasSuffix(s, last) {
		return false
	}
	mid := s[len(first) : len(s)-len(last)]
	for _, lit := range p.parts[1 : len(p.parts)-1] {
		i := strings.Index(mid, lit)
		if i < 0 {
			return false
		}
		mid = mid[i+len(lit):]
	}
	return true
}

// Cost returns an upper bound on the work of matching a name of n bytes,
// in steps of about one operation on a 64-bit word. It is 1 for "*", about
// n/8 for the shapes that compare literals, and for a general glob the
// characters read times the size of the automaton's state set and of the
// closures of its brace groups: a few steps a byte for a short pattern,
// and up to hundreds of thousands for a 4096-byte pattern of brace groups
// with stars, such as "{*a,*b}" repeated. Callers that match untrusted
// patterns against many names can bound their work with it.
func (p *Pattern) Cost(n int) int {
	switch p.shape {
	case Any:
		return 1
	case Exact, Prefix, Suffix:
		return 1 + min(n, len(p.lit))/8
	case Stars:
		return 1 + n*len(p.parts)/8
	}
	if p.nfa != nil {
		return p.nfa.nw + n*p.nfa.perByte
	}
	return 1 + n*len(p.src) // gobwas/glob, beyond the automaton's states
}

// Shape reports the form the pattern was compiled into.
func (p *Pattern) Shape() Shape { return p.shape }

// String returns the source text of the pattern.
func (p *Pattern) String() string { return p.src }
