package terraform

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/ldpolicy/ldpolicy/lint"
	"github.com/ldpolicy/ldpolicy/policy"
)

// problems returns the messages of an error that is a list of problems,
// or the error's own message.
func problems(err error) []string {
	if err == nil {
		return nil
	}
	var l ErrorList
	if errors.As(err, &l) {
		var out []string
		for _, e := range l {
			out = append(out, e.Error())
		}
		return out
	}
	var pl policy.ErrorList
	if errors.As(err, &pl) {
		var out []string
		for _, e := range pl {
			out = append(out, e.Error())
		}
		return out
	}
	return []string{err.Error()}
}

// compileProblems returns the problems of every resource of s: its own,
// or those of compiling its policy.
func compileProblems(s *Source) []string {
	var out []string
	for _, r := range s.Resources {
		switch {
		case r.Err != nil:
			out = append(out, problems(r.Err)...)
		case r.Policy != nil:
			_, err := r.Policy.Compile(policy.Options{})
			out = append(out, problems(err)...)
		}
	}
	return out
}

// TestTypo locates the ":/flag/" typo in every form a policy takes in a
// .tf file, at the stray "/", past the escapes of HCL (a heredoc has none),
// jsonencode and JSON before it; package lint locates it there too.
func TestTypo(t *testing.T) {
	s := mustRead(t, "testdata/errors/typo.tf")
	want := []string{
		`testdata/errors/typo.tf:10:39: statements[0].resources[0]: stray "/" after ":": did you mean ":flag/*"?`,
		`testdata/errors/typo.tf:21:54: statements[0].resources[0]: stray "/" after ":": did you mean ":flag/*"?`,
		`testdata/errors/typo.tf:30:42: statements[0].resources[0]: stray "/" after ":": did you mean ":segment/*"?`,
		`testdata/errors/typo.tf:39:32: statements[0].resources[0]: stray "/" after ":": did you mean ":flag/*"?`,
	}
	if diff := cmp.Diff(want, compileProblems(s)); diff != "" {
		t.Errorf("(-want +have):\n%s", diff)
	}
	for i, r := range s.Resources {
		report, err := lint.Check(r.Policy, lint.Options{})
		if err != nil {
			t.Fatal(err)
		}
		var at []string
		for _, f := range report.Findings {
			if f.Severity == lint.Error {
				at = append(at, f.Pos.String())
			}
		}
		if w := strings.SplitN(want[i], ": ", 2)[0]; len(at) != 1 || at[0] != w {
			t.Errorf("%s: lint errors at %v, want at %s", r.Address, at, w)
		}
		// A fix is a JSON literal for a span of a JSON file: it is not
		// applied to a .tf file.
		if edits, unfixed := lint.FixEdits(r.Policy, report.Findings); len(edits) != 0 || len(unfixed) != 1 {
			t.Errorf("%s: %d edits, %d unfixed, want none and one", r.Address, len(edits), len(unfixed))
		}
	}
}

// TestUnknown: a value known only when Terraform runs is a problem of
// its resource, located at the expression and naming it; the other
// resources are read.
func TestUnknown(t *testing.T) {
	s := mustRead(t, "testdata/errors/unknown.tf")
	const tail = ` is not known without running Terraform: only literal values, jsonencode(…) of them and file(…) are read from .tf files; read the output of "terraform show -json" (a plan or the state) for resolved values`
	want := []string{
		`testdata/errors/unknown.tf:15:28: launchdarkly_webhook.per_project: the variable var.project` + tail,
		`testdata/errors/unknown.tf:25:17: launchdarkly_custom_role.togglers: the local value local.actions` + tail,
		`testdata/errors/unknown.tf:33:39: launchdarkly_custom_role.generated: the for expression [for p in ["a", "b"] : {…` + tail,
		`testdata/errors/unknown.tf:41:28: launchdarkly_custom_role.templated: the function call templatefile(…)` + tail,
		`testdata/errors/unknown.tf:46:23: launchdarkly_team_role_mapping.from_data: the data source attribute data.launchdarkly_team.t.key` + tail,
		`testdata/errors/unknown.tf:52:3: launchdarkly_custom_role.dynamic: the dynamic block "policy_statements"` + tail,
	}
	if diff := cmp.Diff(want, problems(s.Err())); diff != "" {
		t.Errorf("(-want +have):\n%s", diff)
	}
	if r, err := s.Resource("launchdarkly_webhook.fine"); err != nil || len(r.Policy.Statements) != 1 {
		t.Errorf("the resource with literal statements: %v", err)
	}
	if _, err := s.Resource("launchdarkly_webhook.per_project"); err == nil || !strings.HasPrefix(err.Error(), "testdata/errors/unknown.tf:15:28: ") {
		t.Errorf("Resource of a resource with a problem: %v", err)
	}
	var e *Error
	if _, err := s.Resource("launchdarkly_webhook.per_project"); !errors.As(err, &e) || e.Pos.Line != 15 || e.Pos.Column != 28 || e.Address != "launchdarkly_webhook.per_project" {
		t.Errorf("not a located *Error: %#v", e)
	}
}

