package terraform

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/ldpolicy/ldpolicy/policy"
)

// checkSource checks what was read from files of the given sizes: every
// problem is an *Error located inside a file, and so is every position of
// every policy, down to each byte of each element, whose offsets do not go
// back; compiling and making grants do not panic.
func checkSource(t *testing.T, s *Source, err error, sizes map[string]int) {
	t.Helper()
	inside := func(what string, p policy.Position) {
		if !p.IsValid() {
			if _, ok := sizes[p.Filename]; !ok && p.Filename != "" {
				t.Fatalf("%s: in no file read: %+v", what, p)
			}
			return
		}
		n, ok := sizes[p.Filename]
		if !ok || p.Offset < 0 || p.Offset > n || p.Line < 1 || p.Column < 1 {
			t.Fatalf("%s: at %+v, outside the files read %v", what, p, sizes)
		}
	}
	problems := func(err error) {
		var l ErrorList
		if !errors.As(err, &l) || len(l) == 0 {
			t.Fatalf("error %v is not an ErrorList", err)
		}
		for _, e := range l {
			inside(e.Error(), e.Pos)
		}
	}
	if err != nil {
		problems(err)
		return
	}
	for _, r := range s.Resources {
		inside(r.Address, r.Pos)
		switch {
		case r.Err != nil:
			problems(r.Err)
		case r.Policy != nil:
			f := r.Policy
			inside("the policy", f.Position(-1, "", -1, -1))
			for i, st := range f.Statements {
				for field, list := range map[string][]string{"actions": st.Actions, "notActions": st.NotActions, "resources": st.Resources, "notResources": st.NotResources} {
					for j, el := range list {
						prev := f.Position(i, field, j, -1)
						inside(el, prev)
						// Each byte of short elements: locating a byte past
						// JSON escapes takes time in the length of the element.
						for k := 0; k <= min(len(el), 64); k++ {
							p := f.Position(i, field, j, k)
							inside(el, p)
							if p.Filename == prev.Filename && p.Offset < prev.Offset && k > 0 {
								t.Fatalf("byte %d of %q at %v, before byte %d at %v", k, el, p, k-1, prev)
							}
							prev = p
						}
					}
				}
			}
			_, err := f.Compile(policy.Options{Lenient: true})
			var pl policy.ErrorList
			if err != nil && !errors.As(err, &pl) {
				t.Fatalf("compiling: %v", err)
			}
			for _, e := range pl {
				inside(e.Error(), e.Pos)
			}
		case r.Team != nil:
			for _, ref := range r.Team.Roles {
				inside(ref.Key, ref.Pos)
			}
			r.Team.Grants(policy.Options{})
		}
	}
}

// FuzzRead reads arbitrary bytes as the main.tf of a module, beside a
// policy file that file(…) can read: no panic, and every position inside
// a file.
func FuzzRead(f *testing.F) {
	for _, name := range []string{"module/main.tf", "module/roles.tf", "module/teams.tf", "blocks/main.tf", "errors/typo.tf", "errors/unknown.tf"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{
		`resource "launchdarkly_custom_role" "r" { key = "r" policy_statements_json = file("p.json") }`,
		"resource \"launchdarkly_custom_role\" \"r\" {\n  key = \"r\"\n  policy_statements_json = <<-EOT\n    [{\"effect\": \"allow\", \"actions\": [\"*\"], \"resources\": [\"proj/$${roleAttribute/x}\\u00e9\"]}]\n  EOT\n}\n",
		"resource \"launchdarkly_webhook\" \"w\" {\n  statements = [{ effect = \"allow\", actions = [\"*\"], resources = [\"a\\\"${\"b\"}c%%{\", 1 == 1 ? \"x\" : \"y\"] }]\n}\n",
		`resource "launchdarkly_team_role_mapping" "t" { team_key = "t" custom_role_keys = [launchdarkly_custom_role.r.key] role_attributes = { a = ["b"] } }`,
		`resource "launchdarkly_webhook" "w" { statements = [[[[[[["x"]]]]]]] }`,
		"a = <<EOT\nx",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		pol := []byte("[\n  {\"effect\": \"allow\", \"actions\": [\"*\"], \"resources\": [\"proj/\\u0078:/flag/*\"]}\n]\n")
		fsys := fstest.MapFS{"m/main.tf": {Data: data}, "m/p.json": {Data: pol}}
		s, err := ReadFS(fsys, "m")
		checkSource(t, s, err, map[string]int{"m/main.tf": len(data), "m/p.json": len(pol), "m": 0})
	})
}

// FuzzParseJSON reads arbitrary bytes as the output of terraform show
// -json: no panic, and every position inside the file.
func FuzzParseJSON(f *testing.F) {
	for _, name := range []string{"show/plan.json", "show/state.json"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"values": {"root_module": {"resources": [{"address": "launchdarkly_custom_role.r", "mode": "managed", "type": "launchdarkly_custom_role", "values": {"key": "r", "policy_statements_json": "[{\"effect\":\"allow\",\"actions\":[\"\\u0078\"],\"resources\":[\"*\"]}]"}}]}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ParseJSON("plan.json", data)
		checkSource(t, s, err, map[string]int{"plan.json": len(data)})
	})
}
