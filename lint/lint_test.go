package lint

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/ldpolicy/ldpolicy/policy"
)

// A ruleTest is a policy and the findings of one rule it must have: the
// paths of the findings, in order ("" for the policy as a whole), none
// for a negative case.
type ruleTest struct {
	code string
	name string
	in   string
	opts Options
	want []string
	fix  string   // the Fix of the first finding, when set
	sev  Severity // the severity of the findings, when not the rule's
	msg  string   // a part of the message of the first finding, when set
}

func allow(actions, resources string) string {
	return fmt.Sprintf(`{"effect": "allow", "actions": [%s], "resources": [%s]}`, actions, resources)
}

func deny(actions, resources string) string {
	return fmt.Sprintf(`{"effect": "deny", "actions": [%s], "resources": [%s]}`, actions, resources)
}

func pol(stmts ...string) string { return "[\n" + strings.Join(stmts, ",\n") + "\n]" }

var ruleTests = []ruleTest{
	// LDP0xx: the problems LaunchDarkly rejects.
	{code: "LDP001", name: "statements not an array", in: `{"statements": {"effect": "allow"}}`, want: []string{"statements"}},
	{code: "LDP001", name: "malformed JSON", in: `[{"effect": "allow",`, want: []string{""}},
	{code: "LDP001", name: "an array", in: pol(allow(`"*"`, `"proj/*"`))},
	{code: "LDP002", name: "unknown field", in: `[{"effect": "allow", "actions": ["*"], "resource": ["proj/*"]}]`, want: []string{"statements[0].resource"}, msg: `did you mean "resources"?`},
	{code: "LDP002", name: "terraform spelling", in: `[{"effect": "allow", "actions": ["*"], "not_resources": ["proj/*"]}]`},
	{code: "LDP003", name: "capitalised", in: `[{"effect": "Allow", "actions": ["*"], "resources": ["proj/*"]}]`, want: []string{"statements[0].effect"}},
	{code: "LDP003", name: "allow", in: pol(allow(`"*"`, `"proj/*"`))},
	{code: "LDP004", name: "empty actions", in: pol(allow(``, `"proj/*"`)), want: []string{"statements[0].actions"}},
	{code: "LDP004", name: "both resources and notResources", in: `[{"effect": "allow", "actions": ["*"], "resources": ["proj/*"], "notResources": ["proj/a"]}]`, want: []string{"statements[0].notResources"}},
	{code: "LDP004", name: "lists present", in: pol(allow(`"*"`, `"proj/*"`))},
	{code: "LDP005", name: "unclosed brace", in: pol(allow(`"*"`, `"proj/*:env/*;{critical:true:flag/*"`)), want: []string{"statements[0].resources[0]"}},
	{code: "LDP005", name: "well-formed", in: pol(allow(`"*"`, `"proj/*:env/*;{critical:true}:flag/*"`))},
	{code: "LDP006", name: "whitespace", in: pol(allow(`"update On"`, `"proj/*"`)), want: []string{"statements[0].actions[0]"}},
	{code: "LDP006", name: "well-formed", in: pol(allow(`"updateName"`, `"proj/*:env/*"`))},
	{code: "LDP007", name: "typo", in: pol(allow(`"*"`, `"proj/*:env/*;qa_*:/flag/*"`)), want: []string{"statements[0].resources[0]"}, fix: "proj/*:env/*;qa_*:flag/*"},
	{code: "LDP007", name: "typo, lenient", in: pol(allow(`"*"`, `"proj/*:env/*;qa_*:/flag/*"`)), opts: Options{Policy: policy.Options{Lenient: true}}, want: []string{"statements[0].resources[0]"}, sev: Warning},
	{code: "LDP007", name: "no typo", in: pol(allow(`"*"`, `"proj/*:env/*;qa_*:flag/*"`))},
	{code: "LDP008", name: "stale suppression", in: pol(allow(`"*"`, `"proj/*"`)), opts: Options{Suppress: []Suppression{{Code: "LDP202", Path: "statements[0]", Pos: policy.Position{Filename: "p.json.lint", Line: 1, Column: 1}}}}, want: []string{""}},
	{code: "LDP008", name: "suppression that matches", in: pol(allow(`"*"`, `"proj/*"`), allow(`"*"`, `"proj/*"`)), opts: Options{Suppress: []Suppression{{Code: "LDP202", Path: "statements[1]", Pos: policy.Position{Filename: "p.json.lint", Line: 1, Column: 1}}}}},
	{code: "LDP008", name: "flag suppressions are not reported", in: pol(allow(`"*"`, `"proj/*"`)), opts: Options{Suppress: []Suppression{{Code: "LDP202"}}}},

	// LDP1xx: one specifier.
	{code: "LDP101", name: "flag actions on environments", in: pol(allow(`"updateOn", "updateTargets"`, `"proj/*:env/production"`)), want: []string{"statements[0].resources[0]"}, fix: "proj/*:env/production:flag/*", msg: `"proj/*:env/production" covers the env resources themselves, not the flag resources in them`},
	{code: "LDP101", name: "segment actions on a project", in: pol(allow(`"updateIncluded"`, `"proj/mobile"`)), want: []string{"statements[0].resources[0]"}, fix: "proj/mobile:env/*:segment/*"},
	{code: "LDP101", name: "project action on flags", in: pol(allow(`"createProject"`, `"proj/web:env/*:flag/*"`)), want: []string{"statements[0].resources[0]"}, fix: "proj/web"},
	{code: "LDP101", name: "member action on a project", in: pol(allow(`"deleteMember"`, `"proj/*"`)), want: []string{"statements[0].resources[0]"}, fix: "member/*"},
	{code: "LDP101", name: "one element of two", in: pol(allow(`"toggleFlag"`, `"proj/*:env/*", "proj/*:env/*:flag/*"`)), want: []string{"statements[0].resources[0]"}},
	{code: "LDP101", name: "a pattern of flag actions", in: pol(allow(`"updateFlag*"`, `"proj/*:env/*"`)), want: []string{"statements[0].resources[0]"}},
	{code: "LDP101", name: "flag actions on flags", in: pol(allow(`"updateOn"`, `"proj/*:env/production:flag/*"`))},
	{code: "LDP101", name: "an action of several types", in: pol(allow(`"updateName"`, `"proj/*:env/*"`))},
	{code: "LDP101", name: "an unknown action may apply", in: pol(allow(`"updateOn", "updateSomethingNew"`, `"proj/*:env/*"`))},
	{code: "LDP101", name: "notActions", in: `[{"effect": "allow", "notActions": ["updateOn"], "resources": ["proj/*:env/*"]}]`},
	{code: "LDP101", name: "unknown type", in: pol(allow(`"updateOn"`, `"proj/*:newtype/*"`))},
	{code: "LDP102", name: "misspelt", in: pol(allow(`"updateOnn"`, `"proj/*:env/*:flag/*"`)), want: []string{"statements[0].actions[0]"}, fix: "updateOn"},
	{code: "LDP102", name: "case", in: pol(allow(`"UpdateOn"`, `"proj/*:env/*:flag/*"`)), want: []string{"statements[0].actions[0]"}, fix: "updateOn"},
	{code: "LDP102", name: "far from any", in: pol(allow(`"frobnicate"`, `"proj/*"`)), want: []string{"statements[0].actions[0]"}, fix: ""},
	{code: "LDP102", name: "pattern matching nothing", in: `[{"effect": "deny", "notActions": ["frob*"], "resources": ["proj/*"]}]`, want: []string{"statements[0].notActions[0]"}},
	{code: "LDP102", name: "known and patterns", in: pol(allow(`"updateOn", "update*", "*"`, `"proj/*:env/*:flag/*"`))},
	{code: "LDP103", name: "environment", in: pol(allow(`"*"`, `"proj/*:environment/*"`)), want: []string{"statements[0].resources[0]"}, fix: "proj/*:env/*"},
	{code: "LDP103", name: "flags", in: pol(allow(`"*"`, `"proj/*:env/*:flags/*"`)), want: []string{"statements[0].resources[0]"}, fix: "proj/*:env/*:flag/*"},
	{code: "LDP103", name: "far from any", in: pol(allow(`"*"`, `"gizmo/*"`)), want: []string{"statements[0].resources[0]"}},
	{code: "LDP103", name: "known types", in: pol(allow(`"*"`, `"proj/*:env/*:flag/*", "member/*:token/*", "acct"`))},
	{code: "LDP104", name: "segment without environment", in: pol(allow(`"*"`, `"proj/*:segment/beta"`)), want: []string{"statements[0].resources[0]"}, fix: "proj/*:env/*:segment/beta"},
	{code: "LDP104", name: "named account", in: pol(allow(`"*"`, `"acct/mine"`)), want: []string{"statements[0].resources[0]"}, fix: "acct"},
	{code: "LDP104", name: "flag at the top", in: pol(allow(`"*"`, `"flag/dark-mode"`)), want: []string{"statements[0].resources[0]"}, fix: "proj/*:env/*:flag/dark-mode"},
	{code: "LDP104", name: "documented scoping", in: pol(allow(`"*"`, `"proj/*:env/*:segment/*", "proj/*:metric/*", "acct", "member/x:token/y"`))},
	{code: "LDP105", name: "braces", in: pol(allow(`"*"`, `"proj/{web,mobile}"`)), want: []string{"statements[0].resources[0]"}, msg: `("proj/web", "proj/mobile")`},
	{code: "LDP105", name: "question mark in an action", in: pol(allow(`"update?n"`, `"proj/*:env/*:flag/*"`)), want: []string{"statements[0].actions[0]"}},
	{code: "LDP105", name: "class in a tag", in: pol(allow(`"*"`, `"proj/*:env/*;qa_[0-9]"`)), want: []string{"statements[0].resources[0]"}},
	{code: "LDP105", name: "stars only", in: pol(allow(`"update*"`, `"proj/web-*:env/*;qa_*:flag/*"`))},
	{code: "LDP106", name: "comma in a name", in: pol(allow(`"*"`, `"proj/a,b"`)), want: []string{"statements[0].resources[0]"}, msg: "a comma inside a name is literal"},
	{code: "LDP106", name: "leading dash", in: pol(allow(`"*"`, `"proj/-x"`)), want: []string{"statements[0].resources[0]"}},
	{code: "LDP106", name: "colon in a name", in: pol(allow(`"*"`, `"proj/a:b"`)), want: []string{"statements[0].resources[0]"}},
	{code: "LDP106", name: "a character outside ASCII", in: pol(allow(`"*"`, `"proj/café"`)), want: []string{"statements[0].resources[0]"}, msg: `no key has 'é';`},
	{code: "LDP106", name: "long tag", in: pol(allow(`"*"`, `"proj/*:env/*;`+strings.Repeat("t", 65)+`"`)), want: []string{"statements[0].resources[0]"}},
	{code: "LDP106", name: "keys", in: pol(allow(`"*"`, `"proj/a.b_c-D9:env/*-x;qa_*"`))},
	{code: "LDP107", name: "unbound", in: pol(allow(`"*"`, `"proj/${roleAttribute/projects}:env/*"`)), want: []string{"statements[0].resources[0]"}},
	{code: "LDP107", name: "unbound view", in: pol(allow(`"*"`, `"proj/*:env/*:flag/*;view:${roleAttribute/views}"`)), want: []string{"statements[0].resources[0]"}},
	{code: "LDP107", name: "unbound tag", in: pol(allow(`"*"`, `"proj/*;${roleAttribute/domain}"`)), opts: Options{Policy: policy.Options{Context: policy.Role}}, want: []string{"statements[0].resources[0]"}, msg: `role attribute "domain" is not bound here`},
	{code: "LDP107", name: "bound tag", in: pol(allow(`"*"`, `"proj/*;${roleAttribute/domain}"`)), opts: Options{Policy: policy.Options{Attributes: map[string][]string{"domain": {"DomainX"}}}}},
	{code: "LDP107", name: "bound", in: pol(allow(`"*"`, `"proj/${roleAttribute/projects}:env/*"`)), opts: Options{Policy: policy.Options{Attributes: map[string][]string{"projects": {"web"}}}}},
	{code: "LDP108", name: "unknown property", in: pol(allow(`"*"`, `"proj/*:env/*;{critcal:true}:flag/*"`)), want: []string{"statements[0].resources[0]"}, msg: "did you mean {critical:true}?"},
	{code: "LDP108", name: "unknown value", in: pol(allow(`"*"`, `"proj/*:env/*;{critical:yes}"`)), want: []string{"statements[0].resources[0]"}},
	{code: "LDP108", name: "property of a flag", in: pol(allow(`"*"`, `"proj/*:env/*:flag/*;{critical:true}"`)), want: []string{"statements[0].resources[0]"}},
	{code: "LDP108", name: "view of an environment", in: pol(allow(`"*"`, `"proj/*:env/*;view:checkout"`)), want: []string{"statements[0].resources[0]"}},
	{code: "LDP108", name: "contradiction", in: pol(allow(`"*"`, `"proj/*:env/*;{critical:true},{critical:false}"`)), want: []string{"statements[0].resources[0]"}},
	{code: "LDP108", name: "documented modifiers", in: pol(allow(`"*"`, `"proj/*:env/*;{critical:false}:flag/*;view:checkout", "proj/*:env/*:segment/*;view:x"`))},
	{code: "LDP108", name: "views of flags, segments and AI configs", in: pol(allow(`"*"`, `"proj/*:env/*:flag/*;view:checkout", "proj/*:env/*:segment/*;view:checkout", "proj/*:aiconfig/*;view:checkout"`))},
	{code: "LDP108", name: "view of a metric", in: pol(allow(`"*"`, `"proj/*:metric/*;view:checkout"`)), want: []string{"statements[0].resources[0]"}, msg: "LaunchDarkly links flags, segments and AI configs to views"},
	{code: "LDP109", name: "project alone", in: pol(allow(`"*"`, `"proj"`)), want: []string{"statements[0].resources[0]"}, fix: "proj/*", msg: `did you mean "proj/*"?`},
	{code: "LDP109", name: "project alone, with a tag", in: pol(allow(`"*"`, `"proj;mobile:env/*"`)), want: []string{"statements[0].resources[0]"}, fix: "proj/*;mobile:env/*"},
	{code: "LDP109", name: "types alone by nature", in: pol(allow(`"*"`, `"acct", "ip-allowlist"`))},
	{code: "LDP103", name: "unknown type alone", in: pol(allow(`"*"`, `"audit-trail"`)), want: []string{"statements[0].resources[0]"}, msg: `unknown resource type "audit-trail"`},
	{code: "LDP103", name: "a catalogue type written alone", in: pol(allow(`"*"`, `"ip-allowlist"`))},
	{code: "LDP110", name: "upper-case view", in: pol(allow(`"*"`, `"proj/*:env/*:flag/*;view:Checkout"`)), want: []string{"statements[0].resources[0]"}, fix: "proj/*:env/*:flag/*;view:checkout"},
	{code: "LDP110", name: "upper-case view of segments", in: pol(allow(`"*"`, `"proj/*:env/*:segment/*;view:check*-EU"`)), want: []string{"statements[0].resources[0]"}, fix: "proj/*:env/*:segment/*;view:check*-eu"},
	{code: "LDP110", name: "view bound to an upper-case value", in: pol(allow(`"*"`, `"proj/*:env/*:flag/*;view:${roleAttribute/views}"`)), opts: Options{Policy: policy.Options{Attributes: map[string][]string{"views": {"checkout", "Billing"}}}}, want: []string{"statements[0].resources[0]"}, msg: `bound to "Billing"`},
	{code: "LDP110", name: "upper case in tags and keys", in: pol(allow(`"*"`, `"proj/Web:env/*;QA:flag/*;view:checkout"`))},
	{code: "LDP111", name: "malformed value", in: pol(allow(`"*"`, `"proj/${roleAttribute/teams}:env/*"`)), opts: Options{Policy: policy.Options{Attributes: map[string][]string{"teams": {"team-*", "team:a"}}}}, want: []string{"statements[0].resources[0]"}, msg: `role attribute "teams" is bound to the malformed value "team:a" (at its byte 4: unexpected ':'`},
	{code: "LDP111", name: "malformed value of a tag", in: pol(allow(`"*"`, `"proj/*;${roleAttribute/domain}"`)), opts: Options{Policy: policy.Options{Attributes: map[string][]string{"domain": {"a b"}}}}, want: []string{"statements[0].resources[0]"}},
	{code: "LDP111", name: "pattern values", in: pol(allow(`"*"`, `"proj/${roleAttribute/teams}:env/*"`)), opts: Options{Policy: policy.Options{Attributes: map[string][]string{"teams": {"team-*", "{web,mobile}", "ops"}}}}},

	// LDP2xx: statements together.
	{code: "LDP200", name: "too large", in: tooLarge(), want: []string{""}},
	{code: "LDP200", name: "small", in: pol(allow(`"*"`, `"proj/*"`))},
	{code: "LDP201", name: "notActions *", in: `[{"effect": "allow", "notActions": ["*"], "resources": ["proj/*"]}]`, want: []string{"statements[0].notActions[0]"}},
	{code: "LDP201", name: "notResources *", in: `[{"effect": "deny", "actions": ["*"], "notResources": ["*"]}, ` + allow(`"*"`, `"proj/*"`) + `]`, want: []string{"statements[0].notResources[0]"}},
	{code: "LDP201", name: "contradicting selectors", in: pol(allow(`"*"`, `"proj/*:env/*;{critical:true},{critical:false}"`)), want: []string{"statements[0]"}, msg: "seems never to apply"},
	{code: "LDP201", name: "a view bound to no key", in: pol(allow(`"*"`, `"proj/*"`), allow(`"updateOn"`, `"proj/*:env/*:flag/*;view:${roleAttribute/views}"`)), opts: Options{Policy: policy.Options{Attributes: map[string][]string{"views": {}}}}, want: []string{"statements[1]"}},
	{code: "LDP201", name: "explained by LDP101", in: pol(allow(`"updateOn"`, `"proj/*:env/*"`))},
	{code: "LDP201", name: "applies", in: pol(allow(`"updateOn"`, `"proj/*:env/*:flag/*"`))},
	{code: "LDP202", name: "repeated", in: pol(allow(`"*"`, `"proj/*:env/*:flag/*"`), allow(`"*"`, `"proj/*:env/*:flag/*"`)), want: []string{"statements[1]"}, msg: "statement 0 already allows"},
	{code: "LDP202", name: "narrower", in: pol(allow(`"updateOn"`, `"proj/*:env/production:flag/*"`), allow(`"*"`, `"proj/*:env/*:flag/*"`)), want: []string{"statements[0]"}},
	{code: "LDP202", name: "two together", in: pol(allow(`"updateOn"`, `"proj/*:env/*:flag/*"`), allow(`"deleteFlag"`, `"proj/*:env/*:flag/*"`), allow(`"updateOn", "deleteFlag"`, `"proj/*:env/*:flag/*"`)), want: []string{"statements[2]"}, msg: "statements 0 and 1 together"},
	{code: "LDP202", name: "denies", in: pol(allow(`"*"`, `"proj/*:env/*:flag/*"`), deny(`"deleteFlag"`, `"proj/*:env/*:flag/*"`), deny(`"deleteFlag"`, `"proj/*:env/prod*:flag/*"`)), want: []string{"statements[2]"}, msg: "statement 1 already denies"},
	{code: "LDP202", name: "overlapping", in: pol(allow(`"*"`, `"proj/a:env/*"`), allow(`"*"`, `"proj/*:env/x"`))},
	{code: "LDP202", name: "other effect", in: pol(allow(`"*"`, `"proj/*:env/*:flag/*"`), deny(`"*"`, `"proj/*:env/*:flag/*;internal"`))},
	{code: "LDP202", name: "a tag makes the difference", in: pol(allow(`"*"`, `"proj/*:env/*;qa_*:flag/*"`), allow(`"*"`, `"proj/*:env/*:flag/*;beta"`))},
	{code: "LDP203", name: "deny everything on flags", in: pol(deny(`"*"`, `"proj/*:env/*:flag/*"`), allow(`"updateOn"`, `"proj/*:env/production:flag/*"`), allow(`"*"`, `"proj/*:env/*"`)), want: []string{"statements[1]"}, msg: "statement 0 denies every access"},
	{code: "LDP203", name: "two denies", in: pol(deny(`"*"`, `"proj/*:env/production:flag/*"`), deny(`"*"`, `"proj/*:env/test:flag/*"`), allow(`"*"`, `"proj/*:env/production:flag/*", "proj/*:env/test:flag/*"`)), want: []string{"statements[2]"}, msg: "statements 0 and 1 together deny"},
	{code: "LDP203", name: "deny on a tag", in: pol(allow(`"*"`, `"proj/*:env/*:flag/*"`), deny(`"*"`, `"proj/*:env/*:flag/*;internal"`))},
	{code: "LDP204", name: "only denies", in: pol(deny(`"deleteFlag"`, `"proj/*:env/*:flag/*"`)), want: []string{""}, msg: "has no allow statement"},
	{code: "LDP204", name: "allow overridden", in: pol(deny(`"*"`, `"proj/*:env/*:flag/*"`), allow(`"updateOn"`, `"proj/*:env/production:flag/*"`)), want: []string{""}, msg: "seems to allow nothing"},
	{code: "LDP204", name: "empty role", in: `{"policy": []}`, opts: Options{Policy: policy.Options{Context: policy.Role}}, want: []string{""}},
	{code: "LDP204", name: "deny-only role", in: `{"key": "qa", "name": "QA", "policy": [` + deny(`"deleteFlag"`, `"proj/*:env/*:flag/*"`) + `]}`, want: []string{""}, msg: `the role has no allow statement and its base permissions are "no_access" (assumed`},
	{code: "LDP204", name: "deny-only role, no_access", in: `{"key": "qa", "name": "QA", "basePermissions": "no_access", "policy": [` + deny(`"deleteFlag"`, `"proj/*:env/*:flag/*"`) + `]}`, want: []string{""}, msg: `base permissions are "no_access", so it grants nothing on its own`},
	{code: "LDP204", name: "role file in the webhook context", in: `{"key": "qa", "policy": [` + deny(`"deleteFlag"`, `"proj/*:env/*:flag/*"`) + `]}`, opts: Options{Policy: policy.Options{Context: policy.Webhook}}, want: []string{""}, msg: "the role has no allow statement"},
	{code: "LDP204", name: "deny-only list as a role", in: pol(deny(`"deleteFlag"`, `"proj/*:env/*:flag/*"`)), opts: Options{Policy: policy.Options{Context: policy.Role}}, want: []string{""}, msg: "roles are cumulative"},
	{code: "LDP204", name: "webhook file in the role context", in: `{"url": "https://example.com", "statements": [` + deny(`"*"`, `"proj/*:env/*:flag/*"`) + `]}`, opts: Options{Policy: policy.Options{Context: policy.Role}}, want: []string{""}, msg: "the webhook receives no event"},
	{code: "LDP204", name: "role overridden", in: `{"key": "qa", "policy": [` + deny(`"*"`, `"proj/*:env/*:flag/*"`) + `, ` + allow(`"updateOn"`, `"proj/*:env/production:flag/*"`) + `]}`, want: []string{""}, msg: "the role seems to grant nothing on its own"},
	{code: "LDP204", name: "deny-only role, reader", in: `{"key": "qa", "name": "QA", "basePermissions": "reader", "policy": [` + deny(`"deleteFlag"`, `"proj/*:env/*:flag/*"`) + `]}`},
	{code: "LDP204", name: "empty role, reader", in: `{"key": "qa", "basePermissions": "reader", "policy": []}`},
	{code: "LDP204", name: "allows", in: pol(allow(`"*"`, `"proj/*:env/*:flag/*"`), deny(`"deleteFlag"`, `"proj/*:env/*:flag/*"`))},
	{code: "LDP204", name: "empty webhook", in: `{"url": "https://example.com", "statements": []}`},
	{code: "LDP205", name: "allow notResources", in: `[{"effect": "allow", "actions": ["*"], "notResources": ["proj/*:env/production:flag/*"]}]`, want: []string{"statements[0].notResources"}, msg: `such as "member/*", "role/*" and "acct"`},
	{code: "LDP205", name: "allow notActions", in: `[{"effect": "allow", "notActions": ["deleteFlag"], "resources": ["proj/*:env/*:flag/*"]}]`, want: []string{"statements[0].notActions"}, msg: `such as "deleteApprovalRequest" and "deleteExperiment"`},
	{code: "LDP205", name: "terraform spelling", in: `[{"effect": "allow", "actions": ["*"], "not_resources": ["proj/*:env/production:flag/*"]}]`, want: []string{"statements[0].not_resources"}},
	{code: "LDP205", name: "deny notResources", in: `[{"effect": "deny", "actions": ["*"], "notResources": ["proj/*:env/production:flag/*"]}, ` + allow(`"*"`, `"proj/*:env/*:flag/*"`) + `]`},
	{code: "LDP205", name: "notActions *", in: `[{"effect": "allow", "notActions": ["*"], "resources": ["proj/*"]}]`},
	{code: "LDP206", name: "beside *", in: pol(allow(`"*", "updateOn"`, `"proj/*:env/*:flag/*"`)), want: []string{"statements[0].actions[1]"}, msg: `"updateOn" is covered by "*"`},
	{code: "LDP206", name: "repeated", in: pol(allow(`"*"`, `"proj/*", "proj/*"`)), want: []string{"statements[0].resources[1]"}, msg: "repeats element 0"},
	{code: "LDP206", name: "narrower", in: pol(allow(`"*"`, `"proj/*:env/production:flag/*", "proj/*:env/*:flag/*"`)), want: []string{"statements[0].resources[0]"}, msg: "seems covered"},
	{code: "LDP206", name: "distinct", in: pol(allow(`"updateOn", "updateRules"`, `"proj/*:env/production:flag/*", "proj/*:env/test:flag/*"`))},
	{code: "LDP207", name: "empty webhook", in: `{"url": "https://example.com", "statements": []}`, want: []string{""}},
	{code: "LDP207", name: "empty role", in: `{"policy": []}`, opts: Options{Policy: policy.Options{Context: policy.Role}}},
	{code: "LDP207", name: "empty role, reader", in: `{"key": "qa", "basePermissions": "reader", "policy": []}`, want: []string{""}, msg: `the role grants only its base permissions, "reader"`},
	{code: "LDP207", name: "statements", in: pol(allow(`"*"`, `"proj/*"`))},
	{code: "LDP208", name: "role without base permissions", in: `{"key": "qa", "policy": [` + allow(`"*"`, `"proj/*:env/*:flag/*"`) + `]}`, want: []string{""}, msg: `the custom role gives no "basePermissions": checked as "no_access"`},
	{code: "LDP208", name: "list as a role", in: pol(allow(`"*"`, `"proj/*:env/*:flag/*"`)), opts: Options{Policy: policy.Options{Context: policy.Role}}, want: []string{""}, msg: "a list of statements has no base permissions"},
	{code: "LDP208", name: "role with base permissions", in: `{"key": "qa", "basePermissions": "no_access", "policy": [` + allow(`"*"`, `"proj/*:env/*:flag/*"`) + `]}`},
	{code: "LDP208", name: "terraform spelling", in: `{"key": "qa", "base_permissions": "reader", "policy": [` + allow(`"*"`, `"proj/*:env/*:flag/*"`) + `]}`},
	{code: "LDP208", name: "webhook", in: pol(allow(`"*"`, `"proj/*:env/*:flag/*"`))},
}

