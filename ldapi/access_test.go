package ldapi_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/ldpolicy/ldpolicy/ldapi"
	"github.com/ldpolicy/ldpolicy/policy"
)

// The roles of the access tests, as LaunchDarkly's REST API writes them.
var accessRoles = []string{
	// Flag toggles in the projects of a role attribute; nothing else.
	`{"_id":"r1","_links":{},"key":"flag-editor","name":"Flag editor","basePermissions":"no_access",` +
		`"policy":[{"effect":"allow","actions":["updateOn","updateOff"],"resources":["proj/${roleAttribute/projects}:env/production:flag/*"]}]}`,
	// Reader base permissions, but not on the secret project.
	`{"_id":"r2","_links":{},"key":"viewer","name":"Viewer","basePermissions":"reader",` +
		`"policy":[{"effect":"deny","actions":["viewProject"],"resources":["proj/secret"]}]}`,
	// A role created from a preset: its read-only statements are in
	// _presetStatements, and it gives no base permissions.
	`{"_id":"r3","_links":{},"key":"lead","name":"Lead","_presetBundleVersion":1,` +
		`"policy":[{"effect":"allow","actions":["deleteFlag"],"resources":["proj/web:env/*:flag/*"]}],` +
		`"_presetStatements":[{"effect":"allow","actions":["createFlag"],"resources":["proj/*:env/*:flag/*"]},{"effect":"allow","actions":["deleteFlag"],"resources":["proj/web:env/*:flag/*"]}]}`,
	`{"_id":"r4","_links":{},"key":"broken","name":"Broken","policy":[{"effect":"allow","actions":["*"],"resources":["proj/*:"]}]}`,
}

func accessServer(t *testing.T) *fakeLD {
	f := newFakeLD(t)
	f.roles = accessRoles
	f.teams["qa"] = fakeTeam{name: "QA", roles: []string{"flag-editor", "viewer"}, attrs: map[string][]string{"projects": {"web"}}, expandedRoles: -1}
	f.teams["empty"] = fakeTeam{name: "Empty", expandedRoles: -1}
	f.teams["bad"] = fakeTeam{name: "Bad", roles: []string{"broken"}, expandedRoles: -1}
	f.members = []string{
		strings.TrimSuffix(memberJSON("ariel", "ariel@acme.com", "reader", []string{"flag-editor"}, `{"projects":["mobile"]}`, "qa"), "}") +
			`,"permissionGrants":[{"resource":"team/qa","actions":["maintainTeam"]}]}`,
		memberJSON("bo", "bo@acme.com", "writer", nil, ""),
		memberJSON("carol", "carol@acme.com", "reader", nil, ""),
		memberJSON("dan", "dan@acme.com", "reader", []string{"lead"}, ""),
		memberJSON("eve", "eve@acme.com", "reader", nil, "", "bad"),
	}
	return f
}

type accessCase struct {
	action, resource string
	effect           policy.Effect
	indeterminate    bool
	role             int // the index of the deciding role; -1 for none
}

func checkAccess(t *testing.T, a *ldapi.Access, cases []accessCase) {
	t.Helper()
	for _, tc := range cases {
		d, err := a.Member.Decide(tc.action, tc.resource)
		if err != nil {
			t.Fatal(err)
		}
		if d.Effect != tc.effect || d.Indeterminate != tc.indeterminate || d.Index != tc.role {
			t.Errorf("%s %s: have %s (role %d), want %s, indeterminate %t, role %d", tc.action, tc.resource, d, d.Index, tc.effect, tc.indeterminate, tc.role)
		}
	}
}

