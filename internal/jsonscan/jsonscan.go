// Package jsonscan reads JSON one token at a time from a byte slice, for the
// decoders that need positions or speed that encoding/json does not give:
// policy files (every value's offset) and webhook events (only the fields
// a decision reads). It decodes strings and checks the syntax of what it
// skips; it builds no values of its own.
package jsonscan

import (
	"encoding/binary"
	"fmt"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// maxDepth is how deeply Skip follows nested arrays and objects.
const maxDepth = 512

// A SyntaxError is malformed JSON at byte Offset.
type SyntaxError struct {
	Offset int
	Msg    string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("invalid JSON at byte %d: %s", e.Offset, e.Msg)
}

// Scanner reads the JSON in Data from Pos. After an error, Err is set and
// every method does nothing.
type Scanner struct {
	Data []byte
	Pos  int
	Err  *SyntaxError
	// LenientUTF8 reads invalid UTF-8 in a string as U+FFFD, as
	// encoding/json does, rather than failing.
	LenientUTF8 bool
	// KeepInvalidUTF8, with LenientUTF8, keeps the bytes of invalid UTF-8
	// in a string as they are instead, so that strings that differ only
	// there stay different.
	KeepInvalidUTF8 bool
	buf             []byte // reused for strings with escapes
}

// Fail records a syntax error at offset off, unless one is recorded.
func (s *Scanner) Fail(off int, format string, args ...any) {
	if s.Err == nil {
		s.Err = &SyntaxError{Offset: off, Msg: fmt.Sprintf(format, args...)}
	}
}

// WS skips whitespace.
func (s *Scanner) WS() {
	for s.Pos < len(s.Data) {
		switch s.Data[s.Pos] {
		case ' ', '\t', '\n', '\r':
			s.Pos++
		default:
			return
		}
	}
}

// Peek returns the byte at Pos, or 0 at the end.
func (s *Scanner) Peek() byte {
	if s.Pos < len(s.Data) && s.Err == nil {
		return s.Data[s.Pos]
	}
	return 0
}

// AtEnd reports whether the scanner has reached the end of Data.
func (s *Scanner) AtEnd() bool { return s.Pos >= len(s.Data) }

// Found describes the value or character at offset off, for messages such
// as "expected an array, found a number".
func (s *Scanner) Found(off int) string {
	if off >= len(s.Data) {
		return "end of input"
	}
	switch c := s.Data[off]; {
	case c == '"':
		return "a string"
	case c == '{':
		return "an object"
	case c == '[':
		return "an array"
	case c == 't' || c == 'f':
		return "a boolean"
	case c == 'n':
		return "null"
	case c == '-' || c >= '0' && c <= '9':
		return "a number"
	case c >= utf8.RuneSelf:
		r, _ := utf8.DecodeRune(s.Data[off:])
		if r == utf8.RuneError {
			return "invalid UTF-8"
		}
		return fmt.Sprintf("%q", r)
	default:
		return fmt.Sprintf("%q", c)
	}
}

// String decodes the string literal at Pos, which must start with '"',
// and reports whether it had escapes (or, with LenientUTF8, invalid UTF-8).
// Control characters are errors, and so is invalid UTF-8 unless
// LenientUTF8 is set; a lone surrogate escape decodes to U+FFFD, as in
// encoding/json.
func (s *Scanner) String() (string, bool) {
	raw, escaped := s.RawString()
	if s.Err != nil || !escaped {
		return string(raw), false
	}
	return string(s.buf), true
}

// Masks for testing the eight bytes of a word at once: x-ones*n & ^x &
// highs is not zero exactly when some byte of x is less than n (n <= 128).
const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// skipPlain skips, eight bytes at a time, the words of b from offset i
// that hold no '"', '\\' or control character: the bytes a string literal
// holds as they are. It returns the offset of the first word it did not
// skip (a byte-by-byte scan goes on from there), and whether every byte it
// skipped is ASCII.
func skipPlain(b []byte, i int) (int, bool) {
	ascii := true
	for ; i+8 <= len(b); i += 8 {
		x := binary.LittleEndian.Uint64(b[i:])
		q, e := x^(ones*'"'), x^(ones*'\\')
		if ((q-ones)&^q|(e-ones)&^e|(x-ones*0x20)&^x)&highs != 0 {
			break
		}
		ascii = ascii && x&highs == 0
	}
	return i, ascii
}

// RawString is like String but returns the decoded bytes without copying
// them: a slice of Data when the literal has no escapes, of a buffer that
// the next call reuses otherwise.
func (s *Scanner) RawString() ([]byte, bool) {
	if s.Err != nil {
		return nil, false
	}
	start := s.Pos
	s.Pos++ // '"'
	// Fast path: no escapes, ASCII or valid UTF-8. Eight bytes at a time
	// while none of them is '"', '\\' or a control character, then byte by
	// byte; UTF-8 is validated only when a byte is not ASCII.
	i, ascii := skipPlain(s.Data, s.Pos)
	for ; i < len(s.Data); i++ {
		c := s.Data[i]
		if c == '"' {
			if !ascii && !utf8.Valid(s.Data[s.Pos:i]) {
				break // find the offset below
			}
			raw := s.Data[s.Pos:i]
			s.Pos = i + 1
			return raw, false
		}
		if c == '\\' || c < 0x20 {
			break
		}
		ascii = ascii && c < utf8.RuneSelf
	}
	b := s.buf[:0]
	for s.Pos < len(s.Data) {
		c := s.Data[s.Pos]
		switch {
		case c == '"':
			s.Pos++
			s.buf = b
			return b, true
		case c < 0x20:
			s.Fail(s.Pos, "control character %q in string", c)
			return nil, false
		case c == '\\':
			if s.Pos+1 >= len(s.Data) {
				s.Fail(s.Pos, "unterminated string")
				return nil, false
			}
			switch e := s.Data[s.Pos+1]; e {
			case '"', '\\', '/':
				b = append(b, e)
			case 'b':
				b = append(b, '\b')
			case 'f':
				b = append(b, '\f')
			case 'n':
				b = append(b, '\n')
			case 'r':
				b = append(b, '\r')
			case 't':
				b = append(b, '\t')
			case 'u':
				r, w := decodeUnicodeEscape(s.Data[s.Pos:min(s.Pos+12, len(s.Data))])
				if w == 0 {
					s.Fail(s.Pos, `malformed \u escape in string`)
					return nil, false
				}
				b = utf8.AppendRune(b, r)
				s.Pos += w
				continue
			default:
				s.Fail(s.Pos, "unknown escape %q in string", "\\"+string(rune(e)))
				return nil, false
			}
			s.Pos += 2
		case c < utf8.RuneSelf:
			b = append(b, c)
			s.Pos++
		default:
			r, n := utf8.DecodeRune(s.Data[s.Pos:])
			switch {
			case r != utf8.RuneError || n != 1:
				b = append(b, s.Data[s.Pos:s.Pos+n]...)
			case s.LenientUTF8 && s.KeepInvalidUTF8:
				b = append(b, c)
			case s.LenientUTF8:
				b = utf8.AppendRune(b, utf8.RuneError)
			default:
				s.Fail(s.Pos, "invalid UTF-8 in string")
				return nil, false
			}
			s.Pos += n
		}
	}
	s.Fail(start, "unterminated string")
	return nil, false
}

// decodeUnicodeEscape decodes the \uXXXX escape (with its low surrogate, if
// any) at the start of b. It returns the rune and the width of the escape,
// 0 if malformed. A lone surrogate decodes to U+FFFD, as in encoding/json.
func decodeUnicodeEscape(b []byte) (rune, int) {
	r := hex4(b)
	if r < 0 {
		return 0, 0
	}
	if !utf16.IsSurrogate(r) {
		return r, 6
	}
	if r2 := hex4(b[min(6, len(b)):]); r2 >= 0 {
		if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
			return dec, 12
		}
	}
	return utf8.RuneError, 6
}

