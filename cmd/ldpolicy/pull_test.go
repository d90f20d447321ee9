package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ldpolicy/ldpolicy/ldapi"
	"github.com/ldpolicy/ldpolicy/webhook"
)

// logStart is the date of the first entry of testLog: 2023-11-14T22:13:20Z.
const logStart = 1_700_000_000_000

// testLog is an audit log of n entries, three to a millisecond a second
// apart, so that pages of twenty end inside a millisecond; entry 10 is
// written over several lines, as LaunchDarkly might.
func testLog(n int) []string {
	entries := make([]string, n)
	for i := range entries {
		env := "test"
		if i%2 == 0 {
			env = "production"
		}
		entries[i] = ldEntry(fmt.Sprintf("e%02d", i), logStart+int64(i/3)*1000, "updateOn", "proj/default:env/"+env+":flag/f"+fmt.Sprint(i))
	}
	if n > 10 {
		var b bytes.Buffer
		json.Indent(&b, []byte(entries[10]), "", "  ")
		entries[10] = b.String()
	}
	return entries
}

// pulledIDs checks that NDJSON is entries of log, one a line, compact,
// oldest first and each once, and returns their _ids.
func pulledIDs(t *testing.T, ndjson string, log []string) []string {
	t.Helper()
	byID := map[string]string{}
	for _, e := range log {
		var h struct {
			ID string `json:"_id"`
		}
		json.Unmarshal([]byte(e), &h)
		var b bytes.Buffer
		json.Compact(&b, []byte(e))
		byID[h.ID] = b.String()
	}
	var ids []string
	last := int64(0)
	for _, line := range strings.Split(strings.TrimSuffix(ndjson, "\n"), "\n") {
		var h struct {
			ID   string `json:"_id"`
			Date int64  `json:"date"`
		}
		if err := json.Unmarshal([]byte(line), &h); err != nil {
			t.Fatalf("not an entry a line: %q: %v", line, err)
		}
		switch {
		case line != byID[h.ID]:
			t.Errorf("line %d is not entry %s as LaunchDarkly wrote it, compact:\n%s\n%s", len(ids)+1, h.ID, line, byID[h.ID])
		case slices.Contains(ids, h.ID):
			t.Errorf("entry %s twice", h.ID)
		case h.Date < last:
			t.Errorf("entry %s is older than the one before it", h.ID)
		}
		ids, last = append(ids, h.ID), h.Date
	}
	slices.Sort(ids)
	return ids
}

func idRange(from, to int) []string {
	var ids []string
	for i := from; i < to; i++ {
		ids = append(ids, fmt.Sprintf("e%02d", i))
	}
	return ids
}

func TestPullAuditLog(t *testing.T) {
	log := testLog(57)
	srv := newLDServer(t, account{entries: log})

	res := ldRun(t, nil, "pull", "auditlog", "--ld-host", srv.URL)
	if res.code != 0 {
		t.Fatalf("exit %d:\n%s", res.code, res.stderr)
	}
	if have := pulledIDs(t, res.stdout, log); !slices.Equal(have, idRange(0, 57)) {
		t.Errorf("pulled %v", have)
	}
	pages := len(srv.requests(""))
	for _, r := range srv.requests("") {
		if !strings.HasPrefix(r, "GET /api/v2/auditlog?") || !strings.Contains(r, "limit=20") {
			t.Errorf("request %s", r)
		}
	}
	if pages < 3 {
		t.Errorf("%d pages for 57 entries", pages)
	}
	all := res.stdout

	// A window: from 22:13:25 (entries 15, 16, 17), before 22:13:35.
	res = ldRun(t, nil, "pull", "auditlog", "--ld-host", srv.URL, "--since", "2023-11-14T22:13:25Z", "--until", "2023-11-14T22:13:35Z")
	if have := pulledIDs(t, res.stdout, log); res.code != 0 || !slices.Equal(have, idRange(15, 45)) {
		t.Errorf("exit %d, pulled %v\n%s", res.code, have, res.stderr)
	}

	// To a file, through a temporary file: nothing else is left.
	dir := t.TempDir()
	out := filepath.Join(dir, "log.ndjson")
	res = ldRun(t, nil, "pull", "auditlog", "--ld-host", srv.URL, "-o", out)
	data, err := os.ReadFile(out)
	if res.code != 0 || err != nil || res.stdout != "" || string(data) != all {
		t.Errorf("exit %d, %v, stdout %q; the file differs from stdout: %t", res.code, err, res.stdout, string(data) != all)
	}
	if left := leftovers(t, dir, "log.ndjson"); len(left) > 0 {
		t.Errorf("left %v", left)
	}
	if info, err := os.Stat(out); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("the file's mode: %v, %v", info.Mode(), err)
	}
	noToken(t, out)

	// What pull writes, dry-run reads.
	if code, stdout, stderr := ldpolicy(t, "dry-run", "--policy", "../../testdata/policies/webhook.json", out); code != 0 || !strings.Contains(stdout, "events read      57\n") || !strings.Contains(stdout, "delivered        29\n") {
		t.Errorf("dry-run of the pulled log: exit %d\n%s%s", code, stdout, stderr)
	}
}

