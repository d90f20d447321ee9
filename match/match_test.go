package match

import (
	"math/rand"
	"strings"
	"testing"

	"github.com/gobwas/glob"
	"github.com/google/go-cmp/cmp"
)

func TestCompileShape(t *testing.T) {
	tests := []struct {
		in   string
		want Shape
	}{
		{"", Exact},
		{"production", Exact},
		{"a-b.c_d", Exact},
		{"prod*", Prefix},
		{"prod**", Prefix},
		{"*-prod", Suffix},
		{"**-prod", Suffix},
		{"*", Any},
		{"***", Any},
		{"a*b", Stars},
		{"*prod*", Stars},
		{"a*b*c", Stars},
		{"a**b", Stars},
		{"?at", Glob},
		{"[ab]c", Glob},
		{"{qa,dev}", Glob},
		{`\*`, Glob},
		{"a}b", Glob},
		{"a]b", Glob},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			p, err := Compile(tt.in)
			if err != nil {
				t.Fatalf("Compile(%q): %v", tt.in, err)
			}
			if have := p.Shape(); have != tt.want {
				t.Errorf("Compile(%q).Shape():\nhave %v\nwant %v", tt.in, have, tt.want)
			}
			if have := p.String(); have != tt.in {
				t.Errorf("Compile(%q).String() = %q", tt.in, have)
			}
		})
	}
}

func TestMatch(t *testing.T) {
	tests := []struct {
		pattern string
		yes     []string
		no      []string
	}{
		{"production", []string{"production"}, []string{"", "Production", "production-2", "prod"}},
		{"", []string{""}, []string{"a"}},
		{"prod*", []string{"prod", "production", "prod-eu"}, []string{"", "pro", "xprod", "Prod"}},
		{"*-prod", []string{"-prod", "eu-prod"}, []string{"eu-prod2", "prod"}},
		{"*", []string{"", "a", "*", "a:b/c"}, nil},
		{"a*b", []string{"ab", "axb", "abab"}, []string{"a", "b", "ba", "abc"}},
		{"ab*ba", []string{"abba", "abxba"}, []string{"aba", "ab", "ba"}},
		{"*prod*", []string{"prod", "xprodx", "production"}, []string{"pro", "prdo"}},
		{"a*b*c", []string{"abc", "aXbYc", "abbc", "acbc"}, []string{"acb", "ab", "bc"}},
		{"*a*a*a*b", []string{"aaab", "xaxaxaxb"}, []string{"aab", "aaaa", "aaaba"}},
		{"?at", []string{"cat", "fat"}, []string{"at", "chat"}},
		{"[a-c]at", []string{"bat"}, []string{"fat"}},
		{"qa_{test,prod}", []string{"qa_test", "qa_prod"}, []string{"qa_dev"}},
		{`\*`, []string{"*"}, []string{"a", ""}},
		{"a}b", []string{"a}b"}, []string{"ab"}},
	}
	for _, tt := range tests {
		t.Run(tt.pattern, func(t *testing.T) {
			p := MustCompile(tt.pattern)
			for _, s := range tt.yes {
				if !p.Match(s) {
					t.Errorf("%q (%v).Match(%q):\nhave false\nwant true", tt.pattern, p.Shape(), s)
				}
			}
			for _, s := range tt.no {
				if p.Match(s) {
					t.Errorf("%q (%v).Match(%q):\nhave true\nwant false", tt.pattern, p.Shape(), s)
				}
			}
		})
	}
}