// hex4 decodes "\uXXXX" at the start of b, or returns -1.
func hex4(b []byte) rune {
	if len(b) < 6 || b[0] != '\\' || b[1] != 'u' {
		return -1
	}
	var r rune
	for _, c := range b[2:6] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return -1
		}
		r = r<<4 | rune(c)
	}
	return r
}

// Object reads an object at Pos, which must start with '{', calling f with
// each key and the offset of the key; f must consume the value.
func (s *Scanner) Object(f func(key []byte, keyOff int)) {
	s.Pos++ // '{'
	s.WS()
	if s.Peek() == '}' {
		s.Pos++
		return
	}
	for s.Err == nil {
		s.WS()
		keyOff := s.Pos
		if s.Peek() != '"' {
			s.Fail(s.Pos, "expected a field name, found %s", s.Found(s.Pos))
			return
		}
		key, _ := s.RawString()
		s.WS()
		if s.Peek() != ':' {
			s.Fail(s.Pos, `expected ":" after field name %q, found %s`, key, s.Found(s.Pos))
			return
		}
		s.Pos++
		s.WS()
		if s.Err != nil {
			return
		}
		f(key, keyOff)
		s.WS()
		switch s.Peek() {
		case ',':
			s.Pos++
		case '}':
			s.Pos++
			return
		default:
			s.Fail(s.Pos, `expected "," or "}" after field %q, found %s`, key, s.Found(s.Pos))
		}
	}
}