// TestErrors reads small modules, each with a problem, and checks where
// the problem is located and what it says.
func TestErrors(t *testing.T) {
	for _, tt := range []struct {
		name  string
		files map[string]string // in the module directory m
		want  []string          // problems reading, or of the resources' policies
	}{
		{
			name:  "syntax error",
			files: map[string]string{"main.tf": "resource \"launchdarkly_webhook\" \"w\" {\n  url = \n}\n"},
			want:  []string{`m/main.tf:2:9: invalid expression: Expected the start of an expression, but found an invalid expression token.`},
		},
		{
			name: "statements twice",
			files: map[string]string{"main.tf": `resource "launchdarkly_webhook" "w" {
  statements = []
  statements {
    effect = "allow"
  }
}
`},
			want: []string{`m/main.tf:3:3: launchdarkly_webhook.w: both an attribute statements and statements blocks: give one`},
		},
		{
			name: "statements and JSON",
			files: map[string]string{"main.tf": `resource "launchdarkly_custom_role" "r" {
  key                    = "r"
  policy_statements      = [{ effect = "allow", actions = ["*"], resources = ["*"] }]
  policy_statements_json = "[]"
}
`},
			want: []string{`m/main.tf:4:28: launchdarkly_custom_role.r: both policy_statements and policy_statements_json: give the statements once`},
		},
		{
			name: "base permissions",
			files: map[string]string{"main.tf": `resource "launchdarkly_custom_role" "r" {
  key              = "r"
  base_permissions = "writer"
}
`},
			want: []string{`m/main.tf:3:22: launchdarkly_custom_role.r: base_permissions: expected base permissions "reader" or "no_access", found "writer"`},
		},
		{
			name:  "missing key",
			files: map[string]string{"main.tf": "resource \"launchdarkly_custom_role\" \"r\" {\n  name = \"R\"\n}\n"},
			want:  []string{`m/main.tf:1:1: launchdarkly_custom_role.r: missing key: a launchdarkly_custom_role needs one`},
		},
		{
			name: "not a list",
			files: map[string]string{"main.tf": `resource "launchdarkly_webhook" "w" {
  statements = { effect = "allow" }
}
`},
			want: []string{`m/main.tf:2:16: launchdarkly_webhook.w: statements is an object: expected a list of statements`},
		},
		{
			name: "JSON not an array",
			files: map[string]string{"main.tf": `resource "launchdarkly_custom_role" "r" {
  key                    = "r"
  policy_statements_json = jsonencode({ statements = [] })
}
`},
			want: []string{`m/main.tf:3:28: launchdarkly_custom_role.r: policy_statements_json holds a webhook: expected a JSON array of statements`},
		},
		{
			name: "unknown field, wrong type",
			files: map[string]string{"main.tf": `resource "launchdarkly_webhook" "w" {
  statements = [
    { effect = "allow", actions = ["*", 7], resource = ["proj/*"] },
  ]
}
`},
			want: []string{
				`m/main.tf:3:41: launchdarkly_webhook.w: statements[0].actions[1]: expected a string, found a number`,
				`m/main.tf:3:45: launchdarkly_webhook.w: statements[0].resource: unknown field "resource" (did you mean "resources"?)`,
			},
		},
		{
			name: "escapes in a quoted JSON string",
			files: map[string]string{"main.tf": `resource "launchdarkly_custom_role" "r" {
  key                    = "r"
  policy_statements_json = "[{\"effect\": \"allow\", \"actions\": [\"*\"], \"resources\": [\"proj/\u00e9x:/flag/*\"]}]"
}
`},
			// The stray "/" is the 10th byte of the specifier, past the
			// two bytes of "é", which HCL's \u00e9 stands for.
			want: []string{`m/main.tf:3:107: statements[0].resources[0]: stray "/" after ":": did you mean ":flag/*"?`},
		},
		{
			name: "template",
			files: map[string]string{"main.tf": `resource "launchdarkly_webhook" "w" {
  statements = [{ effect = "allow", actions = ["*"], resources = ["proj/${"*"}:env/*:/flag/*"] }]
}
`},
			want: []string{`m/main.tf:2:86: statements[0].resources[0]: stray "/" after ":": did you mean ":flag/*"?`},
		},
		{
			name: "an element's own problem",
			files: map[string]string{"main.tf": `resource "launchdarkly_webhook" "w" {
  statements = [{ effect = "Allow", actions = ["*"], not_resources = ["proj/*:env/*;"] }]
}
`},
			want: []string{
				`m/main.tf:2:28: statements[0].effect: expected "allow" or "deny", found "Allow" (effects are case-sensitive: write "allow")`,
				`m/main.tf:2:85: statements[0].not_resources[0]: empty modifier after ";"`,
			},
		},
		{
			name: "operators",
			files: map[string]string{"main.tf": `resource "launchdarkly_webhook" "w" {
  statements = [{ effect = "allow", actions = [1 + true], resources = ["*"] }]
}

resource "launchdarkly_webhook" "v" {
  statements = [{ effect = "allow", actions = ["*"], resources = [(["x", "proj/*:/flag/*"])[1]] }]
}
`},
			want: []string{
				`m/main.tf:2:48: launchdarkly_webhook.w: invalid operand: Unsuitable value for right operand: number required, but have bool.`,
				// Evaluated by HCL as a whole: located at the expression.
				`m/main.tf:6:67: statements[0].resources[0]: stray "/" after ":": did you mean ":flag/*"?`,
			},
		},
		{
			name:  "file outside the module",
			files: map[string]string{"main.tf": "resource \"launchdarkly_custom_role\" \"r\" {\n  key = \"r\"\n  policy_statements_json = file(\"../policy.json\")\n}\n"},
			want:  []string{`m/main.tf:3:33: launchdarkly_custom_role.r: file("../policy.json"): only files inside the module directory are read, by a relative path`},
		},
		{
			name:  "file missing",
			files: map[string]string{"main.tf": "resource \"launchdarkly_custom_role\" \"r\" {\n  key = \"r\"\n  policy_statements_json = file(\"${path.module}/none.json\")\n}\n"},
			want:  []string{`m/main.tf:3:33: launchdarkly_custom_role.r: file("./none.json"): file does not exist`},
		},
		{
			name: "file with a problem",
			files: map[string]string{
				"main.tf":       "resource \"launchdarkly_custom_role\" \"r\" {\n  key = \"r\"\n  policy_statements_json = file(\"p/policy.json\")\n}\n",
				"p/policy.json": "[\n  {\"effect\": \"allow\", \"actions\": [\"*\"], \"resources\": [\"proj/*\"], \"Effect\": \"deny\"}\n]\n",
			},
			want: []string{`m/p/policy.json:2:66: launchdarkly_custom_role.r: statements[0].Effect: unknown field "Effect" (did you mean "effect"?)`},
		},
		{
			name: "reference to no resource",
			files: map[string]string{"main.tf": `resource "launchdarkly_team_role_mapping" "t" {
  team_key         = "t"
  custom_role_keys = [launchdarkly_custom_role.none.key]
}
`},
			want: []string{`m/main.tf:3:23: launchdarkly_team_role_mapping.t: reference to launchdarkly_custom_role.none.key: the module has no resource launchdarkly_custom_role.none`},
		},
		{
			name: "role attributes",
			files: map[string]string{"main.tf": `resource "launchdarkly_team_role_mapping" "t" {
  team_key         = "t"
  custom_role_keys = []
  role_attributes = {
    "not a key" = ["x"]
    projects    = ["ok", "a b"]
  }
}
`},
			want: []string{
				`m/main.tf:5:5: launchdarkly_team_role_mapping.t: role attribute name "not a key" is not a key`,
				`m/main.tf:6:28: launchdarkly_team_role_mapping.t: role attribute "projects": malformed value "a b" at offset 1: unexpected whitespace ' '`,
			},
		},
		{
			name: "duplicates",
			files: map[string]string{
				"a.tf": "resource \"launchdarkly_custom_role\" \"r\" {\n  key = \"same\"\n}\n",
				"b.tf": "resource \"launchdarkly_custom_role\" \"s\" {\n  key = \"same\"\n}\n\nresource \"launchdarkly_custom_role\" \"r\" {\n  key = \"r\"\n}\n",
			},
			want: []string{`m/b.tf:5:1: launchdarkly_custom_role.r: duplicate resource: launchdarkly_custom_role.r is declared at m/a.tf:1:1 already`},
		},
		{
			name: "duplicate key",
			files: map[string]string{
				"a.tf": "resource \"launchdarkly_custom_role\" \"r\" {\n  key = \"same\"\n}\n",
				"b.tf": "resource \"launchdarkly_custom_role\" \"s\" {\n  key = \"same\"\n}\n",
			},
			want: []string{`m/b.tf:1:1: launchdarkly_custom_role.s: custom role key "same" is also the key of launchdarkly_custom_role.r`},
		},
		{
			name: "a block in a statement",
			files: map[string]string{"main.tf": `resource "launchdarkly_webhook" "w" {
  statements {
    effect = "allow"
    resources { }
  }
}
`},
			want: []string{`m/main.tf:4:5: launchdarkly_webhook.w: unexpected block "resources" in a statements block`},
		},
		{
			name:  "JSON syntax",
			files: map[string]string{"main.tf": "resource \"launchdarkly_custom_role\" \"r\" {\n  key = \"r\"\n  policy_statements_json = <<EOT\n[{\"effect\": \"allow\",]\nEOT\n}\n"},
			want:  []string{`m/main.tf:4:21: launchdarkly_custom_role.r: expected a field name, found ']'`},
		},
		{
			name:  "JSON syntax of Terraform",
			files: map[string]string{"main.tf.json": "{}"},
			want:  []string{`m/main.tf.json: Terraform's JSON syntax (.tf.json) is not read: write the module in .tf files, or read the output of "terraform show -json"`},
		},
		{
			name:  "override",
			files: map[string]string{"main.tf": "", "hooks_override.tf": ""},
			want:  []string{`m/hooks_override.tf: override files are not read: Terraform merges them into the resources of the module; read the output of "terraform show -json"`},
		},
		{
			name:  "no .tf file",
			files: map[string]string{"README.md": "", ".hidden.tf": "", "main.tf~": ""},
			want:  []string{`m: no .tf file in the directory`},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			for name, data := range tt.files {
				fsys["m/"+name] = &fstest.MapFile{Data: []byte(data)}
			}
			s, err := ReadFS(fsys, "m")
			var have []string
			if err != nil {
				have = problems(err)
			} else {
				have = compileProblems(s)
			}
			if diff := cmp.Diff(tt.want, have); diff != "" {
				t.Errorf("(-want +have):\n%s", diff)
			}
		})
	}
}

