package policyfmt

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/ldpolicy/ldpolicy/policy"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestGolden formats every testdata/NAME.json and compares the result with
// testdata/NAME.golden, and snake.json with Options.CamelCase with
// snake.camel.golden. Each golden file is also formatted already, and means what its
// input means.
func TestGolden(t *testing.T) {
	inputs, err := filepath.Glob("testdata/*.json")
	if err != nil || len(inputs) == 0 {
		t.Fatalf("no inputs in testdata: %v", err)
	}
	for _, in := range inputs {
		base := strings.TrimSuffix(in, ".json")
		cases := []struct {
			golden string
			opts   Options
		}{{base + ".golden", Options{}}}
		if filepath.Base(base) == "snake" {
			cases = append(cases, struct {
				golden string
				opts   Options
			}{base + ".camel.golden", Options{CamelCase: true}})
		}
		for _, c := range cases {
			t.Run(filepath.Base(c.golden), func(t *testing.T) {
				data, err := os.ReadFile(in)
				if err != nil {
					t.Fatal(err)
				}
				have, err := Format(in, data, c.opts)
				if err != nil {
					t.Fatalf("Format: %v", err)
				}
				if *update {
					if err := os.WriteFile(c.golden, have, 0o666); err != nil {
						t.Fatal(err)
					}
				}
				want, err := os.ReadFile(c.golden)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(have, want) {
					t.Errorf("have:\n%s\nwant:\n%s", have, want)
				}
				again, err := Format(c.golden, have, c.opts)
				if err != nil || !bytes.Equal(again, have) {
					t.Errorf("formatting the output again gives (%v):\n%s", err, again)
				}
				if err := SameMeaning(data, have, c.opts); err != nil {
					t.Error(err)
				}
			})
		}
	}
}

// TestUnchanged formats files that are in canonical form already.
func TestUnchanged(t *testing.T) {
	for _, in := range []string{
		"[]\n",
		"{\n  \"statements\": []\n}\n",
		"{\n  \"url\": \"u\"\n}\n",
		"[\n  {}\n]\n",
		"[\n  {\n    \"effect\": \"allow\",\n    \"actions\": [\"*\"],\n    \"resources\": [\"*\"]\n  }\n]\n",
	} {
		have, err := Format("f.json", []byte(in), Options{})
		if err != nil || string(have) != in {
			t.Errorf("Format(%q) = %q, %v; want it unchanged", in, have, err)
		}
	}
}

// TestErrors checks that a file policy.ParseFile rejects is an error with
// the position of every problem, and that nothing is formatted.
func TestErrors(t *testing.T) {
	for _, tt := range []struct {
		in, want string
	}{
		{``, `f.json:1:1: empty policy file: expected a JSON array of statements, or an object with a "statements" or "policy" array`},
		{`[{"effect": "allow",}]`, `f.json:1:21: expected a field name, found '}'`},
		{"[\n  {\"effect\": \"allow\", \"resource\": [\"*\"]}\n]", `f.json:2:23: statements[0].resource: unknown field "resource" (did you mean "resources"?)`},
		{`{"statements": [], "policy": []}`, `f.json:1:20: both "statements" and "policy": expected one array of statements`},
		{`{"name": "x"}`, `f.json:1:1: expected a "statements" or "policy" array in the object (a webhook without a policy filter has "statements": [])`},
		{`[] []`, `f.json:1:4: expected the end of the policy, found an array`},
		{`[{"effect": "allow", "actions": "*"}]`, `f.json:1:33: statements[0].actions: expected an array of strings, found a string`},
		{`[{"effect": "allow", "effect": "deny"}]`, `f.json:1:22: statements[0].effect: duplicate field "effect" (the first is "effect")`},
	} {
		have, err := Format("f.json", []byte(tt.in), Options{})
		var list policy.ErrorList
		if !errors.As(err, &list) || len(list) == 0 {
			t.Errorf("Format(%q) = %q, %v; want an ErrorList", tt.in, have, err)
			continue
		}
		if have != nil {
			t.Errorf("Format(%q) returns output with its error", tt.in)
		}
		if s := list[0].Error(); s != tt.want {
			t.Errorf("Format(%q):\nhave %s\nwant %s", tt.in, s, tt.want)
		}
	}
}

func ExampleFormat() {
	data := []byte(`{"statements": [{"resources": ["proj/*:env/production:flag/*"], "actions": ["*"], "effect": "allow"}], "url": "https://example.com/hook"}`)
	out, err := Format("webhook.json", data, Options{})
	if err != nil {
		panic(err)
	}
	os.Stdout.Write(out)
	// Output:
	// {
	//   "url": "https://example.com/hook",
	//   "statements": [
	//     {
	//       "effect": "allow",
	//       "actions": ["*"],
	//       "resources": ["proj/*:env/production:flag/*"]
	//     }
	//   ]
	// }
}

// SameMeaning reports how the formatted file out differs in meaning from
// the file in, if it does: both must decode to the same statements and the
// same JSON values (field order aside; with CamelCase, the snake_case
// statement fields renamed), and compile with the same problems.
func SameMeaning(in, out []byte, opts Options) error {
	f1, err1 := policy.ParseFile("f.json", in)
	f2, err2 := policy.ParseFile("f.json", out)
	if err1 != nil || err2 != nil {
		return fmt.Errorf("ParseFile: %v; of the formatted file: %v", err1, err2)
	}
	if !reflect.DeepEqual(f1.Statements, f2.Statements) {
		return fmt.Errorf("statements differ:\n%v\n%v", f1.Statements, f2.Statements)
	}
	var v1, v2 any
	if err := json.Unmarshal(bytes.TrimPrefix(in, []byte("\uFEFF")), &v1); err != nil {
		return fmt.Errorf("encoding/json rejects the input: %v", err)
	}
	if err := json.Unmarshal(out, &v2); err != nil {
		return fmt.Errorf("encoding/json rejects the output: %v", err)
	}
	if opts.CamelCase {
		v1 = camel(v1)
	}
	if !reflect.DeepEqual(v1, v2) {
		return fmt.Errorf("JSON values differ:\n%v\n%v", v1, v2)
	}
	if p1, p2 := problems(f1), problems(f2); p1 != p2 {
		return fmt.Errorf("compiling reports\n%s\nbefore, and after\n%s", p1, p2)
	}
	return nil
}

// problems lists what compiling the statements of f reports, without
// positions.
func problems(f *policy.File) string {
	_, err := policy.Compile(f.Statements, policy.Options{})
	var list policy.ErrorList
	errors.As(err, &list)
	var b strings.Builder
	for _, e := range list {
		b.WriteString(e.Path() + ": " + e.Message() + "\n")
	}
	return b.String()
}

// camel renames the snake_case statement fields of a decoded policy file.
func camel(v any) any {
	rename := func(stmts any) {
		list, _ := stmts.([]any)
		for _, st := range list {
			m, ok := st.(map[string]any)
			if !ok {
				continue
			}
			for from, to := range map[string]string{"not_actions": "notActions", "not_resources": "notResources"} {
				if x, ok := m[from]; ok {
					delete(m, from)
					m[to] = x
				}
			}
		}
	}
	switch v := v.(type) {
	case []any:
		rename(v)
	case map[string]any:
		rename(v["statements"])
		rename(v["policy"])
	}
	return v
}
