package policy

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// problem is an Error as the tests compare it.
type problem struct {
	Pos    string // "line:col", empty when not positioned
	Path   string
	Offset int
	Msg    string
}

func problems(err error) []problem {
	var errs ErrorList
	if !errors.As(err, &errs) {
		return []problem{{Msg: "not an ErrorList: " + err.Error()}}
	}
	var out []problem
	for _, e := range errs {
		pos := ""
		if e.Pos.IsValid() {
			pos = itoa(e.Pos.Line) + ":" + itoa(e.Pos.Column)
		}
		out = append(out, problem{pos, e.Path(), e.Offset, e.Message()})
	}
	return out
}

func TestCompileErrors(t *testing.T) {
	tests := []struct {
		name string
		in   []Statement
		want []problem
	}{
		{"missing effect", []Statement{{Actions: []string{"*"}, Resources: []string{"*"}}},
			[]problem{{"", "statements[0].effect", -1, `missing effect: expected "allow" or "deny"`}}},
		{"effect is case-sensitive", []Statement{{Effect: "Allow", Actions: []string{"*"}, Resources: []string{"*"}}},
			[]problem{{"", "statements[0].effect", -1, `expected "allow" or "deny", found "Allow" (effects are case-sensitive: write "allow")`}}},
		{"unknown effect", []Statement{{Effect: "permit", Actions: []string{"*"}, Resources: []string{"*"}}},
			[]problem{{"", "statements[0].effect", -1, `expected "allow" or "deny", found "permit"`}}},
		{"no resources", []Statement{{Effect: Allow, Actions: []string{"*"}}},
			[]problem{{"", "statements[0]", -1, `missing "resources" or "notResources"`}}},
		{"no actions", []Statement{{Effect: Allow, Resources: []string{"*"}}},
			[]problem{{"", "statements[0]", -1, `missing "actions" or "notActions"`}}},
		{"both resources", []Statement{{Effect: Allow, Actions: []string{"*"}, Resources: []string{"*"}, NotResources: []string{"*"}}},
			[]problem{{"", "statements[0].notResources", -1, `both "resources" and "notResources": a statement has exactly one of them`}}},
		{"both actions", []Statement{{Effect: Allow, Actions: []string{"*"}, NotActions: []string{"*"}, Resources: []string{"*"}}},
			[]problem{{"", "statements[0].notActions", -1, `both "actions" and "notActions": a statement has exactly one of them`}}},
		{"empty list", []Statement{{Effect: Allow, Actions: []string{}, Resources: []string{"*"}}},
			[]problem{{"", "statements[0].actions", -1, `empty "actions": a list has at least one element`}}},
		{"empty string", []Statement{{Effect: Allow, Actions: []string{"*"}, NotResources: []string{"proj/*", ""}}},
			[]problem{{"", "statements[0].notResources[1]", -1, "empty string: expected a specifier"}}},
		{"bad specifier", []Statement{{Effect: Allow, Actions: []string{"*"}, Resources: []string{"proj/*:env/*;qa_*:/flag/*"}}},
			[]problem{{"", "statements[0].resources[0]", 18, `stray "/" after ":": did you mean ":flag/*"?`}}},
		{"bad action", []Statement{{Effect: Deny, Actions: []string{"update On"}, Resources: []string{"*"}}},
			[]problem{{"", "statements[0].actions[0]", 6, "unexpected whitespace ' '"}}},
		{"every problem at once", []Statement{
			{Effect: Allow, Actions: []string{"*"}, Resources: []string{"proj/*"}},
			{Effect: "deny ", Actions: []string{"[a"}, Resources: []string{"proj/*:", "env/x;"}},
			{Effect: Allow},
		}, []problem{
			{"", "statements[1].effect", -1, `expected "allow" or "deny", found "deny "`},
			{"", "statements[1].actions[0]", 2, "unexpected end of input"},
			{"", "statements[1].resources[0]", 7, `empty segment: expected "type/name" or a type alone, such as "acct"`},
			{"", "statements[1].resources[1]", 6, `empty modifier after ";"`},
			{"", "statements[2]", -1, `missing "actions" or "notActions"`},
			{"", "statements[2]", -1, `missing "resources" or "notResources"`},
		}},
		{"both lists are checked", []Statement{{Effect: Allow, Actions: []string{"*"}, Resources: []string{"Proj/x"}, NotResources: []string{""}}},
			[]problem{
				{"", "statements[0].resources[0]", 0, `malformed type "Proj": a type is lower-case letters, digits and "-", starting with a letter`},
				{"", "statements[0].notResources", -1, `both "resources" and "notResources": a statement has exactly one of them`},
				{"", "statements[0].notResources[0]", -1, "empty string: expected a specifier"},
			}},
		// notResources together with notActions is allowed.
		{"notResources and notActions", []Statement{{Effect: Allow, NotActions: []string{"deleteFlag"}, NotResources: []string{"proj/secret"}}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set, err := Compile(tt.in, Options{})
			if tt.want == nil {
				if err != nil {
					t.Fatalf("Compile: %v", err)
				}
				return
			}
			if set != nil {
				t.Errorf("Compile returned a set with errors")
			}
			if err == nil {
				t.Fatalf("Compile: no error, want %v", tt.want)
			}
			if diff := cmp.Diff(tt.want, problems(err)); diff != "" {
				t.Errorf("Compile errors (-want +have):\n%s", diff)
			}
		})
	}
}

