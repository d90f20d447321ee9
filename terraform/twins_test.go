package terraform

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/gen"
	"github.com/leanovate/gopter/prop"

	"github.com/ldpolicy/ldpolicy/policy"
	"github.com/ldpolicy/ldpolicy/resource"
)

// attributes are the role attributes that roles are compiled with, in
// both forms: the values a team binds, and more.
var attributes = map[string][]string{
	"domain":   {"payments", "billing-*"},
	"projects": {"mobile", "web-*"},
	"p":        {"x"},
}

// twins pairs each policy-bearing resource of the fixtures with its JSON
// twin: the same policy as LaunchDarkly's REST API writes it.
var twins = []struct {
	source, address, twin string
}{
	{"testdata/module", "launchdarkly_webhook.prod_flags", "module/launchdarkly_webhook.prod_flags.json"},
	{"testdata/module", "launchdarkly_webhook.audit", "module/launchdarkly_webhook.audit.json"},
	{"testdata/module", "launchdarkly_custom_role.flag_editors", "module/launchdarkly_custom_role.flag_editors.json"},
	{"testdata/module", "launchdarkly_custom_role.shared", "module/launchdarkly_custom_role.shared.json"},
	{"testdata/module", "launchdarkly_custom_role.release_managers", "module/launchdarkly_custom_role.release_managers.json"},
	{"testdata/module", "launchdarkly_custom_role.ops", "module/launchdarkly_custom_role.ops.json"},
	{"testdata/blocks", "launchdarkly_webhook.staging", "blocks/launchdarkly_webhook.staging.json"},
	{"testdata/blocks", "launchdarkly_custom_role.testers", "blocks/launchdarkly_custom_role.testers.json"},
	{"testdata/show/state.json", "launchdarkly_webhook.prod", "state/launchdarkly_webhook.prod.json"},
	{"testdata/show/state.json", "module.ld.launchdarkly_custom_role.ops", "state/module.ld.launchdarkly_custom_role.ops.json"},
	{"testdata/show/state.json", `module.ld.module.teams.launchdarkly_custom_role.shared["payments"]`, "state/module.ld.module.teams.launchdarkly_custom_role.shared[payments].json"},
	{"testdata/show/plan.json", "launchdarkly_webhook.prod", "plan/launchdarkly_webhook.prod.json"},
	{"testdata/show/plan.json", "module.ld.launchdarkly_custom_role.release", "plan/module.ld.launchdarkly_custom_role.release.json"},
}

// mustRead reads a fixture, failing the test on error.
func mustRead(t *testing.T, name string) *Source {
	t.Helper()
	s, err := Read(name)
	if err != nil {
		t.Fatalf("Read(%s): %v", name, err)
	}
	return s
}

