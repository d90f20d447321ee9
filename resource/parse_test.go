package resource

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want []Segment // nil for the bare "*"
	}{
		{"*", nil},
		{"acct", []Segment{{Type: "acct"}}},
		{"acct;{plan:enterprise}", []Segment{{Type: "acct", Modifiers: []Modifier{
			Property{Offset: 5, Name: "plan", Value: "enterprise"}}}}},
		{"acct/x", []Segment{{Type: "acct", Name: Name{Offset: 5, Pattern: "x"}}}},
		{"proj/*", []Segment{{Type: "proj", Name: Name{Offset: 5, Pattern: "*"}}}},
		{"proj/default:env/production:flag/dark-mode", []Segment{
			{Type: "proj", Name: Name{Offset: 5, Pattern: "default"}},
			{Offset: 13, Type: "env", Name: Name{Offset: 17, Pattern: "production"}},
			{Offset: 28, Type: "flag", Name: Name{Offset: 33, Pattern: "dark-mode"}},
		}},
		// Tags: all must hold.
		{"proj/*;mobile,beta", []Segment{{Type: "proj", Name: Name{Offset: 5, Pattern: "*"},
			Modifiers: []Modifier{Tag{Offset: 7, Pattern: "mobile"}, Tag{Offset: 14, Pattern: "beta"}}}}},
		{"proj/*:env/*;qa_*", []Segment{
			{Type: "proj", Name: Name{Offset: 5, Pattern: "*"}},
			{Offset: 7, Type: "env", Name: Name{Offset: 11, Pattern: "*"}, Modifiers: []Modifier{Tag{Offset: 13, Pattern: "qa_*"}}},
		}},
		// The ':' inside a property selector does not split.
		{"proj/*:env/*;{critical:true}:flag/*", []Segment{
			{Type: "proj", Name: Name{Offset: 5, Pattern: "*"}},
			{Offset: 7, Type: "env", Name: Name{Offset: 11, Pattern: "*"}, Modifiers: []Modifier{
				Property{Offset: 13, Name: "critical", Value: "true"}}},
			{Offset: 29, Type: "flag", Name: Name{Offset: 34, Pattern: "*"}},
		}},
		// Nor does the ':' of a view modifier.
		{"proj/*:env/*:flag/*;view:checkout", []Segment{
			{Type: "proj", Name: Name{Offset: 5, Pattern: "*"}},
			{Offset: 7, Type: "env", Name: Name{Offset: 11, Pattern: "*"}},
			{Offset: 13, Type: "flag", Name: Name{Offset: 18, Pattern: "*"}, Modifiers: []Modifier{
				View{Offset: 20, Name: Name{Offset: 25, Pattern: "checkout"}}}},
		}},
		{"proj/*:view/*", []Segment{
			{Type: "proj", Name: Name{Offset: 5, Pattern: "*"}},
			{Offset: 7, Type: "view", Name: Name{Offset: 12, Pattern: "*"}},
		}},
		// Tags, properties and views together.
		{"proj/p:env/e;qa_*,{critical:false}:flag/f;beta,view:${roleAttribute/views}", []Segment{
			{Type: "proj", Name: Name{Offset: 5, Pattern: "p"}},
			{Offset: 7, Type: "env", Name: Name{Offset: 11, Pattern: "e"}, Modifiers: []Modifier{
				Tag{Offset: 13, Pattern: "qa_*"}, Property{Offset: 18, Name: "critical", Value: "false"}}},
			{Offset: 35, Type: "flag", Name: Name{Offset: 40, Pattern: "f"}, Modifiers: []Modifier{
				Tag{Offset: 42, Pattern: "beta"}, View{Offset: 47, Name: Name{Offset: 52, Attribute: "views"}}}},
		}},
		// Role attributes, where a name or a tag pattern stands.
		{"proj/${roleAttribute/projects}:env/*:flag/*", []Segment{
			{Type: "proj", Name: Name{Offset: 5, Attribute: "projects"}},
			{Offset: 31, Type: "env", Name: Name{Offset: 35, Pattern: "*"}},
			{Offset: 37, Type: "flag", Name: Name{Offset: 42, Pattern: "*"}},
		}},
		{"proj/*;${roleAttribute/domain}", []Segment{{Type: "proj", Name: Name{Offset: 5, Pattern: "*"},
			Modifiers: []Modifier{Tag{Offset: 7, Attribute: "domain"}}}}},
		{"proj/*:env/*;qa_*,${roleAttribute/tiers}:flag/*", []Segment{
			{Type: "proj", Name: Name{Offset: 5, Pattern: "*"}},
			{Offset: 7, Type: "env", Name: Name{Offset: 11, Pattern: "*"}, Modifiers: []Modifier{
				Tag{Offset: 13, Pattern: "qa_*"}, Tag{Offset: 18, Attribute: "tiers"}}},
			{Offset: 41, Type: "flag", Name: Name{Offset: 46, Pattern: "*"}},
		}},
		{"acct;${roleAttribute/t}", []Segment{{Type: "acct", Modifiers: []Modifier{Tag{Offset: 5, Attribute: "t"}}}}},
		// Types and scoping are not grammar.
		{"proj/*:segment/*", []Segment{
			{Type: "proj", Name: Name{Offset: 5, Pattern: "*"}},
			{Offset: 7, Type: "segment", Name: Name{Offset: 15, Pattern: "*"}},
		}},
		{"widget-2/x", []Segment{{Type: "widget-2", Name: Name{Offset: 9, Pattern: "x"}}}},
		// A ':' not followed by a segment stays in the name; a comma in a
		// name is literal.
		{"proj/a:b", []Segment{{Type: "proj", Name: Name{Offset: 5, Pattern: "a:b"}}}},
		{"proj/*:*", []Segment{{Type: "proj", Name: Name{Offset: 5, Pattern: "*:*"}}}},
		{"proj/a::b", []Segment{{Type: "proj", Name: Name{Offset: 5, Pattern: "a::b"}}}},
		{"acct;x:env", []Segment{{Type: "acct", Modifiers: []Modifier{Tag{Offset: 5, Pattern: "x:env"}}}}},
		// A type alone is a segment without a name. After a ':' only
		// "acct" starts one: a bare word there belongs to the name or tag
		// before it.
		{"ip-allowlist", []Segment{{Type: "ip-allowlist"}}},
		{"ip-allowlist;beta", []Segment{{Type: "ip-allowlist", Modifiers: []Modifier{Tag{Offset: 13, Pattern: "beta"}}}}},
		{"proj", []Segment{{Type: "proj"}}},
		{"proj:env/*", []Segment{{Type: "proj"}, {Offset: 5, Type: "env", Name: Name{Offset: 9, Pattern: "*"}}}},
		{"ip-allowlist:acct", []Segment{{Type: "ip-allowlist"}, {Offset: 13, Type: "acct"}}},
		{"proj/a:acct", []Segment{{Type: "proj", Name: Name{Offset: 5, Pattern: "a"}}, {Offset: 7, Type: "acct"}}},
		{"proj/a:ip-allowlist", []Segment{{Type: "proj", Name: Name{Offset: 5, Pattern: "a:ip-allowlist"}}}},
		{"proj/*:env", []Segment{{Type: "proj", Name: Name{Offset: 5, Pattern: "*:env"}}}},
		{"proj/*:env/*;view:checkout", []Segment{
			{Type: "proj", Name: Name{Offset: 5, Pattern: "*"}},
			{Offset: 7, Type: "env", Name: Name{Offset: 11, Pattern: "*"}, Modifiers: []Modifier{
				View{Offset: 13, Name: Name{Offset: 18, Pattern: "checkout"}}}},
		}},
		{"proj/a,b", []Segment{{Type: "proj", Name: Name{Offset: 5, Pattern: "a,b"}}}},
		// The type and name split at the first '/'.
		{"proj/a/b", []Segment{{Type: "proj", Name: Name{Offset: 5, Pattern: "a/b"}}}},
		// The other glob metacharacters have gobwas/glob meaning.
		{"proj/{a,b}:env/prod-?", []Segment{
			{Type: "proj", Name: Name{Offset: 5, Pattern: "{a,b}"}},
			{Offset: 11, Type: "env", Name: Name{Offset: 15, Pattern: "prod-?"}},
		}},
		{"proj/*;{qa,dev}", []Segment{{Type: "proj", Name: Name{Offset: 5, Pattern: "*"},
			Modifiers: []Modifier{Tag{Offset: 7, Pattern: "{qa,dev}"}}}}},
		// A "view" without ':' is a tag.
		{"proj/*;view", []Segment{{Type: "proj", Name: Name{Offset: 5, Pattern: "*"},
			Modifiers: []Modifier{Tag{Offset: 7, Pattern: "view"}}}}},
		{"member/*:token/*", []Segment{
			{Type: "member", Name: Name{Offset: 7, Pattern: "*"}},
			{Offset: 9, Type: "token", Name: Name{Offset: 15, Pattern: "*"}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			s, err := Parse(tt.in)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.in, err)
			}
			if diff := cmp.Diff(tt.want, s.Segments()); diff != "" {
				t.Errorf("Parse(%q) (-want +have):\n%s", tt.in, diff)
			}
			if have := s.String(); have != tt.in {
				t.Errorf("Parse(%q).String() = %q", tt.in, have)
			}
			if have, want := s.IsAny(), tt.want == nil; have != want {
				t.Errorf("Parse(%q).IsAny() = %v, want %v", tt.in, have, want)
			}
			checkRoundTrip(t, s)
		})
	}
}

