package w1

import "testing"

// TestAgreement goes beyond the parity probes: on a grid of well-formed
// accesses built from the names and actions W1Policy tests (and near
// misses of them), every engine decides as ldpolicy does. Malformed
// resources, such as an empty key, are left out: ldpolicy rejects them and
// the peers have no notion of them.
func TestAgreement(t *testing.T) {
	if testing.Short() {
		t.Skip("grid of about 14,000 accesses per engine")
	}
	engines, err := Engines()
	if err != nil {
		t.Fatal(err)
	}
	actions := []string{"updateOn", "deleteFlag", "createFlag", "updateOffVariation", "viewProject", "updateName",
		"updateTags", "updateMemberRole", "createMember", "createProject", "update", "xMember"}
	names := []string{"production", "web", "staging", "mobile-ios", "mobile", "legacy-x", "x-internal", "*"}
	resources := []string{"proj/p:env/production:flag/f:x/y", "proj/p:env/production:experiment/f", "webhook/w"}
	for _, a := range names {
		resources = append(resources, "proj/"+a, "member/"+a, "role/"+a)
		for _, b := range names {
			resources = append(resources, "proj/"+a+":env/"+b, "proj/"+a+":metric/"+b)
			for _, c := range names {
				resources = append(resources, "proj/"+a+":env/"+b+":flag/"+c, "proj/"+a+":env/"+b+":segment/"+c)
			}
		}
	}
	ref := engines[0]
	if ref.Name() != "ldpolicy" {
		t.Fatalf("first engine is %s, want ldpolicy", ref.Name())
	}
	for _, e := range engines[1:] {
		bad := 0
		for _, a := range actions {
			for _, r := range resources {
				want := ref.Allowed(a, r)
				if got := e.Allowed(a, r); got != want {
					if bad++; bad <= 5 {
						t.Errorf("engine %s: %s on %s: got allow=%v, ldpolicy allow=%v", e.Name(), a, r, got, want)
					}
				}
			}
		}
		if bad > 5 {
			t.Errorf("engine %s: %d disagreements in all", e.Name(), bad)
		}
	}
}