// Array reads an array at Pos, which must start with '[', calling f with
// the index of each element; f must consume the element.
func (s *Scanner) Array(f func(i int)) {
	s.Pos++ // '['
	s.WS()
	if s.Peek() == ']' {
		s.Pos++
		return
	}
	for i := 0; s.Err == nil; i++ {
		s.WS()
		f(i)
		s.WS()
		switch s.Peek() {
		case ',':
			s.Pos++
		case ']':
			s.Pos++
			return
		default:
			s.Fail(s.Pos, `expected "," or "]" after array element, found %s`, s.Found(s.Pos))
		}
	}
}

// Skip consumes one value of any kind, checking its syntax.
func (s *Scanner) Skip() { s.skip(0) }

func (s *Scanner) skip(depth int) {
	if depth > maxDepth {
		s.Fail(s.Pos, "JSON nested more than %d deep", maxDepth)
		return
	}
	switch c := s.Peek(); {
	case c == '"':
		s.RawString()
	case c == '{':
		s.Object(func([]byte, int) { s.skip(depth + 1) })
	case c == '[':
		s.Array(func(int) { s.skip(depth + 1) })
	case c == 't':
		s.literal("true")
	case c == 'f':
		s.literal("false")
	case c == 'n':
		s.literal("null")
	case c == '-' || c >= '0' && c <= '9':
		s.Number()
	default:
		s.Fail(s.Pos, "expected a JSON value, found %s", s.Found(s.Pos))
	}
}

func (s *Scanner) literal(lit string) {
	if !strings.HasPrefix(string(s.Data[s.Pos:min(s.Pos+len(lit), len(s.Data))]), lit) {
		s.Fail(s.Pos, "invalid JSON literal: expected %q", lit)
		return
	}
	s.Pos += len(lit)
}

// Number consumes a number and returns its text:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (s *Scanner) Number() []byte {
	start := s.Pos
	digits := func() int {
		n := 0
		for s.Pos < len(s.Data) && s.Data[s.Pos] >= '0' && s.Data[s.Pos] <= '9' {
			s.Pos++
			n++
		}
		return n
	}
	if s.Peek() == '-' {
		s.Pos++
	}
	if s.Peek() == '0' {
		s.Pos++
	} else if digits() == 0 {
		s.Fail(start, "malformed number")
		return nil
	}
	if s.Peek() == '.' {
		s.Pos++
		if digits() == 0 {
			s.Fail(start, "malformed number")
			return nil
		}
	}
	if c := s.Peek(); c == 'e' || c == 'E' {
		s.Pos++
		if c := s.Peek(); c == '+' || c == '-' {
			s.Pos++
		}
		if digits() == 0 {
			s.Fail(start, "malformed number")
			return nil
		}
	}
	return s.Data[start:s.Pos]
}

// RawOffset maps an offset in a decoded string to the offset in its
// literal raw (quotes included) after the opening quote. An empty raw
// stands for a literal without escapes, where the two offsets are the same.
func RawOffset(raw string, off int) int {
	if raw == "" {
		return off
	}
	i, n := 1, 0
	for n < off && i < len(raw)-1 {
		if raw[i] != '\\' {
			i++
			n++
			continue
		}
		if raw[i+1] != 'u' {
			i += 2
			n++
			continue
		}
		r, w := decodeUnicodeEscape([]byte(raw[i:]))
		i += max(w, 2)
		n += utf8.RuneLen(r)
	}
	return i - 1
}

// FieldValues returns the offsets [start, end) in data of the values of
// the fields of the object data holds whose name is key, ignoring case as
// encoding/json does when it fills a struct: every one, in order, since a
// key may repeat. It fails when data is not one object.
func FieldValues(data []byte, key string) ([][2]int, error) {
	s := &Scanner{Data: data}
	s.WS()
	if s.Peek() != '{' {
		return nil, fmt.Errorf("expected an object, found %s", s.Found(s.Pos))
	}
	var spans [][2]int
	s.Object(func(k []byte, _ int) {
		start := s.Pos
		s.Skip()
		if strings.EqualFold(string(k), key) {
			spans = append(spans, [2]int{start, s.Pos})
		}
	})
	s.WS()
	switch {
	case s.Err != nil:
		return nil, s.Err
	case !s.AtEnd():
		return nil, fmt.Errorf("expected the end after the object, found %s at byte %d", s.Found(s.Pos), s.Pos)
	}
	return spans, nil
}
