package policytest

import (
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/ldpolicy/ldpolicy/policy"
)

// memFiles reads files from a map, by slash-separated name.
func memFiles(files map[string]string) func(string) ([]byte, error) {
	return func(name string) ([]byte, error) {
		data, ok := files[filepath.ToSlash(name)]
		if !ok {
			return nil, fmt.Errorf("open %s: %w", name, fs.ErrNotExist)
		}
		return []byte(data), nil
	}
}

// compileMem parses and compiles the test file name of files.
func compileMem(name string, files map[string]string) (*Suite, error) {
	f, err := Parse(name, []byte(files[name]))
	if err != nil {
		return nil, err
	}
	return f.Compile(memFiles(files))
}

// runPolicy is the policy of TestRun:
//
//	0 allow * on production flags
//	1 deny deleteFlag on every flag
//	2 allow * on flags in critical environments
//	3 allow updateOn on the flags tagged beta in test environments
const runPolicy = `
  - {effect: allow, actions: ["*"], resources: ["proj/*:env/production:flag/*"]}
  - {effect: deny, actions: [deleteFlag], resources: ["proj/*:env/*:flag/*"]}
  - {effect: allow, actions: ["*"], resources: ["proj/*:env/*;{critical:true}:flag/*"]}
  - {effect: allow, actions: [updateOn], resources: ["proj/*:env/test:flag/*;beta"]}
`

// runFiles are the files that the cases of TestRun name.
var runFiles = map[string]string{
	"meta.json":     `{"proj/p:env/staging": {"properties": {"critical": true}}}`,
	"toggle.json":   `{"kind": "flag", "accesses": [{"action": "updateOn", "resource": "proj/p:env/production:flag/f"}]}`,
	"create.json":   `{"kind": "flag", "accesses": [{"action": "createFlag", "resource": "proj/p:env/test;:flag/f;"}, {"action": "createFlag", "resource": "proj/p:env/production:flag/f"}]}`,
	"delete.json":   `{"kind": "flag", "accesses": [{"action": "deleteFlag", "resource": "proj/p:env/test;:flag/f;"}, {"action": "deleteFlag", "resource": "proj/p:env/production:flag/f"}]}`,
	"tagged.json":   `{"kind": "flag", "accesses": [{"action": "updateOn", "resource": "proj/p:env/test:flag/f"}], "currentVersion": {"key": "f", "tags": ["beta"]}}`,
	"untagged.json": `{"kind": "flag", "accesses": [{"action": "updateOn", "resource": "proj/p:env/test:flag/f"}]}`,
}

