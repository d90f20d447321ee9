package probe

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/ldpolicy/ldpolicy/action"
	"github.com/ldpolicy/ldpolicy/policy"
	"github.com/ldpolicy/ldpolicy/resource"
)

func allow(actions []string, resources ...string) policy.Statement {
	return policy.Statement{Effect: policy.Allow, Actions: actions, Resources: resources}
}

func deny(actions []string, resources ...string) policy.Statement {
	return policy.Statement{Effect: policy.Deny, Actions: actions, Resources: resources}
}

func acts(a ...string) []string { return a }

// TestAccessesExercise checks that the accesses exercise what the brief of
// the package promises: instances of wildcards, fresh keys, metadata
// present and absent, catalogue actions, an unnamed action and shape.
func TestAccessesExercise(t *testing.T) {
	// All account actions are one class under "*": the first of the
	// catalogue stands for them.
	acct, _ := action.Lookup("acct")
	acctAction := acct.Actions[0]
	tests := []struct {
		name string
		in   []policy.Statement
		want []policy.Access
		not  []policy.Access
	}{
		{
			name: "wildcard replaced by a fresh key, an action of each class, unnamed shape",
			in:   []policy.Statement{allow(acts("*"), "proj/*:env/production:flag/*")},
			want: []policy.Access{
				{Action: "addReleasePipeline", Resource: "proj/other-proj:env/production:flag/other-flag"},
				{Action: "otherAction", Resource: "proj/other-proj:env/production:flag/other-flag"},
				{Action: "addReleasePipeline", Resource: "proj/other-proj:env/other-env:flag/other-flag"},
				{Action: "createProject", Resource: "proj/other-proj"},
				{Action: "otherAction", Resource: "proj/other-proj"},
			},
			not: []policy.Access{
				// The same class as addReleasePipeline: "*" alone matches it.
				{Action: "updateOn", Resource: "proj/other-proj:env/production:flag/other-flag"},
				// Not an action of projects.
				{Action: "createProject", Resource: "proj/other-proj:env/production:flag/other-flag"},
			},
		},
		{
			name: "tags and properties present and absent",
			in:   []policy.Statement{allow(acts("updateOn"), "proj/*:env/*;{critical:true}:flag/*;beta*")},
			want: []policy.Access{
				{Action: "updateOn", Resource: "proj/other-proj:env/other-env;{critical:true}:flag/other-flag;beta"},
				{Action: "updateOn", Resource: "proj/other-proj:env/other-env;:flag/other-flag;beta"},
				{Action: "updateOn", Resource: "proj/other-proj:env/other-env;{critical:true}:flag/other-flag;"},
				{Action: "updateOn", Resource: "proj/other-proj:env/other-env;:flag/other-flag;"},
				{Action: "addReleasePipeline", Resource: "proj/other-proj:env/other-env;:flag/other-flag;"},
				{Action: "updateOn", Resource: "proj/other-proj"},
			},
		},
		{
			name: "views, and keys of other specifiers combined",
			in: []policy.Statement{
				allow(acts("update*"), "proj/mobile:env/*:flag/*;view:checkout"),
				deny(acts("updateOn"), "proj/*:env/prod*:flag/*"),
			},
			want: []policy.Access{
				{Action: "updateOn", Resource: "proj/mobile:env/prod:flag/other-flag;view:checkout"},
				{Action: "updateApprovalRequest", Resource: "proj/other-proj:env/prod:flag/other-flag;"},
				{Action: "addReleasePipeline", Resource: "proj/mobile:env/other-env:flag/other-flag;"},
				{Action: "otherAction", Resource: "proj/mobile:env/other-env:flag/other-flag;view:checkout"},
				{Action: "updateDefaultClientSideAvailability", Resource: "proj/other-proj"},
				{Action: "createProject", Resource: "proj/other-proj"},
			},
		},
		{
			name: "globs intersect in an instance",
			in: []policy.Statement{
				allow(acts("*"), "proj/prod*"),
				deny(acts("*"), "proj/*-eu"),
			},
			want: []policy.Access{
				{Action: "createProject", Resource: "proj/prod-eu"},
				{Action: "createProject", Resource: "proj/prod"},
				{Action: "createProject", Resource: "proj/x-eu"},
				{Action: "createProject", Resource: "proj/other-proj"},
			},
			not: []policy.Access{
				// The same class as prod.
				{Action: "createProject", Resource: "proj/prodx"},
			},
		},
		{
			name: "negated class, braces, '?'",
			in:   []policy.Statement{allow(acts("{create,delete}Segment", "view?lag"), "proj/[!a]*")},
			want: []policy.Access{
				{Action: "createSegment", Resource: "proj/ax"},
				{Action: "viewxlag", Resource: "proj/other-proj"},
				{Action: "otherAction", Resource: "proj/other-proj"},
				{Action: "createProject", Resource: "proj/other-proj"},
			},
		},
		{
			name: "role attributes: bound keys are tried",
			in:   []policy.Statement{allow(acts("*"), "proj/${roleAttribute/projects}:env/*")},
			want: []policy.Access{
				{Action: "createEnvironment", Resource: "proj/mobile:env/other-env"},
				{Action: "createEnvironment", Resource: "proj/other-proj:env/other-env"},
			},
		},
		{
			name: "role attributes: bound patterns are tried, one key of each class",
			in:   []policy.Statement{allow(acts("*"), "proj/${roleAttribute/teams}:env/*"), deny(acts("*"), "proj/team-a*:env/*")},
			want: []policy.Access{
				{Action: "createEnvironment", Resource: "proj/team-a:env/other-env"},
				{Action: "createEnvironment", Resource: "proj/ops:env/other-env"},
				{Action: "createEnvironment", Resource: "proj/other-proj:env/other-env"},
			},
			not: []policy.Access{
				// The same class as ops: the attribute holds, the deny not.
				{Action: "createEnvironment", Resource: "proj/team-:env/other-env"},
			},
		},
		{
			name: "role attributes as tags",
			in:   []policy.Statement{allow(acts("updateProjectName"), "proj/*;${roleAttribute/teams}")},
			want: []policy.Access{
				{Action: "updateProjectName", Resource: "proj/other-proj;team-"},
				{Action: "updateProjectName", Resource: "proj/other-proj;"},
			},
		},
		{
			name: "a type alone",
			in:   []policy.Statement{allow(acts("*"), "ip-allowlist;beta")},
			want: []policy.Access{
				{Action: "otherAction", Resource: "ip-allowlist;beta"},
				{Action: "otherAction", Resource: "ip-allowlist;"},
			},
		},
		{
			name: "the bare account, and notResources",
			in: []policy.Statement{
				{Effect: policy.Allow, Actions: acts("*"), NotResources: []string{"acct;billing"}},
			},
			want: []policy.Access{
				{Action: acctAction, Resource: "acct;billing"},
				{Action: acctAction, Resource: "acct;"},
				{Action: "createProject", Resource: "proj/other-proj"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			have, complete := Accesses(Options{Attributes: map[string][]string{"projects": {"mobile"}, "teams": {"team-*", "ops"}}}, tt.in)
			if !complete {
				t.Fatalf("have an incomplete set of %d accesses", len(have))
			}
			for _, a := range tt.want {
				if !slices.Contains(have, a) {
					t.Errorf("have no access %v among\n%s", a, dump(have))
				}
			}
			for _, a := range tt.not {
				if slices.Contains(have, a) {
					t.Errorf("have access %v, want it left out", a)
				}
			}
		})
	}
}

func dump(as []policy.Access) string {
	var b strings.Builder
	for _, a := range as {
		fmt.Fprintf(&b, "\t%s %s\n", a.Action, a.Resource)
	}
	return b.String()
}

// TestAccessesDistinguish checks that the accesses tell apart policies that
// decide some access differently, and that policies written differently
// but meaning the same decide every access alike.
func TestAccessesDistinguish(t *testing.T) {
	tests := []struct {
		name     string
		old, new []policy.Statement
		differ   bool
	}{
		{"a wider environment", []policy.Statement{allow(acts("*"), "proj/*:env/production:flag/*")}, []policy.Statement{allow(acts("*"), "proj/*:env/*:flag/*")}, true},
		{"a removed deny", []policy.Statement{allow(acts("*"), "proj/*:env/*:flag/*"), deny(acts("deleteFlag"), "proj/*:env/*:flag/*")}, []policy.Statement{allow(acts("*"), "proj/*:env/*:flag/*")}, true},
		{"a deny on a tag", []policy.Statement{allow(acts("*"), "proj/*:env/*:flag/*")}, []policy.Statement{allow(acts("*"), "proj/*:env/*:flag/*"), deny(acts("*"), "proj/*:env/*:flag/*;internal")}, true},
		{"a critical environment", []policy.Statement{allow(acts("*"), "proj/*:env/*:flag/*")}, []policy.Statement{allow(acts("*"), "proj/*:env/*;{critical:false}:flag/*")}, true},
		{"notResources reaches other types", []policy.Statement{allow(acts("*"), "proj/*:env/*:flag/*")}, []policy.Statement{{Effect: policy.Allow, Actions: acts("*"), NotResources: []string{"proj/*:env/production:flag/*"}}}, true},
		{"notActions with an action nobody names", []policy.Statement{allow(acts("updateOn"), "proj/*:env/*:flag/*")}, []policy.Statement{{Effect: policy.Allow, NotActions: acts("deleteFlag"), Resources: []string{"proj/*:env/*:flag/*"}}}, true},
		{"an unlisted action in a pattern", []policy.Statement{allow(acts("updateOn", "updateRules"), "proj/*")}, []policy.Statement{allow(acts("update*"), "proj/*")}, true},
		{"overlapping globs", []policy.Statement{allow(acts("*"), "proj/prod*"), deny(acts("*"), "proj/*-eu")}, []policy.Statement{allow(acts("*"), "proj/prod*")}, true},
		{"a negated class", []policy.Statement{allow(acts("*"), "proj/*")}, []policy.Statement{allow(acts("*"), "proj/[!a]*")}, true},
		{"many names: one segment varies at a time", manyNamesPolicy(), append(manyNamesPolicy(), allow(acts("*"), "proj/*:env/*")), true},
		{"braces are two specifiers", []policy.Statement{allow(acts("*"), "proj/a", "proj/b")}, []policy.Statement{allow(acts("*"), "proj/{a,b}")}, false},
		{"order and duplicates", []policy.Statement{allow(acts("*"), "proj/*:env/*"), deny(acts("delete*"), "proj/*:env/*")}, []policy.Statement{deny(acts("delete*"), "proj/*:env/*"), allow(acts("*"), "proj/*:env/*"), allow(acts("updateName"), "proj/*:env/*")}, false},
		{"a covered action", []policy.Statement{allow(acts("update*"), "proj/*")}, []policy.Statement{allow(acts("update*", "updateTags"), "proj/*")}, false},
		{"a role attribute bound to a pattern", []policy.Statement{allow(acts("*"), "proj/team-a")}, []policy.Statement{allow(acts("*"), "proj/${roleAttribute/teams}")}, true},
		{"a role attribute's values written in", []policy.Statement{allow(acts("*"), "proj/team-*;beta", "proj/ops;beta")}, []policy.Statement{allow(acts("*"), "proj/${roleAttribute/teams};beta")}, false},
		{"a tag bound to a pattern", []policy.Statement{allow(acts("*"), "proj/*;team-*", "proj/*;ops")}, []policy.Statement{allow(acts("*"), "proj/*;${roleAttribute/teams}")}, false},
		{"a tag bound to a pattern, narrower", []policy.Statement{allow(acts("*"), "proj/*;team-a")}, []policy.Statement{allow(acts("*"), "proj/*;${roleAttribute/teams}")}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			attrs := map[string][]string{"teams": {"team-*", "ops"}}
			old, err := policy.Compile(tt.old, policy.Options{Attributes: attrs})
			if err != nil {
				t.Fatal(err)
			}
			new, err := policy.Compile(tt.new, policy.Options{Attributes: attrs})
			if err != nil {
				t.Fatal(err)
			}
			accesses, _ := Accesses(Options{Attributes: attrs}, tt.old, tt.new)
			var diffs []string
			for _, a := range accesses {
				d1, err1 := old.Decide(a.Action, a.Resource)
				d2, err2 := new.Decide(a.Action, a.Resource)
				if err1 != nil || err2 != nil {
					t.Fatalf("%v: %v, %v", a, err1, err2)
				}
				if d1.Indeterminate || d2.Indeterminate {
					t.Errorf("%v: indeterminate decision; want metadata written out in full", a)
				}
				if d1.Effect != d2.Effect {
					diffs = append(diffs, fmt.Sprintf("%s %s: %s → %s", a.Action, a.Resource, d1.Effect, d2.Effect))
				}
			}
			if have := len(diffs) > 0; have != tt.differ {
				t.Errorf("have differences %v, want differences: %v", diffs, tt.differ)
			}
		})
	}
}