// TestPullAuditLogFull fetches every entry in full.
func TestPullAuditLogFull(t *testing.T) {
	log := testLog(25)
	full := map[string]string{}
	var fullLog []string
	for i, e := range log {
		var b bytes.Buffer
		json.Compact(&b, []byte(e))
		f := strings.TrimSuffix(b.String(), "}") + fmt.Sprintf(`,"currentVersion":{"key":"f%d","tags":["beta"],"on":true}}`, i)
		full[fmt.Sprintf("e%02d", i)], fullLog = f, append(fullLog, f)
	}
	srv := newLDServer(t, account{entries: log, full: full})
	res := ldRun(t, nil, "pull", "auditlog", "--full", "--ld-host", srv.URL)
	if have := pulledIDs(t, res.stdout, fullLog); res.code != 0 || len(have) != 25 {
		t.Fatalf("exit %d, %d entries\n%s", res.code, len(have), res.stderr)
	}
	if fetched := len(srv.requests("GET /api/v2/auditlog/e")); fetched != 25 {
		t.Errorf("%d entries fetched in full, want 25", fetched)
	}
}

// TestPullWaits waits out a rate limit until its X-Ratelimit-Reset, and
// retries 5xx answers: the pull is whole, each entry once.
func TestPullWaits(t *testing.T) {
	log := testLog(45)
	tests := []struct {
		name    string
		answers []ldAnswer
	}{
		{"rate limit", []ldAnswer{{path: "/api/v2/auditlog", status: 429, resetIn: 50 * time.Millisecond,
			body: `{"code":"rate_limited","message":"You've exceeded the API rate limit. Try again later."}`}}},
		{"5xx", []ldAnswer{
			{path: "/api/v2/auditlog", status: 503, body: `upstream unavailable`},
			{path: "/api/v2/auditlog", status: 500, body: `{"code":"internal_server_error","message":"oops"}`},
		}},
	}
	clean := newLDServer(t, account{entries: log})
	ldRun(t, nil, "pull", "auditlog", "--ld-host", clean.URL)
	pages := len(clean.requests(""))
	// The first page, as LaunchDarkly gives it.
	first := httptest.NewRecorder()
	clean.auditLog(first, false, url.Values{"limit": {"20"}})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newLDServer(t, account{entries: log})
			// The answers come on the second page.
			srv.then(ldAnswer{path: "/api/v2/auditlog", status: 200, body: first.Body.String()})
			srv.then(tt.answers...)
			start := time.Now()
			res := ldRun(t, nil, "pull", "auditlog", "--ld-host", srv.URL)
			if have := pulledIDs(t, res.stdout, log); res.code != 0 || !slices.Equal(have, idRange(0, 45)) {
				t.Errorf("exit %d, pulled %v\n%s", res.code, have, res.stderr)
			}
			if n := len(srv.requests("")); n != pages+len(tt.answers) {
				t.Errorf("%d requests, want %d: %v", n, pages+len(tt.answers), srv.requests(""))
			}
			if d := time.Since(start); tt.answers[0].resetIn > 0 && d < tt.answers[0].resetIn {
				t.Errorf("the pull took %s: it did not wait for the rate limit to reset", d)
			}
		})
	}
}

