package policytest

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/ldpolicy/ldpolicy/policy"
)

// problemLines returns the problems of err, one line each.
func problemLines(err error) []string {
	var errs ErrorList
	if !errors.As(err, &errs) {
		if err == nil {
			return nil
		}
		return []string{"not an ErrorList: " + err.Error()}
	}
	var lines []string
	for _, e := range errs {
		lines = append(lines, e.Error())
	}
	return lines
}

func TestParse(t *testing.T) {
	one := 1
	none := -1
	yamlFile := `
policy: ../policies/webhook.json
context: role
attributes: {projects: [alpha, beta], teams: []}
lenient: true
metadata: ../metadata.json
mode: all
cases:
  - name: an access
    action: updateOn
    resource: "proj/p:env/qa;qa_test:flag/f"
    expect: allow
    statement: 1
  - event: ../events/flag-created.json
    mode: any
    expect: not delivered
    statement: none
    indeterminate: true
  - accesses:
      - {action: deleteFlag, resource: "proj/p:env/e:flag/f"}
    expect: delivered
`
	jsonFile := `{
  "policy": "../policies/webhook.json",
  "context": "role",
  "attributes": {"projects": ["alpha", "beta"], "teams": []},
  "lenient": true,
  "metadata": "../metadata.json",
  "mode": "all",
  "cases": [
    {"name": "an access", "action": "updateOn", "resource": "proj/p:env/qa;qa_test:flag/f", "expect": "allow", "statement": 1},
    {"event": "../events/flag-created.json", "mode": "any", "expect": "not delivered", "statement": "none", "indeterminate": true},
    {"accesses": [{"action": "deleteFlag", "resource": "proj/p:env/e:flag/f"}], "expect": "delivered"}
  ]
}`
	want := &File{
		Policy:     "../policies/webhook.json",
		Context:    policy.Role,
		Attributes: map[string][]string{"projects": {"alpha", "beta"}, "teams": {}},
		Lenient:    true,
		Metadata:   "../metadata.json",
		Cases: []Case{
			{Index: 0, Name: "an access", Action: "updateOn", Resource: "proj/p:env/qa;qa_test:flag/f", Mode: policy.EveryAccess, Expect: Allow, Statement: &one},
			{Index: 1, Event: "../events/flag-created.json", Mode: policy.AnyAccess, Expect: NotDelivered, Statement: &none, Indeterminate: true},
			{Index: 2, Accesses: []policy.Access{{Action: "deleteFlag", Resource: "proj/p:env/e:flag/f"}}, HasAccesses: true, Mode: policy.EveryAccess, Expect: Delivered},
		},
	}
	for _, tt := range []struct{ name, data string }{
		{"t.ldtest.yaml", yamlFile},
		{"t.ldtest.json", jsonFile},
	} {
		t.Run(tt.name, func(t *testing.T) {
			have, err := Parse(tt.name, []byte(tt.data))
			if err != nil {
				t.Fatal(err)
			}
			want.Name = tt.name
			if diff := cmp.Diff(want, have, cmpopts.IgnoreUnexported(File{}, Case{}), cmpopts.IgnoreFields(Case{}, "Pos")); diff != "" {
				t.Errorf("Parse (-want +have):\n%s", diff)
			}
			for i, line := range map[string][]int{"t.ldtest.yaml": {9, 14, 19}, "t.ldtest.json": {9, 10, 11}}[tt.name] {
				if have := have.Cases[i].Pos.Line; have != line {
					t.Errorf("cases[%d] at line %d, want %d", i, have, line)
				}
			}
		})
	}
}

