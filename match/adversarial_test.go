package match

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/gobwas/glob"
)

// adversarial are patterns built to blow up backtracking matchers, each in
// a shape the matcher specialises: stars and literals only, and general
// globs with '?', classes and braces.
var adversarial = []struct {
	name, pattern string
	// exponential marks the patterns gobwas/glob takes seconds on, even
	// for the shortest keys: its column is left out.
	exponential bool
}{
	{"stars8", strings.Repeat("*a", 8) + "*b", false},
	{"stars8-miss", strings.Repeat("*a", 8) + "*c*b", false},
	{"stars64-miss", strings.Repeat("*a", 64) + "*c*b", false},
	{"glob8-miss", strings.Repeat("*a", 8) + "*[c]*b", false},
	{"glob8?-miss", strings.Repeat("*?", 8) + "*c*b", false},
	{"glob?a", strings.Repeat("*?a", 3) + "*?b", false},
	{"glob?a8-miss", strings.Repeat("*?a", 8) + "*c*b", false},
	{"braces", "{" + strings.Repeat("*a", 4) + "*b," + strings.Repeat("*a", 2) + "*c}", false},
	{"braces8-miss", "{" + strings.Repeat("*a", 8) + "*c*b," + strings.Repeat("*a", 4) + "*c}", false},
	{"braces-seq8-miss", strings.Repeat("{*a,*?}", 8) + "*c*b", true},
	{"braces-nested-miss", strings.Repeat("{*a,", 6) + "*c*b" + strings.Repeat("}", 6), false},
}

// keyLengths are the key lengths of the adversarial benchmarks, up to the
// longest resource.
var keyLengths = []int{256, 1024, 4096}

// BenchmarkAdversarial matches each adversarial pattern against keys of
// 'a's that end in 'b', so that no anchor rejects them early, beside Go's
// regexp, whose RE2 engine is linear in the input, and gobwas/glob matching
// the whole pattern by backtracking. For a fixed pattern, the time per byte
// of ldpolicy's matcher should stay flat as the key grows.
func BenchmarkAdversarial(b *testing.B) {
	for _, adv := range adversarial {
		p := MustCompile(adv.pattern)
		re := regexp.MustCompile(globToRE(adv.pattern))
		g := glob.MustCompile(adv.pattern)
		for _, n := range keyLengths {
			key := strings.Repeat("a", n-1) + "b"
			want := re.MatchString(key)
			for _, m := range []struct {
				name  string
				match func(string) bool
			}{
				{p.Shape().String(), p.Match},
				{"regexp", re.MatchString},
				{"gobwas", g.Match},
			} {
				if m.name == "gobwas" && (n > 1024 || adv.exponential) {
					continue // backtracking: seconds
				}
				b.Run(fmt.Sprintf("%s/%s/key=%d", adv.name, m.name, n), func(b *testing.B) {
					b.SetBytes(int64(n))
					for i := 0; i < b.N; i++ {
						if m.match(key) != want {
							b.Fatalf("%s matches %q: %v, regexp: %v", m.name, adv.pattern, !want, want)
						}
					}
				})
			}
		}
	}
}

// globToRE translates the adversarial patterns, which use only '*', '?',
// "[c]", braces and letters, into regular expressions.
func globToRE(p string) string {
	r := strings.NewReplacer("*", ".*", "?", ".", "[c]", "c", "{", "(?:", ",", "|", "}", ")")
	return "^" + r.Replace(p) + "$"
}

// TestAdversarialAgrees holds the adversarial patterns to regexp on the
// benchmark keys and their near misses, and to gobwas/glob where it
// finishes.
func TestAdversarialAgrees(t *testing.T) {
	for _, adv := range adversarial {
		p := MustCompile(adv.pattern)
		re := regexp.MustCompile(globToRE(adv.pattern))
		g := glob.MustCompile(adv.pattern)
		for _, n := range keyLengths {
			base := strings.Repeat("a", n-1)
			for _, key := range []string{base + "b", base + "c", "c" + base + "b", base[:n/2] + "c" + base[n/2:] + "b"} {
				want := re.MatchString(key)
				if have := p.Match(key); have != want {
					t.Errorf("%s (%q) matches a key of %d bytes: %v, regexp: %v", adv.name, adv.pattern, len(key), have, want)
				}
				if n == keyLengths[0] && !adv.exponential {
					if gw := g.Match(key); gw != want {
						t.Errorf("%s: gobwas %v, regexp %v", adv.name, gw, want)
					}
				}
			}
		}
	}
}
