package fuzz

import (
	"errors"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// globRegexp translates a glob pattern into an anchored regular expression,
// following the grammar github.com/gobwas/glob documents:
//
//	c         itself; ',' and '}' outside {...} and ']' outside [...] too
//	\c        the character c
//	*, **     any run of characters (there are no separators)
//	?         any one character
//	[abc]     one of the listed characters; [!abc] none of them
//	[a-z]     a range of characters (lo, '-', hi and nothing else); [!a-z]
//	{a,b}     one of the comma-separated alternatives, nested at will
//
// It is written from that grammar alone, character by character, and shares
// nothing with the engine's matcher.
func globRegexp(pattern string) (*regexp.Regexp, error) {
	if !utf8.ValidString(pattern) {
		return nil, errors.New("invalid UTF-8")
	}
	rs := []rune(pattern)
	var b strings.Builder
	b.WriteString(`^(?s:`)
	depth := 0
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case r == '*':
			b.WriteString(`.*`)
		case r == '?':
			b.WriteString(`.`)
		case r == '\\':
			if i+1 == len(rs) {
				return nil, errors.New("trailing backslash")
			}
			i++
			b.WriteString(literal(rs[i]))
		case r == '{':
			depth++
			b.WriteString(`(?:`)
		case r == '}' && depth > 0:
			depth--
			b.WriteString(`)`)
		case r == ',' && depth > 0:
			b.WriteString(`|`)
		case r == '[':
			class, n, err := globClass(rs[i+1:])
			if err != nil {
				return nil, err
			}
			b.WriteString(class)
			i += n
		default:
			b.WriteString(literal(r))
		}
	}
	if depth > 0 {
		return nil, errors.New("unclosed {")
	}
	b.WriteString(`)$`)
	return regexp.Compile(b.String())
}

// globClass translates the character class whose text follows a '[' and
// returns the regular expression and how many runes it consumed, the closing
// ']' included.
//
// The class is a range when its text (after an optional '!') is exactly
// lo '-' hi: hi is taken as it is, even a ']' or a '\'. Otherwise it is a set:
// the runes up to the first unescaped ']', with '\' escaping the next rune.
// An empty class is an error.
func globClass(rs []rune) (string, int, error) {
	i, not := 0, false
	if i < len(rs) && rs[i] == '!' {
		not, i = true, i+1
	}
	neg := ""
	if not {
		neg = "^"
	}
	if i+2 < len(rs) && rs[i+1] == '-' {
		lo, hi := rs[i], rs[i+2]
		if i+3 >= len(rs) || rs[i+3] != ']' {
			return "", 0, errors.New("expected ] after a range")
		}
		if hi < lo {
			return "", 0, errors.New("range hi is less than lo")
		}
		return `[` + neg + classRune(lo) + `-` + classRune(hi) + `]`, i + 4, nil
	}
	var set []rune
	for ; i < len(rs) && rs[i] != ']'; i++ {
		if rs[i] == '\\' {
			if i+1 == len(rs) {
				return "", 0, errors.New("trailing backslash")
			}
			i++
		}
		set = append(set, rs[i])
	}
	if i == len(rs) {
		return "", 0, errors.New("unclosed [")
	}
	if len(set) == 0 {
		return "", 0, errors.New("empty class")
	}
	var b strings.Builder
	b.WriteString(`[` + neg)
	for _, r := range set {
		b.WriteString(classRune(r))
	}
	b.WriteString(`]`)
	return b.String(), i + 1, nil
}

func literal(r rune) string { return regexp.QuoteMeta(string(r)) }

// classRune writes a rune so that it is itself inside a regexp class.
func classRune(r rune) string { return `\x{` + strconv.FormatInt(int64(r), 16) + `}` }
