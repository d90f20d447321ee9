package policytest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCompileErrors(t *testing.T) {
	const policyOK = `[{"effect": "allow", "actions": ["*"], "resources": ["proj/*:env/production:flag/*"]}]`
	for _, tt := range []struct {
		name  string
		files map[string]string // the test file is t.ldtest.yaml or t.ldtest.json
		want  []string
	}{
		{"missing policy file", map[string]string{
			"t.ldtest.yaml": "policy: policies/missing.json\ncases: [{action: a, resource: proj/p, expect: allow}]\n",
		}, []string{
			"t.ldtest.yaml:1:9: policy: open policies/missing.json: file does not exist",
		}},
		// A test decides the same wherever it runs.
		{"policy of an account", map[string]string{
			"t.ldtest.yaml": "policy: ld:webhook/5f1e\ncases: [{action: a, resource: proj/p, expect: allow}]\n",
		}, []string{
			"t.ldtest.yaml:1:9: policy: ld:webhook/5f1e names an object of a LaunchDarkly account: a test's policy is a policy file or a Terraform resource, which decide the same wherever the test runs (write it to a file with ldpolicy pull)",
		}},
		// Problems in a policy file are placed in it.
		{"invalid policy file", map[string]string{
			"t.ldtest.yaml": "policy: p.json\ncases: [{action: a, resource: proj/p, expect: allow}]\n",
			"p.json":        "[\n  {\"effect\": \"Allow\", \"actions\": [\"*\"], \"resources\": [\"proj/*:env/ x\"]}\n]\n",
		}, []string{
			`p.json:2:14: statements[0].effect: expected "allow" or "deny", found "Allow" (effects are case-sensitive: write "allow")`,
			`p.json:2:67: statements[0].resources[0]: unexpected whitespace ' '`,
		}},
		{"policy file not a policy", map[string]string{
			"t.ldtest.yaml": "policy: p.json\ncases: [{action: a, resource: proj/p, expect: allow}]\n",
			"p.json":        "effect: allow\n",
		}, []string{
			`p.json:1:1: expected a JSON array of statements, or an object with a "statements" or "policy" array, found what looks like YAML: policy files are JSON (convert it, for example with yq -o json)`,
		}},
		// Problems in an inline policy are placed in the test file, by the
		// path of the value.
		{"inline policy, YAML", map[string]string{
			"t.ldtest.yaml": `policy:
  - effect: Allow
    actions: ["*"]
    resources: ["proj/*:env/*;qa_*:/flag/*"]
  - {effect: deny, action: [x], not_resources: []}
  - 3
cases: [{action: a, resource: proj/p, expect: allow}]
`,
		}, []string{
			`t.ldtest.yaml:2:13: policy[0].effect: expected "allow" or "deny", found "Allow" (effects are case-sensitive: write "allow")`,
			`t.ldtest.yaml:4:36: policy[0].resources[0]: stray "/" after ":": did you mean ":flag/*"?`,
			`t.ldtest.yaml:5:5: policy[1]: missing "actions" or "notActions"`,
			`t.ldtest.yaml:5:20: policy[1].action: unknown field "action" (did you mean "actions"?)`,
			`t.ldtest.yaml:5:48: policy[1].not_resources: empty "notResources": a list has at least one element`,
			`t.ldtest.yaml:6:5: policy[2]: expected a statement object, found a number`,
		}},
		{"inline policy, JSON with escapes", map[string]string{
			"t.ldtest.json": `{"policy": {"statements": [{"effect": "allow", "actions": ["*"], "resources": ["\u0070roj/*:env/*;qa_*:/flag/*"]}]},
 "cases": [{"action": "a", "resource": "proj/p", "expect": "allow"}]}`,
		}, []string{
			`t.ldtest.json:1:104: policy.statements[0].resources[0]: stray "/" after ":": did you mean ":flag/*"?`,
		}},
		{"inline role without statements", map[string]string{
			"t.ldtest.yaml": "policy: {key: r}\ncases: [{action: a, resource: proj/p, expect: allow}]\n",
		}, []string{
			`t.ldtest.yaml:1:9: policy: expected a "statements" or "policy" array in the object (a webhook without a policy filter has "statements": [])`,
		}},
		{"statement beyond the policy", map[string]string{
			"t.ldtest.yaml": "policy: p.json\ncases:\n  - {action: a, resource: proj/p, expect: allow, statement: 1}\n  - {action: a, resource: proj/p, expect: allow, statement: 0}\n",
			"p.json":        policyOK,
		}, []string{
			"t.ldtest.yaml:3:61: cases[0].statement: statement 1: the policy has 1 statement",
		}},
		{"metadata files", map[string]string{
			"t.ldtest.yaml": "policy: p.json\nmetadata: m.json\ncases: [{action: a, resource: proj/p, expect: allow}]\n",
			"p.json":        policyOK,
			"m.json":        `{"proj/p": {"tag": ["x"]}}`,
		}, []string{
			`t.ldtest.yaml:2:11: metadata: m.json: resource: metadata file: "proj/p": expected a metadata list or an object with "tags", "properties" and "views": json: unknown field "tag"`,
		}},
		{"missing metadata file", map[string]string{
			"t.ldtest.yaml": "policy: p.json\nmetadata: ../m.json\ncases: [{action: a, resource: proj/p, expect: allow}]\n",
			"p.json":        policyOK,
		}, []string{
			`t.ldtest.yaml:2:11: metadata: open ../m.json: file does not exist`,
		}},
		{"inline metadata", map[string]string{
			"t.ldtest.yaml": `policy: p.json
metadata:
  proj/p: {tags: [a b]}
  proj/q;x: x
cases:
  - action: a
    resource: proj/p
    expect: allow
    metadata: {"proj/p": {properties: {critical: [true]}}, "proj/p": x}
`,
			"p.json": policyOK,
		}, []string{
			`t.ldtest.yaml:3:11: metadata["proj/p"]: resource: syntax error at offset 1: unexpected whitespace ' '`,
			`t.ldtest.yaml:4:13: metadata["proj/q;x"]: a path has no metadata of its own: write "proj/q"`,
			`t.ldtest.yaml:9:26: cases[0].metadata["proj/p"]: property "critical": expected a string, number or boolean, found [true]`,
			`t.ldtest.yaml:9:60: cases[0].metadata["proj/p"]: duplicate resource path "proj/p"`,
		}},
		{"events", map[string]string{
			"t.ldtest.yaml": `policy: p.json
cases:
  - {event: missing.json, expect: delivered}
  - {event: array.json, expect: delivered}
  - {event: no-accesses.json, expect: delivered}
  - {event: bad-resource.json, expect: delivered}
  - {event: {accesses: [{action: 1}]}, expect: delivered}
  - {event: {kind: flag}, expect: delivered}
`,
			"p.json":            policyOK,
			"array.json":        `[{"accesses": []}]`,
			"no-accesses.json":  `{"kind": "flag"}`,
			"bad-resource.json": `{"accesses": [{"action": "a", "resource": "proj/p"}, {"action": "a", "resource": "env/"}]}`,
		}, []string{
			`t.ldtest.yaml:3:13: cases[0].event: open missing.json: file does not exist`,
			`t.ldtest.yaml:4:13: cases[1].event: array.json:1:1: expected an event (a JSON object), found an array`,
			`t.ldtest.yaml:5:13: cases[2].event: no-accesses.json has no "accesses"`,
			`t.ldtest.yaml:6:13: cases[3].event: bad-resource.json:1:87: accesses[1]: resource: syntax error at offset 4: empty name after "env/"`,
			`t.ldtest.yaml:7:13: cases[4].event: inline event: action: expected a string, found a number`,
			`t.ldtest.yaml:8:13: cases[5].event: inline event has no "accesses"`,
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			name := "t.ldtest.yaml"
			if _, ok := tt.files[name]; !ok {
				name = "t.ldtest.json"
			}
			_, err := compileMem(name, tt.files)
			if diff := cmp.Diff(tt.want, problemLines(err)); diff != "" {
				t.Errorf("problems (-want +have):\n%s", diff)
			}
		})
	}
}