// twinFile decodes a JSON twin.
func twinFile(t *testing.T, name string) *policy.File {
	t.Helper()
	data, err := os.ReadFile("testdata/twins/" + name)
	if err != nil {
		t.Fatal(err)
	}
	f, err := policy.ParseFile(name, data)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// decider decides accesses as a webhook's policy filter or as a member
// who holds one custom role with its base permissions.
type decider func(action string, c *resource.Concrete) (policy.Effect, int, bool)

// deciderOf compiles a policy file into a decider.
func deciderOf(t *testing.T, f *policy.File) decider {
	t.Helper()
	if f.Kind != policy.RoleFile {
		set, err := f.Compile(policy.Options{Attributes: attributes})
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		return func(action string, c *resource.Concrete) (policy.Effect, int, bool) {
			d := set.DecideConcrete(action, c)
			return d.Effect, d.Statement, d.Indeterminate
		}
	}
	set, err := f.Compile(policy.Options{Context: policy.Role, Attributes: attributes})
	if err != nil {
		t.Fatalf("%s: %v", f.Name, err)
	}
	base, _ := f.RoleBasePermissions()
	m, err := policy.NewMember(policy.Grant{Role: f.RoleKey, Policy: set, Base: base})
	if err != nil {
		t.Fatal(err)
	}
	return memberDecider(m)
}

func memberDecider(m *policy.Member) decider {
	return func(action string, c *resource.Concrete) (policy.Effect, int, bool) {
		d := m.DecideConcrete(action, c)
		return d.Effect, d.Index*1000 + d.Statement, d.Indeterminate
	}
}

// Generated accesses: actions and concrete resources from the
// vocabulary of the fixtures' policies and around it, tags and properties
// known, unknown or absent.
var (
	actions = []string{"updateOn", "updateOff", "deleteFlag", "createFlag", "updateName", "updateTargets",
		"updateRules", "viewProject", "deleteProject", "createEnvironment", "updateTags", "view", "deleteSegment", "x"}
	projects  = []string{"proj/mobile", "proj/web-app", "proj/sandbox-1", "proj/payments", "proj/default", "proj/x"}
	projTags  = []string{"", ";", ";payments", ";billing-eu", ";other"}
	envs      = []string{"env/production", "env/staging", "env/test", "env/dev"}
	envTags   = []string{"", ";", ";{critical:true}", ";{critical:false}", ";qa_x"}
	leaves    = []string{"flag/dark-mode", "segment/beta", "metric/clicks", "flag/new-checkout"}
	leafTags  = []string{"", ";", ";release-frozen"}
	otherRess = []string{"member/ann", "relay-proxy-config/abc", "acct", "team/qa", "proj/mobile:env/production:flag/f:x/y"}
)

// actionGen generates actions, and resourceGen concrete resources.
func actionGen() gopter.Gen {
	return gen.IntRange(0, len(actions)-1).Map(func(i int) string { return actions[i] })
}

func resourceGen() gopter.Gen {
	return gen.IntRange(0, 1<<30).Map(func(n int) string {
		pick := func(l []string) string {
			s := l[n%len(l)]
			n /= len(l)
			return s
		}
		switch pick([]string{"1", "2", "3", "3", "3", "other"}) {
		case "other":
			return pick(otherRess)
		case "1":
			return pick(projects) + pick(projTags)
		case "2":
			return pick(projects) + pick(projTags) + ":" + pick(envs) + pick(envTags)
		}
		return pick(projects) + pick(projTags) + ":" + pick(envs) + pick(envTags) + ":" + pick(leaves) + pick(leafTags)
	})
}

// TestTwins reads each policy-bearing resource and its JSON twin: their
// statements, kinds, keys, names and base permissions are the same, and
// they decide every generated access the same way, down to the deciding
// statement and whether it is indeterminate.
func TestTwins(t *testing.T) {
	sources := map[string]*Source{}
	for _, tt := range twins {
		t.Run(tt.address, func(t *testing.T) {
			s := sources[tt.source]
			if s == nil {
				s = mustRead(t, tt.source)
				sources[tt.source] = s
			}
			r, err := s.Resource(tt.address)
			if err != nil {
				t.Fatal(err)
			}
			have, want := r.Policy, twinFile(t, tt.twin)
			if diff := cmp.Diff(want.Statements, have.Statements); diff != "" {
				t.Errorf("statements (-twin +terraform):\n%s", diff)
			}
			hb, hAssumed := have.RoleBasePermissions()
			wb, _ := want.RoleBasePermissions()
			if have.Kind != want.Kind || have.RoleKey != want.RoleKey || have.RoleName != want.RoleName || have.Kind == policy.RoleFile && (hb != wb || hAssumed) {
				t.Errorf("have %v %q %q %v (assumed %v), want %v %q %q %v", have.Kind, have.RoleKey, have.RoleName, hb, hAssumed, want.Kind, want.RoleKey, want.RoleName, wb)
			}
			sameDecisions(t, deciderOf(t, want), deciderOf(t, have))
		})
	}
}

// sameDecisions checks that two deciders decide generated accesses alike.
func sameDecisions(t *testing.T, want, have decider) {
	t.Helper()
	params := gopter.DefaultTestParameters()
	params.MinSuccessfulTests = 3000
	params.Rng.Seed(1)
	props := gopter.NewProperties(params)
	props.Property("same decisions", prop.ForAll(func(action, res string) string {
		var c resource.Concrete
		if err := c.Parse(res); err != nil {
			return "bad generated resource: " + err.Error()
		}
		we, ws, wi := want(action, &c)
		he, hs, hi := have(action, &c)
		if we != he || ws != hs || wi != hi {
			return fmt.Sprintf("%s %s: have %s by %d (indeterminate %v), want %s by %d (indeterminate %v)", action, res, he, hs, hi, we, ws, wi)
		}
		return ""
	}, actionGen(), resourceGen()))
	props.TestingRun(t)
}

// TestTeamTwins builds the member of each team from its resource, and from
// the JSON twins of its roles with its role attributes: they decide alike.
func TestTeamTwins(t *testing.T) {
	for _, tt := range []struct {
		source, address string
		roles           []string
		attrs           map[string][]string
	}{
		{"testdata/module", "launchdarkly_team_role_mapping.payments",
			[]string{"module/launchdarkly_custom_role.shared.json", "module/launchdarkly_custom_role.ops.json"},
			map[string][]string{"domain": {"payments", "billing-*"}}},
		{"testdata/blocks", "launchdarkly_team.qa",
			[]string{"blocks/launchdarkly_custom_role.testers.json"},
			map[string][]string{"projects": {"mobile", "web-*"}}},
		{"testdata/show/state.json", "module.ld.module.teams.launchdarkly_team_role_mapping.payments",
			[]string{"state/module.ld.module.teams.launchdarkly_custom_role.shared[payments].json", "state/module.ld.launchdarkly_custom_role.ops.json"},
			map[string][]string{"domain": {"payments", "billing-*"}}},
	} {
		t.Run(tt.address, func(t *testing.T) {
			r, err := mustRead(t, tt.source).Resource(tt.address)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.attrs, r.Team.Attributes); diff != "" {
				t.Errorf("attributes (-want +have):\n%s", diff)
			}
			have, err := r.Team.Member(policy.Options{})
			if err != nil {
				t.Fatal(err)
			}
			var grants []policy.Grant
			for _, name := range tt.roles {
				f := twinFile(t, name)
				set, err := f.Compile(policy.Options{Context: policy.Role, Attributes: tt.attrs})
				if err != nil {
					t.Fatal(err)
				}
				base, _ := f.RoleBasePermissions()
				grants = append(grants, policy.Grant{Role: f.RoleKey, Policy: set, Base: base})
			}
			want, err := policy.NewMember(grants...)
			if err != nil {
				t.Fatal(err)
			}
			for i := range grants {
				if have.Grant(i).Role != want.Grant(i).Role || have.Grant(i).Base != want.Grant(i).Base {
					t.Errorf("grant %d: have %s %v, want %s %v", i, have.Grant(i).Role, have.Grant(i).Base, want.Grant(i).Role, want.Grant(i).Base)
				}
			}
			sameDecisions(t, memberDecider(want), memberDecider(have))
		})
	}
}

