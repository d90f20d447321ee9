package resource

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/ldpolicy/ldpolicy/match"
)

// segmentView is a Concrete segment as its accessors show it.
type segmentView struct {
	Type, Key, Meta, Path string
	Known                 bool
}

func viewConcrete(c *Concrete) []segmentView {
	var out []segmentView
	for i := 0; i < c.Len(); i++ {
		m, known := c.Metadata(i)
		out = append(out, segmentView{c.Type(i), c.Key(i), m.String(), c.Path(i), known})
	}
	return out
}

func TestParseConcrete(t *testing.T) {
	tests := []struct {
		in   string
		want []segmentView
	}{
		{"proj/default:env/production:flag/dark-mode", []segmentView{
			{"proj", "default", "", "proj/default", false},
			{"env", "production", "", "proj/default:env/production", false},
			{"flag", "dark-mode", "", "proj/default:env/production:flag/dark-mode", false},
		}},
		{"acct", []segmentView{{"acct", "", "", "acct", false}}},
		{"member/m:token/t", []segmentView{
			{"member", "m", "", "member/m", false},
			{"token", "t", "", "member/m:token/t", false},
		}},
		// A literal '*' in a key is the key "*".
		{"proj/*", []segmentView{{"proj", "*", "", "proj/*", false}}},
		// Inline metadata; ';' alone is known and empty.
		{"proj/p:env/qa;qa_test,{critical:true}:flag/f;beta,view:checkout", []segmentView{
			{"proj", "p", "", "proj/p", false},
			{"env", "qa", "qa_test,{critical:true}", "proj/p:env/qa", true},
			{"flag", "f", "beta,view:checkout", "proj/p:env/qa:flag/f", true},
		}},
		{"proj/p;:env/e", []segmentView{
			{"proj", "p", "", "proj/p", true},
			{"env", "e", "", "proj/p:env/e", false},
		}},
		// A type alone is a segment without a key, whatever the type.
		{"ip-allowlist", []segmentView{{"ip-allowlist", "", "", "ip-allowlist", false}}},
		{"ip-allowlist;beta:acct", []segmentView{
			{"ip-allowlist", "", "beta", "ip-allowlist", true},
			{"acct", "", "", "ip-allowlist:acct", false},
		}},
		{"proj", []segmentView{{"proj", "", "", "proj", false}}},
		// Unknown types and odd scoping parse.
		{"proj/p:segment/s", []segmentView{
			{"proj", "p", "", "proj/p", false},
			{"segment", "s", "", "proj/p:segment/s", false},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			c, err := ParseConcrete(tt.in)
			if err != nil {
				t.Fatalf("ParseConcrete(%q): %v", tt.in, err)
			}
			if diff := cmp.Diff(tt.want, viewConcrete(&c)); diff != "" {
				t.Errorf("ParseConcrete(%q) (-want +have):\n%s", tt.in, diff)
			}
			if c.String() != tt.in {
				t.Errorf("ParseConcrete(%q).String() = %q", tt.in, c.String())
			}
		})
	}
}

func TestParseConcreteError(t *testing.T) {
	tests := []struct {
		in     string
		offset int
		msg    string
	}{
		{"", 0, "empty resource"},
		{"*", 0, `"*" is a specifier, not a concrete resource`},
		{"Proj", 0, `malformed segment "Proj": expected "type/name" or a type alone, such as "acct"; a type is lower-case letters, digits and "-", starting with a letter`},
		{"proj/a:", 7, `empty segment: expected "type/name" or a type alone, such as "acct"`},
		{"proj/a::env/b", 7, `empty segment: expected "type/name" or a type alone, such as "acct"`},
		{"proj/a:/env/b", 7, `stray "/" after ":": did you mean ":env/b"?`},
		{"proj/", 5, `empty name after "proj/"`},
		{"Proj/a", 0, `malformed type "Proj": a type is lower-case letters, digits and "-", starting with a letter`},
		{"proj/a b", 6, `unexpected whitespace ' '`},
		{"proj/a;x,,y", 9, "empty metadata entry"},
		{"proj/a;x,", 9, "empty metadata entry"},
		{"proj/a;{critical}", 7, `malformed property selector "{critical}": expected "{property:value}"`},
		{"proj/a;view:", 12, `empty view key after "view:"`},
		{"proj/a;x;y", 8, `unexpected ';' in metadata entry "x;y"`},
		{"proj/a;{x:y", 7, `unclosed "{"`},
		{"proj/x;{team:a,b}", 14, `unexpected ',' in the value of property selector "{team:a,b}"`},
		{"proj/a;{critical:true},{critical:false}", 23, `property "critical" listed twice`},
		{strings.Repeat("a", MaxLength+1), MaxLength, "resource is 4097 bytes, longer than the limit of 4096"},
		{strings.Repeat("a/b:", MaxSegments) + "a/b", 4 * MaxSegments, "more than 8 segments"},
		{"proj/a;" + strings.Repeat("t,", MaxMetadata) + "t", 7 + 2*MaxMetadata, "more than 256 metadata entries"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			_, err := ParseConcrete(tt.in)
			se, ok := err.(*SyntaxError)
			if !ok {
				t.Fatalf("ParseConcrete(%q) error = %v (%T), want *SyntaxError", tt.in, err, err)
			}
			if se.Offset != tt.offset || se.Msg != tt.msg {
				t.Errorf("ParseConcrete(%q) error:\nhave offset %d: %s\nwant offset %d: %s", tt.in, se.Offset, se.Msg, tt.offset, tt.msg)
			}
		})
	}
}