var parseErrorCases = []struct {
	name string // the file name: .json or YAML
	in   string
	want []string
}{
	{"empty.yaml", "", []string{`empty.yaml:1:1: empty test file: expected an object with "policy" and "cases"`}},
	{"empty.json", " \n", []string{`empty.json:2:1: empty test file: expected an object with "policy" and "cases"`}},
	{"comments.yaml", "# nothing\n", []string{`comments.yaml:1:1: empty test file: expected an object with "policy" and "cases"`}},
	{"list.yaml", "- a\n", []string{`list.yaml:1:1: expected an object with "policy" and "cases", found a list`}},
	{"syntax.yaml", "policy: p.json\ncases: [\n", []string{`syntax.yaml:2: invalid YAML: did not find expected node content`}},
	{"tab.yaml", "policy: p.json\ncases:\n\t- a\n", []string{`tab.yaml:3: invalid YAML: found character that cannot start any token`}},
	{"two.yaml", "policy: p.json\n---\npolicy: q.json\n", []string{`two.yaml:2:1: a second YAML document: a test file holds one`}},
	{"syntax.json", "{\"policy\": \"p.json\",\n \"cases\": [}", []string{`syntax.json:2:12: expected a JSON value, found '}'`}},
	{"trailing.json", `{"policy": "p.json", "cases": []} x`, []string{`trailing.json:1:35: expected the end of the test file, found 'x'`}},
	{"yaml.json", "policy: p.json\n", []string{`yaml.json:1:1: expected a JSON value, found 'p'`}},
	{"missing.yaml", "lenient: false\n", []string{
		`missing.yaml:1:1: missing "policy": the path of a policy file, or the policy inline`,
		`missing.yaml:1:1: missing "cases": a list of accesses and events with what each must get`,
	}},
	{"fields.yaml", "policy: p.json\nstatements: []\ncases:\n  - action: a\n    resource: proj/p\n    want: allow\n    expect: allow\n    Statement: 0\n", []string{
		`fields.yaml:2:1: statements: unknown field "statements" (did you mean "policy"?)`,
		`fields.yaml:6:5: cases[0].want: unknown field "want" (did you mean "expect"?)`,
		`fields.yaml:8:5: cases[0].Statement: unknown field "Statement" (did you mean "statement"?)`,
	}},
	{"dup.yaml", "policy: p.json\npolicy: q.json\ncases:\n  - {action: a, resource: proj/p, expect: allow, expect: deny}\n", []string{
		`dup.yaml:2:1: policy: duplicate field "policy" (the first is at line 1)`,
		`dup.yaml:4:50: cases[0].expect: duplicate field "expect" (the first is at line 4)`,
	}},
	{"dup.json", `{"policy": "p.json", "cases": [{"action": "a", "resource": "proj/p", "expect": "allow"}], "cases": []}`, []string{
		`dup.json:1:91: cases: duplicate field "cases" (the first is at line 1)`,
	}},
	{"types.yaml", "policy: 3\ncontext: rol\nattributes: [a]\nlenient: yes\nmetadata: 1\nmode: some\ncases: {}\n", []string{
		`types.yaml:1:9: policy: expected the path of a policy file, or the policy inline: a list of statements, or an object with "statements" or "policy", found a number`,
		`types.yaml:2:10: context: expected "webhook" or "role", found "rol"`,
		`types.yaml:3:13: attributes: expected an object of role attributes and their values, such as {projects: [alpha, beta]}, found a list`,
		`types.yaml:4:10: lenient: expected true or false, found "yes"`,
		`types.yaml:5:11: metadata: expected the path of a metadata file, or an object of metadata by resource path, found a number`,
		`types.yaml:6:7: mode: expected "any" or "all", found "some"`,
		`types.yaml:7:8: cases: expected a list of cases, found an object`,
	}},
	{"attributes.yaml", "policy: p.json\nattributes: {projects: [a, 'b c', 3], 'x y': [a], teams: a}\ncases: []\n", []string{
		`attributes.yaml:2:28: attributes.projects[1]: malformed value "b c" at offset 1: unexpected whitespace ' '; a value is a pattern, such as a key or "team-*"`,
		`attributes.yaml:2:35: attributes.projects[2]: expected a string, found a number`,
		`attributes.yaml:2:39: attributes.x y: role attribute "x y" is not a key: expected a letter or digit, then letters, digits, '_', '.' and '-'`,
		`attributes.yaml:2:58: attributes.teams: expected a list of values, found a string`,
		`attributes.yaml:3:8: cases: no cases: expected at least one`,
	}},
	{"forms.yaml", `policy: p.json
cases:
  - {}
  - {action: a, resource: proj/p, event: e.json, expect: allow}
  - {action: a, expect: allow}
  - {resource: proj/p, expect: allow}
  - {event: 3, expect: delivered}
  - {accesses: {action: a}, expect: delivered}
  - {accesses: [{action: a}, 3, {action: a, resource: proj/p, x: 1}], expect: delivered}
  - 3
`, []string{
		`forms.yaml:3:5: cases[0]: expected an access ("action" and "resource"), or an event ("event" or "accesses")`,
		`forms.yaml:4:35: cases[1].event: a case decides one access or one event: found both "action" and "event"`,
		`forms.yaml:5:5: cases[2]: missing "resource", the resource of the access`,
		`forms.yaml:6:5: cases[3]: missing "action", the action of the access`,
		`forms.yaml:7:13: cases[4].event: expected the path of a webhook payload file, or the payload inline, found a number`,
		`forms.yaml:8:16: cases[5].accesses: expected a list of accesses ({"action": ..., "resource": ...}), found an object`,
		`forms.yaml:9:17: cases[6].accesses[0]: missing "resource"`,
		`forms.yaml:9:30: cases[6].accesses[1]: expected an access: an object with "action" and "resource", found a number`,
		`forms.yaml:9:63: cases[6].accesses[2].x: unknown field "x"`,
		`forms.yaml:10:5: cases[7]: expected a case: an object with an access or an event, and "expect", found a number`,
	}},
	{"expect.yaml", `policy: p.json
cases:
  - {action: a, resource: proj/p}
  - {action: a, resource: proj/p, expect: delivered}
  - {event: e.json, expect: allow}
  - {event: e.json, expect: not_delivered}
  - {action: a, resource: proj/p, expect: Allow}
  - {action: a, resource: proj/p, expect: true}
`, []string{
		`expect.yaml:3:5: cases[0]: missing "expect": "allow" or "deny"`,
		`expect.yaml:4:43: cases[1].expect: expected "allow" or "deny" for an access, found "delivered"`,
		`expect.yaml:5:29: cases[2].expect: expected "delivered" or "not delivered" for an event, found "allow"`,
		`expect.yaml:6:29: cases[3].expect: expected "delivered" or "not delivered", found "not_delivered"`,
		`expect.yaml:7:43: cases[4].expect: expected "allow" or "deny", found "Allow"`,
		`expect.yaml:8:43: cases[5].expect: expected "allow" or "deny", found a boolean`,
	}},
	{"statement.yaml", `policy: p.json
cases:
  - {action: a, resource: proj/p, expect: allow, statement: -1}
  - {action: a, resource: proj/p, expect: allow, statement: 1.5}
  - {action: a, resource: proj/p, expect: allow, statement: "1"}
  - {action: a, resource: proj/p, expect: allow, statement: null}
  - {action: a, resource: proj/p, expect: allow, mode: all, indeterminate: 1}
`, []string{
		`statement.yaml:3:61: cases[0].statement: expected the index of a statement (0, 1, ...) or "none", found -1`,
		`statement.yaml:4:61: cases[1].statement: expected the index of a statement (0, 1, ...) or "none", found 1.5`,
		`statement.yaml:5:61: cases[2].statement: expected the index of a statement (0, 1, ...) or "none", found "1"`,
		`statement.yaml:6:61: cases[3].statement: expected the index of a statement (0, 1, ...) or "none", found null`,
		`statement.yaml:7:56: cases[4].mode: mode applies to events only`,
		`statement.yaml:7:76: cases[4].indeterminate: expected true or false, found a number`,
	}},
	{"names.yaml", `policy: p.json
cases:
  - {name: same, action: a, resource: proj/p, expect: allow}
  - {name: same, action: a, resource: proj/q, expect: allow}
  - {name: "", action: a, resource: proj/q, expect: allow}
  - {name: x, action: "", resource: proj/q, expect: allow}
`, []string{
		`names.yaml:4:12: cases[1].name: duplicate case name "same" (cases[0] has it too)`,
		`names.yaml:5:12: cases[2].name: expected a non-empty string`,
		`names.yaml:6:23: cases[3].action: expected a non-empty string`,
	}},
	// The offset of a syntax error in a resource is placed in the file,
	// escapes included.
	{"resource.yaml", "policy: p.json\ncases:\n  - {action: a, resource: 'proj/p:env/*;qa_*:/flag/f', expect: allow}\n", []string{
		`resource.yaml:3:46: cases[0].resource: stray "/" after ":": did you mean ":flag/f"?`,
	}},
	{"resource.json", `{"policy": "p.json", "cases": [{"action": "a", "resource": "proj/\u0070:env/ e", "expect": "allow"}]}`, []string{
		`resource.json:1:77: cases[0].resource: unexpected whitespace ' '`,
	}},
	{"metadata.yaml", "policy: p.json\ncases:\n  - {action: a, resource: proj/p, expect: allow, metadata: m.json}\n", []string{
		`metadata.yaml:3:60: cases[0].metadata: expected an object of metadata by resource path (a case gives its metadata inline; a metadata file is named at the top of the test file)`,
	}},
	{"tag.yaml", "policy: !custom p.json\ncases: []\n", []string{
		`tag.yaml:1:9: unsupported YAML tag "!custom"`,
		`tag.yaml:2:8: cases: no cases: expected at least one`,
	}},
	{"merge.yaml", "policy: p.json\ncases:\n  - <<: 3\n    action: a\n", []string{
		`merge.yaml:3:5: cases[0]: missing "resource", the resource of the access`,
		`merge.yaml:3:5: cases[0]: missing "expect": "allow" or "deny"`,
		`merge.yaml:3:9: expected an object, or a list of objects, to merge, found a number`,
	}},
}