func TestRun(t *testing.T) {
	type want struct {
		Outcome       Outcome
		Indeterminate bool
		Statement     int
		Failures      []string
	}
	for _, tt := range []struct {
		name   string
		header string // fields of the test file before "cases"
		c      string // the one case, in YAML flow style
		want   want
	}{
		{"allow", "", `{action: updateOn, resource: "proj/p:env/production:flag/f", expect: allow, statement: 0}`,
			want{Allow, false, 0, nil}},
		{"deny overrides allow", "", `{action: deleteFlag, resource: "proj/p:env/production:flag/f", expect: allow}`,
			want{Deny, false, 1, []string{"expected allow, found deny"}}},
		{"default deny", "", `{action: updateOn, resource: "proj/p:env/test;:flag/f;", expect: deny, statement: 0}`,
			want{Deny, false, -1, []string{"expected statement 0 to decide, found no statement"}}},
		{"no statement expected", "", `{action: updateOn, resource: "proj/p:env/production:flag/f", expect: allow, statement: none}`,
			want{Allow, false, 0, []string{"expected no statement to decide, found statement 0"}}},
		{"two failures", "", `{action: deleteFlag, resource: "proj/p:env/production:flag/f", expect: allow, statement: 0}`,
			want{Deny, false, 1, []string{"expected allow, found deny", "expected statement 0 to decide, found statement 1"}}},
		// Unknown metadata: the environment's properties decide statement 2.
		{"indeterminate fails", "", `{action: updateOn, resource: "proj/p:env/staging:flag/f;", expect: deny}`,
			want{Deny, true, -1, []string{"the decision is indeterminate: tags, properties or views nobody supplied could change it (supply them, or expect it with indeterminate: true)"}}},
		{"indeterminate expected", "", `{action: updateOn, resource: "proj/p:env/staging:flag/f;", expect: deny, indeterminate: true}`,
			want{Deny, true, -1, nil}},
		{"definite, indeterminate expected", "", `{action: updateOn, resource: "proj/p:env/production:flag/f", expect: allow, indeterminate: true}`,
			want{Allow, false, 0, []string{"expected an indeterminate decision, found a definite one"}}},
		{"inline metadata", "", `{action: updateOn, resource: "proj/p:env/staging;{critical:true}:flag/f;", expect: allow, statement: 2}`,
			want{Allow, false, 2, nil}},
		{"case metadata", "", `{action: updateOn, resource: "proj/p:env/staging:flag/f;", metadata: {"proj/p:env/staging": "{critical:true}"}, expect: allow, statement: 2}`,
			want{Allow, false, 2, nil}},
		{"file metadata", "metadata: meta.json\n", `{action: updateOn, resource: "proj/p:env/staging:flag/f;", expect: allow, statement: 2}`,
			want{Allow, false, 2, nil}},
		{"case metadata before the file's", "metadata: meta.json\n", `{action: updateOn, resource: "proj/p:env/staging:flag/f;", metadata: {"proj/p:env/staging": {properties: {critical: false}}}, expect: deny}`,
			want{Deny, false, -1, nil}},
		{"inline metadata before the case's", "", `{action: updateOn, resource: "proj/p:env/staging;:flag/f;", metadata: {"proj/p:env/staging": "{critical:true}"}, expect: deny}`,
			want{Deny, false, -1, nil}},
		{"inline file metadata", "metadata: {\"proj/p:env/staging\": \"{critical:true}\"}\n", `{action: updateOn, resource: "proj/p:env/staging:flag/f;", expect: allow}`,
			want{Allow, false, 2, nil}},

		// Events.
		{"event delivered", "", `{event: toggle.json, expect: delivered, statement: 0}`,
			want{Delivered, false, 0, nil}},
		{"creation delivered by its production access", "", `{event: create.json, expect: delivered, statement: 0}`,
			want{Delivered, false, 0, nil}},
		{"mode all: the first denied access decides", "", `{event: create.json, mode: all, expect: not delivered, statement: none}`,
			want{NotDelivered, false, -1, nil}},
		{"mode all from the file", "mode: all\n", `{event: create.json, expect: delivered}`,
			want{NotDelivered, false, -1, []string{"expected delivered, found not delivered"}}},
		{"the case's mode before the file's", "mode: all\n", `{event: create.json, mode: any, expect: delivered}`,
			want{Delivered, false, 0, nil}},
		{"not delivered: the first access a statement decided", "", `{event: delete.json, expect: not delivered, statement: 1}`,
			want{NotDelivered, false, 1, nil}},
		{"tags from the event's body", "", `{event: tagged.json, expect: delivered, statement: 3}`,
			want{Delivered, false, 3, nil}},
		{"tags the event's body does not give", "", `{event: untagged.json, expect: not delivered}`,
			want{NotDelivered, true, -1, []string{"the decision is indeterminate: tags, properties or views nobody supplied could change it (supply them, or expect it with indeterminate: true)"}}},
		{"inline payload", "", `{event: {kind: flag, accesses: [{action: updateOn, resource: "proj/p:env/test:flag/f"}], currentVersion: {key: f, tags: [beta]}}, expect: delivered}`,
			want{Delivered, false, 3, nil}},
		{"inline accesses", "", `{accesses: [{action: createFlag, resource: "proj/p:env/test;:flag/f;"}, {action: updateOn, resource: "proj/p:env/production:flag/f"}], expect: delivered, statement: 0}`,
			want{Delivered, false, 0, nil}},
		{"no accesses", "", `{accesses: [], expect: delivered}`,
			want{NotDelivered, false, -1, []string{"expected delivered, found not delivered"}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			files := map[string]string{"t.ldtest.yaml": tt.header + "policy:" + runPolicy + "cases:\n  - " + tt.c + "\n"}
			for k, v := range runFiles {
				files[k] = v
			}
			s, err := compileMem("t.ldtest.yaml", files)
			if err != nil {
				t.Fatal(err)
			}
			results := s.Run(nil)
			if len(results) != 1 {
				t.Fatalf("%d results, want 1", len(results))
			}
			r := results[0]
			have := want{r.Outcome, r.Indeterminate, r.Statement, r.Failures}
			if diff := cmp.Diff(tt.want, have); diff != "" {
				t.Errorf("result (-want +have):\n%s", diff)
			}
			if r.Passed() != (len(tt.want.Failures) == 0) {
				t.Errorf("Passed() = %v with failures %q", r.Passed(), r.Failures)
			}
			if len(r.Explanations) != len(r.Accesses) {
				t.Errorf("%d explanations of %d accesses", len(r.Explanations), len(r.Accesses))
			}
		})
	}
}

