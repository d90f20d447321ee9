package lint

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ldpolicy/ldpolicy/policy"
)

// budgetSlack is the work that can be done beyond the budget before the
// analysis notices: the last strings built, the last resource formatted.
const budgetSlack = 1 << 14

// checkWithBudget checks a policy file as Check does, and returns the
// findings and the steps the comparison of its statements spent.
func checkWithBudget(t testing.TB, name string, data []byte, opts Options) ([]Finding, int64) {
	t.Helper()
	f, err := policy.ParseFile(name, data)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	c := newChecker(f, opts)
	c.run()
	var used int64
	if c.budget != nil {
		used = c.budget.Used()
	}
	return c.finish().Findings, used
}

// TestBudgetNormalPolicies checks that the policies of the repository,
// LaunchDarkly's examples among them, are compared in full, well within
// the budget: bounding the work must change no finding of theirs.
func TestBudgetNormalPolicies(t *testing.T) {
	var files []string
	for _, dir := range []string{"testdata", "../testdata/policies", "../testdata/ci-example/policies", "../policy/testdata"} {
		m, _ := filepath.Glob(filepath.Join(dir, "*.json"))
		files = append(files, m...)
	}
	if len(files) < 10 {
		t.Fatalf("found %d policy files, want the repository's", len(files))
	}
	var most int64
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := policy.ParseFile(file, data); err != nil {
			continue // not a policy, or one that does not decode
		}
		findings, used := checkWithBudget(t, file, data, Options{})
		for _, f := range findings {
			if f.Code == codeTooLarge {
				t.Errorf("%s: %v", file, f)
			}
		}
		if used > DefaultBudget/100 {
			t.Errorf("%s: the comparison spent %d steps, more than a hundredth of the budget of %d", file, used, DefaultBudget)
		}
		most = max(most, used)
	}
	t.Logf("the most any file spent: %d steps of %d", most, int64(DefaultBudget))
}

// braces is a specifier of n brace groups with stars, "{*a,*b}" repeated:
// matching it costs in proportion to its length for each byte matched,
// and probing it once took minutes at 4 KB.
func braces(n int) string {
	return "proj/" + strings.Repeat("{*a,*b}", n) + ":env/*:flag/*"
}