func TestParseErrors(t *testing.T) {
	for _, tt := range parseErrorCases {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.name, []byte(tt.in))
			if diff := cmp.Diff(tt.want, problemLines(err)); diff != "" {
				t.Errorf("problems (-want +have):\n%s", diff)
			}
		})
	}
}

// YAML anchors, aliases and merge keys share values between cases; the
// fields a case writes itself win over merged ones.
func TestParseMerge(t *testing.T) {
	in := `policy: p.json
cases:
  - &base {action: updateOn, resource: "proj/p:env/production:flag/f", expect: allow}
  - <<: *base
    action: deleteFlag
    expect: deny
  - <<: [*base, {name: merged}]
`
	f, err := Parse("merge.yaml", []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	type short struct{ Name, Action, Resource, Expect string }
	var have []short
	for _, c := range f.Cases {
		have = append(have, short{c.Name, c.Action, c.Resource, string(c.Expect)})
	}
	want := []short{
		{"", "updateOn", "proj/p:env/production:flag/f", "allow"},
		{"", "deleteFlag", "proj/p:env/production:flag/f", "deny"},
		{"merged", "updateOn", "proj/p:env/production:flag/f", "allow"},
	}
	if diff := cmp.Diff(want, have); diff != "" {
		t.Errorf("cases (-want +have):\n%s", diff)
	}
}

func TestSizeLimits(t *testing.T) {
	var cases strings.Builder
	cases.WriteString("policy: p.json\ncases:\n")
	for i := 0; i <= MaxCases; i++ {
		cases.WriteString("  - {action: a, resource: proj/p, expect: allow}\n")
	}
	nested := "policy: p.json\ncases: " + strings.Repeat("[", maxDepth+1) + strings.Repeat("]", maxDepth+1) + "\n"
	nestedJSON := `{"policy": "p.json", "cases": ` + strings.Repeat("[", maxDepth+1) + strings.Repeat("]", maxDepth+1) + "}"
	// Each alias doubles the values: a few lines stand for millions.
	var bomb strings.Builder
	bomb.WriteString("a0: &a0 [x, x]\n")
	for i := 1; i <= 20; i++ {
		fmt.Fprintf(&bomb, "a%d: &a%d [*a%d, *a%d]\n", i, i, i-1, i-1)
	}
	for _, tt := range []struct {
		name, in string
		want     string
	}{
		{"big.yaml", "policy: " + strings.Repeat("x", MaxFileSize), fmt.Sprintf("big.yaml: test file is %d bytes, longer than the limit of %d", MaxFileSize+8, MaxFileSize)},
		{"cases.yaml", cases.String(), fmt.Sprintf("cases.yaml:%d:5: cases: more than %d cases", MaxCases+3, MaxCases)},
		{"nested.yaml", nested, fmt.Sprintf("nested.yaml:2:%d: values nested more than %d deep", maxDepth+8, maxDepth)},
		{"nested.json", nestedJSON, fmt.Sprintf("nested.json:1:%d: values nested more than %d deep", maxDepth+31, maxDepth)},
		{"bomb.yaml", bomb.String(), fmt.Sprintf("more than %d values (YAML aliases included)", maxValues)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.name, []byte(tt.in))
			lines := problemLines(err)
			if len(lines) == 0 || !strings.Contains(lines[0], tt.want) {
				t.Errorf("problems are %q, want the first to hold %q", lines, tt.want)
			}
		})
	}
}

