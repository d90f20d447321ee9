package resource

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Size limits. Each bound is checked before any work proportional to the
// input, and each has its own error.
const (
	// MaxLength is the longest specifier or concrete resource, in bytes.
	MaxLength = 4096
	// MaxSegments is the most segments a specifier or concrete resource has.
	MaxSegments = 8
	// MaxModifiers is the most modifiers one segment of a specifier has.
	MaxModifiers = 32
	// MaxMetadata is the most entries (tags, properties and views) the
	// metadata of one concrete segment has.
	MaxMetadata = 256
)

// A SyntaxError reports a malformed specifier, concrete resource or
// metadata list.
type SyntaxError struct {
	Offset int    // byte offset of the problem in the input
	Msg    string // what was expected and what was found
	// Fix is the input rewritten the way it was probably meant, when the
	// mistake is a known one (the ":/flag/" typo); otherwise empty.
	Fix string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("resource: syntax error at offset %d: %s", e.Offset, e.Msg)
}

func errorf(off int, format string, args ...any) *SyntaxError {
	return &SyntaxError{Offset: off, Msg: fmt.Sprintf(format, args...)}
}

// checkSize reports an input that is empty or beyond MaxLength.
func checkSize(s, what string) *SyntaxError {
	if s == "" {
		return errorf(0, "empty %s", what)
	}
	if len(s) > MaxLength {
		return errorf(MaxLength, "%s is %d bytes, longer than the limit of %d", what, len(s), MaxLength)
	}
	return nil
}

// scanSegment scans the segment of s that starts at offset i and returns its
// end: the offset of the ':' that ends it, or len(s).
//
// A ':' ends a segment only outside {...} and only where the text after it
// starts a new segment (see startsSegment) or is empty, so the ':' of a
// property selector "{critical:true}" or of a view modifier "view:checkout"
// does not.
// scanSegment also rejects whitespace, invalid UTF-8 and an unclosed '{'.
func scanSegment(s string, i int) (end int, err *SyntaxError) {
	depth, open := 0, 0
	for i < len(s) {
		for i < len(s) && !special[s[i]] {
			i++
		}
		if i == len(s) {
			break
		}
		c := s[i]
		if c >= utf8.RuneSelf || c <= ' ' {
			n, err := checkChar(s, i)
			if err != nil {
				return 0, err
			}
			i += n
			continue
		}
		switch c {
		case '{':
			if depth == 0 {
				open = i
			}
			depth++
		case '}':
			if depth > 0 {
				depth--
			}
		case ':':
			// A run of ':' separates where the text after it starts a
			// segment or is empty; each ':' of the run then ends a
			// segment, and the parser reports the empty ones ("proj/*:",
			// "proj/*::env/*"). Otherwise the whole run is text, looked at
			// once.
			j := i + 1
			for j < len(s) && s[j] == ':' {
				j++
			}
			if depth == 0 && (j == len(s) && !(j == i+1 && endsView(s[:i])) || startsSegment(s[j:])) {
				return i, nil
			}
			i = j
			continue
		}
		i++
	}
	if depth > 0 {
		return 0, errorf(open, `unclosed "{"`)
	}
	return len(s), nil
}

// endsView reports whether t ends in the "view" of a view modifier, so that
// a single ':' after it that ends the input is the view's: "proj/*;view:"
// is an empty view name rather than an empty segment.
func endsView(t string) bool {
	n := len(t) - len("view")
	return n > 0 && t[n:] == "view" && (t[n-1] == ';' || t[n-1] == ',')
}

// special marks the bytes scanSegment must look at: braces, ':', space and
// control characters, and the bytes of multi-byte UTF-8 sequences.
var special = func() (t [256]bool) {
	for c := 0; c < 256; c++ {
		t[c] = c <= ' ' || c >= utf8.RuneSelf || c == '{' || c == '}' || c == ':'
	}
	return t
}()

// checkChar rejects whitespace and invalid UTF-8 at s[i], and returns the
// width of the character there.
func checkChar(s string, i int) (int, *SyntaxError) {
	c := s[i]
	if c < utf8.RuneSelf {
		switch c {
		case ' ', '\t', '\n', '\v', '\f', '\r':
			return 0, errorf(i, "unexpected whitespace %q", c)
		}
		return 1, nil
	}
	r, n := utf8.DecodeRuneInString(s[i:])
	if r == utf8.RuneError && n == 1 {
		return 0, errorf(i, "invalid UTF-8")
	}
	if unicode.IsSpace(r) {
		return 0, errorf(i, "unexpected whitespace %U", r)
	}
	return n, nil
}