// checkRoundTrip checks that the segments print back to the specifier and
// that parsing its String gives an equal tree.
func checkRoundTrip(t *testing.T, s *Specifier) {
	t.Helper()
	var parts []string
	for _, seg := range s.Segments() {
		parts = append(parts, seg.String())
	}
	if s.IsAny() {
		parts = []string{"*"}
	}
	if have := strings.Join(parts, ":"); have != s.String() {
		t.Errorf("segments of %q print as %q", s, have)
	}
	again, err := Parse(s.String())
	if err != nil {
		t.Fatalf("Parse(%q.String()): %v", s, err)
	}
	if diff := cmp.Diff(s.Segments(), again.Segments()); diff != "" {
		t.Errorf("Parse(%q.String()) differs (-first +again):\n%s", s, diff)
	}
}

func TestParseError(t *testing.T) {
	tests := []struct {
		in     string
		offset int
		msg    string
	}{
		{"", 0, "empty specifier"},
		// Empty segments, and a specifier that ends in a separator.
		{":proj/a", 0, `empty segment: expected "type/name" or a type alone, such as "acct"`},
		{"proj/*:", 7, `empty segment: expected "type/name" or a type alone, such as "acct"`},
		{"proj/*:env/*:", 13, `empty segment: expected "type/name" or a type alone, such as "acct"`},
		{"proj/*::env/*", 7, `empty segment: expected "type/name" or a type alone, such as "acct"`},
		{"proj/*;qa:", 10, `empty segment: expected "type/name" or a type alone, such as "acct"`},
		{"acct:", 5, `empty segment: expected "type/name" or a type alone, such as "acct"`},
		{"proj/*;", 7, `empty modifier after ";"`},
		{"proj/*:env/*;", 13, `empty modifier after ";"`},
		{"proj/*;qa;", 10, `empty modifier after ";"`},
		{"proj/*;qa;:env/*", 10, `empty modifier after ";"`},
		{"acct;", 5, `empty modifier after ";"`},
		{"proj/*;a,,b", 9, "empty modifier"},
		{"proj/*;a,", 9, "empty modifier"},
		{"proj/*;,a", 7, "empty modifier"},
		{";qa", 0, `missing type before ";": expected "type/name" or a type alone, such as "acct"`},
		{"*:proj/a", 0, `"*" alone stands for every resource only as the whole specifier; a segment is "type/name" or a type alone, such as "acct"`},
		{"/flag/*", 0, `missing type before "/"`},
		{"Proj/*", 0, `malformed type "Proj": a type is lower-case letters, digits and "-", starting with a letter`},
		{"proj_x/*", 4, `malformed type "proj_x": a type is lower-case letters, digits and "-", starting with a letter`},
		{"1proj/*", 0, `malformed type "1proj": a type is lower-case letters, digits and "-", starting with a letter`},
		// A segment without '/' must be a type.
		{"Proj", 0, `malformed segment "Proj": expected "type/name" or a type alone, such as "acct"; a type is lower-case letters, digits and "-", starting with a letter`},
		{"ip_allowlist", 2, `malformed segment "ip_allowlist": expected "type/name" or a type alone, such as "acct"; a type is lower-case letters, digits and "-", starting with a letter`},
		{"acct:Acct", 4, `malformed segment "acct:Acct": expected "type/name" or a type alone, such as "acct"; a type is lower-case letters, digits and "-", starting with a letter`},
		{"proj/", 5, `empty name after "proj/"`},
		{"proj/*:env/;qa", 11, `empty name after "env/"`},
		{"proj/*;view:", 12, `empty view name after "view:"`},
		{"proj/*;qa,view:", 15, `empty view name after "view:"`},
		{"proj/*:env/*;{critical:true:flag/*", 13, `unclosed "{"`},
		{"proj/{a,b", 5, `unclosed "{"`},
		{"proj/*;{critical:}", 17, `empty value in property selector "{critical:}"`},
		{"proj/*;{:true}", 8, `malformed property name "": expected a letter followed by letters, digits, "_" and "-"`},
		{"proj/*;{critical:true}x", 22, `unexpected "x" after property selector "{critical:true}"`},
		{"proj/x;{team:a,b}", 14, `unexpected ',' in the value of property selector "{team:a,b}"`},
		{"proj/* ", 6, `unexpected whitespace ' '`},
		{"proj/*:env/\tx", 11, `unexpected whitespace '\t'`},
		{"proj/\u00a0", 5, "unexpected whitespace U+00A0"},
		{"proj/\xff", 5, "invalid UTF-8"},
		{"proj/[a", 7, `malformed pattern "[a": unexpected end of input`},
		{"proj/*;qa_[", 11, `malformed pattern "qa_[": unexpected end of input`},
		{`proj/a\`, 7, `malformed pattern "a\\": trailing backslash`},
		{"proj/${roleAttribute/}", 21, `malformed role attribute key "": expected a letter or digit followed by letters, digits, "_", "." and "-"`},
		{"proj/${roleAttribute/a b}", 22, "unexpected whitespace ' '"},
		{"proj/${roleAttribute/x}y", 23, `unexpected "y" after "${roleAttribute/x}": a role attribute must be the whole name or tag`},
		{"proj/*;${roleAttribute/x}y", 25, `unexpected "y" after "${roleAttribute/x}": a role attribute must be the whole name or tag`},
		{"proj/*;${roleAttribute/}", 23, `malformed role attribute key "": expected a letter or digit followed by letters, digits, "_", "." and "-"`},
		{"proj/${roleAttribute/x;y}", 6, `unclosed "{" of "${roleAttribute/"`},
		// The typo that appears in LaunchDarkly's own API examples.
		{"proj/*:env/*;qa_*:/flag/*", 18, `stray "/" after ":": did you mean ":flag/*"?`},
		{"proj/*:/env/*", 7, `stray "/" after ":": did you mean ":env/*"?`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			_, err := Parse(tt.in)
			se, ok := err.(*SyntaxError)
			if !ok {
				t.Fatalf("Parse(%q) error = %v (%T), want *SyntaxError", tt.in, err, err)
			}
			if se.Offset != tt.offset || se.Msg != tt.msg {
				t.Errorf("Parse(%q) error:\nhave offset %d: %s\nwant offset %d: %s", tt.in, se.Offset, se.Msg, tt.offset, tt.msg)
			}
			if se.Offset < 0 || se.Offset > len(tt.in) {
				t.Errorf("Parse(%q) error offset %d is outside the input", tt.in, se.Offset)
			}
		})
	}
}

func TestParseTypoFix(t *testing.T) {
	const in = "proj/*:env/*;qa_*:/flag/*"
	_, err := Parse(in)
	se, ok := err.(*SyntaxError)
	if !ok {
		t.Fatalf("Parse(%q) error = %v, want *SyntaxError", in, err)
	}
	if want := "proj/*:env/*;qa_*:flag/*"; se.Fix != want {
		t.Errorf("Parse(%q) error Fix:\nhave %q\nwant %q", in, se.Fix, want)
	}
	if _, err := Parse(se.Fix); err != nil {
		t.Errorf("the fix %q does not parse: %v", se.Fix, err)
	}
}

func TestParseLenient(t *testing.T) {
	tests := []struct {
		in       string
		want     string
		warnings []*SyntaxError
	}{
		{"proj/*:env/*", "proj/*:env/*", nil},
		{"proj/*:env/*;qa_*:/flag/*", "proj/*:env/*;qa_*:flag/*", []*SyntaxError{
			{Offset: 18, Msg: `stray "/" after ":" ignored: read as ":flag/*"`, Fix: "proj/*:env/*;qa_*:flag/*"},
		}},
		{"proj/p:/env/e:/flag/f;beta", "proj/p:env/e:flag/f;beta", []*SyntaxError{
			{Offset: 7, Msg: `stray "/" after ":" ignored: read as ":env/e"`, Fix: "proj/p:env/e:flag/f;beta"},
			{Offset: 14, Msg: `stray "/" after ":" ignored: read as ":flag/f"`, Fix: "proj/p:env/e:flag/f;beta"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			s, warnings, err := ParseLenient(tt.in)
			if err != nil {
				t.Fatalf("ParseLenient(%q): %v", tt.in, err)
			}
			if s.String() != tt.want {
				t.Errorf("ParseLenient(%q):\nhave %q\nwant %q", tt.in, s, tt.want)
			}
			if diff := cmp.Diff(tt.warnings, warnings); diff != "" {
				t.Errorf("ParseLenient(%q) warnings (-want +have):\n%s", tt.in, diff)
			}
			checkRoundTrip(t, s)
		})
	}

	// Other errors are reported at their offset in the text as given.
	_, _, err := ParseLenient("proj/*:/env/*:flag/ x")
	se, ok := err.(*SyntaxError)
	if !ok || se.Offset != 19 {
		t.Errorf("ParseLenient error = %v, want offset 19 (the space)", err)
	}
}

func TestSizeLimits(t *testing.T) {
	long := "proj/" + strings.Repeat("a", MaxLength-5)
	if _, err := Parse(long); err != nil {
		t.Errorf("Parse of a %d-byte specifier: %v", len(long), err)
	}
	segs := strings.TrimSuffix(strings.Repeat("a/b:", MaxSegments), ":")
	if _, err := Parse(segs); err != nil {
		t.Errorf("Parse of %d segments: %v", MaxSegments, err)
	}
	mods := "proj/*;" + strings.TrimSuffix(strings.Repeat("t,", MaxModifiers), ",")
	if _, err := Parse(mods); err != nil {
		t.Errorf("Parse of %d modifiers: %v", MaxModifiers, err)
	}

	tests := []struct {
		name   string
		in     string
		offset int
		msg    string
	}{
		{"length", long + "a", MaxLength, "specifier is 4097 bytes, longer than the limit of 4096"},
		{"segments", segs + ":a/b", len(segs) + 1, "more than 8 segments"},
		{"modifiers", mods + ",t", len(mods) + 1, "more than 32 modifiers in one segment"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.in)
			se, ok := err.(*SyntaxError)
			if !ok || se.Offset != tt.offset || se.Msg != tt.msg {
				t.Errorf("Parse error:\nhave %v\nwant offset %d: %s", err, tt.offset, tt.msg)
			}
		})
	}
}
