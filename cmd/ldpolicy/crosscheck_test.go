package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ldpolicy/ldpolicy/policy"
)

// crosscheckLog is an audit log of entries that the webhook policy of
// testdata/policies/webhook.json (production flags, but no deletions)
// selects or not: selected[id] is what LaunchDarkly would answer.
func crosscheckLog() (entries []string, selected map[string]bool) {
	selected = map[string]bool{}
	add := func(id, action, res string, sel bool) {
		entries = append(entries, ldEntry(id, logStart+int64(len(entries))*1000, action, res))
		selected[id] = sel
	}
	add("c00", "updateOn", "proj/default:env/production:flag/dark-mode", true)
	add("c01", "updateOn", "proj/default:env/test:flag/dark-mode", false)
	add("c02", "deleteFlag", "proj/default:env/production:flag/old", false)
	add("c03", "createFlag", "proj/mobile:env/production:flag/new", true)
	add("c04", "updateOn", "proj/default:env/production:segment/beta", false)
	// A flag creation: one access per environment, one allowed.
	two := strings.Replace(ldEntry("c05", logStart+int64(len(entries))*1000, "createFlag", "proj/default:env/test:flag/two"),
		`"accesses":[`, `"accesses":[{"action":"createFlag","resource":"proj/default:env/production:flag/two"},`, 1)
	entries, selected["c05"] = append(entries, two), true
	for i := 6; i < 50; i++ {
		env := []string{"production", "staging"}[i%2]
		add(fmt.Sprintf("c%02d", i), "updateTargets", "proj/default:env/"+env+":flag/f", env == "production")
	}
	return entries, selected
}

