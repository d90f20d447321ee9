package resource

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// syntaxOffset checks that err is a *SyntaxError whose offset is inside
// the input (or just past its end).
func syntaxOffset(t *testing.T, s string, err error) {
	t.Helper()
	var se *SyntaxError
	if !errors.As(err, &se) {
		t.Fatalf("%q: error %v is not a *SyntaxError", s, err)
	}
	if se.Offset < 0 || se.Offset > len(s) {
		t.Fatalf("%q: error offset %d outside the input (%d bytes): %v", s, se.Offset, len(s), err)
	}
}

// FuzzParse parses arbitrary specifiers: no panic, errors inside the
// input, and what parses prints back to an equal tree.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"*", "acct", "proj/*:env/production:flag/*", "proj/*:env/*;qa_*:flag/*",
		"proj/*:env/*;{critical:true}:flag/*", "proj/*:env/*:flag/*;view:checkout",
		"proj/${roleAttribute/projects}:env/*", "proj/*:env/*;qa_*:/flag/*",
		"proj/{a,b}:env/[!x]?", "proj/a,b", "member/*:token/*", "proj/*::env/*",
		"ip-allowlist", "proj/*;${roleAttribute/domain}", "proj/*:", "proj/*;view:", "proj/a:ip-allowlist",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sp, err := Parse(s)
		if err != nil {
			syntaxOffset(t, s, err)
		} else {
			again, err := Parse(sp.String())
			if err != nil {
				t.Fatalf("%q parses, its String %q does not: %v", s, sp.String(), err)
			}
			if diff := cmp.Diff(sp.Segments(), again.Segments()); diff != "" {
				t.Fatalf("%q: String parses to another tree (-first +again):\n%s", s, diff)
			}
			var parts []string
			for _, seg := range sp.Segments() {
				if seg.Offset < 0 || seg.Offset >= len(s) {
					t.Fatalf("%q: segment offset %d outside the input", s, seg.Offset)
				}
				parts = append(parts, seg.String())
			}
			if !sp.IsAny() && strings.Join(parts, ":") != s {
				t.Fatalf("%q: segments print %q", s, strings.Join(parts, ":"))
			}
			if _, err := Compile(sp, map[string][]string{"projects": {"a"}}); err != nil {
				t.Fatalf("%q parses but does not compile: %v", s, err)
			}
		}
		if _, warnings, err := ParseLenient(s); err != nil {
			syntaxOffset(t, s, err)
		} else {
			for _, w := range warnings {
				syntaxOffset(t, s, w)
			}
		}
	})
}

// FuzzParseConcrete parses arbitrary concrete resources: no panic, errors
// inside the input, and a parsed resource whose parts are the input's.
func FuzzParseConcrete(f *testing.F) {
	for _, s := range []string{
		"acct", "proj/default:env/production:flag/dark-mode",
		"proj/p:env/qa;qa_test,{critical:true}:flag/f;beta,view:checkout",
		"proj/p:env/qa;:flag/f", "proj/*", "member/a:token/b", "proj/a:b",
		"proj/a:b/c", "proj/a:acct", "proj/:env/e", "proj/a:/env/e", "proj/a/b:env/x:y",
		"ip-allowlist", "ip-allowlist;beta:acct", "proj/a:", "proj/a;view:",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseConcrete(s)
		// The one-pass parser of the common form reads what the general
		// one reads.
		var slow Concrete
		if serr := slow.parseSlow(s); (serr == nil) != (err == nil) || err == nil && c != slow {
			t.Fatalf("%q: ParseConcrete gives %+v, %v; the general parser %+v, %v", s, c, err, slow, serr)
		}
		if err != nil {
			syntaxOffset(t, s, err)
			return
		}
		if c.String() != s || c.Len() < 1 || c.Len() > MaxSegments {
			t.Fatalf("%q: String %q, Len %d", s, c.String(), c.Len())
		}
		for i := 0; i < c.Len(); i++ {
			if !strings.Contains(s, c.Type(i)) || !strings.Contains(s, c.Key(i)) {
				t.Fatalf("%q: segment %d is %q/%q", s, i, c.Type(i), c.Key(i))
			}
			if md, ok := c.Metadata(i); ok {
				if _, err := ParseMetadata(md.String()); err != nil {
					t.Fatalf("%q: metadata %q of segment %d does not parse: %v", s, md.String(), i, err)
				}
			}
		}
		// Resolving keeps what the resource says inline and fills in the
		// rest.
		known := map[int]string{}
		for i := 0; i < c.Len(); i++ {
			if md, ok := c.Metadata(i); ok {
				known[i] = md.String()
			}
		}
		c.Resolve(everyPath{})
		for i := 0; i < c.Len(); i++ {
			md, ok := c.Metadata(i)
			want, inline := known[i]
			if !inline {
				want = "resolved"
			}
			if !ok || md.String() != want {
				t.Fatalf("%q: segment %d resolves to %q (known %v), want %q", s, i, md.String(), ok, want)
			}
		}
	})
}

// everyPath is a resolver that knows every resource: it is tagged
// "resolved".
type everyPath struct{}

func (everyPath) Metadata(string) (Metadata, bool) {
	return Metadata{text: "resolved"}, true
}