// TestAccessesWellFormed checks that every access names a concrete
// resource, that there are no duplicates, and that the order depends only
// on the statements.
func TestAccessesWellFormed(t *testing.T) {
	in := []policy.Statement{
		allow(acts("*"), "proj/*:env/*;qa_*,{critical:true}:flag/*;view:${roleAttribute/views}", "proj/a,b", "proj/*:segment/x"),
		deny(acts("update[OT]*", "\\*", "x{a,b"), "member/*:token/*", "acct", "made-up/*:flag/?", "proj/*:env/*;qa_*:/flag/*", "proj/a;"),
		{Effect: policy.Allow, NotActions: acts("*"), NotResources: []string{"*"}},
	}
	opts := Options{Attributes: map[string][]string{"views": {"checkout", "search"}}}
	first, complete := Accesses(opts, in)
	if !complete || len(first) == 0 {
		t.Fatalf("have %d accesses, complete %v", len(first), complete)
	}
	seen := map[policy.Access]bool{}
	for _, a := range first {
		if seen[a] {
			t.Errorf("access %v twice", a)
		}
		seen[a] = true
		if _, err := resource.ParseConcrete(a.Resource); err != nil {
			t.Errorf("access %v: %v", a, err)
		}
		if a.Action == "" {
			t.Errorf("access %v has no action", a)
		}
	}
	for i := 0; i < 5; i++ {
		again, _ := Accesses(opts, in)
		if !slices.Equal(first, again) {
			t.Fatalf("two runs differ")
		}
	}
}