func TestPullUnauthorized(t *testing.T) {
	for _, status := range []int{401, 403} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			srv := newLDServer(t, account{entries: testLog(3)})
			const other = "api-another-TOKEN-of-the-user"
			if status == 401 {
				t.Setenv(ldapi.TokenEnv, other) // unknown to the server
			} else {
				srv.then(ldAnswer{path: "/api/v2/auditlog", status: 403, body: `{"code":"forbidden","message":"Access to the requested resource was denied."}`})
			}
			dir := t.TempDir()
			out := filepath.Join(dir, "log.ndjson")
			res := ldRun(t, nil, "pull", "auditlog", "--ld-host", srv.URL, "-o", out)
			host := strings.TrimPrefix(srv.URL, "http://")
			want := map[int]string{
				401: "check that it is a personal or service access token",
				403: "the access token's role does not allow this call: give the token (or the member who owns it) a role that can read the audit log",
			}[status]
			if res.code != 2 || !strings.Contains(res.stderr, fmt.Sprintf(" on http://%s: %d ", host, status)) || !strings.Contains(res.stderr, want) ||
				strings.Contains(res.stderr, other) {
				t.Errorf("exit %d\n%s", res.code, res.stderr)
			}
			if n := len(srv.requests("")); n != 1 {
				t.Errorf("%d requests: a %d answer is not retried", n, status)
			}
			if left := leftovers(t, dir); len(left) > 0 {
				t.Errorf("left %v", left)
			}
		})
	}
}

// TestPullCanceled cancels a pull whose answer is slow to come: it stops
// at once, with exit status 130, and leaves the file it was to replace as
// it was.
func TestPullCanceled(t *testing.T) {
	srv := newLDServer(t, account{entries: testLog(3)})
	srv.then(ldAnswer{path: "/api/v2/auditlog", hold: true})
	dir := t.TempDir()
	out := filepath.Join(dir, "log.ndjson")
	os.WriteFile(out, []byte("the previous pull\n"), 0o666)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-srv.held
		cancel()
	}()
	start := time.Now()
	res := ldRun(t, ctx, "pull", "auditlog", "--ld-host", srv.URL, "-o", out)
	if res.code != 130 || res.stderr != "ldpolicy: pull auditlog: interrupted: nothing written to "+out+"\n" {
		t.Errorf("exit %d\n%s", res.code, res.stderr)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %s to stop", d)
	}
	if data, _ := os.ReadFile(out); string(data) != "the previous pull\n" {
		t.Errorf("the file is now %q", data)
	}
	if left := leftovers(t, dir, "log.ndjson"); len(left) > 0 {
		t.Errorf("left %v", left)
	}
}