func TestParseMetadata(t *testing.T) {
	for _, in := range []string{"", "a", "qa_test,{critical:true},view:checkout", "{a:b},{c:d}"} {
		m, err := ParseMetadata(in)
		if err != nil {
			t.Errorf("ParseMetadata(%q): %v", in, err)
		} else if m.String() != in {
			t.Errorf("ParseMetadata(%q).String() = %q", in, m)
		}
	}
	tests := []struct {
		in     string
		offset int
		msg    string
	}{
		{"a,,b", 2, "empty metadata entry"},
		{"a b", 1, `unexpected whitespace ' '`},
		{"a:b", 1, `unexpected ':' in metadata entry "a:b"`},
		{"view:a:b", 6, `unexpected ':' in metadata entry "view:a:b"`},
		{"{critical:tr{ue}", 12, `unexpected '{' in the value of property selector "{critical:tr{ue}"`},
		{"{critical:true", 0, `unclosed "{" of property selector "{critical:true"`},
		{"a}", 1, `unexpected '}' in metadata entry "a}"`},
	}
	for _, tt := range tests {
		_, err := ParseMetadata(tt.in)
		se, ok := err.(*SyntaxError)
		if !ok || se.Offset != tt.offset || se.Msg != tt.msg {
			t.Errorf("ParseMetadata(%q) error:\nhave %v\nwant offset %d: %s", tt.in, err, tt.offset, tt.msg)
		}
	}
}

func TestNewMetadata(t *testing.T) {
	m, err := NewMetadata([]string{"qa", "beta"}, map[string]string{"critical": "true", "b": "x"}, []string{"checkout"})
	if err != nil {
		t.Fatal(err)
	}
	if want := "qa,beta,{b:x},{critical:true},view:checkout"; m.String() != want {
		t.Errorf("NewMetadata:\nhave %q\nwant %q", m, want)
	}
	if _, err := NewMetadata([]string{"a,b"}, nil, nil); err == nil {
		t.Errorf("NewMetadata with tag %q: no error", "a,b")
	}
}