// Load reports the problems of the policy beside those of the test file,
// and reads the files a test file names relative to its directory.
func TestLoad(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o777); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(data), 0o666); err != nil {
			t.Fatal(err)
		}
	}
	write("policies/p.json", `[{"effect": "allow", "actions": ["*"], "resources": ["proj/*:env/production:flag/*"]}]`)
	write("events/e.json", `{"accesses": [{"action": "updateOn", "resource": "proj/p:env/production:flag/f"}]}`)
	write("tests/ok.ldtest.yaml", "policy: ../policies/p.json\ncases:\n  - {event: ../events/e.json, expect: delivered, statement: 0}\n")
	write("tests/bad.ldtest.yaml", "policy: [{effect: permit, actions: ['*'], resources: ['*']}]\ncases:\n  - {action: a, resource: proj/p, expect: allowed}\n")
	t.Chdir(dir)

	s, err := Load(filepath.Join("tests", "ok.ldtest.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join("policies", "p.json"); s.PolicyName != want {
		t.Errorf("PolicyName = %q, want %q", s.PolicyName, want)
	}
	if r := s.Run(nil); len(r) != 1 || !r[0].Passed() {
		t.Errorf("results %+v, want one that passed", r)
	}

	_, err = Load(filepath.Join("tests", "bad.ldtest.yaml"))
	want := []string{
		filepath.Join("tests", "bad.ldtest.yaml") + `:1:19: policy[0].effect: expected "allow" or "deny", found "permit"`,
		filepath.Join("tests", "bad.ldtest.yaml") + `:3:43: cases[0].expect: expected "allow" or "deny", found "allowed"`,
	}
	if diff := cmp.Diff(want, problemLines(err)); diff != "" {
		t.Errorf("problems (-want +have):\n%s", diff)
	}

	_, err = Load("missing.ldtest.yaml")
	if !os.IsNotExist(err) {
		t.Errorf("Load of a missing file: %v, want a file-not-found error", err)
	}
}

