package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"
)

// hookSecret is the signing secret of the webhooks of sourceAccount: no
// output may show it.
const hookSecret = "whsec-NEVER-SHOWN-3b7e"

// sourceAccount is whoCanAccount with webhooks, and a role created from a
// preset: what the ld: sources read.
func sourceAccount(t *testing.T) account {
	t.Helper()
	acct := whoCanAccount()
	acct.webhooks = []string{
		ldWebhook(t, "w1", "Production flags except deletions", "https://hooks.example.com/ld", "../../testdata/policies/webhook.json"),
		`{"_links":{},"_id":"w2","name":"broken","url":"https://hooks.example.com/b","secret":"` + hookSecret + `","sign":true,"on":false,"tags":[],` +
			`"statements":[{"effect":"allow","actions":["*"],"resources":["proj/*:env/production:flag/*","proj/*:"]}]}`,
	}
	acct.roles = append(acct.roles,
		// Its "policy" denies deletions; the preset's statements allow
		// every flag action, and repeat the deny.
		`{"_id":"r5","_links":{},"key":"flag-maintainer","name":"Flag maintainer","basePermissions":"no_access",`+
			`"policy":[{"effect":"deny","actions":["deleteFlag"],"resources":["proj/*:env/*:flag/*"]}],`+
			`"_presetStatements":[{"effect":"deny","actions":["deleteFlag"],"resources":["proj/*:env/*:flag/*"]},{"effect":"allow","actions":["*"],"resources":["proj/*:env/*:flag/*"]}]}`)
	return acct
}