func TestMatch(t *testing.T) {
	const (
		T = match.True
		F = match.False
		U = match.Unknown
	)
	attrs := map[string][]string{"projects": {"alpha", "beta"}, "views": {"checkout"}, "none": {},
		"teams": {"team-*", "ops"}, "domain": {"DomainX"}, "any": {"x", "*"}, "alts": {"{web,mobile}"}}
	tests := []struct {
		spec, res string
		want      match.Truth
	}{
		{"*", "proj/a:env/b:flag/c", T},
		{"*", "member/m", T},
		{"*", "acct", T},
		{"proj/*:env/production:flag/*", "proj/default:env/production:flag/dark-mode", T},
		{"proj/*:env/production:flag/*", "proj/default:env/test:flag/dark-mode", F},
		// No hierarchy: the number and types of segments must be the same.
		{"proj/*", "proj/a:env/b", F},
		{"proj/*:env/*", "proj/a:env/b:flag/c", F},
		{"proj/*:env/*:flag/*", "proj/a:env/b", F},
		{"proj/*:env/*:flag/*", "proj/a:env/b:segment/c", F},
		{"proj/*:metric/*", "proj/a:env/b", F},
		// Case-sensitive.
		{"proj/Default", "proj/default", F},
		// A literal '*' key is matched by the pattern '*' only.
		{"proj/*", "proj/*", T},
		{"proj/production", "proj/*", F},
		// Glob shapes.
		{"proj/*:env/prod*", "proj/a:env/production", T},
		{"proj/*:env/*-eu", "proj/a:env/prod-eu", T},
		{"proj/*:env/p*d*n", "proj/a:env/production", T},
		{"proj/*:env/{test,production}", "proj/a:env/production", T},
		{"proj/*:env/prod-?", "proj/a:env/prod-10", F},
		// A type alone and the type with a key differ.
		{"acct", "acct", T},
		{"acct", "acct/x", F},
		{"acct/*", "acct", F},
		{"ip-allowlist", "ip-allowlist", T},
		{"ip-allowlist", "ip-allowlist/x", F},
		{"ip-allowlist/*", "ip-allowlist", F},
		{"proj", "proj", T},
		{"proj", "proj/a", F},
		{"proj/*", "proj", F},
		{"proj:env/*", "proj:env/e", T},
		{"proj:env/*", "proj/p:env/e", F},
		{"ip-allowlist;beta", "ip-allowlist;beta", T},
		{"ip-allowlist;beta", "ip-allowlist", U},
		// Tags: a tag pattern holds when some tag matches; all must hold.
		{"proj/*:env/*;qa_*", "proj/p:env/e;qa_test", T},
		{"proj/*:env/*;qa_*", "proj/p:env/e;prod", F},
		{"proj/*:env/*;qa_*", "proj/p:env/e;", F},
		{"proj/*:env/*;qa_*,eu", "proj/p:env/e;qa_test,eu", T},
		{"proj/*:env/*;qa_*,eu", "proj/p:env/e;qa_test", F},
		{"proj/*:env/*;qa_*:flag/*", "proj/p:env/e;qa_1:flag/f", T},
		// A property or view entry is not a tag.
		{"proj/*;view", "proj/p;view:view", F},
		{"proj/*;critical", "proj/p;{critical:true}", F},
		// Property selectors compare exactly.
		{"proj/*:env/*;{critical:true}", "proj/p:env/e;{critical:true}", T},
		{"proj/*:env/*;{critical:true}", "proj/p:env/e;{critical:false}", F},
		{"proj/*:env/*;{critical:true}", "proj/p:env/e;critical", F},
		{"proj/*:env/*;{critical:true}", "proj/p:env/e;{critical:truex}", F},
		// Views.
		{"proj/*:env/*:flag/*;view:checkout", "proj/p:env/e:flag/f;beta,view:checkout", T},
		{"proj/*:env/*:flag/*;view:check*", "proj/p:env/e:flag/f;view:checkout", T},
		{"proj/*:env/*:flag/*;view:checkout", "proj/p:env/e:flag/f;checkout", F},
		// Unknown metadata: the modifier counts as not holding, unknown.
		{"proj/*:env/*;qa_*", "proj/p:env/e", U},
		{"proj/*:env/*;{critical:true}:flag/*", "proj/p:env/e:flag/f", U},
		{"proj/*:env/*:flag/*;view:checkout", "proj/p:env/e:flag/f", U},
		// ... unless something else decides it.
		{"proj/*:env/*;qa_*:flag/x", "proj/p:env/e:flag/f", F},
		{"proj/a:env/*;qa_*", "proj/b:env/e", F},
		{"proj/*;beta:env/*;qa_*", "proj/p;alpha:env/e", F},
		{"proj/*;beta:env/*;qa_*", "proj/p;beta:env/e", U},
		// Metadata without modifiers is irrelevant.
		{"proj/*:env/*", "proj/p;x:env/e", T},
		// Role attributes.
		{"proj/${roleAttribute/projects}:env/*", "proj/alpha:env/e", T},
		{"proj/${roleAttribute/projects}:env/*", "proj/gamma:env/e", F},
		{"proj/${roleAttribute/none}", "proj/alpha", F},
		{"proj/${roleAttribute/unbound}", "proj/alpha", F},
		{"proj/${roleAttribute/unbound}", "proj/${roleAttribute/unbound}", F},
		{"proj/*:env/*:flag/*;view:${roleAttribute/views}", "proj/p:env/e:flag/f;view:checkout", T},
		{"proj/*:env/*:flag/*;view:${roleAttribute/views}", "proj/p:env/e:flag/f;view:other", F},
		// ... as tag patterns: proj/*;${roleAttribute/domain} is the
		// projects with a tag that a value bound to domain matches.
		{"proj/*;${roleAttribute/domain}", "proj/p;DomainX", T},
		{"proj/*;${roleAttribute/domain}", "proj/p;DomainY", F},
		{"proj/*;${roleAttribute/domain}", "proj/p;domainx", F},
		{"proj/*;${roleAttribute/domain}", "proj/p", U},
		{"proj/*;${roleAttribute/domain}", "proj/p;{critical:true},view:DomainX", F},
		{"proj/*;${roleAttribute/unbound}", "proj/p;DomainX", F},
		{"proj/*;${roleAttribute/unbound}", "proj/p", F},
		{"proj/*;${roleAttribute/none}", "proj/p;DomainX", F},
		{"proj/*;${roleAttribute/none}", "proj/p", F},
		{"proj/*:env/*:flag/*;view:${roleAttribute/none}", "proj/p:env/e:flag/f", F},
		{"proj/*:env/*;qa_*,${roleAttribute/teams}", "proj/p:env/e;qa_1,team-a", T},
		{"proj/*:env/*;qa_*,${roleAttribute/teams}", "proj/p:env/e;qa_1", F},
		// Bound values are patterns, matched as the text they stand for
		// would be; a list of values is an OR.
		{"proj/${roleAttribute/teams}", "proj/team-a", T},
		{"proj/${roleAttribute/teams}", "proj/team-", T},
		{"proj/${roleAttribute/teams}", "proj/ops", T},
		{"proj/${roleAttribute/teams}", "proj/Team-a", F},
		{"proj/${roleAttribute/teams}", "proj/opsx", F},
		{"proj/${roleAttribute/teams}", "proj/*", F},
		{"proj/${roleAttribute/any}", "proj/anything", T},
		{"proj/${roleAttribute/alts}", "proj/mobile", T},
		{"proj/${roleAttribute/alts}", "proj/{web,mobile}", F},
		{"proj/*:env/*:segment/*;view:${roleAttribute/teams}", "proj/p:env/e:segment/s;view:team-x", T},
		// Unknown types match resources of exactly their shape.
		{"proj/*:widget/*", "proj/p:widget/w", T},
	}
	for _, tt := range tests {
		t.Run(tt.spec+" "+tt.res, func(t *testing.T) {
			s, err := Parse(tt.spec)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.spec, err)
			}
			m, err := Compile(s, attrs)
			if err != nil {
				t.Fatalf("Compile(%q): %v", tt.spec, err)
			}
			c, err := ParseConcrete(tt.res)
			if err != nil {
				t.Fatalf("ParseConcrete(%q): %v", tt.res, err)
			}
			if have := m.Match(&c); have != tt.want {
				t.Errorf("%q.Match(%q):\nhave %v\nwant %v", tt.spec, tt.res, have, tt.want)
			}
		})
	}
}

