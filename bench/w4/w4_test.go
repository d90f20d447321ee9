package w4

import (
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/gobwas/glob"
	"github.com/ldpolicy/ldpolicy/match"
)

// engines compiles a pattern for each engine, in the order they are
// reported.
func engines(t testing.TB, pattern string) []engine {
	p, err := match.Compile(pattern)
	if err != nil {
		t.Fatalf("ldpolicy: %q: %v", pattern, err)
	}
	re, err := regexp.Compile(Regexp(pattern))
	if err != nil {
		t.Fatalf("regexp: %q: %v", Regexp(pattern), err)
	}
	g, err := glob.Compile(pattern)
	if err != nil {
		t.Fatalf("gobwas: %q: %v", pattern, err)
	}
	return []engine{
		{"ldpolicy", p.Match},
		{"regexp", re.MatchString},
		{"gobwas", g.Match},
	}
}

type engine struct {
	name  string
	match func(string) bool
}

// TestW4Parity holds every engine to the expected answer on every case and
// key length: timing is meaningful only between engines that agree.
func TestW4Parity(t *testing.T) {
	for _, c := range Cases {
		for _, n := range KeyLengths {
			key := c.Key(n)
			if len(key) != n {
				t.Fatalf("%s: key of %d bytes, want %d", c.Name, len(key), n)
			}
			for _, e := range engines(t, c.Pattern) {
				if got := e.match(key); got != c.Match {
					t.Errorf("%s/%d/%s: %q matches %d-byte key: %v, want %v", c.Name, n, e.name, c.Pattern, n, got, c.Match)
				}
			}
		}
	}
}

func TestRegexp(t *testing.T) {
	for _, tc := range []struct{ glob, re string }{
		{"*a*b", `^(?s:.*a.*b)$`},
		{"a?c", `^(?s:a.c)$`},
		{"{ab,c*}", `^(?s:(?:ab|c.*))$`},
		{"x,y", `^(?s:x,y)$`},
		{"[!ab]z", `^(?s:[^ab]z)$`},
		{`a\*.`, `^(?s:a\*\.)$`},
	} {
		if got := Regexp(tc.glob); got != tc.re {
			t.Errorf("Regexp(%q) = %q, want %q", tc.glob, got, tc.re)
		}
	}
}

// BenchmarkW4 times each engine on each case and key length:
// BenchmarkW4/<case>/<key length>/<engine>.
func BenchmarkW4(b *testing.B) {
	for _, c := range Cases {
		for _, n := range KeyLengths {
			key := c.Key(n)
			for _, e := range engines(b, c.Pattern) {
				b.Run(fmt.Sprintf("%s/%d/%s", c.Name, n, e.name), func(b *testing.B) {
					// A backtracking engine may take seconds a match:
					// one call decides whether it is worth timing.
					start := time.Now()
					if e.match(key) != c.Match {
						b.Fatalf("%s matches %q against %d bytes wrongly", e.name, c.Pattern, n)
					}
					if d := time.Since(start); d > time.Second {
						b.Skipf("one match takes %v", d)
					}
					b.SetBytes(int64(n))
					for b.Loop() {
						if e.match(key) != c.Match {
							b.Fatal("wrong answer")
						}
					}
				})
			}
		}
	}
}
