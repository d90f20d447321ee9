package probe

import (
	"testing"

	"github.com/ldpolicy/ldpolicy/match"
	"github.com/ldpolicy/ldpolicy/policy"
	"github.com/ldpolicy/ldpolicy/resource"
)

// FuzzAccesses checks that any specifier and action pattern give accesses
// to concrete resources, and that the instances of a pattern match it.
func FuzzAccesses(f *testing.F) {
	for _, s := range []string{
		"proj/*:env/*;qa_*,{critical:true}:flag/*;view:v*", "proj/{a,{b,c}}x", "proj/[!a-c]?", "proj/\\*x",
		"proj/[a", "proj/{a,", "acct;*", "proj/**", "proj/[]]", "proj/{,}", "x*y*z", "[!]", "proj/*:env/*;qa_*:/flag/*",
	} {
		f.Add(s, s)
	}
	f.Fuzz(func(t *testing.T, res, act string) {
		st := []policy.Statement{
			{Effect: policy.Allow, Actions: []string{act}, Resources: []string{res}},
			{Effect: policy.Deny, NotActions: []string{act}, NotResources: []string{res, "proj/*"}},
		}
		accesses, _ := Accesses(Options{}, st)
		for _, a := range accesses {
			if _, err := resource.ParseConcrete(a.Resource); err != nil {
				t.Fatalf("access %v: %v", a, err)
			}
		}
		if p, err := match.Compile(act); err == nil {
			for _, s := range instances(nil, p, parseGlob(act), []string{"", "x"}, nil) {
				if !p.Match(s) {
					t.Fatalf("instance %q of %q does not match it", s, act)
				}
			}
		}
	})
}