// TestPartialMetadata checks metadata that lists some kinds in part: what
// is listed holds, anything else is unknown.
func TestPartialMetadata(t *testing.T) {
	const (
		T = match.True
		F = match.False
		U = match.Unknown
	)
	md := func(s string, partial Kinds) Metadata { return partialMetadata(t, s, partial) }
	tests := []struct {
		spec string
		meta Metadata
		want match.Truth
	}{
		{"flag/*;beta", md("beta", Properties|Views), T},
		{"flag/*;qa_*", md("beta", Properties|Views), F},
		{"flag/*;qa_*", md("beta", Tags), U},
		{"flag/*;view:checkout", md("beta", Properties|Views), U},
		{"flag/*;view:checkout", md("beta,view:checkout", Views), T},
		{"flag/*;view:checkout", md("beta", Properties), F},
		{"flag/*;{critical:true}", md("{critical:true}", Properties), T},
		{"flag/*;{critical:true}", md("{critical:false}", Properties), F},
		{"flag/*;{tier:gold}", md("{critical:true}", Properties), U},
		{"flag/*;{tier:gold}", md("{critical:true}", 0), F},
		// A definite miss settles the segment whatever else is unknown.
		{"flag/*;beta,qa_*,{tier:gold}", md("beta", Properties), F},
		{"flag/*;beta,{tier:gold}", md("beta", Properties), U},
	}
	for _, tt := range tests {
		s, err := Parse(tt.spec)
		if err != nil {
			t.Fatal(err)
		}
		m, _ := Compile(s, nil)
		c, _ := ParseConcrete("flag/f")
		c.Resolve(MetadataMap{"flag/f": tt.meta})
		if have := m.Match(&c); have != tt.want {
			t.Errorf("%q on metadata %q (partial %b):\nhave %v\nwant %v", tt.spec, tt.meta, tt.meta.PartialKinds(), have, tt.want)
		}
	}
}