// tooLarge is a policy with more distinct names than probing can compare.
func tooLarge() string {
	var acts, res []string
	for i := 0; i < 300; i++ {
		acts = append(acts, fmt.Sprintf(`"action%d"`, i))
		res = append(res, fmt.Sprintf(`"proj/p%d"`, i))
	}
	return pol(allow(strings.Join(acts, ", "), strings.Join(res, ", ")))
}

func TestRules(t *testing.T) {
	for _, tt := range ruleTests {
		t.Run(tt.code+"/"+tt.name, func(t *testing.T) {
			findings, err := findingsOf(CheckSource("p.json", []byte(tt.in), tt.opts))
			if err != nil {
				t.Fatal(err)
			}
			var have []string
			var first *Finding
			for i, f := range findings {
				if f.Code != tt.code {
					continue
				}
				have = append(have, f.Path())
				if first == nil {
					first = &findings[i]
				}
			}
			if !slices.Equal(have, tt.want) {
				t.Fatalf("have %s findings at %q, want at %q; all findings:\n%s", tt.code, have, tt.want, dump(findings))
			}
			if first == nil {
				return
			}
			if tt.fix != "" && first.Fix != tt.fix {
				t.Errorf("have fix %q, want %q: %s", first.Fix, tt.fix, first)
			}
			rule, _ := LookupRule(tt.code)
			want := rule.Severity
			if tt.sev != 0 {
				want = tt.sev
			}
			if first.Severity != want {
				t.Errorf("have severity %s, want %s: %s", first.Severity, want, first)
			}
			if !strings.Contains(first.Message, tt.msg) {
				t.Errorf("have message %q, want it to contain %q", first.Message, tt.msg)
			}
		})
	}
}

