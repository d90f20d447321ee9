package policy

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ldpolicy/ldpolicy/resource"
)

// grant compiles a role for a test.
func grant(t testing.TB, key, src string, base BasePermissions) Grant {
	t.Helper()
	return Grant{Role: key, Policy: load(t, src, Options{Context: Role}), Base: base}
}

func builtin(t testing.TB, role string) Grant {
	t.Helper()
	g, err := BuiltinGrant(role)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// memberOutcome is a MemberDecision as the tests compare it.
type memberOutcome struct {
	Effect        Effect
	Indeterminate bool
	Role          string // "" when no role allows
	Statement     int
}

func TestMemberDecide(t *testing.T) {
	const (
		allowProdFlags = `[{"effect":"allow","actions":["*"],"resources":["proj/*:env/production:flag/*"]}]`
		denyProdFlags  = `[{"effect":"deny","actions":["*"],"resources":["proj/*:env/production:flag/*"]}]`
		allowAllDenyQA = `[
			{"effect":"allow","actions":["*"],"resources":["proj/*:env/*:flag/*"]},
			{"effect":"deny","actions":["*"],"resources":["proj/*:env/*;qa_*:flag/*"]}]`
		denyFlagViews = `[{"effect":"deny","actions":["viewProject"],"resources":["proj/secret"]}]`
		qaFlags       = `[{"effect":"allow","actions":["*"],"resources":["proj/*:env/*;qa_*:flag/*"]}]`
	)
	const prodFlag = "proj/p:env/production:flag/f"
	type access struct{ action, resource string }
	tests := []struct {
		name   string
		grants func(t *testing.T) []Grant
		access access
		want   memberOutcome
	}{
		{
			"one role allows, another denies: the more permissive applies",
			func(t *testing.T) []Grant {
				return []Grant{grant(t, "a", allowProdFlags, NoAccess), grant(t, "b", denyProdFlags, NoAccess)}
			},
			access{"updateOn", prodFlag}, memberOutcome{Allow, false, "a", 0},
		},
		{
			"the same, the denying role first",
			func(t *testing.T) []Grant {
				return []Grant{grant(t, "b", denyProdFlags, NoAccess), grant(t, "a", allowProdFlags, NoAccess)}
			},
			access{"updateOn", prodFlag}, memberOutcome{Allow, false, "a", 0},
		},
		{
			"a deny takes away only what its own role grants",
			func(t *testing.T) []Grant {
				return []Grant{grant(t, "b", denyProdFlags, NoAccess)}
			},
			access{"updateOn", prodFlag}, memberOutcome{Deny, false, "", -1},
		},
		{
			"no role allows",
			func(t *testing.T) []Grant {
				return []Grant{grant(t, "a", allowProdFlags, NoAccess), grant(t, "b", denyProdFlags, NoAccess)}
			},
			access{"updateOn", "proj/p:env/staging:flag/f"}, memberOutcome{Deny, false, "", -1},
		},
		{
			"reader base permissions allow view actions on every resource",
			func(t *testing.T) []Grant { return []Grant{grant(t, "r", allowProdFlags, Reader)} },
			access{"viewProject", "proj/anything"}, memberOutcome{Allow, false, "r", -1},
		},
		{
			"reader base permissions allow nothing else",
			func(t *testing.T) []Grant { return []Grant{grant(t, "r", allowProdFlags, Reader)} },
			access{"updateOn", "proj/p:env/staging:flag/f"}, memberOutcome{Deny, false, "", -1},
		},
		{
			"a deny statement of the role takes precedence over its base permissions",
			func(t *testing.T) []Grant { return []Grant{grant(t, "r", denyFlagViews, Reader)} },
			access{"viewProject", "proj/secret"}, memberOutcome{Deny, false, "", -1},
		},
		{
			"but not over another role's base permissions",
			func(t *testing.T) []Grant {
				return []Grant{grant(t, "r", denyFlagViews, NoAccess), builtin(t, "reader")}
			},
			access{"viewProject", "proj/secret"}, memberOutcome{Allow, false, "reader", -1},
		},
		{
			"no_access base permissions grant nothing",
			func(t *testing.T) []Grant { return []Grant{grant(t, "n", denyFlagViews, NoAccess)} },
			access{"viewProject", "proj/other"}, memberOutcome{Deny, false, "", -1},
		},
		{
			"a deny that depends on unknown tags makes the base permissions indeterminate",
			func(t *testing.T) []Grant {
				return []Grant{grant(t, "r", `[{"effect":"deny","actions":["*"],"resources":["proj/*:env/*;qa_*:flag/*"]}]`, Reader)}
			},
			access{"viewFlag", "proj/p:env/e:flag/f"}, memberOutcome{Allow, true, "r", -1},
		},
		{
			"a role that allows for certain settles an indeterminate one",
			func(t *testing.T) []Grant {
				return []Grant{grant(t, "qa", qaFlags, NoAccess), grant(t, "a", allowProdFlags, NoAccess)}
			},
			access{"updateOn", prodFlag}, memberOutcome{Allow, false, "a", 0},
		},
		{
			"unknown tags: indeterminate deny",
			func(t *testing.T) []Grant { return []Grant{grant(t, "qa", qaFlags, NoAccess)} },
			access{"updateOn", prodFlag}, memberOutcome{Deny, true, "", -1},
		},
		{
			"a role's deny on unknown tags leaves another role's allow definite",
			func(t *testing.T) []Grant {
				return []Grant{grant(t, "qa", allowAllDenyQA, NoAccess), grant(t, "a", allowProdFlags, NoAccess)}
			},
			access{"updateOn", prodFlag}, memberOutcome{Allow, false, "a", 0},
		},
		{
			"writer publishes no statements: indeterminate, never guessed",
			func(t *testing.T) []Grant { return []Grant{builtin(t, "writer")} },
			access{"updateOn", prodFlag}, memberOutcome{Deny, true, "", -1},
		},
		{
			"a team role that allows settles a writer's",
			func(t *testing.T) []Grant {
				return []Grant{builtin(t, "writer"), grant(t, "a", allowProdFlags, NoAccess)}
			},
			access{"updateOn", prodFlag}, memberOutcome{Allow, false, "a", 0},
		},
		{
			"the built-in no_access role grants nothing",
			func(t *testing.T) []Grant { return []Grant{builtin(t, "no_access")} },
			access{"viewProject", "proj/p"}, memberOutcome{Deny, false, "", -1},
		},
		{
			"an empty custom role grants nothing",
			func(t *testing.T) []Grant { return []Grant{grant(t, "e", `[]`, NoAccess)} },
			access{"viewProject", "proj/p"}, memberOutcome{Deny, false, "", -1},
		},
		{
			"an empty custom role with reader base permissions grants views",
			func(t *testing.T) []Grant { return []Grant{grant(t, "e", `[]`, Reader)} },
			access{"viewProject", "proj/p"}, memberOutcome{Allow, false, "e", -1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := NewMember(tt.grants(t)...)
			if err != nil {
				t.Fatal(err)
			}
			d, err := m.Decide(tt.access.action, tt.access.resource)
			if err != nil {
				t.Fatal(err)
			}
			have := memberOutcome{d.Effect, d.Indeterminate, d.Role, d.Statement}
			if diff := cmp.Diff(tt.want, have); diff != "" {
				t.Errorf("Decide = %v (-want +have):\n%s", d, diff)
			}
			if (d.Index >= 0) != (d.Role != "") || d.Index >= 0 && m.Grant(d.Index).Role != d.Role {
				t.Errorf("Index %d, Role %q disagree", d.Index, d.Role)
			}
			// Explain decides alike, and gives every role's own decision.
			c, err := resource.ParseConcrete(tt.access.resource)
			if err != nil {
				t.Fatal(err)
			}
			e := m.Explain(tt.access.action, &c)
			if e.Decision != d || len(e.Grants) != m.Len() {
				t.Errorf("Explain: %v with %d roles, want %v with %d", e.Decision, len(e.Grants), d, m.Len())
			}
			for i, g := range e.Grants {
				if g.Role != m.Grant(i).Role {
					t.Errorf("Explain: role %d is %q", i, g.Role)
				}
			}
		})
	}
}

func TestMemberDecisionString(t *testing.T) {
	m, err := NewMember(grant(t, "ops", `[{"effect":"allow","actions":["*"],"resources":["proj/*"]}]`, NoAccess),
		grant(t, "qa", `[]`, NoAccess))
	if err != nil {
		t.Fatal(err)
	}
	allowed, _ := m.Decide("updateProjectName", "proj/p")
	denied, _ := m.Decide("deleteFlag", "proj/p:env/e:flag/f")
	writer, err := NewMember(builtin(t, "writer"))
	if err != nil {
		t.Fatal(err)
	}
	unknown, _ := writer.Decide("updateOn", "proj/p:env/e:flag/f")
	js, err := json.Marshal([]MemberDecision{allowed, denied})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ have, want string }{
		{unknown.String(), "deny (indeterminate): no role allows the access for certain: a built-in role whose statements LaunchDarkly does not publish (writer, admin, owner) may"},
		{string(js), `[{"decision":"allow","indeterminate":false,"role":"ops","statement":0,"reason":"an allow statement applies and no deny statement does"},` +
			`{"decision":"deny","indeterminate":false,"role":null,"statement":null,"reason":"no role allows the access"}]`},
		{allowed.String(), "allow by role ops, statement 0: an allow statement applies and no deny statement does"},
		{denied.String(), "deny: no role allows the access"},
	} {
		if c.have != c.want {
			t.Errorf("have %q\nwant %q", c.have, c.want)
		}
	}
}