// TestCheckValue lists the values a role attribute can be bound to: what
// one pattern can be where a name or a tag stands.
func TestCheckValue(t *testing.T) {
	for _, v := range []string{"a", "team-*", "*", "{web,mobile}", "prod-?", "[ab]x", "DomainX", `a\*`, "a/b", "a}"} {
		if err := CheckValue("t", v); err != nil {
			t.Errorf("CheckValue(%q): %v", v, err)
		}
	}
	tests := []struct {
		in     string
		offset int
		msg    string
	}{
		{"", 0, "empty value: expected a pattern, such as a key"},
		{"team *", 4, "unexpected whitespace ' '"},
		{"\xff", 0, "invalid UTF-8"},
		{"a:b", 1, `unexpected ':': a value stands for one name or tag pattern, and no key or tag has it`},
		{"{critical:true}", 9, `unexpected ':': a value stands for one name or tag pattern, and no key or tag has it`},
		{"a;b", 1, `unexpected ';': a value stands for one name or tag pattern, and no key or tag has it`},
		{"a,b", 1, `unexpected ',' outside {...}: a value stands for one pattern; bind each as a value of its own`},
		{"[a", 2, "unexpected end of input"},
		{"{a,b", 4, "unclosed `{`"},
		{"${roleAttribute/x}", 0, "a value is a pattern, not a role attribute"},
		{strings.Repeat("a", MaxLength+1), MaxLength, "value is 4097 bytes, longer than the limit of 4096"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			err := CheckValue("teams", tt.in)
			ae, ok := err.(*AttributeError)
			if !ok {
				t.Fatalf("CheckValue(%q) = %v (%T), want *AttributeError", tt.in, err, err)
			}
			if ae.Attribute != "teams" || ae.Value != tt.in || ae.Offset != tt.offset || ae.Msg != tt.msg {
				t.Errorf("CheckValue(%q):\nhave %q %q offset %d: %s\nwant %q %q offset %d: %s", tt.in, ae.Attribute, ae.Value, ae.Offset, ae.Msg, "teams", tt.in, tt.offset, tt.msg)
			}
		})
	}
}

func TestCompileAttributeError(t *testing.T) {
	for _, spec := range []string{"proj/${roleAttribute/projects}", "proj/*;${roleAttribute/projects}", "proj/*:env/*:flag/*;view:${roleAttribute/projects}"} {
		s, _ := Parse(spec)
		_, err := Compile(s, map[string][]string{"projects": {"a", "b c"}})
		if want := `resource: role attribute "projects": malformed value "b c" at offset 1: unexpected whitespace ' '`; err == nil || err.Error() != want {
			t.Errorf("Compile(%q) error:\nhave %v\nwant %s", spec, err, want)
		}
	}
}

func TestCompileCopiesAttributes(t *testing.T) {
	s, _ := Parse("proj/${roleAttribute/p}")
	attrs := map[string][]string{"p": {"a"}}
	m, err := Compile(s, attrs)
	if err != nil {
		t.Fatal(err)
	}
	attrs["p"][0] = "zzz"
	c, _ := ParseConcrete("proj/zzz")
	if have := m.Match(&c); have != match.False {
		t.Errorf("the matcher follows the caller's change to its bindings: Match = %v", have)
	}
}

// recorder is a Resolver that records the paths it was asked about.
type recorder struct {
	m     MetadataMap
	asked []string
}

func (r *recorder) Metadata(path string) (Metadata, bool) {
	r.asked = append(r.asked, path)
	return r.m.Metadata(path)
}

