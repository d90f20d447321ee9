package match

import (
	"errors"
	"testing"

	"github.com/gobwas/glob"
)

// FuzzMatch holds the specialised shapes to github.com/gobwas/glob, whose
// meaning patterns have: every pattern gobwas compiles matches every name
// as gobwas matches it, and every error is inside the pattern.
func FuzzMatch(f *testing.F) {
	for _, s := range [][2]string{
		{"production", "production"}, {"prod*", "production"}, {"*-prod", "eu-prod"},
		{"*", ""}, {"a*b*c", "abc"}, {"*ab*", "xaby"}, {"a**b", "ab"},
		{"q?", "qa"}, {"[!a]x", "bx"}, {"{qa,dev}_*", "dev_1"}, {`a\*`, "a*"},
		{"*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaa"}, {"[a-", "a"}, {"a{b", "ab"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, pattern, name string) {
		p, err := Compile(pattern)
		g, gerr := glob.Compile(pattern)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) || se.Offset < 0 || se.Offset > len(pattern) {
				t.Fatalf("%q: error %v is not a *SyntaxError inside the pattern", pattern, err)
			}
			if gerr == nil {
				t.Fatalf("%q: rejected (%v), but gobwas compiles it", pattern, err)
			}
			return
		}
		if gerr != nil {
			// Patterns of literals and '*' never reach gobwas; gobwas
			// rejects only invalid UTF-8 among them, which callers rule
			// out before compiling.
			if p.Shape() == Glob {
				t.Fatalf("%q: a %v pattern that gobwas rejects: %v", pattern, p.Shape(), gerr)
			}
			return
		}
		if got, want := p.Match(name), g.Match(name); got != want {
			t.Fatalf("%q (%v) matches %q: %v, gobwas: %v", pattern, p.Shape(), name, got, want)
		}
	})
}
