package fuzz

import (
	"testing"

	"github.com/ldpolicy/ldpolicy/policy"
)

// FuzzCaseAgainstReference builds a realistic case from arbitrary bytes
// (the recipes of the property tests) and holds the engine's decisions of
// its accesses and its event, in both modes, to the reference's.
func FuzzCaseAgainstReference(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte("\x00\x00\x00\x00\x00\x03\x00\x05\x00Z\x00\x00\x00Z\x00\x00\x00\x00\x00\x00K"))
	f.Add([]byte("r\xb7V!WD\x00\xd1-S_q\v\x1e:\x93\xcba\xb8\x9f\x9a\xfb\x95\rn\x153\x19\xf5"))
	f.Fuzz(func(t *testing.T, recipe []byte) {
		c := BuildCase(recipe)
		if err := CheckAgainstReference(c); err != nil {
			t.Fatalf("%v%v", err, c)
		}
	})
}

// FuzzStatementAgainstReference decides arbitrary text: one statement made
// of an arbitrary resource specifier and action specifier, and an event of
// two accesses with arbitrary actions and resources, with role attributes
// bound to keys and patterns. The engine and the
// reference must accept and reject the same inputs, and decide the same.
func FuzzStatementAgainstReference(f *testing.F) {
	f.Add(false, false, "proj/*:env/production:flag/*", "*", "updateOn", "proj/p:env/production:flag/f", "acct")
	f.Add(true, true, "proj/*:env/*;qa_*:flag/*", "update*", "updateOn", "proj/p:env/qa;qa_1:flag/f", "proj/p:env/qa:flag/f")
	f.Add(false, false, "proj/${roleAttribute/projects}:env/*;{critical:true}", "{create,delete}Flag", "deleteFlag", "proj/a:env/e;{critical:true}", "proj/b:env/e")
	f.Add(true, false, "proj/*:env/*:flag/*;view:check*", "[!u]*", "createFlag", "proj/a:env/b:flag/c;view:checkout", "proj/a:env/b:flag/c;")
	f.Add(false, true, "member/*:token/?", `a\*`, "a*", "member/m:token/t", "*")
	f.Add(false, false, "proj/*;${roleAttribute/tags}", "*", "updateTags", "proj/p;qa_1", "proj/p;beta")
	f.Add(true, false, "ip-allowlist", "*", "viewIpAllowlist", "ip-allowlist", "ip-allowlist/x")
	f.Add(false, false, "proj/*:", "*", "updateOn", "proj/p:", "proj:env/e")
	f.Fuzz(func(t *testing.T, deny, negate bool, spec, act, action, res1, res2 string) {
		st := policy.Statement{Effect: policy.Allow, Actions: []string{act}, Resources: []string{spec}}
		if deny {
			st.Effect = policy.Deny
		}
		if negate {
			st.Resources, st.NotResources = nil, st.Resources
		}
		c := Case{
			Stmts:    []policy.Statement{st},
			Attrs:    map[string][]string{"projects": {"a", "b*"}, "tags": {"qa_*"}, "none": {}},
			Accesses: []Access{{action, res1}, {action, res2}},
		}
		if err := CheckAgainstReference(c); err != nil {
			t.Fatalf("%v%v", err, c)
		}
	})
}