func TestResolve(t *testing.T) {
	prod, _ := ParseMetadata("{critical:true}")
	beta, _ := ParseMetadata("beta")
	r := &recorder{m: MetadataMap{
		"proj/p:env/production":        prod,
		"proj/p:env/production:flag/f": beta,
	}}
	c, err := ParseConcrete("proj/p:env/production:flag/f;inline")
	if err != nil {
		t.Fatal(err)
	}
	c.Resolve(r)
	// Segments with inline metadata are not looked up.
	if diff := cmp.Diff([]string{"proj/p", "proj/p:env/production"}, r.asked); diff != "" {
		t.Errorf("paths asked (-want +have):\n%s", diff)
	}
	want := []segmentView{
		{"proj", "p", "", "proj/p", false},
		{"env", "production", "{critical:true}", "proj/p:env/production", true},
		{"flag", "f", "inline", "proj/p:env/production:flag/f", true},
	}
	if diff := cmp.Diff(want, viewConcrete(&c)); diff != "" {
		t.Errorf("after Resolve (-want +have):\n%s", diff)
	}

	s, _ := Parse("proj/*:env/*;{critical:true}:flag/*")
	m, _ := Compile(s, nil)
	if have := m.Match(&c); have != match.True {
		t.Errorf("critical environment after Resolve: have %v, want true", have)
	}
}

func TestPathWithInlineMetadata(t *testing.T) {
	c, _ := ParseConcrete("proj/p;a,b:env/e;{critical:true}:flag/f")
	if have, want := c.Path(2), "proj/p:env/e:flag/f"; have != want {
		t.Errorf("Path(2):\nhave %q\nwant %q", have, want)
	}
}

func TestMatchDoesNotAllocate(t *testing.T) {
	s, _ := Parse("proj/*:env/*;{critical:true},qa_*:flag/*;view:check*")
	m, _ := Compile(s, nil)
	const res = "proj/default:env/production;qa_1,{critical:true}:flag/dark-mode;view:checkout"
	var c Concrete
	if n := testing.AllocsPerRun(100, func() {
		c, _ = ParseConcrete(res)
		m.Match(&c)
	}); n != 0 {
		t.Errorf("ParseConcrete and Match allocate %v times, want 0", n)
	}
	if have := m.Match(&c); have != match.True {
		t.Errorf("Match = %v, want true", have)
	}

	// Role attributes bound to patterns, as names and tags, and a type
	// alone.
	attrs := map[string][]string{"p": {"x", "def*"}, "t": {"qa_*", "eu"}}
	s, _ = Parse("proj/${roleAttribute/p}:env/*;${roleAttribute/t}:flag/*;view:${roleAttribute/p}")
	m, _ = Compile(s, attrs)
	const res2 = "proj/default:env/production;qa_1:flag/dark-mode;view:x"
	if n := testing.AllocsPerRun(100, func() {
		c, _ = ParseConcrete(res2)
		m.Match(&c)
	}); n != 0 {
		t.Errorf("ParseConcrete and Match with role attributes allocate %v times, want 0", n)
	}
	if have := m.Match(&c); have != match.True {
		t.Errorf("Match with role attributes = %v, want true", have)
	}
	s, _ = Parse("ip-allowlist;beta")
	m, _ = Compile(s, nil)
	if n := testing.AllocsPerRun(100, func() {
		c, _ = ParseConcrete("ip-allowlist;beta")
		m.Match(&c)
	}); n != 0 {
		t.Errorf("ParseConcrete and Match of a type alone allocate %v times, want 0", n)
	}
}

func TestIsKeyIsTag(t *testing.T) {
	tests := []struct {
		in         string
		key, isTag bool
	}{
		{"production", true, true},
		{"dark-mode_2.0", true, true},
		{"Default", true, true},
		{"_x", false, true},
		{"-x", false, true},
		{"", false, false},
		{"a,b", false, false},
		{"a b", false, false},
		{"a/b", false, false},
		{"*", false, false},
		{"é", false, false},
		{strings.Repeat("t", 64), true, true},
		{strings.Repeat("t", 65), true, false},
	}
	for _, tt := range tests {
		if have := IsKey(tt.in); have != tt.key {
			t.Errorf("IsKey(%q) = %v, want %v", tt.in, have, tt.key)
		}
		if have := IsTag(tt.in); have != tt.isTag {
			t.Errorf("IsTag(%q) = %v, want %v", tt.in, have, tt.isTag)
		}
	}
}

