package jsonscan

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestString(t *testing.T) {
	tests := []struct {
		in      string
		want    string
		escaped bool
	}{
		{`"plain"`, "plain", false},
		{`"é ✓"`, "é ✓", false},
		{`"a\"b\\c\/d\b\f\n\r\t"`, "a\"b\\c/d\b\f\n\r\t", true},
		{`"\u0041\u00e9"`, "Aé", true},
		{`"\ud83d\ude00"`, "😀", true},
		{`"\ud83d x"`, "\uFFFD x", true}, // a lone surrogate, as encoding/json
		{`""`, "", false},
	}
	for _, tt := range tests {
		s := &Scanner{Data: []byte(tt.in)}
		have, escaped := s.String()
		if s.Err != nil || have != tt.want || escaped != tt.escaped || s.Pos != len(tt.in) {
			t.Errorf("String(%s) = %q, %v, pos %d, err %v; want %q, %v, pos %d", tt.in, have, escaped, s.Pos, s.Err, tt.want, tt.escaped, len(tt.in))
		}
	}
}

func TestLenientUTF8(t *testing.T) {
	s := &Scanner{Data: []byte("\"a\xffb\""), LenientUTF8: true}
	have, _ := s.String()
	if s.Err != nil || have != "a\uFFFDb" {
		t.Errorf("String = %q, %v; want %q", have, s.Err, "a\uFFFDb")
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		in     string
		offset int
		msg    string
	}{
		{`"abc`, 0, "unterminated string"},
		{"\"a\x01\"", 2, `control character '\x01' in string`},
		{"\"a\xffb\"", 2, "invalid UTF-8 in string"},
		{`"\x"`, 1, `unknown escape "\\x" in string`},
		{`"\u12"`, 1, `malformed \u escape in string`},
		{`[1,]`, 3, "expected a JSON value, found ']'"},
		{`[1 2]`, 3, `expected "," or "]" after array element, found a number`},
		{`{"a" 1}`, 5, `expected ":" after field name "a", found a number`},
		{`{1:2}`, 1, "expected a field name, found a number"},
		{`{"a":1 "b":2}`, 7, `expected "," or "}" after field "a", found a string`},
		{`-`, 0, "malformed number"},
		{`1.`, 0, "malformed number"},
		{`1e`, 0, "malformed number"},
		{`tru`, 0, `invalid JSON literal: expected "true"`},
		{strings.Repeat("[", maxDepth+2), maxDepth + 1, "JSON nested more than 512 deep"},
	}
	for _, tt := range tests {
		s := &Scanner{Data: []byte(tt.in)}
		s.Skip()
		if s.Err == nil || s.Err.Offset != tt.offset || s.Err.Msg != tt.msg {
			t.Errorf("Skip(%s):\nhave %v\nwant offset %d: %s", tt.in, s.Err, tt.offset, tt.msg)
		}
	}
}

func TestSkip(t *testing.T) {
	for _, in := range []string{`0`, `-1.5e+10`, `true`, `false`, `null`, `"s"`, `[]`, `{}`, `{"a":[1,{"b":null}],"c":"\u0041"}`, ` [ 1 , 2 ] `} {
		s := &Scanner{Data: []byte(in)}
		s.WS()
		s.Skip()
		s.WS()
		if s.Err != nil || !s.AtEnd() {
			t.Errorf("Skip(%s): err %v, pos %d of %d", in, s.Err, s.Pos, len(in))
		}
	}
}

func TestObjectArray(t *testing.T) {
	s := &Scanner{Data: []byte(`{"a": [10, 20], "b": "x"}`)}
	var got []string
	s.Object(func(key []byte, off int) {
		got = append(got, string(key))
		if string(key) == "a" {
			s.Array(func(i int) { got = append(got, string(s.Number())) })
			return
		}
		v, _ := s.String()
		got = append(got, v)
	})
	if s.Err != nil || strings.Join(got, " ") != "a 10 20 b x" {
		t.Errorf("Object: %v, err %v", got, s.Err)
	}
}

// TestStringWords puts each kind of byte that ends the word-at-a-time scan
// of a string at every offset of the first words, and checks the result
// against encoding/json, in lenient mode for invalid UTF-8 (which
// encoding/json replaces) and as an error otherwise.
func TestStringWords(t *testing.T) {
	for _, special := range []string{`\n`, `\"`, "\x01", "\x1f", "é", "\xff", "\xe2\x82", "\u2028", " ", "~", "\x7f"} {
		for n := 0; n < 20; n++ {
			in := `"` + strings.Repeat("a", n) + special + strings.Repeat("b", 20-n) + `"`
			var want string
			wantErr := json.Unmarshal([]byte(in), &want)
			for _, lenient := range []bool{false, true} {
				s := Scanner{Data: []byte(in), LenientUTF8: lenient}
				got, _ := s.String()
				okWant := wantErr == nil && (lenient || utf8.ValidString(in))
				if (s.Err == nil) != okWant || s.Err == nil && got != want {
					t.Errorf("%q, lenient %v: have %q, %v; want %q, error %v", in, lenient, got, s.Err, want, !okWant)
				}
			}
		}
	}
}

// TestKeepInvalidUTF8: with KeepInvalidUTF8, invalid bytes stay as they are,
// so that strings differing only there stay different; escapes are still
// decoded.
func TestKeepInvalidUTF8(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"\"a\xffb\"", "a\xffb"},
		{"\"a\xfeb\"", "a\xfeb"},
		{"\"\\n\xff\\u00e9\"", "\n\xffé"},
		{"\"plain\"", "plain"},
	} {
		s := &Scanner{Data: []byte(tt.in), LenientUTF8: true, KeepInvalidUTF8: true}
		have, _ := s.RawString()
		if string(have) != tt.want || s.Err != nil {
			t.Errorf("RawString(%q) = %q, %v; want %q", tt.in, have, s.Err, tt.want)
		}
	}
}

func TestFieldValues(t *testing.T) {
	tests := []struct {
		in, key string
		want    []string // the values found
		err     string
	}{
		{`{"a":1,"secret":"s","b":[1,{"secret":2}]}`, "secret", []string{`"s"`}, ""},
		{` { "Secret" : {"x":"}"} , "SECRET":null } `, "secret", []string{`{"x":"}"}`, `null`}, ""},
		{`{"sec\u0072et":"s"}`, "secret", []string{`"s"`}, ""},
		{`{"a":1}`, "secret", nil, ""},
		{`{}`, "secret", nil, ""},
		{`[{"secret":1}]`, "secret", nil, "expected an object, found an array"},
		{`{"secret":1`, "secret", nil, "invalid JSON at byte 11"},
		{`{"secret":1} x`, "secret", nil, "expected the end after the object, found 'x' at byte 13"},
	}
	for _, tt := range tests {
		spans, err := FieldValues([]byte(tt.in), tt.key)
		var have []string
		for _, sp := range spans {
			have = append(have, tt.in[sp[0]:sp[1]])
		}
		switch {
		case tt.err != "" && (err == nil || !strings.HasPrefix(err.Error(), tt.err)):
			t.Errorf("FieldValues(%s): have error %v, want %q", tt.in, err, tt.err)
		case tt.err == "" && err != nil:
			t.Errorf("FieldValues(%s): %v", tt.in, err)
		case strings.Join(have, "|") != strings.Join(tt.want, "|"):
			t.Errorf("FieldValues(%s): have %q, want %q", tt.in, have, tt.want)
		}
	}
}