// TestMemberDecideDoesNotAllocate: deciding for a member with three roles,
// one of them with reader base permissions, allocates nothing.
func TestMemberDecideDoesNotAllocate(t *testing.T) {
	m, err := NewMember(
		grant(t, "a", `[{"effect":"deny","actions":["*"],"resources":["proj/*:env/production:flag/*"]}]`, NoAccess),
		grant(t, "b", benchPolicy, Reader),
		grant(t, "c", `[{"effect":"allow","actions":["update*"],"resources":["proj/*:env/*;qa_*:flag/*"]}]`, NoAccess),
	)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range benchProbes {
		var d MemberDecision
		if n := testing.AllocsPerRun(200, func() { d, _ = m.Decide(p.action, p.resource) }); n != 0 {
			t.Errorf("Decide(%q, %q) allocates %v times, want 0", p.action, p.resource, n)
		}
		if n := testing.AllocsPerRun(200, func() { _ = d.Reason() }); n != 0 {
			t.Errorf("MemberDecision.Reason allocates %v times, want 0", n)
		}
	}
}

func TestNewMemberErrors(t *testing.T) {
	webhook := load(t, `[]`, Options{})
	role := load(t, `[]`, Options{Context: Role})
	for _, tt := range []struct {
		grants []Grant
		want   string
	}{
		{nil, "at least one role"},
		{[]Grant{{Role: "x", Base: NoAccess}}, `role 0 ("x") has no policy`},
		{[]Grant{{Role: "x", Policy: webhook, Base: NoAccess}}, "webhook context"},
		{[]Grant{{Role: "x", Policy: role}}, "base permissions not set"},
		{[]Grant{{Role: "x", Policy: load(t, `[{"effect":"allow","actions":["*"],"resources":["*"]}]`, Options{Context: Role}), Base: Unpublished}}, "has 1"},
	} {
		_, err := NewMember(tt.grants...)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("NewMember(%v) = %v, want an error with %q", tt.grants, err, tt.want)
		}
	}
	if _, err := BuiltinGrant("superuser"); err == nil {
		t.Error("BuiltinGrant(superuser): no error")
	}
}