// startsSegment reports whether t, the text after a ':', starts a segment:
// "acct" alone, or a type followed by '/'. It also accepts a '/' before the
// type, the ":/flag/" typo, so that the typo is reported as such.
func startsSegment(t string) bool {
	if len(t) >= 4 && t[:4] == "acct" && (len(t) == 4 || t[4] == ';' || t[4] == ':') {
		return true
	}
	if len(t) > 0 && t[0] == '/' {
		t = t[1:]
	}
	n := typeLen(t)
	return n > 0 && n < len(t) && t[n] == '/'
}

// typeLen returns the length of the type at the start of t: a lower-case
// letter followed by lower-case letters, digits and '-'. It is 0 when t does
// not start with a lower-case letter.
func typeLen(t string) int {
	if t == "" || t[0] < 'a' || t[0] > 'z' {
		return 0
	}
	i := 1
	for i < len(t) && (t[i] >= 'a' && t[i] <= 'z' || t[i] >= '0' && t[i] <= '9' || t[i] == '-') {
		i++
	}
	return i
}

// checkType reports a malformed type; off is the offset of typ in the input.
func checkType(typ string, off int) *SyntaxError {
	if typ == "" {
		return errorf(off, `missing type before "/"`)
	}
	if n := typeLen(typ); n != len(typ) {
		return errorf(off+n, "malformed type %q: a type is lower-case letters, digits and \"-\", starting with a letter", typ)
	}
	return nil
}

// IsKey reports whether s can be the key of a LaunchDarkly resource: a
// letter or digit followed by letters, digits, '_', '.' and '-'. Keys are
// case-sensitive.
func IsKey(s string) bool {
	return s != "" && isAlnum(s[0]) && allKeyBytes(s)
}

// IsTag reports whether s can be a LaunchDarkly tag: 1 to 64 letters,
// digits, '_', '.' and '-'.
func IsTag(s string) bool {
	return s != "" && len(s) <= 64 && allKeyBytes(s)
}

func allKeyBytes(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !isAlnum(c) && c != '_' && c != '.' && c != '-' {
			return false
		}
	}
	return true
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// isPropertyName reports whether s can name a property in a property
// selector: a letter followed by letters, digits, '_' and '-'.
func isPropertyName(s string) bool {
	if s == "" || !(s[0] >= 'a' && s[0] <= 'z' || s[0] >= 'A' && s[0] <= 'Z') {
		return false
	}
	for i := 1; i < len(s); i++ {
		if !isAlnum(s[i]) && s[i] != '_' && s[i] != '-' {
			return false
		}
	}
	return true
}

// parseProperty parses a property selector "{name:value}", the whole of
// item, at offset off.
func parseProperty(item string, off int) (name, value string, err *SyntaxError) {
	end := strings.IndexByte(item, '}')
	if end < 0 {
		return "", "", errorf(off, `unclosed "{" of property selector %q`, item)
	}
	if end != len(item)-1 {
		return "", "", errorf(off+end+1, "unexpected %q after property selector %q", item[end+1:], item[:end+1])
	}
	inner := item[1:end]
	colon := strings.IndexByte(inner, ':')
	if colon < 0 {
		return "", "", errorf(off, "malformed property selector %q: expected \"{property:value}\"", item)
	}
	name, value = inner[:colon], inner[colon+1:]
	if !isPropertyName(name) {
		return "", "", errorf(off+1, "malformed property name %q: expected a letter followed by letters, digits, \"_\" and \"-\"", name)
	}
	if value == "" {
		return "", "", errorf(off+1+colon+1, "empty value in property selector %q", item)
	}
	for i := 0; i < len(value); i++ {
		if c := value[i]; c == '{' || c == ':' || c == ',' || c == ';' {
			return "", "", errorf(off+1+colon+1+i, "unexpected %q in the value of property selector %q", c, item)
		}
	}
	return name, value, nil
}

// splitItems calls f with each comma-separated item of s (a modifier list
// starting at offset off), splitting only outside {...}. It stops at the
// first error f returns.
func splitItems(s string, off int, f func(item string, off int) *SyntaxError) *SyntaxError {
	depth, start := 0, 0
	for i := 0; i <= len(s); i++ {
		if i < len(s) {
			switch s[i] {
			case '{':
				depth++
				continue
			case '}':
				if depth > 0 {
					depth--
				}
				continue
			case ',':
				if depth > 0 {
					continue
				}
			default:
				continue
			}
		}
		if err := f(s[start:i], off+start); err != nil {
			return err
		}
		start = i + 1
	}
	return nil
}