// TestShowErrors reads the output of terraform show -json with problems.
func TestShowErrors(t *testing.T) {
	for _, tt := range []struct {
		name, data string
		want       []string
	}{
		{
			name: "known after apply",
			data: `{"format_version": "1.2", "planned_values": {"root_module": {"resources": [
  {"address": "launchdarkly_custom_role.r", "mode": "managed", "type": "launchdarkly_custom_role", "name": "r",
   "values": {"key": "r", "name": "R", "policy_statements": []}}
]}},
"resource_changes": [
  {"address": "launchdarkly_custom_role.r", "mode": "managed", "type": "launchdarkly_custom_role", "name": "r",
   "change": {"actions": ["create"], "after": {"key": "r"}, "after_unknown": {"policy_statements_json": true}}}
]}`,
			want: []string{`plan.json:3:14: launchdarkly_custom_role.r: policy_statements_json is known only after apply: the plan does not have its value; read the state after apply`},
		},
		{
			name: "escapes in a JSON string of JSON",
			data: `{"format_version": "1.0", "values": {"root_module": {"resources": [
  {"address": "launchdarkly_custom_role.r", "mode": "managed", "type": "launchdarkly_custom_role", "name": "r",
   "values": {"key": "r", "policy_statements_json": "[{\"effect\":\"allow\",\"actions\":[\"*\"],\"resources\":[\"proj/\\u00e9:/flag/*\"]}]"}}
]}}}`,
			want: []string{`plan.json:3:127: statements[0].resources[0]: stray "/" after ":": did you mean ":flag/*"?`},
		},
		{
			name: "a statement of the state",
			data: `{"format_version": "1.0", "values": {"root_module": {"child_modules": [{"address": "module.m", "resources": [
  {"address": "module.m.launchdarkly_webhook.w", "mode": "managed", "type": "launchdarkly_webhook", "name": "w",
   "values": {"statements": [{"effect": "allow", "actions": ["*"], "not_actions": [], "resources": ["proj/*:/flag/*"]}]}}
]}]}}}`,
			want: []string{`plan.json:3:109: statements[0].resources[0]: stray "/" after ":": did you mean ":flag/*"?`},
		},
		{
			name: "syntax",
			data: `{"format_version": "1.0", "values": {"root_module": {"resources": [}}}`,
			want: []string{`plan.json:1:68: expected a JSON value, found '}'`},
		},
		{
			name: "not terraform show -json",
			data: `{"url": "https://example.com", "statements": []}`,
			want: []string{`plan.json:1:1: expected the output of terraform show -json: an object with format_version, values (the state) or planned_values and resource_changes (a plan)`},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s, err := ParseJSON("plan.json", []byte(tt.data))
			var have []string
			if err != nil {
				have = problems(err)
			} else {
				have = compileProblems(s)
			}
			if diff := cmp.Diff(tt.want, have); diff != "" {
				t.Errorf("(-want +have):\n%s", diff)
			}
		})
	}
}