func TestParseMetadataMap(t *testing.T) {
	m, err := ParseMetadataMap([]byte(`{
		"proj/default:env/production": {"tags": ["prod"], "properties": {"critical": true, "tier": 1, "region": "eu"}},
		"proj/default:env/production:flag/dark-mode": "beta,view:checkout",
		"member/m": {}
	}`))
	if err != nil {
		t.Fatalf("ParseMetadataMap: %v", err)
	}
	have := map[string]string{}
	for path, md := range m {
		have[path] = md.String()
	}
	want := map[string]string{
		"proj/default:env/production":                "prod,{critical:true},{region:eu},{tier:1}",
		"proj/default:env/production:flag/dark-mode": "beta,view:checkout",
		"member/m": "",
	}
	if diff := cmp.Diff(want, have); diff != "" {
		t.Errorf("ParseMetadataMap (-want +have):\n%s", diff)
	}
	// An object lists in full the kinds it has; the inline notation lists
	// every kind in full.
	partial := map[string]Kinds{
		"proj/default:env/production":                Views,
		"proj/default:env/production:flag/dark-mode": 0,
		"member/m": Tags | Properties | Views,
	}
	for path, want := range partial {
		if have := m[path].PartialKinds(); have != want {
			t.Errorf("%q partial kinds = %b, want %b", path, have, want)
		}
	}

	errs := []struct {
		in, want string
	}{
		{`[]`, "resource: metadata file: json: cannot unmarshal array into Go value of type map[string]json.RawMessage"},
		{`null`, "resource: metadata file: expected an object of resource paths, found null"},
		{`{} {}`, "resource: metadata file: unexpected data after the object"},
		{`{"proj/a;x": ""}`, `resource: metadata file: "proj/a;x": a path has no metadata of its own: write "proj/a"`},
		{`{"Proj": ""}`, `resource: metadata file: "Proj": resource: syntax error at offset 0: malformed segment "Proj": expected "type/name" or a type alone, such as "acct"; a type is lower-case letters, digits and "-", starting with a letter`},
		{`{"proj/a": {"tag": ["x"]}}`, `resource: metadata file: "proj/a": expected a metadata list or an object with "tags", "properties" and "views": json: unknown field "tag"`},
		{`{"proj/a": {"tags": ["a,b"]}}`, `resource: metadata file: "proj/a": resource: malformed tag "a,b"`},
		{`{"proj/a": {"properties": {"critical": [true]}}}`, `resource: metadata file: "proj/a": property "critical": expected a string, number or boolean, found [true]`},
		{`{"proj/a": "x,,y"}`, `resource: metadata file: "proj/a": resource: syntax error at offset 2: empty metadata entry`},
		{"{\"proj/a\": \"\xff\"}", "resource: metadata file is not valid UTF-8 (at byte 12)"},
	}
	for _, tt := range errs {
		_, err := ParseMetadataMap([]byte(tt.in))
		if err == nil || err.Error() != tt.want {
			t.Errorf("ParseMetadataMap(%s):\nhave %v\nwant %s", tt.in, err, tt.want)
		}
	}
}

func TestMerge(t *testing.T) {
	md := func(s string, partial Kinds) Metadata { return partialMetadata(t, s, partial) }
	tests := []struct {
		name        string
		first, then Metadata
		want        string
		partial     Kinds
	}{
		{"complete first wins", md("a,{p:1},view:v", 0), md("b,{p:2},view:w", 0), "a,{p:1},view:v", 0},
		{"a partial kind completed by the other", md("beta", Properties|Views), md("x,{critical:true},view:checkout", 0), "beta,{critical:true},view:checkout", 0},
		{"what the first lists stands", md("beta,{critical:true}", Tags|Properties|Views), md("x,{critical:false},{tier:1}", 0), "beta,x,{critical:true},{tier:1}", 0},
		{"partial kinds add up", md("a,{p:1}", Tags|Properties|Views), md("b,a,{p:2},{q:3}", Tags|Properties|Views), "a,b,{p:1},{q:3}", Tags | Properties | Views},
		{"complete but empty", md("", 0), md("a,view:v", 0), "", 0},
	}
	for _, tt := range tests {
		m := tt.first.Merge(tt.then)
		if m.String() != tt.want || m.PartialKinds() != tt.partial {
			t.Errorf("%s: Merge = %q (partial %b), want %q (partial %b)", tt.name, m, m.PartialKinds(), tt.want, tt.partial)
		}
	}

	// Chain merges its resolvers' answers, first first.
	c := Chain{nil, MetadataMap{"p/x": md("beta", Properties|Views)}, MetadataMap{}, MetadataMap{"p/x": md("view:v", 0)}}
	m, ok := c.Metadata("p/x")
	if !ok || m.String() != "beta,view:v" || m.PartialKinds() != 0 {
		t.Errorf("Chain = %q (partial %b), %v", m, m.PartialKinds(), ok)
	}
	if _, ok := c.Metadata("p/y"); ok {
		t.Errorf("Chain knows a path none of its resolvers knows")
	}
}