func TestCompileAttributes(t *testing.T) {
	stmts := []Statement{{Effect: Allow, Actions: []string{"*"}, Resources: []string{"proj/${roleAttribute/projects}"}}}
	_, err := Compile(stmts, Options{Attributes: map[string][]string{"projects": {"ok", "team-*", "{web,mobile}", "not a key", "a:b"}, "bad name": nil}})
	want := []problem{
		{"", "", -1, `role attribute name "bad name" is not a key`},
		{"", "", -1, `role attribute "projects": malformed value "not a key" at offset 3: unexpected whitespace ' '`},
		{"", "", -1, `role attribute "projects": malformed value "a:b" at offset 1: unexpected ':': a value stands for one name or tag pattern, and no key or tag has it`},
	}
	if diff := cmp.Diff(want, problems(err)); diff != "" {
		t.Errorf("Compile errors (-want +have):\n%s", diff)
	}
}

func TestCompileLenient(t *testing.T) {
	stmts := []Statement{{Effect: Allow, Actions: []string{"*"}, Resources: []string{"proj/*:env/*;qa_*:/flag/*"}}}
	set, err := Compile(stmts, Options{Lenient: true})
	if err != nil {
		t.Fatalf("Compile: %v", err)
	}
	want := []problem{{"", "statements[0].resources[0]", 18, `stray "/" after ":" ignored: read as ":flag/*"`}}
	if diff := cmp.Diff(want, problems(set.Warnings())); diff != "" {
		t.Errorf("warnings (-want +have):\n%s", diff)
	}
	set.Warnings()[0].Field = "changed"
	if set.Warnings()[0].Field == "changed" {
		t.Errorf("Warnings returns the set's own errors")
	}
	d, err := set.Decide("updateOn", "proj/p:env/e;qa_test:flag/f")
	if err != nil || !d.Allowed() {
		t.Errorf("Decide after a lenient rewrite = %v, %v; want allow", d, err)
	}

	// Each warning names its own element, even when elements repeat.
	twice := []Statement{{Effect: Deny, Actions: []string{"*"}, NotResources: []string{"proj/*:/env/*", "proj/*:/env/*"}}}
	set, err = Compile(twice, Options{Lenient: true})
	if err != nil {
		t.Fatalf("Compile: %v", err)
	}
	want = []problem{
		{"", "statements[0].notResources[0]", 7, `stray "/" after ":" ignored: read as ":env/*"`},
		{"", "statements[0].notResources[1]", 7, `stray "/" after ":" ignored: read as ":env/*"`},
	}
	if diff := cmp.Diff(want, problems(set.Warnings())); diff != "" {
		t.Errorf("warnings (-want +have):\n%s", diff)
	}
}

