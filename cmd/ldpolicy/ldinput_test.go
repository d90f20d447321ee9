package main

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// auditLogAccount is an account whose audit log is testLog(n), with one
// entry whose resource does not parse, after the entries of its eighth
// second (the 25th entry, oldest first, for n > 23).
func auditLogAccount(n int) account {
	entries := testLog(n)
	bad := ldEntry("bad", logStart+7*1000+1, "updateOn", "proj/default:env/production:flag/x")
	bad = strings.Replace(bad, `"resource":"proj/default:env/production:flag/x"`, `"resource":"proj/default:"`, 1)
	return account{entries: append(entries, bad)}
}

// window is the query of a window that holds the whole of testLog.
const window = "since=2023-11-14T00:00:00Z"

// withoutSource returns the NDJSON records of dry-run without their
// "source", and the sources.
func withoutSource(t *testing.T, out string) (records, sources []string) {
	t.Helper()
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("%v: %s", err, line)
		}
		if s, ok := rec["source"].(string); ok {
			sources = append(sources, s)
		}
		delete(rec, "source")
		delete(rec, "line")
		delete(rec, "column")
		data, _ := json.Marshal(rec)
		records = append(records, string(data))
	}
	return records, sources
}

// TestAuditLogInput decides the entries of ld:auditlog?... as those of
// the same window pulled into a file: the same decisions, the same
// summary, the same events filtered; only their names differ.
func TestAuditLogInput(t *testing.T) {
	const policyFile = "../../testdata/policies/webhook.json"
	srv := newLDServer(t, auditLogAccount(45))
	file := filepath.Join(t.TempDir(), "log.ndjson")
	if res := ldRun(t, nil, "pull", "auditlog", "--ld-host", srv.URL, "--"+strings.Replace(window, "=", "=", 1), "-o", file); res.code != 0 {
		t.Fatalf("pull: exit %d\n%s", res.code, res.stderr)
	}
	arg := "ld:auditlog?" + window

	fromFile := ldRun(t, nil, "dry-run", "--policy", policyFile, "--format", "json", file)
	fromLD := ldRun(t, nil, "dry-run", "--ld-host", srv.URL, "--policy", policyFile, "--format", "json", arg)
	if fromFile.code != 0 || fromLD.code != 0 {
		t.Fatalf("exit %d and %d\n%s%s", fromFile.code, fromLD.code, fromFile.stderr, fromLD.stderr)
	}
	want, _ := withoutSource(t, fromFile.stdout)
	have, sources := withoutSource(t, fromLD.stdout)
	if strings.Join(have, "\n") != strings.Join(want, "\n") {
		t.Errorf("the decisions differ\nld:\n%s\nfile:\n%s", strings.Join(have, "\n"), strings.Join(want, "\n"))
	}
	if len(sources) != 46 {
		t.Fatalf("%d records", len(sources))
	}
	for i, s := range sources {
		if want := fmt.Sprintf("ld:auditlog#%d", i); s != want {
			t.Errorf("record %d is %s, want %s", i, s, want)
		}
	}
	// The malformed entry is located by its place.
	if !strings.Contains(fromLD.stdout, `{"type":"error","source":"ld:auditlog#24","message":"accesses[0]: resource: syntax error at offset 13: empty segment`) {
		t.Errorf("the malformed entry:\n%s", fromLD.stdout)
	}
	text := ldRun(t, nil, "dry-run", "--ld-host", srv.URL, "--policy", policyFile, arg)
	if !strings.Contains(text.stderr, "ldpolicy: ld:auditlog#24: accesses[0]: resource: syntax error at offset 13: empty segment") || !strings.Contains(text.stdout, "  ld:auditlog#0\n") || !strings.Contains(text.stdout, "events read      46\n") {
		t.Errorf("text:\n%s%s", text.stdout, text.stderr)
	}

	// filter writes the same events.
	fromFile = ldRun(t, nil, "filter", "--policy", policyFile, file)
	fromLD = ldRun(t, nil, "filter", "--ld-host", srv.URL, "--policy", policyFile, arg)
	if fromLD.code != 0 || fromLD.stdout != fromFile.stdout || fromLD.stdout == "" {
		t.Errorf("filter: exit %d\n%s%s\nwant\n%s", fromLD.code, fromLD.stdout, fromLD.stderr, fromFile.stdout)
	}
	// diff decides them with both versions, and replay reads them too.
	res := ldRun(t, nil, "diff", "--ld-host", srv.URL, policyFile, "../../testdata/policies/production-flags.json", arg, "--format", "json")
	if res.code != 0 || !strings.Contains(res.stdout, `"events":46`) {
		t.Errorf("diff: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}

	// until, spec and full are LaunchDarkly's.
	before := len(srv.requests("GET /api/v2/auditlog/"))
	until := time.UnixMilli(logStart + 3000).UTC().Format(time.RFC3339)
	res = ldRun(t, nil, "dry-run", "--ld-host", srv.URL, "--policy", policyFile, "--format", "json",
		"ld:auditlog?"+window+"&until="+until+"&spec=proj/*:env/production:flag/*&full=1")
	if res.code != 0 || !strings.Contains(res.stdout, `"events":9,`) {
		t.Errorf("until: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	if n := len(srv.requests("GET /api/v2/auditlog/")) - before; n != 9 {
		t.Errorf("full=1 fetched %d entries, want 9", n)
	}
	if rs := srv.requests("GET /api/v2/auditlog?"); !strings.Contains(rs[len(rs)-1], "spec=proj%2F%2A%3Aenv%2Fproduction%3Aflag%2F%2A") {
		t.Errorf("spec not sent: %v", rs[len(rs)-1])
	}
}

// TestAuditLogInputErrors stops a run at an error of the API, saying that
// it is incomplete, with no summary.
func TestAuditLogInputErrors(t *testing.T) {
	const policyFile = "../../testdata/policies/webhook.json"
	srv := newLDServer(t, auditLogAccount(45))
	arg := "ld:auditlog?" + window

	srv.then(ldAnswer{path: "/api/v2/auditlog", status: 400, body: `{"code":"invalid_request","message":"Invalid spec"}`})
	res := ldRun(t, nil, "dry-run", "--ld-host", srv.URL, "--policy", policyFile, arg)
	want := "ldpolicy: dry-run: " + arg + ": ldapi: GET /api/v2/auditlog on " + srv.URL + ": 400 Bad Request: invalid_request: Invalid spec; the run is incomplete\n"
	if res.code != 2 || res.stdout != "" || res.stderr != want {
		t.Errorf("exit %d\n%s%s\nwant\n%s", res.code, res.stdout, res.stderr, want)
	}

	// In full, entry e05, the fourth, fails: the first three are decided,
	// and written.
	srv.then(ldAnswer{path: "/api/v2/auditlog/e05", status: 400, body: `{"code":"invalid_request","message":"no"}`})
	res = ldRun(t, nil, "dry-run", "--ld-host", srv.URL, "--policy", policyFile, arg+"&full=1", "--format", "json")
	lines := strings.Split(strings.TrimSpace(res.stdout), "\n")
	if res.code != 2 || len(lines) != 3 || !strings.HasSuffix(res.stderr, "400 Bad Request: invalid_request: no; the run is incomplete\n") || strings.Contains(res.stdout, "summary") {
		t.Errorf("exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}

	// A malformed window is bad usage, found before any request.
	before := len(srv.requests(""))
	for _, tt := range []struct{ arg, err string }{
		{"ld:auditlog", "ld:auditlog: since is required: the start of the window, such as ld:auditlog?since=7d"},
		{"ld:auditlog?since=7w", `ld:auditlog?since=7w: since: expected a time in RFC 3339`},
		{"ld:auditlog?since=1d&until=2d", "ld:auditlog?since=1d&until=2d: the window is empty: since"},
		{"ld:auditlog?since=1d&since=2d", "ld:auditlog?since=1d&since=2d: since is given twice"},
		{"ld:auditlog?since=1d&limit=5", `ld:auditlog?since=1d&limit=5: unknown parameter "limit": expected since, until, spec or full`},
		{"ld:auditlog?since=1d&full=yes", `ld:auditlog?since=1d&full=yes: full must be 1 or 0, not "yes"`},
		{"ld:auditlogs?since=1d", "ld:auditlogs?since=1d: expected an input of events, a file or ld:auditlog?since=T"},
		{"ld:webhook/w1", "ld:webhook/w1: expected an input of events"},
	} {
		res := ldRun(t, nil, "dry-run", "--ld-host", srv.URL, "--policy", policyFile, tt.arg)
		if res.code != 2 || !strings.HasPrefix(res.stderr, "ldpolicy: dry-run: "+tt.err) {
			t.Errorf("%s: exit %d\n%s", tt.arg, res.code, res.stderr)
		}
	}
	if after := len(srv.requests("")); after != before {
		t.Errorf("%d requests for malformed windows", after-before)
	}
	// With an offset, "+" is a "+".
	res = ldRun(t, nil, "dry-run", "--ld-host", srv.URL, "--policy", policyFile, "--format", "json", "ld:auditlog?since=2023-11-15T00:13:20+02:00")
	if res.code != 0 || !strings.Contains(res.stdout, `"events":46,`) {
		t.Errorf("an offset: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	// Two Terraform sources would list it for each resource.
	res = ldRun(t, nil, "diff", "../../terraform/testdata/module", "../../terraform/testdata/module", arg)
	if res.code != 2 || !strings.Contains(res.stderr, "not "+arg+", which would be listed again for each resource") {
		t.Errorf("diff of two modules: exit %d\n%s", res.code, res.stderr)
	}
}

// TestAuditLogInputProgress shows on a terminal how the listing of an
// audit-log input goes, the waits for rate limits included, and leaves
// nothing of it on the screen.
func TestAuditLogInputProgress(t *testing.T) {
	fakeTerminals(t)
	srv := newLDServer(t, auditLogAccount(45))
	srv.then(ldAnswer{path: "/api/v2/auditlog", status: 429, resetIn: 20 * time.Millisecond, body: `{"code":"rate_limited","message":"slow down"}`})
	term := newTerminal()
	args := []string{"dry-run", "--ld-host", srv.URL, "--policy", "../../testdata/policies/webhook.json", "ld:auditlog?" + window}
	if code := exitCode(run(args, nil, term.stdout, term.stderr), term.stderr); code != 0 {
		t.Fatalf("exit %d\n%s", code, term.String())
	}
	written := term.String()
	for _, want := range []string{"\rauditlog: 0 entries, 0 pages; waiting ", " (rate limit) ", "\rauditlog: 20 entries, 1 pages, back to 2023-11-14 22:13:"} {
		if !strings.Contains(written, want) {
			t.Errorf("no %q in %q", want, written)
		}
	}
	screen := strings.Join(term.screen(), "\n")
	if strings.Contains(screen, "auditlog:") || !strings.Contains(screen, "events read      46\n") {
		t.Errorf("the screen:\n%s", screen)
	}
}