// TestGrantsUnresolved: a team that names a role the source does not
// have cannot say what its members may do; the error names the key where
// the team names it.
func TestGrantsUnresolved(t *testing.T) {
	r, err := mustRead(t, "testdata/module").Resource("launchdarkly_team_role_mapping.contractors")
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Team.Roles) != 2 || r.Team.Roles[0].Role != nil || r.Team.Roles[1].Role == nil || r.Team.Roles[1].Key != "flag-editors" {
		t.Fatalf("roles %+v", r.Team.Roles)
	}
	_, err = r.Team.Member(policy.Options{})
	want := `testdata/module/teams.tf:15:23: launchdarkly_team_role_mapping.contractors: custom role "contractor-access": no launchdarkly_custom_role with this key was read with the team; its policy is not known`
	if err == nil || err.Error() != want {
		t.Errorf("have %v\nwant %s", err, want)
	}
	var e *Error
	if !errors.As(err, &e) || e.Pos.Line != 15 {
		t.Errorf("not a located *Error: %#v", err)
	}
}

// TestShowResources reads the resources of a state and a plan: in order,
// root module first, each once, none that the plan deletes, and those of
// other types and data sources left out.
func TestShowResources(t *testing.T) {
	for _, tt := range []struct {
		name string
		want []string
	}{
		{"testdata/show/state.json", []string{
			"launchdarkly_webhook.prod testdata/show/state.json:7:9",
			"module.ld.launchdarkly_custom_role.ops testdata/show/state.json:54:13",
			`module.ld.module.teams.launchdarkly_custom_role.shared["payments"] testdata/show/state.json:83:17`,
			"module.ld.module.teams.launchdarkly_team_role_mapping.payments testdata/show/state.json:105:17",
		}},
		// The mapping is only in resource_changes, read from its after;
		// launchdarkly_webhook.legacy is deleted; prior_state is not read.
		{"testdata/show/plan.json", []string{
			"launchdarkly_webhook.prod testdata/show/plan.json:7:9",
			"module.ld.launchdarkly_custom_role.release testdata/show/plan.json:37:13",
			"module.ld.launchdarkly_team_role_mapping.release testdata/show/plan.json:124:5",
		}},
	} {
		s := mustRead(t, tt.name)
		var have []string
		for _, r := range s.Resources {
			have = append(have, r.Address+" "+r.Pos.String())
		}
		if diff := cmp.Diff(tt.want, have); diff != "" {
			t.Errorf("%s (-want +have):\n%s", tt.name, diff)
		}
		if err := s.Err(); err != nil {
			t.Errorf("%s: %v", tt.name, err)
		}
	}

	// In resolved values, the provider may fill in both forms of a role's
	// statements: the first that is not empty is read.
	s, err := ParseJSON("state.json", []byte(`{"format_version": "1.0", "values": {"root_module": {"resources": [
  {"address": "launchdarkly_custom_role.r", "mode": "managed", "type": "launchdarkly_custom_role", "name": "r",
   "values": {"key": "r", "policy_statements": [{"effect": "allow", "actions": ["*"], "resources": ["proj/a"]}],
              "policy_statements_json": "[{\"effect\": \"allow\", \"actions\": [\"*\"], \"resources\": [\"proj/a\"]}]"}}]}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if r, err := s.Resource("launchdarkly_custom_role.r"); err != nil || r.Policy.Position(0, "", -1, -1).String() != "state.json:3:49" {
		t.Errorf("both forms: %v %v", err, r)
	}
}

// TestGrants: a team's role attributes bind first, the caller's the
// others; Lenient applies to every role; a role that does not read is
// named where the team names it.
func TestGrants(t *testing.T) {
	fsys := fstest.MapFS{"m/main.tf": {Data: []byte(`resource "launchdarkly_custom_role" "a" {
  key              = "a"
  base_permissions = "no_access"
  policy_statements = [{ effect = "allow", actions = ["*"], resources = ["proj/$${roleAttribute/p}:env/$${roleAttribute/e}:/flag/*"] }]
}

resource "launchdarkly_custom_role" "broken" {
  key = var.key
}

resource "launchdarkly_team_role_mapping" "t" {
  team_key         = "t"
  custom_role_keys = [launchdarkly_custom_role.a.key]
  role_attributes  = { p = ["mobile"] }
}

resource "launchdarkly_team_role_mapping" "u" {
  team_key         = "u"
  custom_role_keys = ["a", launchdarkly_custom_role.broken.key]
}
`)}}
	s, err := ReadFS(fsys, "m")
	if err != nil {
		t.Fatal(err)
	}
	team, err := s.Resource("launchdarkly_team_role_mapping.t")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := team.Team.Member(policy.Options{}); err == nil || !strings.Contains(err.Error(), `m/main.tf:4:124: launchdarkly_custom_role.a: statements[0].resources[0]: stray "/"`) {
		t.Errorf("a role with a typo: %v", err)
	}
	m, err := team.Team.Member(policy.Options{Lenient: true, Attributes: map[string][]string{"p": {"web"}, "e": {"prod*"}}})
	if err != nil {
		t.Fatal(err)
	}
	for res, want := range map[string]bool{
		"proj/mobile:env/production:flag/f": true,
		"proj/web:env/production:flag/f":    false, // the team binds p
		"proj/mobile:env/test:flag/f":       false,
	} {
		if d, _ := m.Decide("updateOn", res); d.Allowed() != want {
			t.Errorf("%s: %v", res, d)
		}
	}
	other, err := s.Resource("launchdarkly_team_role_mapping.u")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{`m/main.tf:19:28: launchdarkly_team_role_mapping.u: custom role launchdarkly_custom_role.broken could not be read`}
	_, err = other.Team.Grants(policy.Options{Lenient: true})
	if diff := cmp.Diff(want, problems(err)); diff != "" {
		t.Errorf("(-want +have):\n%s", diff)
	}
}