func TestCompileCopiesStatements(t *testing.T) {
	stmts := []Statement{{Effect: Allow, Actions: []string{"*"}, Resources: []string{"proj/a"}}}
	set, err := Compile(stmts, Options{})
	if err != nil {
		t.Fatal(err)
	}
	stmts[0].Resources[0] = "proj/b"
	if have := set.Statement(0).Resources[0]; have != "proj/a" {
		t.Errorf("the set sees the caller's change: %q", have)
	}
	set.Statement(0).Resources[0] = "proj/c"
	if have := set.Statement(0).Resources[0]; have != "proj/a" {
		t.Errorf("Statement returns the set's own slice: %q", have)
	}
}

func TestParseFileShapes(t *testing.T) {
	want := []Statement{{Effect: Allow, Actions: []string{"*"}, Resources: []string{"proj/*:env/production:flag/*"}}}
	const stmt = `{"effect":"allow","actions":["*"],"resources":["proj/*:env/production:flag/*"]}`
	tests := []struct {
		name, in string
		want     []Statement
	}{
		{"array", "[" + stmt + "]", want},
		{"webhook", `{"_id":"57be1db38b75bf0772d11384","name":"Example hook","on":true,"tags":["x"],"statements":[` + stmt + `],"_links":{"self":{"href":"/x"}}}`, want},
		{"custom role", `{"key":"qa","name":"QA","policy":[` + stmt + `],"description":null}`, want},
		{"empty array", `[]`, []Statement{}},
		{"webhook without filter", `{"statements":[]}`, []Statement{}},
		{"null statements", `{"statements":null}`, nil},
		{"webhook without statements", `{"_id":"1","url":"https://example.com/hook","on":true}`, []Statement{}},
		{"byte order mark", "\uFEFF[" + stmt + "]", want},
		{"terraform aliases", `[{"effect":"deny","not_actions":["viewProject"],"not_resources":["proj/x"]}]`,
			[]Statement{{Effect: Deny, NotActions: []string{"viewProject"}, NotResources: []string{"proj/x"}}}},
		{"null list is absent", `[{"effect":"allow","actions":["*"],"resources":["*"],"notResources":null}]`,
			[]Statement{{Effect: Allow, Actions: []string{"*"}, Resources: []string{"*"}}}},
		{"escapes", `[{"effect":"allow","actions":["\u002a"],"resources":["proj\/a"]}]`,
			[]Statement{{Effect: Allow, Actions: []string{"*"}, Resources: []string{"proj/a"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := ParseFile("p.json", []byte(tt.in))
			if err != nil {
				t.Fatalf("ParseFile: %v", err)
			}
			if diff := cmp.Diff(tt.want, f.Statements); diff != "" {
				t.Errorf("ParseFile (-want +have):\n%s", diff)
			}
			if _, err := f.Compile(Options{}); err != nil {
				t.Errorf("Compile: %v", err)
			}
		})
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name, in string
		want     []problem
	}{
		{"empty file", "", []problem{{"1:1", "", -1, `empty policy file: expected a JSON array of statements, or an object with a "statements" or "policy" array`}}},
		{"whitespace only", "  \n ", []problem{{"2:2", "", -1, `empty policy file: expected a JSON array of statements, or an object with a "statements" or "policy" array`}}},
		{"not JSON", "effect allow", []problem{{"1:1", "", -1, `expected a JSON array of statements, or an object with a "statements" or "policy" array, found 'e'`}}},
		{"YAML", "effect: allow", []problem{{"1:1", "", -1, `expected a JSON array of statements, or an object with a "statements" or "policy" array, found what looks like YAML: policy files are JSON (convert it, for example with yq -o json)`}}},
		{"a string", `"proj/*"`, []problem{{"1:1", "", -1, `expected a JSON array of statements, or an object with a "statements" or "policy" array, found a string`}}},
		{"object without statements", `{"name":"x"}`, []problem{{"1:1", "", -1, `expected a "statements" or "policy" array in the object (a webhook without a policy filter has "statements": [])`}}},
		{"both statements and policy", `{"statements":[],"policy":[]}`, []problem{{"1:18", "", -1, `both "statements" and "policy": expected one array of statements`}}},
		{"statements not an array", `{"statements":{}}`, []problem{{"1:15", "statements", -1, "expected an array of statements, found an object"}}},
		{"trailing data", `[] []`, []problem{{"1:4", "", -1, "expected the end of the policy, found an array"}}},
		{"truncated", `[{"effect":"allow"`, []problem{{"1:19", "", -1, `expected "," or "}" after field "effect", found end of input`}}},
		{"trailing comma", `[{"effect":"allow",}]`, []problem{{"1:20", "", -1, `expected a field name, found '}'`}}},
		{"invalid UTF-8", "[{\"effect\":\"allow\",\"actions\":[\"*\"],\"resources\":[\"proj/\xff\"]}]", []problem{{"1:55", "", -1, "invalid UTF-8 in string"}}},
		{"control character", "[{\"effect\":\"al\tlow\"}]", []problem{{"1:15", "", -1, `control character '\t' in string`}}},
		{"statement not an object", `["allow"]`, []problem{{"1:2", "statements[0]", -1, "expected a statement object, found a string"}}},
		{"deep nesting", `{"x":` + strings.Repeat("[", 600) + strings.Repeat("]", 600) + `,"statements":[]}`, []problem{{"1:519", "", -1, "JSON nested more than 512 deep"}}},
		{"every problem at once", `[
  {"effect": "allow", "actions": ["*"], "resource": ["proj/*"]},
  {"effect": 1, "actions": "*", "resources": ["proj/*:env/*;qa_*:/flag/*", 2]},
  {"effect": "deny", "notActions": ["x"], "not_actions": ["y"], "notResources": ["P"]}
]`, []problem{
			{"2:3", "statements[0]", -1, `missing "resources" or "notResources"`},
			{"2:41", "statements[0].resource", -1, `unknown field "resource" (did you mean "resources"?)`},
			{"3:14", "statements[1].effect", -1, `expected "allow" or "deny", found a number`},
			{"3:28", "statements[1].actions", -1, "expected an array of strings, found a string"},
			{"3:66", "statements[1].resources[0]", 18, `stray "/" after ":": did you mean ":flag/*"?`},
			{"3:76", "statements[1].resources[1]", -1, "expected a string, found a number"},
			{"4:43", "statements[2].notActions", -1, `duplicate field "not_actions" (the first is "notActions")`},
			{"4:83", "statements[2].notResources[0]", 0, `malformed segment "P": expected "type/name" or a type alone, such as "acct"; a type is lower-case letters, digits and "-", starting with a letter`},
		}},
		// A duplicate field does not hide the problems of the first one.
		{"duplicate field", `[{"effect":"allow","actions":["*"],"resources":["proj/ y"],"resources":["proj/x"]}]`, []problem{
			{"1:55", "statements[0].resources[0]", 5, "unexpected whitespace ' '"},
			{"1:60", "statements[0].resources", -1, `duplicate field "resources" (the first is "resources")`},
		}},
		// The column of a problem inside a specifier counts the bytes of
		// the literal, escapes included.
		{"escaped specifier", `[{"effect":"allow","actions":["*"],"resources":["proj\/*:env\/*;\u0071a_*:/flag/*"]}]`,
			[]problem{{"1:75", "statements[0].resources[0]", 18, `stray "/" after ":": did you mean ":flag/*"?`}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load("p.json", []byte(tt.in), Options{})
			if err == nil {
				t.Fatalf("Load: no error, want %v", tt.want)
			}
			if diff := cmp.Diff(tt.want, problems(err)); diff != "" {
				t.Errorf("Load errors (-want +have):\n%s", diff)
			}
			if !strings.HasPrefix(err.Error(), "p.json:") {
				t.Errorf("Load error %q does not start with the file name", err)
			}
		})
	}
}

func TestLoadSizeLimits(t *testing.T) {
	stmt := `{"effect":"allow","actions":["*"],"resources":["*"]}`
	many := "[" + strings.TrimSuffix(strings.Repeat(stmt+",", MaxStatements+1), ",") + "]"
	_, err := Load("p.json", []byte(many), Options{})
	want := []problem{{"1:" + itoa(2+MaxStatements*(len(stmt)+1)), "statements[4096]", -1, "more than 4096 statements"}}
	if diff := cmp.Diff(want, problems(err)); diff != "" {
		t.Errorf("too many statements (-want +have):\n%s", diff)
	}

	long := `[{"effect":"allow","actions":["*"],"resources":[` + strings.TrimSuffix(strings.Repeat(`"*",`, MaxListLength+1), ",") + `]}]`
	_, err = Load("p.json", []byte(long), Options{})
	want = []problem{{"1:" + itoa(49+4*MaxListLength), "statements[0].resources[4096]", -1, "more than 4096 elements"}}
	if diff := cmp.Diff(want, problems(err)); diff != "" {
		t.Errorf("too many elements (-want +have):\n%s", diff)
	}

	huge := make([]byte, MaxFileSize+1)
	_, err = Load("p.json", huge, Options{})
	want = []problem{{"1:1", "", -1, "policy file is 16777217 bytes, longer than the limit of 16777216"}}
	if diff := cmp.Diff(want, problems(err)); diff != "" {
		t.Errorf("huge file (-want +have):\n%s", diff)
	}
}

func TestCompileSizeLimits(t *testing.T) {
	stmt := Statement{Effect: Allow, Actions: []string{"*"}, Resources: []string{"*"}}
	many := make([]Statement, MaxStatements+1)
	for i := range many {
		many[i] = stmt
	}
	_, err := Compile(many, Options{})
	want := []problem{{"", "statements[4096]", -1, "more than 4096 statements"}}
	if diff := cmp.Diff(want, problems(err)); diff != "" {
		t.Errorf("too many statements (-want +have):\n%s", diff)
	}
	if _, err := Compile(many[:MaxStatements], Options{}); err != nil {
		t.Errorf("Compile of %d statements: %v", MaxStatements, err)
	}

	long := make([]string, MaxListLength+1)
	for i := range long {
		long[i] = "*"
	}
	_, err = Compile([]Statement{{Effect: Allow, Actions: long, Resources: []string{"*"}}}, Options{})
	want = []problem{{"", "statements[0].actions[4096]", -1, "more than 4096 elements"}}
	if diff := cmp.Diff(want, problems(err)); diff != "" {
		t.Errorf("too many elements (-want +have):\n%s", diff)
	}
	if _, err := Compile([]Statement{{Effect: Allow, Actions: long[:MaxListLength], Resources: []string{"*"}}}, Options{}); err != nil {
		t.Errorf("Compile of %d elements: %v", MaxListLength, err)
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func TestStatementJSON(t *testing.T) {
	var stmts []Statement
	err := json.Unmarshal([]byte(`[{"effect":"deny","not_actions":["a"],"resources":["proj/x"]}]`), &stmts)
	if err != nil {
		t.Fatalf("Unmarshal: %v", err)
	}
	want := []Statement{{Effect: Deny, NotActions: []string{"a"}, Resources: []string{"proj/x"}}}
	if diff := cmp.Diff(want, stmts); diff != "" {
		t.Errorf("Unmarshal (-want +have):\n%s", diff)
	}
	if have, want := stmts[0].String(), `{"effect":"deny","notActions":["a"],"resources":["proj/x"]}`; have != want {
		t.Errorf("String:\nhave %s\nwant %s", have, want)
	}

	err = json.Unmarshal([]byte(`[{"effect":"allow","Actions":["*"],"resources":["*"]}]`), &stmts)
	if want := `policy: Actions: unknown field "Actions" (did you mean "actions"?)`; err == nil || err.Error() != want {
		t.Errorf("Unmarshal with an unknown field:\nhave %v\nwant %s", err, want)
	}
}