func TestCompileError(t *testing.T) {
	tests := []struct {
		in   string
		want *SyntaxError
	}{
		{"{a,b", &SyntaxError{Offset: 4, Msg: "unclosed `{`"}},
		{"qa_[a", &SyntaxError{Offset: 5, Msg: "unexpected end of input"}},
		{`a\`, &SyntaxError{Offset: 2, Msg: "trailing backslash"}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			_, err := Compile(tt.in)
			se, ok := err.(*SyntaxError)
			if !ok {
				t.Fatalf("Compile(%q) error = %v (%T), want *SyntaxError", tt.in, err, err)
			}
			if diff := cmp.Diff(tt.want, se); diff != "" {
				t.Errorf("Compile(%q) error (-want +have):\n%s", tt.in, diff)
			}
		})
	}
}

// TestMatchAgreesWithGlob holds every specialised shape to gobwas/glob, which
// defines the pattern language, on random patterns over a small alphabet
// where near misses are common.
func TestMatchAgreesWithGlob(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	word := func(alphabet string, max int) string {
		var b strings.Builder
		for n := r.Intn(max + 1); n > 0; n-- {
			b.WriteByte(alphabet[r.Intn(len(alphabet))])
		}
		return b.String()
	}
	shapes := map[Shape]int{}
	for i := 0; i < 20000; i++ {
		pat := word("ab*", 7)
		p := MustCompile(pat)
		g := glob.MustCompile(pat)
		shapes[p.Shape()]++
		for j := 0; j < 10; j++ {
			s := word("ab", 9)
			if have, want := p.Match(s), g.Match(s); have != want {
				t.Fatalf("%q (%v).Match(%q):\nhave %v\nwant %v (gobwas/glob)", pat, p.Shape(), s, have, want)
			}
		}
	}
	for _, s := range []Shape{Exact, Prefix, Suffix, Any, Stars} {
		if shapes[s] == 0 {
			t.Errorf("no random pattern had shape %v", s)
		}
	}
}

func TestMatchDoesNotAllocate(t *testing.T) {
	long := strings.Repeat("{*a,*?}", 12) + "*[é]*n" // several words of states
	for _, pat := range []string{"production", "prod*", "*-prod", "*", "a*b*c", "qa_{test,prod}", "q*_?r*[!x]-*n", long} {
		p := MustCompile(pat)
		if n := testing.AllocsPerRun(100, func() { p.Match("qa_prod-a-b-c-production-é") }); n != 0 {
			t.Errorf("%q (%v).Match allocates %v times, want 0", pat, p.Shape(), n)
		}
	}
}

// TestTruth checks the Kleene operators against their definition: the set
// of values an expression can take over every value of independent unknowns.
func TestTruth(t *testing.T) {
	type possible struct{ f, t bool } // can be false, can be true
	all := []Truth{False, True, Unknown, Unknown.Not()}
	values := func(x Truth) possible {
		if x.Known() {
			return possible{!x.Value(), x.Value()}
		}
		return possible{true, true}
	}
	check := func(name string, have Truth, want possible, wantValue bool) {
		t.Helper()
		if have.Known() != (want.f != want.t) {
			t.Errorf("%s = %v: Known() = %v, possible values %+v", name, have, have.Known(), want)
		}
		if have.Value() != wantValue {
			t.Errorf("%s = %v: Value() = %v, want %v", name, have, have.Value(), wantValue)
		}
	}
	for _, x := range all {
		px := values(x)
		check("Not("+x.String()+")", x.Not(), possible{px.t, px.f}, !x.Value())
		for _, y := range all {
			py := values(y)
			and := possible{px.f || py.f, px.t && py.t}
			or := possible{px.f && py.f, px.t || py.t}
			check(x.String()+" And "+y.String(), x.And(y), and, x.Value() && y.Value())
			check(x.String()+" Or "+y.String(), x.Or(y), or, x.Value() || y.Value())
		}
	}
	if Truth(0) != False {
		t.Errorf("zero Truth is %v, want false", Truth(0))
	}
}

func BenchmarkMatch(b *testing.B) {
	for _, pat := range []string{"production", "prod*", "*-prod", "*", "*a*b*", "prod-{eu,us}-?"} {
		p := MustCompile(pat)
		b.Run(p.Shape().String(), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				p.Match("production-eu-1")
			}
		})
	}
}

// TestGlobAgreesWithGobwas holds the patterns with braces, '?', classes and
// escapes to gobwas/glob, on random patterns over the metacharacters and a
// small alphabet, beyond ASCII and invalid UTF-8 included in the names.
func TestGlobAgreesWithGobwas(t *testing.T) {
	r := rand.New(rand.NewSource(2))
	pick := func(alphabet []string, max int) string {
		var b strings.Builder
		for n := r.Intn(max + 1); n > 0; n-- {
			b.WriteString(alphabet[r.Intn(len(alphabet))])
		}
		return b.String()
	}
	patAlphabet := []string{"a", "b", "*", "?", "{", "}", ",", "[", "]", "!", "-", `\`, "é", "\uFFFD", "{a,b}", "[ab]", "[a-b]"}
	nameAlphabet := []string{"a", "b", ",", "-", "é", "\uFFFD", "\xff", "!"}
	compiled := 0
	for i := 0; i < 50000; i++ {
		// One pattern in ten is long enough for several words of states.
		pat := pick(patAlphabet, 10)
		if i%10 == 0 {
			pat = pick(patAlphabet, 120)
		}
		g, err := glob.Compile(pat)
		if err != nil {
			continue
		}
		compiled++
		p := MustCompile(pat)
		for j := 0; j < 10; j++ {
			s := pick(nameAlphabet, 8+len(pat)/4)
			if have, want := p.Match(s), g.Match(s); have != want {
				t.Fatalf("%q (%v).Match(%q):\nhave %v\nwant %v (gobwas/glob)", pat, p.Shape(), s, have, want)
			}
		}
	}
	if compiled < 5000 {
		t.Errorf("only %d random patterns compiled", compiled)
	}
}

// TestCost checks the cost of matching against the shape of a pattern:
// flat for "*", a step per 8 bytes at most for literals and stars, and,
// for brace groups with stars, growing with the pattern as well as the
// name.
func TestCost(t *testing.T) {
	tests := []struct {
		in       string
		n        int
		min, max int
	}{
		{"*", 4096, 1, 1},
		{"production", 4096, 1, 2},
		{"prod*", 4096, 1, 1},
		{"*a*b*c", 800, 1, 1 + 800*4/8},
		{"prod-{eu,us}-*", 40, 40, 40 * 16},
		{strings.Repeat("{*a,*b}", 10), 40, 40 * 30, 40 * 400},
		{strings.Repeat("{*a,*b}", 580), 4096, 4096 * 1000, 4096 * 100_000},
	}
	for _, tt := range tests {
		t.Run(tt.in[:min(len(tt.in), 20)], func(t *testing.T) {
			p := MustCompile(tt.in)
			have := p.Cost(tt.n)
			if have < tt.min || have > tt.max {
				t.Errorf("have Cost(%d) = %d, want %d to %d", tt.n, have, tt.min, tt.max)
			}
			if p.Cost(tt.n+64) < have {
				t.Errorf("have Cost(%d) = %d < Cost(%d) = %d, want it to grow with the name", tt.n+64, p.Cost(tt.n+64), tt.n, have)
			}
		})
	}
}
