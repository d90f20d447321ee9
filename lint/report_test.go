package lint

import (
	"fmt"
	"strings"
	"testing"

	"github.com/ldpolicy/ldpolicy/policy"
)

// TestMaxFindings checks that Options.MaxFindings keeps the most severe
// findings, the earliest first, in file order, counts the others, and
// holds fewer than twice as many: keep drops the others as it goes.
func TestMaxFindings(t *testing.T) {
	// 600 warnings (glob syntax beyond "*"), then an error (LDP005: a
	// malformed specifier).
	var res []string
	for i := 0; i < 600; i++ {
		res = append(res, fmt.Sprintf(`"proj/{a}%d"`, i))
	}
	in := pol(allow(`"*"`, strings.Join(res, ", ")), allow(`"updateOn"`, `"proj/*:env/*;{critical:true:flag/*"`))
	all, err := CheckSource("p.json", []byte(in), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if all.Omitted() != 0 || all.Counts[Error] != 1 || all.Counts[Warning] < 600 {
		t.Fatalf("without a bound: have %d omitted, counts %v; want none omitted, 1 error, 600 warnings or more", all.Omitted(), all.Counts)
	}
	for _, k := range []int{1, 10, 100} {
		t.Run(fmt.Sprint(k), func(t *testing.T) {
			f, err := policy.ParseFile("p.json", []byte(in))
			if err != nil {
				t.Fatal(err)
			}
			c := newChecker(f, Options{MaxFindings: k})
			c.run()
			if len(c.findings) >= 2*k {
				t.Errorf("held %d findings, want fewer than %d", len(c.findings), 2*k)
			}
			r := c.finish()
			if len(r.Findings) != k || r.Counts != all.Counts || r.Omitted() != len(all.Findings)-k {
				t.Errorf("have %d findings, counts %v, %d omitted; want %d, %v, %d", len(r.Findings), r.Counts, r.Omitted(), k, all.Counts, len(all.Findings)-k)
			}
			if r.Findings[len(r.Findings)-1].Code != codeResource && r.Findings[0].Code != codeResource {
				t.Errorf("the error is not kept: %v", r.Findings)
			}
			var want []Finding
			for _, f := range all.Findings {
				if f.Severity == Error || len(want) < k-1 {
					want = append(want, f)
				}
			}
			for i := range r.Findings {
				if r.Findings[i].String() != want[i].String() {
					t.Errorf("finding %d: have %v, want %v", i, r.Findings[i], want[i])
					break
				}
			}
		})
	}
}