// An empty policy is no filter in the webhook context and grants nothing
// in the role context.
func TestRunEmptyPolicy(t *testing.T) {
	for _, tt := range []struct {
		context string
		want    []Outcome
	}{
		{"webhook", []Outcome{Allow, Delivered}},
		{"role", []Outcome{Deny, NotDelivered}},
	} {
		t.Run(tt.context, func(t *testing.T) {
			files := map[string]string{"t.ldtest.yaml": "policy: {statements: []}\ncontext: " + tt.context + `
cases:
  - {action: deleteProject, resource: proj/p, expect: allow, statement: none}
  - {accesses: [{action: deleteProject, resource: proj/p}], expect: delivered, statement: none}
`}
			s, err := compileMem("t.ldtest.yaml", files)
			if err != nil {
				t.Fatal(err)
			}
			var have []Outcome
			for _, r := range s.Run(nil) {
				have = append(have, r.Outcome)
				if r.Statement != -1 {
					t.Errorf("%s: decided by statement %d, want none", r.Case.Title(), r.Statement)
				}
			}
			if diff := cmp.Diff(tt.want, have); diff != "" {
				t.Errorf("outcomes (-want +have):\n%s", diff)
			}
		})
	}
}

func TestRunKeep(t *testing.T) {
	files := map[string]string{"t.ldtest.yaml": "policy:" + runPolicy + `
cases:
  - {name: first, action: updateOn, resource: "proj/p:env/production:flag/f", expect: allow}
  - {name: second, action: updateOn, resource: "proj/p:env/production:flag/f", expect: deny}
  - {name: third, action: updateOn, resource: "proj/p:env/production:flag/f", expect: allow}
`}
	s, err := compileMem("t.ldtest.yaml", files)
	if err != nil {
		t.Fatal(err)
	}
	var have []string
	for _, r := range s.Run(func(c *Case) bool { return strings.Contains(c.Name, "i") }) {
		have = append(have, fmt.Sprintf("%d %s %v", r.Case.Index, r.Case.Name, r.Passed()))
	}
	want := []string{"0 first true", "2 third true"}
	if diff := cmp.Diff(want, have); diff != "" {
		t.Errorf("run (-want +have):\n%s", diff)
	}
	// A suite runs again the same way: running changes nothing.
	first, again := s.Run(nil), s.Run(nil)
	if diff := cmp.Diff(first, again, cmpopts.IgnoreUnexported(Case{}, policy.Decision{}, policy.Delivery{})); diff != "" {
		t.Errorf("second run differs (-first +again):\n%s", diff)
	}
}