func TestPullWebhooks(t *testing.T) {
	const secret = "whsec-SIGNING-KEY-0042"
	srv := newLDServer(t, account{webhooks: []string{
		`{"_links":{"self":{"href":"/api/v2/webhooks/w1","type":"application/json"}},"_id":"w1","name":"prod","url":"https://hooks.example.com/ld","secret":"` + secret + `","sign":true,"on":true,"tags":["ops"],` +
			`"statements":[{"effect":"allow","actions":["*"],"resources":["proj/*:env/production:flag/*"]}]}`,
		`{"_links":{},"_id":"w2","name":"audit","url":"https://audit.example.com/in","sign":false,"on":false,"tags":[]}`,
	}})

	// On stdout: without the secret.
	res := ldRun(t, nil, "pull", "webhooks", "--ld-host", srv.URL)
	if res.code != 0 || strings.Contains(res.stdout, secret) || !strings.Contains(res.stdout, `"secret":null`) ||
		res.stderr != "ldpolicy: pull webhooks: left out the signing secrets of 1 webhook (--with-secrets -o FILE keeps them)\n" {
		t.Fatalf("exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	lines := strings.Split(res.stdout, "\n")
	if len(lines) != 5 || lines[0] != `{"items":[` || lines[3] != "]}" {
		t.Errorf("not a webhook a line:\n%s", res.stdout)
	}
	if _, err := webhook.ReadConfigs([]byte(res.stdout)); err == nil || !strings.Contains(err.Error(), `"sign" is true but there is no "secret"`) {
		t.Errorf("replay would read the redacted webhooks: %v", err)
	}

	// Secrets go only to a file.
	if res := ldRun(t, nil, "pull", "webhooks", "--ld-host", srv.URL, "--with-secrets"); res.code != 2 || !strings.Contains(res.stderr, "--with-secrets needs -o FILE") {
		t.Errorf("--with-secrets to stdout: exit %d\n%s", res.code, res.stderr)
	}
	out := filepath.Join(t.TempDir(), "hooks.json")
	res = ldRun(t, nil, "pull", "webhooks", "--ld-host", srv.URL, "--with-secrets", "-o", out)
	data, _ := os.ReadFile(out)
	hooks, err := webhook.ReadConfigs(data)
	if res.code != 0 || res.stdout != "" || res.stderr != "" || err != nil || len(hooks) != 2 || hooks[0].Secret != secret {
		t.Errorf("exit %d, %v, %+v\n%s", res.code, err, hooks, res.stderr)
	}
	noToken(t, out)
}

func TestPullRoles(t *testing.T) {
	qa, err := os.ReadFile("../../testdata/policies/qa-role.json")
	if err != nil {
		t.Fatal(err)
	}
	roles := []string{
		`{"_id":"r1","_links":{},"key":"qa-team","name":"QA team","basePermissions":"reader",` + strings.TrimPrefix(compact(t, qa), `{"key":"qa-team","name":"QA team",`),
		`{"_id":"r2","_links":{},"key":"flag-toggler","name":"Toggler","policy":[{"resources":["proj/*:env/production:flag/*"],"actions":["updateOn","updateOff"],"effect":"allow"}]}`,
	}
	srv := newLDServer(t, account{roles: roles})

	res := ldRun(t, nil, "pull", "roles", "--ld-host", srv.URL)
	if res.code != 0 || res.stdout != roles[0]+"\n"+roles[1]+"\n" {
		t.Errorf("exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}

	dir := filepath.Join(t.TempDir(), "roles")
	res = ldRun(t, nil, "pull", "roles", "--ld-host", srv.URL, "-o", dir)
	if res.code != 0 || res.stdout != "" || res.stderr != "" {
		t.Fatalf("exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	if left := leftovers(t, filepath.Dir(dir), "roles"); len(left) > 0 {
		t.Errorf("left %v", left)
	}
	if left := leftovers(t, dir, "qa-team.json", "flag-toggler.json"); len(left) > 0 {
		t.Errorf("more files: %v", left)
	}
	// What the other commands make of them.
	for _, tc := range []struct {
		args []string
		code int
	}{
		{[]string{"eval", "--role", "--policy", filepath.Join(dir, "qa-team.json"), "--action", "deleteFlag", "--resource", "proj/web:env/qa-1;qa_team:flag/f"}, 0},
		{[]string{"eval", "--role", "--policy", filepath.Join(dir, "flag-toggler.json"), "--action", "updateOn", "--resource", "proj/web:env/production:flag/f"}, 0},
		{[]string{"eval", "--role", "--policy", filepath.Join(dir, "flag-toggler.json"), "--action", "viewProject", "--resource", "proj/web"}, 1},
		{[]string{"fmt", "--check", dir}, 0},
		{[]string{"check", dir}, 0},
	} {
		if code, stdout, stderr := ldpolicy(t, tc.args...); code != tc.code {
			t.Errorf("%s: exit %d, want %d\n%s%s", strings.Join(tc.args, " "), code, tc.code, stdout, stderr)
		}
	}

	// A directory that is not empty is not written to.
	res = ldRun(t, nil, "pull", "roles", "--ld-host", srv.URL, "-o", dir)
	if res.code != 2 || !strings.Contains(res.stderr, "the directory is not empty") {
		t.Errorf("exit %d\n%s", res.code, res.stderr)
	}
	// A role that ldpolicy cannot read as a policy file is written as it
	// is, indented, with a warning.
	odd := `{"_id":"r5","key":"odd","name":"Odd","policy":[{"effect":"allow","actions":["*"],"resources":["proj/*"],"conditions":{}}]}`
	srv.acct.roles = []string{odd}
	oddDir := filepath.Join(t.TempDir(), "odd")
	res = ldRun(t, nil, "pull", "roles", "--ld-host", srv.URL, "-o", oddDir)
	data, _ := os.ReadFile(filepath.Join(oddDir, "odd.json"))
	if res.code != 0 || !strings.HasPrefix(res.stderr, "ldpolicy: pull roles: role odd is not a policy file ldpolicy can read; written as it is: ld:role/odd:1:") ||
		!strings.HasPrefix(string(data), "{\n  \"_id\": \"r5\",\n") || compact(t, data) != odd {
		t.Errorf("exit %d\n%s\n%s", res.code, res.stderr, data)
	}
	// Nor is a key that is not a file name.
	srv.acct.roles = append(srv.acct.roles, `{"_id":"r3","key":"../up","name":"Up","policy":[]}`)
	empty := filepath.Join(t.TempDir(), "roles")
	res = ldRun(t, nil, "pull", "roles", "--ld-host", srv.URL, "-o", empty)
	if res.code != 2 || !strings.Contains(res.stderr, `role key "../up" cannot name a file`) {
		t.Errorf("exit %d\n%s", res.code, res.stderr)
	}
	if left := leftovers(t, filepath.Dir(empty)); len(left) > 0 {
		t.Errorf("left %v", left)
	}
}

func compact(t *testing.T, data []byte) string {
	t.Helper()
	var b bytes.Buffer
	if err := json.Compact(&b, data); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestPullProgress shows a pull's progress on a terminal, the waits for
// rate limits included, and leaves nothing of it on the screen.
func TestPullProgress(t *testing.T) {
	fakeTerminals(t)
	log := testLog(45)
	srv := newLDServer(t, account{entries: log})
	srv.then(ldAnswer{path: "/api/v2/auditlog", status: 429, resetIn: 20 * time.Millisecond, body: `{"code":"rate_limited","message":"slow down"}`})
	term := newTerminal()
	if code := exitCode(run([]string{"pull", "auditlog", "--ld-host", srv.URL}, nil, term.stdout, term.stderr), term.stderr); code != 0 {
		t.Fatalf("exit %d\n%s", code, term.String())
	}
	written := term.String()
	for _, want := range []string{"\rauditlog: 0 entries, 0 pages; waiting ", " (rate limit) ", "\rauditlog: 20 entries, 1 pages, back to 2023-11-14 22:13:"} {
		if !strings.Contains(written, want) {
			t.Errorf("no %q in %q", want, written)
		}
	}
	screen := term.screen()
	if len(screen) != 46 || screen[45] != "" {
		t.Fatalf("%d lines on the screen:\n%s", len(screen), strings.Join(screen, "\n"))
	}
	if have := pulledIDs(t, strings.Join(screen, "\n"), log); len(have) != 45 {
		t.Errorf("%d entries on the screen", len(have))
	}
}
