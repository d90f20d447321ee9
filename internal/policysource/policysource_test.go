package policysource

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSplit(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	for _, name := range []string{"main.tf", "odd#name.tf", "x#y"} {
		if err := os.WriteFile(name, nil, 0o666); err != nil {
			t.Fatal(err)
		}
	}
	for _, tt := range []struct{ in, path, addr string }{
		{in: "main.tf", path: "main.tf"},
		{in: "main.tf#launchdarkly_webhook.prod", path: "main.tf", addr: "launchdarkly_webhook.prod"},
		{in: `main.tf#launchdarkly_webhook.hooks["a#b"]`, path: "main.tf", addr: `launchdarkly_webhook.hooks["a#b"]`},
		// A name with "#" is a name first.
		{in: "odd#name.tf", path: "odd#name.tf"},
		{in: "odd#name.tf#launchdarkly_webhook.prod", path: "odd#name.tf", addr: "launchdarkly_webhook.prod"},
		{in: "x#y", path: "x#y"},
		{in: "missing.tf#a.b", path: "missing.tf", addr: "a.b"},
		{in: "-", path: "-"},
		{in: "-#launchdarkly_webhook.prod", path: "-", addr: "launchdarkly_webhook.prod"},
		{in: ".#launchdarkly_webhook.prod", path: ".", addr: "launchdarkly_webhook.prod"},
	} {
		t.Run(tt.in, func(t *testing.T) {
			path, addr := Split(tt.in)
			if path != tt.path || addr != tt.addr {
				t.Errorf("have %q, %q\nwant %q, %q", path, addr, tt.path, tt.addr)
			}
		})
	}
}

func TestIsShowJSON(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want bool
	}{
		{`{"format_version": "1.2", "planned_values": {}}`, true},
		{`{"format_version": "1.0", "values": {"root_module": {}}}`, true},
		{`{"resource_changes": [], "format_version": "1.2"}`, true},
		{`{"format_version": "1.0"}`, false},
		{`{"values": {}}`, false},
		{`{"statements": [], "format_version": "1"}`, false},
		{`[{"effect": "allow"}]`, false},
		{`{"format_version": "1.2", "planned_values": {}`, false},
	} {
		if have := IsShowJSON([]byte(tt.in)); have != tt.want {
			t.Errorf("IsShowJSON(%s) = %v, want %v", tt.in, have, tt.want)
		}
	}
}

// readFile is the read function of Open for the tests.
func readFile(name string) ([]byte, error) { return os.ReadFile(name) }

func TestOpen(t *testing.T) {
	tf := "../../terraform/testdata"
	plan, err := os.ReadFile(tf + "/show/plan.json")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	// The output of terraform show -json is told by its content, whatever
	// its name.
	if err := os.WriteFile(filepath.Join(dir, "tfplan"), plan, 0o666); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "hook.json"), []byte(`{"statements": []}`), 0o666); err != nil {
		t.Fatal(err)
	}
	testOpen(t, Reader{File: readFile}, []openTest{
		{arg: dir + "/hook.json", want: []string{dir + "/hook.json"}},
		{arg: tf + "/blocks/main.tf", want: []string{tf + "/blocks/main.tf#launchdarkly_webhook.staging", tf + "/blocks/main.tf#launchdarkly_custom_role.testers", tf + "/blocks/main.tf#launchdarkly_team.qa"}},
		{arg: tf + "/module#launchdarkly_custom_role.ops", want: []string{tf + "/module#launchdarkly_custom_role.ops"}},
		{arg: dir + "/tfplan#module.ld.launchdarkly_custom_role.release", want: []string{dir + "/tfplan#module.ld.launchdarkly_custom_role.release"}},
		{arg: tf + "/module#launchdarkly_webhook.staging", err: "has no resource launchdarkly_webhook.staging: it has launchdarkly_webhook.prod_flags"},
		{arg: dir + "/hook.json#launchdarkly_webhook.prod", err: "hook.json is a policy file, not a Terraform source: #launchdarkly_webhook.prod selects a resource"},
		{arg: dir, err: "is a directory without .tf files"},
		{arg: dir + "/missing.json", err: "no such file"},
	})
}

// openTest is an argument, and the names of the policies that Open and
// Source.Policies find in it, or their error.
type openTest struct {
	arg  string
	want []string
	err  string // a part of the error
}