func TestIsTestFile(t *testing.T) {
	for in, want := range map[string]bool{
		"webhook.ldtest.yaml":     true,
		"webhook.ldtest.yml":      true,
		"webhook.ldtest.json":     true,
		"dir/webhook.ldtest.yaml": true,
		".ldtest.yaml":            false,
		"dir/.ldtest.yaml":        false,
		"webhook_test.yaml":       false,
		"webhook.ldtest.YAML":     false,
		"webhook.ldtest.yaml.bak": false,
		"webhook.json":            false,
	} {
		if have := IsTestFile(in); have != want {
			t.Errorf("IsTestFile(%q) = %v, want %v", in, have, want)
		}
	}
}

func TestTitle(t *testing.T) {
	for _, tt := range []struct {
		c    Case
		want string
	}{
		{Case{Name: "n", Action: "a", Resource: "proj/p"}, "n"},
		{Case{Action: "a", Resource: "proj/p"}, "a on proj/p"},
		{Case{Event: "e.json"}, "event e.json"},
		{Case{HasAccesses: true}, "event without accesses"},
		{Case{HasAccesses: true, Accesses: []policy.Access{{Action: "a", Resource: "proj/p"}}}, "event with a on proj/p"},
		{Case{HasAccesses: true, Accesses: []policy.Access{{Action: "a", Resource: "proj/p"}, {}, {}}}, "event with a on proj/p and 2 more"},
		{Case{Index: 4}, "cases[4]: inline event"},
	} {
		if have := tt.c.Title(); have != tt.want {
			t.Errorf("Title of %+v = %q, want %q", tt.c, have, tt.want)
		}
	}
}