// TestRulesCovered checks that every rule has a positive and a negative
// case in ruleTests.
func TestRulesCovered(t *testing.T) {
	pos, neg := map[string]bool{}, map[string]bool{}
	for _, tt := range ruleTests {
		if len(tt.want) > 0 {
			pos[tt.code] = true
		} else {
			neg[tt.code] = true
		}
	}
	for _, r := range Rules() {
		if r.Code == codeSource {
			continue // not found by checking a policy: see TestSourceProblem
		}
		if !pos[r.Code] || !neg[r.Code] {
			t.Errorf("%s: have a positive case %v and a negative case %v, want both", r.Code, pos[r.Code], neg[r.Code])
		}
	}
}

func dump(fs []Finding) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "\t%s\n", f)
	}
	return b.String()
}

// findingsOf returns the findings of a report, for the tests that look at
// nothing else.
func findingsOf(r *Report, err error) ([]Finding, error) {
	if err != nil {
		return nil, err
	}
	return r.Findings, nil
}

// TestSourceProblem checks the findings of the problems that stop a
// policy from being read from a Terraform source.
func TestSourceProblem(t *testing.T) {
	at := policy.Position{Filename: "main.tf", Offset: 77, Line: 9, Column: 28}
	fd := SourceProblem(at, errors.New("the variable var.project is not known without running Terraform"))
	if fd.Code != codeSource || fd.Severity != Error || fd.Pos != at || fd.Path() != "" || fd.Offset != -1 {
		t.Errorf("have %s (%+v), want LDP009 at %s", fd, fd.Location, at)
	}
	if want := "main.tf:9:28: the variable var.project is not known without running Terraform [LDP009]"; fd.String() != want {
		t.Errorf("have %s\nwant %s", fd, want)
	}

	// A problem decoding the statements has the code of CheckSource.
	_, err := policy.ParseFile("p.json", []byte(`[{"effect": "allow", "actions": ["*"], "resource": ["proj/*"]}]`))
	var errs policy.ErrorList
	if !errors.As(err, &errs) {
		t.Fatalf("ParseFile: %v", err)
	}
	fd = SourceProblem(at, fmt.Errorf("wrapped: %w", errs[0]))
	if fd.Code != codeStatement || fd.Pos != errs[0].Pos || fd.Path() != errs[0].Path() {
		t.Errorf("have %s, want LDP002 at %s", fd, errs[0].Pos)
	}

	if err := Suppressible(codeSource); err == nil {
		t.Error("LDP009 is suppressible")
	}
}