// partialMetadata parses a metadata list and marks kinds partial.
func partialMetadata(t *testing.T, s string, partial Kinds) Metadata {
	t.Helper()
	m, err := ParseMetadata(s)
	if err != nil {
		t.Fatal(err)
	}
	return m.Partial(partial)
}

func TestShape(t *testing.T) {
	tests := []struct {
		spec, shape string
		every       bool
		same, other []string
	}{
		{"proj/*:env/*:flag/*", "proj/*:env/*:flag/*", true,
			[]string{"proj/p:env/e:flag/f", "proj/p:env/e;x:flag/f"}, []string{"proj/p:env/e", "proj/p:env/e:segment/s", "proj/p:env/e:flag/f:x/y"}},
		{"proj/*:env/production:flag/*", "proj/*:env/*:flag/*", false,
			[]string{"proj/p:env/dev:flag/f"}, []string{"proj/p:flag/f"}},
		{"acct", "acct", true, []string{"acct"}, []string{"acct/a", "proj/p"}},
		{"acct/*", "acct/*", true, []string{"acct/a"}, []string{"acct"}},
		{"proj/*;beta", "proj/*", false, []string{"proj/p"}, []string{"projs/p"}},
		// Types outside the catalogue: hashed keys, confirmed by the types.
		{"proj/*:widget/*", "proj/*:widget/*", true,
			[]string{"proj/p:widget/w"}, []string{"proj/p:widgets/w", "proj/p:gadget/w", "proj/p:flag/f", "proj/p:widget/w:flag/f"}},
		{"gizmo/*:env/*", "gizmo/*:env/*", true, []string{"gizmo/g:env/e"}, []string{"proj/p:env/e", "gizmo/g"}},
	}
	for _, tt := range tests {
		m := mustCompile(t, tt.spec)
		sh, every := m.shape, !m.never && len(m.tests) == 0
		if m.any || sh.String() != tt.shape || every != tt.every {
			t.Errorf("%s: shape %q (bare * %v), no tests %v; want %q, %v", tt.spec, sh, m.any, every, tt.shape, tt.every)
		}
		for _, r := range tt.same {
			var c Concrete
			if err := c.Parse(r); err != nil {
				t.Fatal(err)
			}
			if !c.hasShape(sh) || m.matchTests(&c) != m.Match(&c) {
				t.Errorf("%s: %s: hasShape %v, matchTests %v, Match %v", tt.spec, r, c.hasShape(sh), m.matchTests(&c), m.Match(&c))
			}
		}
		for _, r := range tt.other {
			c, err := ParseConcrete(r)
			if err != nil {
				t.Fatal(err)
			}
			if c.hasShape(sh) {
				t.Errorf("%s: %s has its shape", tt.spec, r)
			}
		}
	}
	if !mustCompile(t, "*").any {
		t.Errorf(`"*" is not taken for the bare "*", of every shape`)
	}
	var c Concrete
	if err := c.Parse("proj/a b"); err == nil || c.Len() != 0 {
		t.Errorf("Parse of a bad resource: %v, Len %d", err, c.Len())
	}
}

func mustCompile(t *testing.T, spec string) *Matcher {
	t.Helper()
	s, err := Parse(spec)
	if err != nil {
		t.Fatal(err)
	}
	m, err := Compile(s, nil)
	if err != nil {
		t.Fatal(err)
	}
	return m
}