func TestMemberAccess(t *testing.T) {
	f := accessServer(t)
	c, _ := f.client(ldapi.Options{})
	ctx := context.Background()
	access := func(ref string) *ldapi.Access {
		t.Helper()
		m, err := c.Member(ctx, ref)
		if err != nil {
			t.Fatal(err)
		}
		a, err := c.Access(ctx, m, policy.Options{})
		if err != nil {
			t.Fatal(err)
		}
		return a
	}

	t.Run("custom roles and a team", func(t *testing.T) {
		a := access("ariel")
		var got []string
		for _, as := range a.Assignments {
			got = append(got, as.Role+"/"+as.Team+"/"+strings.Join(as.Attributes["projects"], ","))
		}
		if want := []string{"flag-editor//mobile", "flag-editor/qa/web", "viewer/qa/web"}; !slices.Equal(got, want) {
			t.Errorf("assignments: have %v, want %v", got, want)
		}
		if a.Member.Len() != 3 || a.Member.Grant(2).Base != policy.Reader || a.Member.Grant(0).Base != policy.NoAccess {
			t.Errorf("grants: %d, %v, %v", a.Member.Len(), a.Member.Grant(2).Base, a.Member.Grant(0).Base)
		}
		if want := []string{"permission grant: maintainTeam on team/qa"}; !slices.Equal(a.Unmodeled, want) {
			t.Errorf("unmodeled: have %v, want %v", a.Unmodeled, want)
		}
		checkAccess(t, a, []accessCase{
			{"updateOn", "proj/mobile:env/production:flag/dark-mode", policy.Allow, false, 0}, // the member's own attribute
			{"updateOn", "proj/web:env/production:flag/dark-mode", policy.Allow, false, 1},    // the team's
			{"updateOn", "proj/api:env/production:flag/dark-mode", policy.Deny, false, -1},
			{"updateOn", "proj/web:env/test:flag/dark-mode", policy.Deny, false, -1},
			{"viewProject", "proj/other", policy.Allow, false, 2}, // the viewer's base permissions
			{"viewProject", "proj/secret", policy.Deny, false, -1},
			{"deleteFlag", "proj/web:env/production:flag/dark-mode", policy.Deny, false, -1},
		})
	})

	t.Run("writer", func(t *testing.T) {
		a := access("bo@acme.com")
		if len(a.Assignments) != 1 || !a.Assignments[0].Builtin || a.Assignments[0].Role != "writer" || a.Member.Grant(0).Base != policy.Unpublished {
			t.Errorf("have %+v", a.Assignments)
		}
		// Outside the model: never guessed.
		checkAccess(t, a, []accessCase{
			{"viewProject", "proj/other", policy.Deny, true, -1},
			{"updateOn", "proj/web:env/production:flag/f", policy.Deny, true, -1},
		})
	})

	t.Run("reader", func(t *testing.T) {
		checkAccess(t, access("carol"), []accessCase{
			{"viewProject", "proj/anything", policy.Allow, false, 0},
			{"updateOn", "proj/web:env/production:flag/f", policy.Deny, false, -1},
		})
	})

	t.Run("preset role", func(t *testing.T) {
		a := access("dan")
		if as := a.Assignments[0]; as.PresetStatements != 1 || !as.BaseAssumed || a.Member.Grant(0).Base != policy.NoAccess {
			t.Errorf("have %+v, want one preset statement added and no_access assumed", as)
		}
		checkAccess(t, a, []accessCase{
			{"createFlag", "proj/api:env/test:flag/new", policy.Allow, false, 0},
			{"deleteFlag", "proj/web:env/test:flag/old", policy.Allow, false, 0},
			{"deleteFlag", "proj/api:env/test:flag/old", policy.Deny, false, -1},
			{"viewProject", "proj/api", policy.Deny, false, -1},
		})
	})

	// Each role and team was fetched once, however many members hold it.
	access("ariel")
	count := map[string]int{}
	for _, r := range f.recorded() {
		count[r.path]++
	}
	if count["/api/v2/roles/flag-editor"] != 1 || count["/api/v2/teams/qa"] != 1 {
		t.Errorf("requests: %v", count)
	}
}

func TestTeamAccess(t *testing.T) {
	f := accessServer(t)
	c, _ := f.client(ldapi.Options{})
	ctx := context.Background()
	a, err := c.TeamAccess(ctx, "qa", policy.Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkAccess(t, a, []accessCase{
		{"updateOff", "proj/web:env/production:flag/f", policy.Allow, false, 0},
		{"updateOff", "proj/mobile:env/production:flag/f", policy.Deny, false, -1},
		{"viewFlag", "proj/mobile:env/production:flag/f", policy.Allow, false, 1},
	})

	a, err = c.TeamAccess(ctx, "empty", policy.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Assignments) != 1 || a.Assignments[0].Role != "no_access" || a.Assignments[0].Team != "empty" {
		t.Errorf("a team without roles: have %+v, want no_access", a.Assignments)
	}
	checkAccess(t, a, []accessCase{{"viewProject", "proj/x", policy.Deny, false, -1}})

	_, err = c.TeamAccess(ctx, "nope", policy.Options{})
	if !errors.Is(err, ldapi.ErrNotFound) {
		t.Errorf("have %v, want ErrNotFound", err)
	}
}

// A role whose policy does not compile is reported with the role, the team
// it came through, and package policy's positioned errors.
func TestAccessRoleError(t *testing.T) {
	f := accessServer(t)
	c, _ := f.client(ldapi.Options{})
	ctx := context.Background()
	m, err := c.Member(ctx, "eve")
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Access(ctx, m, policy.Options{})
	var re *ldapi.RoleError
	if !errors.As(err, &re) || re.Role.Key != "broken" || re.Team != "bad" {
		t.Fatalf("have %v, want a RoleError for role broken through team bad", err)
	}
	var errs policy.ErrorList
	if !errors.As(err, &errs) || len(errs) == 0 || !strings.HasPrefix(errs[0].Pos.String(), "ld:role/broken:1:") {
		t.Errorf("have %v, want policy errors positioned in ld:role/broken", err)
	}
	if !strings.HasPrefix(err.Error(), "ldapi: role broken (held through team bad): ") {
		t.Errorf("message %q", err)
	}
}