func TestCoverage(t *testing.T) {
	files := map[string]string{
		"p.json": `[
  {"effect": "allow", "actions": ["*"], "resources": ["proj/*:env/production:flag/*"]},
  {"effect": "deny", "actions": ["deleteFlag"], "resources": ["proj/*:env/*:flag/*"]},
  {"effect": "allow", "actions": ["*"], "resources": ["proj/*:env/*;{critical:true}:flag/*"]}
]`,
		// Statement 0 decides two cases, one of which fails: coverage
		// counts the cases run, passed or not. No statement decides the
		// third.
		"a.ldtest.yaml": `policy: p.json
cases:
  - {action: updateOn, resource: "proj/p:env/production:flag/f", expect: allow}
  - {action: updateOn, resource: "proj/p:env/production:flag/g", expect: deny}
  - {action: updateOn, resource: "proj/p:env/test;:flag/f", expect: deny}
`,
		// The deny statement decides a case that statement 0 applies to
		// too: statement 0 does not count for it.
		"b.ldtest.yaml": `policy: ./p.json
cases:
  - {action: deleteFlag, resource: "proj/p:env/production:flag/f", expect: deny}
`,
		"inline.ldtest.yaml": `policy: [{effect: allow, actions: ["*"], resources: ["*"]}]
cases:
  - {action: updateOn, resource: "proj/p", expect: allow}
`,
		"empty.ldtest.yaml": "policy: []\ncases: [{action: a, resource: proj/p, expect: allow}]\n",
	}
	var cov Coverage
	for _, name := range []string{"a.ldtest.yaml", "b.ldtest.yaml", "inline.ldtest.yaml", "empty.ldtest.yaml"} {
		s, err := compileMem(name, files)
		if err != nil {
			t.Fatal(err)
		}
		cov.Add(s, s.Run(nil))
	}
	type policyCov struct {
		Name        string
		Decided     []int
		Covered     int
		Percent     float64
		Unexercised []int
	}
	var have []policyCov
	for _, p := range cov.Policies() {
		have = append(have, policyCov{p.Name, p.Decided, p.Covered(), p.Percent(), p.Unexercised()})
	}
	want := []policyCov{
		{"p.json", []int{2, 1, 0}, 2, 200.0 / 3, []int{2}},
		{"inline.ldtest.yaml", []int{1}, 1, 100, nil},
		{"empty.ldtest.yaml", []int{}, 0, 100, nil},
	}
	if diff := cmp.Diff(want, have); diff != "" {
		t.Errorf("coverage (-want +have):\n%s", diff)
	}
	if covered, total := cov.Covered(); covered != 3 || total != 4 {
		t.Errorf("Covered() = %d, %d, want 3, 4", covered, total)
	}
	if have := cov.Percent(); have != 75 {
		t.Errorf("Percent() = %v, want 75", have)
	}
	var empty Coverage
	if have := empty.Percent(); have != 100 {
		t.Errorf("Percent() of nothing = %v, want 100", have)
	}
}

// A suite is safe for concurrent use: runs at once decide the same (the
// race detector checks that they share nothing they write).
func TestRunConcurrent(t *testing.T) {
	files := map[string]string{"t.ldtest.yaml": "policy:" + runPolicy + `
metadata: {"proj/p:env/staging": "{critical:true}"}
cases:
  - {action: updateOn, resource: "proj/p:env/staging:flag/f;", expect: allow}
  - {event: create.json, expect: delivered}
`}
	for k, v := range runFiles {
		files[k] = v
	}
	s, err := compileMem("t.ldtest.yaml", files)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan []Result)
	for range 4 {
		go func() { done <- s.Run(nil) }()
	}
	for range 4 {
		for _, r := range <-done {
			if !r.Passed() {
				t.Errorf("%s: %v", r.Case.Title(), r.Failures)
			}
		}
	}
}
