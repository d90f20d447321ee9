// Package w4 holds workload W4: glob patterns built to blow up backtracking
// matchers, matched against long keys by ldpolicy's match package, by Go's
// regexp with the equivalent anchored expression, and by gobwas/glob
// directly. Its benchmark is in the test files:
//
//	go test -run '^$' -bench W4 ./w4
package w4

import (
	"regexp"
	"strings"
)

// KeyLengths are the lengths of the keys matched, up to the longest resource
// (resource.MaxLength).
var KeyLengths = []int{256, 1024, 4096}

// Case is a pattern and the key it is matched against at each length.
type Case struct {
	Name    string // for benchmark names
	Pattern string
	Key     func(n int) string
	Match   bool // whether the keys match
}

func as(n int) string  { return strings.Repeat("a", n) }
func asb(n int) string { return strings.Repeat("a", n-1) + "b" }

// stars returns "*a*a…*a" followed by tail, with k '*' in all.
func stars(k int, tail string) string {
	return strings.Repeat("*a", k-strings.Count(tail, "*")) + tail
}

// Cases are the adversarial cases. The first ones are the plain misses:
// "*a*a…*b" against keys of 'a' only, and a brace and a '?' pattern of the
// same kind. The "-hit" case matches. The "-scan" cases are misses that no
// anchor rejects: the key ends in "b" like the pattern, so the matcher has
// to scan the key to find that the 'c' the pattern needs is not there.
var Cases = []Case{
	{"stars8", stars(8, "*b"), as, false},
	{"stars16", stars(16, "*b"), as, false},
	{"stars32", stars(32, "*b"), as, false},
	{"stars64", stars(64, "*b"), as, false},
	{"stars64-hit", stars(64, "*b"), asb, true},
	{"brace", "{*a*a*a*a*b,*a*a*c}", as, false},
	{"qmark", "*?a*?a*?a*?b", as, false},
	{"stars8-scan", stars(8, "*c*b"), asb, false},
	{"stars64-scan", stars(64, "*c*b"), asb, false},
	{"brace-scan", "{*a*a*a*a*c*b,*a*a*c*b}", asb, false},
	{"qmark-scan", "*?a*?a*?a*?c*b", asb, false},
}

// Regexp returns the anchored regular expression equivalent to a glob
// pattern in the syntax of match.Compile: '*' is ".*", '?' is ".", "[!…]"
// is "[^…]", "{a,b}" is "(?:a|b)" and "\c" is c. Dot matches newlines, as a
// glob's wildcards do.
func Regexp(glob string) string {
	var b strings.Builder
	b.WriteString(`^(?s:`)
	depth := 0
	for i := 0; i < len(glob); i++ {
		switch c := glob[i]; {
		case c == '*':
			b.WriteString(".*")
		case c == '?':
			b.WriteString(".")
		case c == '{':
			depth++
			b.WriteString("(?:")
		case c == '}' && depth > 0:
			depth--
			b.WriteString(")")
		case c == ',' && depth > 0:
			b.WriteString("|")
		case c == '[':
			j := strings.IndexByte(glob[i+1:], ']')
			if j < 0 {
				b.WriteString(regexp.QuoteMeta(glob[i:]))
				i = len(glob)
				break
			}
			class := glob[i+1 : i+1+j]
			b.WriteByte('[')
			if strings.HasPrefix(class, "!") {
				b.WriteByte('^')
				class = class[1:]
			}
			b.WriteString(strings.ReplaceAll(class, `\`, `\\`))
			b.WriteByte(']')
			i += 1 + j
		case c == '\\' && i+1 < len(glob):
			i++
			b.WriteString(regexp.QuoteMeta(glob[i : i+1]))
		default:
			b.WriteString(regexp.QuoteMeta(glob[i : i+1]))
		}
	}
	b.WriteString(`)$`)
	return b.String()
}