// ldWebhook is a webhook as the REST API returns it, with the statements
// of a policy file, laid out on one line.
func ldWebhook(t *testing.T, id, name, url, policyFile string) string {
	t.Helper()
	data, err := os.ReadFile(policyFile)
	if err != nil {
		t.Fatal(err)
	}
	var hook struct{ Statements json.RawMessage }
	if err := json.Unmarshal(data, &hook); err != nil {
		t.Fatal(err)
	}
	out, err := json.Marshal(map[string]any{
		"_links": map[string]any{"self": map[string]string{"href": "/api/v2/webhooks/" + id, "type": "application/json"}},
		"_id":    id, "name": name, "url": url, "secret": hookSecret, "sign": true, "on": true, "tags": []string{"examples"},
		"statements": hook.Statements,
	})
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// ldRunSecret is ldRun that also fails the test when the output shows a
// webhook's secret.
func ldRunSecret(t *testing.T, args ...string) ldResult {
	t.Helper()
	res := ldRun(t, nil, args...)
	if strings.Contains(res.stdout+res.stderr, hookSecret) {
		t.Fatalf("ldpolicy %s shows a webhook's secret:\n%s%s", strings.Join(args, " "), res.stdout, res.stderr)
	}
	return res
}

// TestLDWebhookPolicy decides with ld:webhook/ID as with the file of the
// same statements: the same output, in every command that takes a
// webhook's policy.
func TestLDWebhookPolicy(t *testing.T) {
	const policyFile = "../../testdata/policies/webhook.json"
	srv := newLDServer(t, sourceAccount(t))
	for _, args := range [][]string{
		{"dry-run", "../../testdata/events"},
		{"dry-run", "--format", "json", "../../testdata/events"},
		{"filter", "../../testdata/events"},
		{"eval", "--event", "../../testdata/events/flag-toggled.json"},
		{"eval", "--action", "deleteFlag", "--resource", "proj/web:env/production:flag/f", "--format", "json"},
		{"crosscheck", "--since", "2023-11-14T00:00:00Z"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			at := func(p string) []string {
				return append([]string{args[0], "--ld-host", srv.URL, "--policy", p}, args[1:]...)
			}
			file := ldRunSecret(t, at(policyFile)...)
			account := ldRunSecret(t, at("ld:webhook/w1")...)
			if file.code != account.code || file.stdout != account.stdout || file.stderr != account.stderr {
				t.Errorf("the file:\nexit %d\n%s%s\nld:webhook/w1:\nexit %d\n%s%s", file.code, file.stdout, file.stderr, account.code, account.stdout, account.stderr)
			}
			if file.stdout == "" && file.stderr == "" {
				t.Error("no output to compare")
			}
		})
	}

	// The two versions do not differ.
	res := ldRunSecret(t, "diff", "--ld-host", srv.URL, "ld:webhook/w1", policyFile, "--format", "json")
	if res.code != 0 || !strings.Contains(res.stdout, `"old":"ld:webhook/w1","new":"../../testdata/policies/webhook.json"`) || !strings.Contains(res.stdout, `"wider":0,"narrower":0`) {
		t.Errorf("diff: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
}

// TestLDWebhookProblems locates a webhook's problems in its JSON, named
// ld:webhook/ID.
func TestLDWebhookProblems(t *testing.T) {
	srv := newLDServer(t, sourceAccount(t))
	at := `ld:webhook/w2:1:`
	res := ldRunSecret(t, "dry-run", "--ld-host", srv.URL, "--policy", "ld:webhook/w2", "../../testdata/events")
	if res.code != 2 || !strings.HasPrefix(res.stderr, at) || !strings.Contains(res.stderr, `statements[0].resources[1]: `) || res.stdout != "" {
		t.Errorf("dry-run: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	res = ldRunSecret(t, "check", "--ld-host", srv.URL, "ld:webhook/w1", "ld:webhook/w2")
	if res.code != 1 || !strings.Contains(res.stdout, "ld:webhook/w1: valid, 2 statements") || !strings.Contains(res.stdout, at) {
		t.Errorf("check: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	// ld:webhooks is every webhook: check reads them all, a policy is one.
	res = ldRunSecret(t, "check", "--ld-host", srv.URL, "ld:webhooks")
	if res.code != 1 || !strings.Contains(res.stdout, "ld:webhook/w1: valid") || !strings.Contains(res.stdout, at) {
		t.Errorf("check ld:webhooks: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	res = ldRunSecret(t, "dry-run", "--ld-host", srv.URL, "--policy", "ld:webhooks")
	if want := "ldpolicy: ld:webhooks: the account has 2 webhooks: name one as ld:webhook/ID, with the ID of one of w1 (\"Production flags except deletions\"), w2 (\"broken\")\n"; res.code != 2 || res.stderr != want {
		t.Errorf("dry-run ld:webhooks: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	res = ldRunSecret(t, "eval", "--ld-host", srv.URL, "--policy", "ld:webhook/w9", "--action", "updateOn", "--resource", "proj/p")
	if res.code != 2 || !strings.HasPrefix(res.stderr, "ldpolicy: ld:webhook/w9: the account has no such webhook: ldapi: GET /api/v2/webhooks/w9 on "+srv.URL+": 404 Not Found") {
		t.Errorf("a webhook the account does not have: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
}

// TestLDRolePolicy decides as ld:role/KEY, a role held as LaunchDarkly
// holds it, with the statements of its preset.
func TestLDRolePolicy(t *testing.T) {
	srv := newLDServer(t, sourceAccount(t))
	eval := func(args ...string) ldResult {
		return ldRunSecret(t, append([]string{"eval", "--ld-host", srv.URL}, args...)...)
	}
	res := eval("--policy", "ld:role/flag-maintainer", "--action", "updateOn", "--resource", "proj/web:env/production:flag/f")
	want := `allow by role flag-maintainer
  role flag-maintainer (ld:role/flag-maintainer): allow
    base:     no_access
    statement 1: {"effect":"allow","actions":["*"],"resources":["proj/*:env/*:flag/*"]}
      action:   "updateOn" matches actions[0] "*"
      resource: matches resources[0] "proj/*:env/*:flag/*"
    reason:   an allow statement applies and no deny statement does
  reason:   an allow statement applies and no deny statement does
`
	if res.code != 0 || res.stdout != want || res.stderr != "" {
		t.Errorf("exit %d\n%s%s\nwant\n%s", res.code, res.stdout, res.stderr, want)
	}
	res = eval("--policy", "ld:role/flag-maintainer", "--action", "deleteFlag", "--resource", "proj/web:env/production:flag/f")
	if res.code != 1 || !strings.Contains(res.stdout, "statement 0: {\"effect\":\"deny\"") {
		t.Errorf("deleteFlag: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}

	// Role attributes: --attribute binds them, as for a role file.
	for _, tt := range []struct {
		attrs []string
		code  int
	}{{nil, 1}, {[]string{"--attribute", "projects=web"}, 0}, {[]string{"--attribute", "projects=mobile"}, 1}} {
		res = eval(append([]string{"--policy", "ld:role/flag-editor", "--action", "updateOn", "--resource", "proj/web:env/production:flag/f"}, tt.attrs...)...)
		if res.code != tt.code {
			t.Errorf("%v: exit %d, want %d\n%s%s", tt.attrs, res.code, tt.code, res.stdout, res.stderr)
		}
	}

	// A role ldpolicy cannot read is located in its JSON.
	res = eval("--policy", "ld:role/broken", "--action", "updateOn", "--resource", "proj/web")
	if res.code != 2 || !strings.HasPrefix(res.stderr, "ld:role/broken:1:") {
		t.Errorf("broken: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
}

// TestLDMemberPolicy decides as ld:member/ID-or-EMAIL and ld:team/KEY:
// as who-can decides for the same member, from the same account.
func TestLDMemberPolicy(t *testing.T) {
	srv := newLDServer(t, sourceAccount(t))
	eval := func(args ...string) ldResult {
		return ldRunSecret(t, append([]string{"eval", "--ld-host", srv.URL}, args...)...)
	}
	web := []string{"--action", "updateOn", "--resource", "proj/web:env/production:flag/dark-mode"}

	// Ariel holds flag-editor for mobile, and through team qa for web.
	want := `allow by role flag-editor
  role flag-editor (ld:role/flag-editor): deny
    base:     no_access
    reason:   no statement applies, so the access is denied by default
  role flag-editor (ld:role/flag-editor, team qa): allow
    base:     no_access
    statement 0: {"effect":"allow","actions":["updateOn","updateOff"],"resources":["proj/${roleAttribute/projects}:env/production:flag/*"]}
      action:   "updateOn" matches actions[0] "updateOn"
      resource: matches resources[0] "proj/${roleAttribute/projects}:env/production:flag/*"
    reason:   an allow statement applies and no deny statement does
  reason:   role flag-editor allows the access; a member's roles are cumulative, so no other role's deny takes it away
`
	for _, ref := range []string{"ariel@acme.com", "ARIEL@acme.com", "ariel"} {
		res := eval(append([]string{"--policy", "ld:member/" + ref}, web...)...)
		if res.code != 0 || res.stdout != want || res.stderr != "" {
			t.Errorf("ld:member/%s: exit %d\n%s%s\nwant\n%s", ref, res.code, res.stdout, res.stderr, want)
		}
	}
	// The team alone: its role, with its role attributes, which
	// --attribute does not change.
	res := eval(append([]string{"--policy", "ld:team/qa", "--attribute", "projects=mobile"}, web...)...)
	if res.code != 0 || !strings.HasPrefix(res.stdout, "allow by role flag-editor\n  role flag-editor (ld:role/flag-editor, team qa): allow\n") {
		t.Errorf("ld:team/qa: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	res = eval("--policy", "ld:team/qa", "--action", "updateOn", "--resource", "proj/mobile:env/production:flag/f")
	if res.code != 1 {
		t.Errorf("ld:team/qa on mobile: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	// With --role, a member's roles add to a file's.
	res = eval(append([]string{"--role", "--policy", "ld:member/carol@acme.com", "--policy", "../../testdata/policies/qa-role.json"}, web...)...)
	if res.code != 1 || !strings.Contains(res.stdout, "  built-in role reader (ld:member/carol@acme.com): deny\n    base:     reader\n") || !strings.Contains(res.stdout, "  role qa-team (../../testdata/policies/qa-role.json): deny (indeterminate)\n") {
		t.Errorf("--role with a member: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}

	// A writer's decisions are indeterminate; a permission grant is left
	// out, and said.
	res = eval(append([]string{"--policy", "ld:member/bo@acme.com"}, web...)...)
	if res.code != 1 || !strings.HasPrefix(res.stdout, "deny (indeterminate)\n  built-in role writer (ld:member/bo@acme.com): deny (indeterminate)\n    base:     unpublished: LaunchDarkly does not publish") {
		t.Errorf("a writer: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	res = eval(append([]string{"--policy", "ld:member/eve@acme.com", "--format", "json"}, web...)...)
	if res.code != 1 || !strings.HasSuffix(res.stdout, `,"unmodeled":["permission grant: updateOn on proj/web:env/production:flag/*"]}`+"\n") {
		t.Errorf("a permission grant: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	// A role that cannot be read is located in its JSON.
	res = eval(append([]string{"--policy", "ld:member/fay@acme.com"}, web...)...)
	if res.code != 2 || !strings.HasPrefix(res.stderr, "ld:role/broken:1:") || !strings.HasSuffix(res.stderr, "ldpolicy: ld:member/fay@acme.com: role broken cannot be read\n") {
		t.Errorf("a broken role: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	res = eval(append([]string{"--policy", "ld:member/nobody@acme.com"}, web...)...)
	if res.code != 2 || !strings.Contains(res.stderr, "ld:member/nobody@acme.com: the account has no such member") {
		t.Errorf("no such member: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	// A member has no policy of a webhook's.
	res = ldRunSecret(t, "dry-run", "--ld-host", srv.URL, "--policy", "ld:member/ariel")
	if res.code != 2 || !strings.Contains(res.stderr, "dry-run: ld:member/ariel is a member, who holds roles: dry-run takes a webhook's policy or a custom role's") {
		t.Errorf("dry-run of a member: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
}

// TestLDMemberAgreesWithWhoCan decides accesses as each member of the
// account with eval and with who-can: a member who-can lists as allowed
// is one eval allows, and no other.
func TestLDMemberAgreesWithWhoCan(t *testing.T) {
	acct := sourceAccount(t)
	srv := newLDServer(t, acct)
	var ids []string
	for _, raw := range acct.members {
		var m struct {
			ID string `json:"_id"`
		}
		json.Unmarshal([]byte(raw), &m)
		ids = append(ids, m.ID)
	}
	for _, access := range [][]string{
		{"updateOn", "proj/web:env/production:flag/dark-mode"},
		{"updateOff", "proj/mobile:env/production:flag/f"},
		{"viewProject", "proj/other"},
		{"viewProject", "proj/secret"},
	} {
		t.Run(strings.Join(access, " "), func(t *testing.T) {
			q := []string{"--action", access[0], "--resource", access[1]}
			res := ldRun(t, nil, append([]string{"who-can", "--ld-host", srv.URL}, q...)...)
			var allowed []string
			for _, line := range strings.Split(res.stdout, "\n") {
				if f := strings.Fields(line); len(f) > 1 && f[0] == "allow" {
					allowed = append(allowed, strings.TrimSuffix(f[1], "@acme.com"))
				}
			}
			var evalAllowed []string
			for _, id := range ids {
				res := ldRun(t, nil, append([]string{"eval", "--ld-host", srv.URL, "--policy", "ld:member/" + id}, q...)...)
				if res.code == 0 && !strings.HasPrefix(res.stdout, "allow (indeterminate)") {
					evalAllowed = append(evalAllowed, id)
				}
			}
			if !slices.Equal(allowed, evalAllowed) {
				t.Errorf("who-can allows %v, eval %v", allowed, evalAllowed)
			}
			if len(allowed) == 0 {
				t.Error("nobody is allowed: the test would prove little")
			}
		})
	}
}

// TestLDReplayWebhooks delivers to the webhooks of the account, signed
// with the secrets LaunchDarkly gives.
func TestLDReplayWebhooks(t *testing.T) {
	const policyFile = "../../testdata/policies/webhook.json"
	var rec *recorder
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { rec.ServeHTTP(w, r) }))
	defer receiver.Close()
	acct := sourceAccount(t)
	acct.webhooks = []string{ldWebhook(t, "w1", "local", receiver.URL+"/hook", policyFile)}
	srv := newLDServer(t, acct)
	want := deliveredIDs(t, policyFile, "../../testdata/events")
	for _, arg := range []string{"ld:webhooks", "ld:webhook/w1"} {
		rec = newRecorder(t, hookSecret, policyFile)
		res := ldRunSecret(t, "replay", "--ld-host", srv.URL, "--webhooks", arg, "../../testdata/events")
		if res.code != 0 || !slices.Equal(rec.ids(), want) {
			t.Errorf("%s: exit %d, delivered %v, want %v\n%s%s", arg, res.code, rec.ids(), want, res.stdout, res.stderr)
		}
	}

	// Without the secret, nothing is sent.
	acct.webhooks[0] = strings.Replace(acct.webhooks[0], `"secret":"`+hookSecret+`"`, `"secret":""`, 1)
	srv = newLDServer(t, acct)
	rec = newRecorder(t, hookSecret, policyFile)
	res := ldRunSecret(t, "replay", "--ld-host", srv.URL, "--webhooks", "ld:webhooks", "../../testdata/events")
	if res.code != 2 || len(rec.ids()) != 0 || !strings.Contains(res.stderr, "ld:webhook/w1 signs its deliveries, and LaunchDarkly gave no secret to sign them with") {
		t.Errorf("without the secret: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
}

// TestLDSourceToken reads no token unless an ld: source is named, and
// says how to set it when one is.
func TestLDSourceToken(t *testing.T) {
	srv := newLDServer(t, sourceAccount(t))
	t.Setenv("LAUNCHDARKLY_ACCESS_TOKEN", "")
	res := ldRun(t, nil, "dry-run", "--ld-host", srv.URL, "--policy", "../../testdata/policies/webhook.json", "../../testdata/events/flag-toggled.json")
	if res.code != 0 {
		t.Errorf("a file without a token: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	res = ldRun(t, nil, "dry-run", "--ld-host", srv.URL, "--policy", "ld:webhook/w1", "../../testdata/events/flag-toggled.json")
	want := fmt.Sprintf("ldpolicy: dry-run: ld:webhook/w1 is read from your LaunchDarkly account, and LAUNCHDARKLY_ACCESS_TOKEN is not set: " +
		"set it to an access token of the account whose role can read it (LaunchDarkly: Organization settings > Authorization), as in: export LAUNCHDARKLY_ACCESS_TOKEN=api-... (run 'ldpolicy dry-run --help' for usage)\n")
	if res.code != 2 || res.stdout != "" || res.stderr != want {
		t.Errorf("exit %d\n%s%s\nwant\n%s", res.code, res.stdout, res.stderr, want)
	}
	if n := len(srv.requests("")); n != 0 {
		t.Errorf("%d requests without a token", n)
	}
}
