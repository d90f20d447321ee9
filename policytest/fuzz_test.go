package policytest

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/ldpolicy/ldpolicy/policy"
)

// FuzzParse parses arbitrary bytes as a JSON test file and as a YAML one:
// no panic; problems are an ErrorList positioned inside the file; when
// both parse (YAML reads most JSON), they give the same cases at the same
// places; and a file that compiles runs every case.
func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob("../testdata/tests/*")
	for _, name := range seeds {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{
		`{"policy": [{"effect": "allow", "actions": ["*"], "resources": ["*"]}], "cases": [{"action": "a", "resource": "proj/p", "expect": "allow", "statement": 0}]}`,
		`{"policy": {"statements": []}, "context": "role", "cases": [{"accesses": [], "expect": "not delivered", "statement": "none"}]}`,
		`{"policy": [], "cases": [{"event": {"kind": "flag", "accesses": [{"action": "a", "resource": "proj/p:env/e:flag/f"}], "currentVersion": {"key": "f", "tags": ["x"]}}, "expect": "delivered"}]}`,
		`{"policy": "p.json", "metadata": {"proj/p": "a,{b:c}"}, "cases": [{"action": "a", "resource": "proj/p;x", "expect": "deny", "indeterminate": true}]}`,
		"policy: [{effect: allow, actions: ['*'], resources: ['proj/*:env/*;qa_*:/flag/*']}]\nlenient: true\ncases: [&a {action: a, resource: proj/p, expect: allow}, {<<: *a, name: b}]\n",
		"a: &a [*a]\n", "{", "", "\xef\xbb\xbf{}", `{"cases": [[[[]]]]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var files [2]*File
		for i, name := range []string{"t.ldtest.json", "t.ldtest.yaml"} {
			file, err := Parse(name, data)
			if err != nil {
				var list ErrorList
				if !errors.As(err, &list) || len(list) == 0 {
					t.Fatalf("%s: error %v is not an ErrorList", name, err)
				}
				for _, e := range list {
					p := e.Pos
					if p.Filename != name || p.Line < 0 || p.Line > 0 && (p.Offset < 0 || p.Offset > len(data) || p.Column < 0) {
						t.Fatalf("%s: error %v at %+v, outside the %d bytes of the file", name, e, p, len(data))
					}
					if e.Err == nil || e.Offset > len(e.Value) {
						t.Fatalf("%s: error %#v", name, e)
					}
					_ = e.Error()
				}
				continue
			}
			files[i] = file
			s, err := file.Compile(func(string) ([]byte, error) { return nil, os.ErrNotExist })
			if err != nil {
				_ = err.Error()
				continue
			}
			if results := s.Run(nil); len(results) != len(file.Cases) {
				t.Fatalf("%s: %d results of %d cases", name, len(results), len(file.Cases))
			}
		}
		if files[0] != nil && files[1] != nil {
			opts := cmp.Options{cmpopts.IgnoreUnexported(File{}, Case{}), cmpopts.IgnoreFields(File{}, "Name"),
				cmpopts.IgnoreFields(policy.Position{}, "Filename"), cmpopts.EquateEmpty()}
			if diff := cmp.Diff(files[0], files[1], opts); diff != "" {
				t.Fatalf("JSON and YAML read %q differently (-JSON +YAML):\n%s", data, diff)
			}
		}
	})
}