func TestParseFileRole(t *testing.T) {
	for _, tt := range []struct {
		src      string
		kind     FileKind
		key      string
		name     string
		base     BasePermissions
		assumed  bool
		wantErrs []string
	}{
		{`[]`, StatementList, "", "", NoAccess, true, nil},
		{`{"statements":[]}`, WebhookFile, "", "", NoAccess, true, nil},
		{`{"url":"https://example.com/hook","name":"hook"}`, WebhookFile, "", "", NoAccess, true, nil},
		{`{"key":"qa","name":"QA","policy":[],"basePermissions":"reader"}`, RoleFile, "qa", "QA", Reader, false, nil},
		{`{"key":"qa","policy":[],"base_permissions":"no_access"}`, RoleFile, "qa", "", NoAccess, false, nil},
		{`{"key":"qa","policy":[]}`, RoleFile, "qa", "", NoAccess, true, nil},
		{`{"key":"qa","policy":[],"basePermissions":null}`, RoleFile, "qa", "", NoAccess, true, nil},
		{`{"key":"qa","policy":[],"basePermissions":"writer"}`, RoleFile, "", "", 0, false,
			[]string{`test.json:1:43: basePermissions: expected base permissions "reader" or "no_access", found "writer"`}},
		{`{"policy":[],"basePermissions":1}`, RoleFile, "", "", 0, false,
			[]string{`test.json:1:32: basePermissions: expected "reader" or "no_access", found a number`}},
		{`{"statements":[],"basePermissions":"reader"}`, WebhookFile, "", "", 0, false,
			[]string{`test.json:1:1: base permissions belong to a custom role, an object with a "policy" array`}},
	} {
		f, err := ParseFile("test.json", []byte(tt.src))
		if tt.wantErrs != nil {
			var list ErrorList
			if !errors.As(err, &list) {
				t.Errorf("ParseFile(%s) = %v, want errors %q", tt.src, err, tt.wantErrs)
				continue
			}
			var have []string
			for _, e := range list {
				have = append(have, e.Error())
			}
			if diff := cmp.Diff(tt.wantErrs, have); diff != "" {
				t.Errorf("ParseFile(%s) errors (-want +have):\n%s", tt.src, diff)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseFile(%s): %v", tt.src, err)
			continue
		}
		base, assumed := f.RoleBasePermissions()
		if f.Kind != tt.kind || f.RoleKey != tt.key || f.RoleName != tt.name || base != tt.base || assumed != tt.assumed {
			t.Errorf("ParseFile(%s) = kind %v, key %q, name %q, base %v (assumed %v); want %v, %q, %q, %v (%v)",
				tt.src, f.Kind, f.RoleKey, f.RoleName, base, assumed, tt.kind, tt.key, tt.name, tt.base, tt.assumed)
		}
	}
}
