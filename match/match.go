// Package match compiles the glob patterns of policy statements (resource
// names, tags, views and actions) and matches them against one name at a
// time, without allocating.
//
// A pattern is compiled once into the cheapest shape that matches it
// exactly: a string comparison, a prefix or suffix test, a linear scan for
// patterns made only of literals and '*', and, for the other glob
// metacharacters alone, a github.com/gobwas/glob pattern. A glob with several
// stars and no braces is matched piece by piece between its stars, so that
// its time stays linear in the name where backtracking would not. The shape
// chosen is visible through [Pattern.Shape].
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
	"unicode/utf8"

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
	Glob                // '?', '[...]', '{...}' or '\': matched by gobwas/glob
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
	g   *glob.Pattern
	// pieces are the star-free parts of a Glob pattern whose parts
	// between stars each match a fixed number of characters, when it has
	// at least two stars (see matchPieces); nil otherwise.
	pieces []piece
}

// piece is a part of a Glob pattern between stars, without stars or
// braces: it matches names of exactly width characters.
type piece struct {
	g     *glob.Pattern
	width int
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
		p.pieces = splitPieces(pattern)
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
	if p.pieces != nil {
		return p.matchPieces(s)
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

// splitPieces splits a glob pattern at its stars into pieces that each
// match a fixed number of characters: literals, escapes, '?' and classes,
// but no braces, whose alternatives may differ in length. It returns nil
// when the pattern has braces or fewer than two runs of stars, or a piece
// that gobwas/glob does not compile.
func splitPieces(pattern string) []piece {
	var texts []string
	start := 0
	for i := 0; i < len(pattern); {
		switch pattern[i] {
		case '{', '}':
			return nil
		case '\\':
			i++
			if i == len(pattern) {
				return nil
			}
			_, n := utf8.DecodeRuneInString(pattern[i:])
			i += n
		case '[':
			if i = classEnd(pattern, i); i < 0 {
				return nil
			}
		case '*':
			texts = append(texts, pattern[start:i])
			for i < len(pattern) && pattern[i] == '*' {
				i++
			}
			start = i
		default:
			_, n := utf8.DecodeRuneInString(pattern[i:])
			i += n
		}
	}
	texts = append(texts, pattern[start:])
	if len(texts) < 3 {
		return nil
	}
	pieces := make([]piece, len(texts))
	for i, t := range texts {
		g, err := glob.Compile(t)
		if err != nil {
			return nil
		}
		pieces[i] = piece{g: g, width: width(t)}
	}
	return pieces
}

// classEnd returns the offset after the character class that starts at
// pattern[i], read as gobwas/glob reads it: an optional '!', then either
// exactly lo '-' hi (hi may be ']') or characters up to the first unescaped
// ']'. It returns -1 for an unclosed class.
func classEnd(pattern string, i int) int {
	j := i + 1
	if j < len(pattern) && pattern[j] == '!' {
		j++
	}
	if j == len(pattern) {
		return -1
	}
	_, n := utf8.DecodeRuneInString(pattern[j:])
	if j+n < len(pattern) && pattern[j+n] == '-' {
		k := j + n + 1
		if k == len(pattern) {
			return -1
		}
		_, m := utf8.DecodeRuneInString(pattern[k:])
		if k+m < len(pattern) && pattern[k+m] == ']' {
			return k + m + 1
		}
		return -1
	}
	for k := j; k < len(pattern); {
		switch pattern[k] {
		case '\\':
			k++
			if k == len(pattern) {
				return -1
			}
		case ']':
			return k + 1
		}
		_, m := utf8.DecodeRuneInString(pattern[k:])
		k += m
	}
	return -1
}

// width returns the number of characters a star-free, brace-free piece
// matches.
func width(t string) int {
	w := 0
	for i := 0; i < len(t); w++ {
		switch t[i] {
		case '\\':
			i++
		case '[':
			i = classEnd(t, i)
			continue
		}
		_, n := utf8.DecodeRuneInString(t[i:])
		i += n
	}
	return w
}

// matchPieces matches a pattern of fixed-width pieces separated by stars.
// The first piece must start the name and the last end it; each middle
// piece is taken at its leftmost occurrence after the one before, which is
// optimal for the same reason as in matchStars. Each piece is matched by
// gobwas/glob against a substring of exactly its width, so the time is
// linear in len(s) for a fixed pattern, where a backtracking walk over the
// whole pattern is not.
func (p *Pattern) matchPieces(s string) bool {
	first, last := &p.pieces[0], &p.pieces[len(p.pieces)-1]
	a := runesLen(s, first.width)
	if a < 0 || first.width > 0 && !first.g.Match(s[:a]) {
		return false
	}
	b := len(s)
	if last.width > 0 {
		n := runesLenBack(s, last.width)
		if n < 0 {
			return false
		}
		b = len(s) - n
		if !last.g.Match(s[b:]) {
			return false
		}
	}
	if b < a {
		return false
	}
	mid := s[a:b]
	for k := 1; k < len(p.pieces)-1; k++ {
		pc := &p.pieces[k]
		found := false
		for i := 0; i < len(mid); {
			n := runesLen(mid[i:], pc.width)
			if n < 0 {
				break
			}
			if pc.g.Match(mid[i : i+n]) {
				mid, found = mid[i+n:], true
				break
			}
			_, r := utf8.DecodeRuneInString(mid[i:])
			i += r
		}
		if !found {
			return false
		}
	}
	return true
}

// runesLen returns the byte length of the first n characters of s, or -1
// when s has fewer. Invalid UTF-8 counts a character a byte, as gobwas/glob
// counts it.
func runesLen(s string, n int) int {
	i := 0
	for ; n > 0; n-- {
		if i == len(s) {
			return -1
		}
		_, w := utf8.DecodeRuneInString(s[i:])
		i += w
	}
	return i
}

// runesLenBack returns the byte length of the last n characters of s, or
// -1 when s has fewer.
func runesLenBack(s string, n int) int {
	i := len(s)
	for ; n > 0; n-- {
		if i == 0 {
			return -1
		}
		_, w := utf8.DecodeLastRuneInString(s[:i])
		i -= w
	}
	return len(s) - i
}

// Shape reports the form the pattern was compiled into.
func (p *Pattern) Shape() Shape { return p.shape }

// String returns the source text of the pattern.
func (p *Pattern) String() string { return p.src }