// TestAccessesLimit checks that a policy calling for more than Limit
// accesses gets Limit of them, marked incomplete.
func TestAccessesLimit(t *testing.T) {
	var res, names []string
	for i := 0; i < 300; i++ {
		res = append(res, fmt.Sprintf("proj/p%d", i))
		names = append(names, fmt.Sprintf("action%d", i))
	}
	have, complete := Accesses(Options{}, []policy.Statement{allow(names, res...)})
	if complete || len(have) != Limit {
		t.Errorf("have %d accesses, complete %v; want %d, incomplete", len(have), complete, Limit)
	}
	have, complete = Accesses(Options{}, []policy.Statement{allow(names[:10], res[:10]...)})
	if !complete || len(have) >= Limit {
		t.Errorf("have %d accesses, complete %v; want fewer than %d, complete", len(have), complete, Limit)
	}
}

// manyNamesPolicy is a policy with too many names for every combination of keys
// (33 projects times 33 environments), where only keys that no specifier
// names tell it apart from one that adds "proj/*:env/*".
func manyNamesPolicy() []policy.Statement {
	st := []policy.Statement{allow(acts("*"), "proj/a:env/*", "proj/*:env/x")}
	for i := 0; i < 31; i++ {
		st = append(st, allow(acts("*"), fmt.Sprintf("proj/p%d:env/e%d", i, i)))
	}
	return st
}