// testOpen runs the tests of Open with r.
func testOpen(t *testing.T, r Reader, tests []openTest) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.arg, func(t *testing.T) {
			var names []string
			s, err := Open(context.Background(), tt.arg, r)
			if err == nil {
				var ps []Policy
				ps, err = s.Policies()
				for _, p := range ps {
					names = append(names, p.Name)
				}
			}
			switch {
			case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
				t.Fatalf("have error %v, want one with %q", err, tt.err)
			case tt.err == "" && err != nil:
				t.Fatal(err)
			case strings.Join(names, " ") != strings.Join(tt.want, " "):
				t.Errorf("have %q\nwant %q", names, tt.want)
			}
		})
	}
}

func TestOne(t *testing.T) {
	s, err := Open(context.Background(), "../../terraform/testdata/blocks/main.tf", Reader{File: readFile})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.One()
	want := "../../terraform/testdata/blocks/main.tf has 3 policy-bearing resources: select one as ../../terraform/testdata/blocks/main.tf#ADDRESS, with the address of one of launchdarkly_webhook.staging, launchdarkly_custom_role.testers, launchdarkly_team.qa"
	if err == nil || err.Error() != want {
		t.Errorf("have %v\nwant %s", err, want)
	}
	s.Address = "launchdarkly_custom_role.testers"
	p, err := s.One()
	if err != nil || p.Resource.Address != s.Address || p.Resource.Policy == nil {
		t.Errorf("One() = %+v, %v", p, err)
	}
}

func TestSplitAccount(t *testing.T) {
	for _, tt := range []struct {
		in, kind, ref, err string
	}{
		{in: "ld:webhook/5f1e", kind: "webhook", ref: "5f1e"},
		{in: "ld:webhooks", kind: "webhooks"},
		{in: "ld:role/ops", kind: "role", ref: "ops"},
		{in: "ld:team/qa", kind: "team", ref: "qa"},
		{in: "ld:member/jane+ld@example.com", kind: "member", ref: "jane+ld@example.com"},
		{in: "ld:webhook", err: "ld:webhook: expected ld:webhook/ID: the webhook's ID after the slash"},
		{in: "ld:role/", err: "ld:role/: expected ld:role/KEY: the role's KEY after the slash"},
		{in: "ld:team/a/b", err: `ld:team/a/b: expected ld:team/KEY, found "a/b" after the slash, which has a "/"`},
		{in: "ld:member/odd#mail@example.com", kind: "member", ref: "odd#mail@example.com"},
		{in: "ld:role/ops#x", err: `which has a "#"`},
		{in: "ld:flag/dark-mode", err: `expected ld:webhook/ID, ld:webhooks, ld:role/KEY, ld:team/KEY or ld:member/ID-or-EMAIL, found "ld:flag/dark-mode"`},
		{in: "ld:auditlog?since=7d", err: "ld:auditlog?since=7d is the audit log, an input of events, not a policy"},
	} {
		t.Run(tt.in, func(t *testing.T) {
			kind, ref, err := SplitAccount(tt.in)
			switch {
			case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
				t.Errorf("have error %v, want one with %q", err, tt.err)
			case tt.err == "" && (err != nil || kind != tt.kind || ref != tt.ref):
				t.Errorf("have %q, %q, %v\nwant %q, %q", kind, ref, err, tt.kind, tt.ref)
			}
		})
	}
}

// TestOpenAccountArguments opens ld: arguments: without Reader.Account
// they are an error, and a malformed one is one before Account is asked.
func TestOpenAccountArguments(t *testing.T) {
	ctx := context.Background()
	if _, err := Open(ctx, "ld:webhook/w1", Reader{File: readFile}); err == nil || !strings.Contains(err.Error(), "names an object of a LaunchDarkly account, which is not read here") {
		t.Errorf("without Account: %v", err)
	}
	asked := false
	account := func(context.Context, string) (*Account, error) { asked = true; return &Account{}, nil }
	if _, err := Open(ctx, "ld:hook/w1", Reader{Account: account}); err == nil || asked {
		t.Errorf("a malformed ld: argument: %v, Account asked: %v", err, asked)
	}
	several := errors.New("several")
	account = func(context.Context, string) (*Account, error) {
		return &Account{Policies: []Policy{{Name: "ld:webhook/a"}, {Name: "ld:webhook/b"}}, Several: several}, nil
	}
	s, err := Open(ctx, "ld:webhooks", Reader{Account: account})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.One(); err != several {
		t.Errorf("One of two: %v, want the Account's Several", err)
	}
}