// Warnings of the policy, such as the typos that lenient reads, are on
// the suite, placed in the file they are in.
func TestWarnings(t *testing.T) {
	files := map[string]string{
		"inline.ldtest.yaml": "lenient: true\npolicy: [{effect: allow, actions: ['*'], resources: ['proj/*:env/*;qa_*:/flag/*']}]\ncases: [{action: a, resource: 'proj/p:env/e;qa_1:flag/f', expect: allow}]\n",
		"file.ldtest.yaml":   "lenient: true\npolicy: p.json\ncases: [{action: a, resource: 'proj/p:env/e;qa_1:flag/f', expect: allow}]\n",
		"p.json":             `[{"effect": "allow", "actions": ["*"], "resources": ["proj/*:env/*;qa_*:/flag/*"]}]`,
	}
	for name, want := range map[string]string{
		"inline.ldtest.yaml": `inline.ldtest.yaml:2:73: policy[0].resources[0]: warning: stray "/" after ":" ignored: read as ":flag/*"`,
		"file.ldtest.yaml":   `p.json:1:73: statements[0].resources[0]: warning: stray "/" after ":" ignored: read as ":flag/*"`,
	} {
		s, err := compileMem(name, files)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if diff := cmp.Diff([]string{want}, problemLines(s.Warnings())); diff != "" {
			t.Errorf("%s: warnings (-want +have):\n%s", name, diff)
		}
		if r := s.Run(nil); !r[0].Passed() {
			t.Errorf("%s: %v", name, r[0].Failures)
		}
	}
}

// A File that Parse did not make cannot be compiled, rather than panic.
func TestCompileNeedsParse(t *testing.T) {
	f := &File{Name: "t.ldtest.yaml", Cases: []Case{{Action: "a", Resource: "proj/p", Expect: Allow}}}
	if _, err := f.Compile(nil); err == nil || err.Error() != "policytest: Compile needs a File that Parse returned" {
		t.Errorf("Compile of a File literal: %v", err)
	}
}

// TestTerraformPolicy runs a test file whose policy is a resource of a
// Terraform source, and reports the problems of such sources where they
// are: in the test file, or in the .tf file.
func TestTerraformPolicy(t *testing.T) {
	src := []byte(`policy: ../terraform/testdata/module#launchdarkly_webhook.prod_flags
cases:
  - action: updateOn
    resource: proj/mobile:env/production:flag/dark-mode
    expect: allow
    statement: 0
  - action: deleteFlag
    resource: proj/mobile:env/production:flag/dark-mode
    expect: deny
    statement: 1
`)
	s, err := LoadSource("hooks.ldtest.yaml", src)
	if err != nil {
		t.Fatal(err)
	}
	if want := "../terraform/testdata/module#launchdarkly_webhook.prod_flags"; s.PolicyName != want {
		t.Errorf("have policy name %q, want %q", s.PolicyName, want)
	}
	for _, r := range s.Run(nil) {
		if !r.Passed() {
			t.Errorf("%s: %s", r.Case.Title(), strings.Join(r.Failures, "; "))
		}
	}

	for _, tt := range []struct{ policy, want string }{
		{"../terraform/testdata/module", "hooks.ldtest.yaml:1:9: policy: ../terraform/testdata/module has 8 policy-bearing resources: select one as ../terraform/testdata/module#ADDRESS"},
		{"../terraform/testdata/module#launchdarkly_team_role_mapping.payments", "hooks.ldtest.yaml:1:9: policy: ../terraform/testdata/module#launchdarkly_team_role_mapping.payments is a team, which has no policy of its own"},
		{"../terraform/testdata/errors/unknown.tf#launchdarkly_webhook.per_project", "../terraform/testdata/errors/unknown.tf:15:28: launchdarkly_webhook.per_project: the variable var.project is not known without running Terraform"},
		{"../terraform/testdata/errors/typo.tf#launchdarkly_webhook.qa", "../terraform/testdata/errors/typo.tf:10:39: launchdarkly_webhook.qa: statements[0].resources[0]: stray \"/\" after \":\""},
	} {
		t.Run(tt.policy, func(t *testing.T) {
			data := strings.Replace(string(src), "../terraform/testdata/module#launchdarkly_webhook.prod_flags", tt.policy, 1)
			_, err := LoadSource("hooks.ldtest.yaml", []byte(data))
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("have %v\nwant %s...", err, tt.want)
			}
		})
	}
}