// TestBudgetPathological checks that pathological patterns exhaust the
// budget, the comparison stops within it, and LDP200 says so at the
// pattern that costs the most.
func TestBudgetPathological(t *testing.T) {
	many := func(n int, f func(i int) string) string {
		var stmts []string
		for i := 0; i < n; i++ {
			stmts = append(stmts, f(i))
		}
		return pol(stmts...)
	}
	tests := []struct {
		name string
		in   string
		want string // the path of the LDP200 finding
		pos  string // its position
		msg  string
	}{
		{name: "4 KB of brace groups", in: pol(allow(`"*"`, `"`+braces(580)+`"`)),
			want: "statements[0].resources[0]", pos: "p.json:2:59", msg: "the policy's patterns are too complex"},
		{name: "1.4 KB of brace groups", in: pol(allow(`"*"`, `"`+braces(200)+`"`)),
			want: "statements[0].resources[0]", pos: "p.json:2:59", msg: "were not checked; this pattern costs the most"},
		{name: "brace groups in every segment of several statements", in: many(8, func(i int) string {
			b := strings.Repeat("{*a,*b}", 60+i)
			return allow(`"*"`, `"proj/`+b+`:env/`+b+`:flag/`+b+`"`)
		}), want: "statements[7].resources[0]"},
		{name: "star and question mark", in: pol(allow(`"*"`, `"proj/`+strings.Repeat("*?a", 1300)+`:env/*:flag/*"`)),
			want: "statements[0].resources[0]"},
		{name: "brace groups in actions", in: many(6, func(i int) string {
			return allow(`"`+strings.Repeat("{*a,*b}", 36)+`"`, `"proj/*:env/*:flag/*"`)
		}), want: "statements[0].actions[0]"},
		{name: "brace groups in tags", in: many(50, func(i int) string {
			var tags []string
			for k := 0; k < 32; k++ {
				tags = append(tags, strings.Repeat("{*a,*b}", 12)+string(rune('a'+k%26)))
			}
			return allow(`"*"`, `"proj/*:env/*;`+strings.Join(tags, ",")+`:flag/*"`)
		}), want: "statements[0].resources[0]"},
		{name: "many plain names", in: many(300, func(i int) string {
			var res []string
			for k := 0; k < 40; k++ {
				res = append(res, `"proj/p`+itoa(i)+`:env/e`+itoa(k)+`:flag/*"`)
			}
			return allow(`"a`+itoa(i)+`"`, strings.Join(res, ", "))
		}), want: "", msg: "were not checked"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			findings, used := checkWithBudget(t, "p.json", []byte(tt.in), Options{})
			var got []Finding
			for _, f := range findings {
				if f.Code == codeTooLarge {
					got = append(got, f)
				}
				if f.Code == codeNever || f.Code == codeRedundant || f.Code == codeOverridden || f.Code == codeNothing {
					t.Errorf("a finding of a comparison cut short: %v", f)
				}
			}
			if len(got) != 1 {
				t.Fatalf("have %d LDP200 findings, want 1: %v", len(got), findings)
			}
			f := got[0]
			if f.Path() != tt.want {
				t.Errorf("have LDP200 at %q, want %q: %v", f.Path(), tt.want, f)
			}
			if f.Severity != Warning {
				t.Errorf("have severity %v, want warning", f.Severity)
			}
			if tt.pos != "" && f.Pos.String() != tt.pos {
				t.Errorf("have position %s, want %s", f.Pos, tt.pos)
			}
			if !strings.Contains(f.Message, tt.msg) {
				t.Errorf("have message %q, want it to contain %q", f.Message, tt.msg)
			}
			if used > DefaultBudget+budgetSlack {
				t.Errorf("the comparison spent %d steps, beyond the budget of %d", used, DefaultBudget)
			}
		})
	}
}

// TestBudgetOption checks that Options.Budget bounds the comparison: a
// policy compared in full under the default budget is cut short under a
// budget too small for it, and the work stays within it.
func TestBudgetOption(t *testing.T) {
	in := []byte(pol(allow(`"*"`, `"proj/*:env/production:flag/*"`), allow(`"updateOn"`, `"proj/*:env/*:flag/*"`)))
	full, used := checkWithBudget(t, "p.json", in, Options{})
	for _, f := range full {
		if f.Code == codeTooLarge {
			t.Fatalf("cut short under the default budget: %v", f)
		}
	}
	small := used / 2
	cut, usedSmall := checkWithBudget(t, "p.json", in, Options{Budget: small})
	n := 0
	for _, f := range cut {
		if f.Code == codeTooLarge {
			n++
			if f.Statement != -1 || !strings.Contains(f.Message, "too large to compare its statements within the analysis budget") {
				t.Errorf("have %v, want LDP200 for the policy as a whole", f)
			}
		}
	}
	if n != 1 {
		t.Errorf("have %d LDP200 findings under a budget of %d steps, want 1: %v", n, small, cut)
	}
	if usedSmall > small+budgetSlack {
		t.Errorf("spent %d steps of a budget of %d", usedSmall, small)
	}
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}

// BenchmarkCheckBudget checks a policy of the repository and a policy
// whose 4 KB specifier of brace groups exhausts the budget: the second
// should take a small multiple of the first, not minutes.
func BenchmarkCheckBudget(b *testing.B) {
	normal, err := os.ReadFile("../testdata/policies/webhook.json")
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name string
		in   []byte
	}{
		{"normal", normal},
		{"braces4k", []byte(pol(allow(`"*"`, `"`+braces(580)+`"`)))},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := findingsOf(CheckSource("p.json", bc.in, Options{})); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
