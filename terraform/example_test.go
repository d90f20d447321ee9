package terraform_test

import (
	"fmt"
	"strings"
	"testing/fstest"

	"github.com/ldpolicy/ldpolicy/lint"
	"github.com/ldpolicy/ldpolicy/policy"
	"github.com/ldpolicy/ldpolicy/terraform"
)

// Read a module directory: its policy-bearing resources, in the order of
// its files' names and then in file order.
func ExampleRead() {
	src, err := terraform.Read("testdata/module")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range src.Resources {
		var what string
		switch {
		case r.Err != nil:
			what = r.Err.Error()
		case r.Type == terraform.CustomRole:
			what = fmt.Sprintf("role %s (%s), %d statements", r.Policy.RoleKey, r.Policy.BasePermissions, len(r.Policy.Statements))
		case r.Policy != nil:
			what = fmt.Sprintf("%s, %d statements", r.Policy.Kind, len(r.Policy.Statements))
		default:
			var keys []string
			for _, ref := range r.Team.Roles {
				keys = append(keys, ref.Key)
			}
			what = fmt.Sprintf("team %s: %s", r.Team.Key, strings.Join(keys, ", "))
		}
		fmt.Printf("%-31s %-42s %s\n", r.Pos, r.Address, what)
	}
	// Output:
	// testdata/module/main.tf:16:1    launchdarkly_webhook.prod_flags            webhook, 2 statements
	// testdata/module/main.tf:36:1    launchdarkly_webhook.audit                 webhook, 0 statements
	// testdata/module/roles.tf:3:1    launchdarkly_custom_role.flag_editors      role flag-editors (no_access), 3 statements
	// testdata/module/roles.tf:29:1   launchdarkly_custom_role.shared            role domain-maintainer (reader), 2 statements
	// testdata/module/roles.tf:47:1   launchdarkly_custom_role.release_managers  role release-managers (reader), 2 statements
	// testdata/module/roles.tf:68:1   launchdarkly_custom_role.ops               role ops (reader), 2 statements
	// testdata/module/teams.tf:1:1    launchdarkly_team_role_mapping.payments    team payments: domain-maintainer, ops
	// testdata/module/teams.tf:13:1   launchdarkly_team_role_mapping.contractors team contractors: contractor-access, flag-editors
}

// Select a resource by its address, and decide accesses with its policy.
func ExampleSource_Resource() {
	src, err := terraform.Read("testdata/module")
	if err != nil {
		fmt.Println(err)
		return
	}
	hook, err := src.Resource("launchdarkly_webhook.prod_flags")
	if err != nil {
		fmt.Println(err)
		return
	}
	set, err := hook.Policy.Compile(policy.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, action := range []string{"updateOn", "deleteFlag"} {
		d, _ := set.Decide(action, "proj/mobile:env/production:flag/dark-mode")
		fmt.Println(action, d)
	}

	_, err = src.Resource("launchdarkly_webhook.staging")
	fmt.Println(err)
	// Output:
	// updateOn allow by statement 0: an allow statement applies and no deny statement does
	// deleteFlag deny by statement 1: a deny statement applies, and deny overrides allow
	// terraform: testdata/module has no resource launchdarkly_webhook.staging: it has launchdarkly_webhook.prod_flags, launchdarkly_webhook.audit, launchdarkly_custom_role.flag_editors, launchdarkly_custom_role.shared, launchdarkly_custom_role.release_managers, launchdarkly_custom_role.ops, launchdarkly_team_role_mapping.payments, launchdarkly_team_role_mapping.contractors
}

// A team role mapping names its custom roles by key or by reference to
// a resource; with its role attributes, it makes the access of the team's
// members in one call.
func ExampleTeamRoles_Member() {
	src, err := terraform.Read("testdata/module")
	if err != nil {
		fmt.Println(err)
		return
	}
	team, err := src.Resource("launchdarkly_team_role_mapping.payments")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, ref := range team.Team.Roles {
		fmt.Printf("%s: %s, named at %s\n", ref.Key, ref.Role.Address, ref.Pos)
	}
	member, err := team.Team.Member(policy.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, res := range []string{
		"proj/checkout;payments:env/test:flag/new-flow",
		"proj/search;other:env/test:flag/new-flow",
	} {
		d, _ := member.Decide("updateRules", res)
		fmt.Println(res, d)
	}
	// Output:
	// domain-maintainer: launchdarkly_custom_role.shared, named at testdata/module/teams.tf:4:5
	// ops: launchdarkly_custom_role.ops, named at testdata/module/teams.tf:5:5
	// proj/checkout;payments:env/test:flag/new-flow allow by role domain-maintainer, statement 0: an allow statement applies and no deny statement does
	// proj/search;other:env/test:flag/new-flow deny: no role allows the access
}

// Values that Terraform knows only when it runs are problems of their
// resource, located at the expression; the other resources are read. Lint
// findings point into the .tf file too.
func ExampleReadFS_problems() {
	fsys := fstest.MapFS{"infra/main.tf": {Data: []byte(`variable "project" {}

resource "launchdarkly_webhook" "per_project" {
  url        = "https://hooks.example.com/ld"
  statements = [{ effect = "allow", actions = ["*"], resources = ["proj/${var.project}:env/*"] }]
}

resource "launchdarkly_custom_role" "togglers" {
  key = "togglers"
  policy_statements {
    effect    = "allow"
    actions   = ["updateOn", "updateOf"]
    resources = ["proj/*:env/production:flag/*"]
  }
}
`)}}
	src, err := terraform.ReadFS(fsys, "infra")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(src.Err())

	role, _ := src.Resource("launchdarkly_custom_role.togglers")
	report, _ := lint.Check(role.Policy, lint.Options{})
	for _, f := range report.Findings {
		fmt.Println(f.Pos, f.Code, f.Path(), f.Fix)
	}
	// Output:
	// infra/main.tf:5:75: launchdarkly_webhook.per_project: the variable var.project is not known without running Terraform: only literal values, jsonencode(…) of them and file(…) are read from .tf files; read the output of "terraform show -json" (a plan or the state) for resolved values
	// infra/main.tf:12:31 LDP102 statements[0].actions[1] updateOn
}