// TestCrosscheck plants one disagreement in LaunchDarkly's answer: it is
// found, and nothing else.
func TestCrosscheck(t *testing.T) {
	const policyFile = "../../testdata/policies/webhook.json"
	entries, selected := crosscheckLog()
	srv := newLDServer(t, account{entries: entries, selected: selected})
	args := []string{"crosscheck", "--policy", policyFile, "--ld-host", srv.URL, "--since", "2023-11-14T00:00:00Z"}

	// LaunchDarkly and ldpolicy agree.
	res := ldRun(t, nil, args...)
	if res.code != 0 || res.stdout != "" || !strings.Contains(res.stderr, "entries         50 (LaunchDarkly selected 25)\nagreed          50\ndisagreed       0\n") {
		t.Fatalf("exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	// LaunchDarkly was asked with the policy's statements.
	data, _ := os.ReadFile(policyFile)
	var hook struct{ Statements []policy.Statement }
	json.Unmarshal(data, &hook)
	var sent []policy.Statement
	if err := json.Unmarshal([]byte(srv.bodies[0]), &sent); err != nil || len(sent) != 2 || fmt.Sprint(sent) != fmt.Sprint(hook.Statements) {
		t.Errorf("sent %s, want the policy's statements", srv.bodies[0])
	}

	// LaunchDarkly selects c01 too: one disagreement.
	srv.acct.selected["c01"] = true
	res = ldRun(t, nil, args...)
	want := "disagree       2023-11-14 22:13:21  c01                       ldpolicy: not selected  LaunchDarkly: selected      " +
		"accesses[0] updateOn on proj/default:env/test:flag/dark-mode: deny; reason: no statement applies, so the access is denied by default\n"
	if res.code != 1 || res.stdout != want || !strings.Contains(res.stderr, "agreed          49\ndisagreed       1\nindeterminate   0\n") {
		t.Errorf("exit %d\n%s%s\nwant\n%s", res.code, res.stdout, res.stderr, want)
	}

	// LaunchDarkly leaves out c02 instead, which it denies: the
	// explanation names the deny statement.
	srv.acct.selected["c01"], srv.acct.selected["c02"] = false, true
	res = ldRun(t, nil, append(args, "--format", "json")...)
	lines := strings.Split(strings.TrimSpace(res.stdout), "\n")
	if res.code != 1 || len(lines) != 2 {
		t.Fatalf("exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	var rec struct {
		Type                 string
		ID                   string `json:"_id"`
		LdpolicySelected     *bool
		LaunchDarklySelected bool
		Access               struct {
			Index    int
			Action   string
			Decision struct {
				Decision  string
				Statement *int
			}
			PolicyStatement policy.Statement
		}
	}
	if err := json.Unmarshal([]byte(lines[0]), &rec); err != nil {
		t.Fatal(err)
	}
	if rec.Type != "disagree" || rec.ID != "c02" || rec.LdpolicySelected == nil || *rec.LdpolicySelected || !rec.LaunchDarklySelected ||
		rec.Access.Action != "deleteFlag" || rec.Access.Decision.Decision != "deny" || rec.Access.Decision.Statement == nil || *rec.Access.Decision.Statement != 1 ||
		rec.Access.PolicyStatement.Effect != policy.Deny {
		t.Errorf("record %s", lines[0])
	}
	var sum crosscheckCounts
	json.Unmarshal([]byte(lines[1]), &sum)
	if want := (crosscheckCounts{Entries: 50, Agreed: 49, Disagreed: 1, Selected: 26}); sum != want || !strings.HasPrefix(lines[1], `{"type":"summary",`) {
		t.Errorf("summary %s, want %+v", lines[1], want)
	}
}

// TestCrosscheckIndeterminate decides a policy that tests tags: list
// entries do not give them, and their decisions are indeterminate, not
// disagreements; in full, they agree.
func TestCrosscheckIndeterminate(t *testing.T) {
	dir := t.TempDir()
	policyFile := filepath.Join(dir, "beta.json")
	os.WriteFile(policyFile, []byte(`[{"effect":"allow","actions":["*"],"resources":["proj/*:env/*:flag/*;beta"]}]`), 0o666)
	acct := account{full: map[string]string{}, selected: map[string]bool{}}
	for i := range 4 {
		id := fmt.Sprintf("t%d", i)
		e := ldEntry(id, logStart+int64(i)*1000, "updateOn", fmt.Sprintf("proj/default:env/test:flag/f%d", i))
		tag := []string{"beta", "alpha"}[i%2]
		acct.entries = append(acct.entries, e)
		acct.full[id] = strings.TrimSuffix(e, "}") + fmt.Sprintf(`,"currentVersion":{"key":"f%d","tags":[%q]},"previousVersion":{"key":"f%d","tags":[%q]}}`, i, tag, i, tag)
		acct.selected[id] = tag == "beta"
	}
	srv := newLDServer(t, acct)
	args := []string{"crosscheck", "--policy", policyFile, "--ld-host", srv.URL, "--since", "2023-11-14"}

	res := ldRun(t, nil, args...)
	if res.code != 0 || strings.Count(res.stdout, "indeterminate  ") != 4 || strings.Contains(res.stdout, "disagree") ||
		!strings.Contains(res.stdout, `statement 0 depends on metadata nobody supplied: resources[0] "proj/*:env/*:flag/*;beta"`) ||
		!strings.Contains(res.stderr, "agreed          0\ndisagreed       0\nindeterminate   4\n") {
		t.Errorf("exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	if res := ldRun(t, nil, append(args, "--fail-on-indeterminate")...); res.code != 1 || !strings.Contains(res.stderr, "crosscheck: 4 entries with an indeterminate decision") {
		t.Errorf("--fail-on-indeterminate: exit %d\n%s", res.code, res.stderr)
	}
	res = ldRun(t, nil, append(args, "--full")...)
	if res.code != 0 || res.stdout != "" || !strings.Contains(res.stderr, "agreed          4\ndisagreed       0\nindeterminate   0\n") {
		t.Errorf("--full: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
}

// TestCrosscheckUncompared reports an entry ldpolicy cannot read, and one
// LaunchDarkly selects but does not list: neither is an agreement.
func TestCrosscheckUncompared(t *testing.T) {
	entries, selected := crosscheckLog()
	entries = append(entries, ldEntry("bad", logStart+90_000, "updateOn", "proj/default:env/production:flag/"))
	srv := newLDServer(t, account{entries: entries, selected: selected,
		searchOnly: []string{ldEntry("ghost", logStart+95_000, "updateOn", "proj/default:env/production:flag/g")}})
	res := ldRun(t, nil, "crosscheck", "--policy", "../../testdata/policies/webhook.json", "--ld-host", srv.URL, "--since", "2023-11-14")
	lines := strings.Split(strings.TrimSpace(res.stdout), "\n")
	if res.code != 1 || len(lines) != 2 || !strings.HasPrefix(lines[0], "unreadable     2023-11-14 22:14:50  bad  ") ||
		!strings.HasPrefix(lines[1], "unlisted       2023-11-14 22:14:55  ghost  ") ||
		!strings.Contains(res.stderr, "agreed          50\ndisagreed       0\nindeterminate   0\nunreadable      1\nunlisted        1\n") {
		t.Errorf("exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
}
