package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/ldpolicy/ldpolicy/event"
	"github.com/ldpolicy/ldpolicy/internal/corpus"
	"github.com/ldpolicy/ldpolicy/policy"
	"github.com/ldpolicy/ldpolicy/webhook"
)

// ldpolicy runs the command in-process and returns its exit status and
// outputs.
func ldpolicy(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = exitCode(run(args, nil, &out, &errOut), &errOut)
	return code, out.String(), errOut.String()
}

// deliveredIDs returns the _ids of the events that filter delivers under
// a policy, each once: what a deduplicating receiver must process.
func deliveredIDs(t *testing.T, policyFile string, inputs ...string) []string {
	t.Helper()
	code, out, errOut := ldpolicy(t, append([]string{"filter", "--policy", policyFile, "--dedup"}, inputs...)...)
	if code != 0 {
		t.Fatalf("filter exits %d: %s", code, errOut)
	}
	var ids []string
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var ev struct {
			ID string `json:"_id"`
		}
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, ev.ID)
	}
	slices.Sort(ids)
	return ids
}

// writeHooks writes a --webhooks file of one webhook with a policy file's
// statements.
func writeHooks(t *testing.T, url, secret, policyFile string) string {
	t.Helper()
	data, err := os.ReadFile(policyFile)
	if err != nil {
		t.Fatal(err)
	}
	var stmts json.RawMessage
	if bytes.HasPrefix(bytes.TrimSpace(data), []byte("[")) {
		stmts = data
	} else {
		var wh struct {
			Statements json.RawMessage `json:"statements"`
		}
		if err := json.Unmarshal(data, &wh); err != nil {
			t.Fatal(err)
		}
		stmts = wh.Statements
	}
	hooks, err := json.Marshal([]any{map[string]any{
		"name": "local", "url": url, "on": true, "sign": secret != "", "secret": secret, "statements": stmts,
	}})
	if err != nil {
		t.Fatal(err)
	}
	name := filepath.Join(t.TempDir(), "hooks.json")
	if err := os.WriteFile(name, hooks, 0o666); err != nil {
		t.Fatal(err)
	}
	return name
}

// generated writes a corpus of n generated events to a temporary file.
func generated(t *testing.T, n int) string {
	t.Helper()
	name := filepath.Join(t.TempDir(), "corpus.ndjson")
	f, err := os.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := corpus.Write(f, n, 7); err != nil {
		t.Fatal(err)
	}
	return name
}

// recorder is a receiver built on webhook.Handler that records the _ids
// it processes, and the bodies it is sent.
type recorder struct {
	mu        sync.Mutex
	processed []string
	bodies    [][]byte
	handler   *webhook.Handler
}

func newRecorder(t *testing.T, secret, policyFile string) *recorder {
	t.Helper()
	data, err := os.ReadFile(policyFile)
	if err != nil {
		t.Fatal(err)
	}
	set, err := policy.Load(policyFile, data, policy.Options{})
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	rec.handler, err = webhook.NewHandler(func(_ context.Context, ev *event.Event) error {
		rec.mu.Lock()
		defer rec.mu.Unlock()
		rec.processed = append(rec.processed, ev.ID)
		return nil
	}, webhook.Options{Secrets: []string{secret}, Policy: set})
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

func (rec *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rec.mu.Lock()
	rec.bodies = append(rec.bodies, body)
	rec.mu.Unlock()
	r.Body = io.NopCloser(bytes.NewReader(body))
	rec.handler.ServeHTTP(w, r)
}

func (rec *recorder) ids() []string {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	ids := slices.Clone(rec.processed)
	slices.Sort(ids)
	return ids
}

// summaryOf decodes the summary record of replay --format json.
func summaryOf(t *testing.T, stdout string) (sum struct {
	Events, Malformed, Duplicates int
	Webhooks                      []hookSummary
}) {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &sum); err != nil {
		t.Fatalf("the last line of replay's output is not a summary: %v\n%s", err, stdout)
	}
	return sum
}

// TestReplayToHandler replays captured and generated events to a receiver
// built on webhook.Handler with the webhook's own policy: the receiver
// processes exactly the events the policy delivers, each once, whatever the
// order, the repeats and the concurrency.
func TestReplayToHandler(t *testing.T) {
	const secret = "replay-secret"
	const policyFile = "../../testdata/policies/webhook.json"
	big := generated(t, 2000)
	tests := []struct {
		name  string
		input string
		flags []string
	}{
		{"sample in order", "../../testdata/events", nil},
		{"sample shuffled with repeats", "../../testdata/events", []string{"--shuffle", "--seed", "3", "--duplicate-rate", "0.5"}},
		{"sample, every delivery twice, concurrently", "../../testdata/events", []string{"--duplicate-rate", "1", "--concurrency", "8"}},
		{"generated, shuffled, repeats, concurrently", big, []string{"--shuffle", "--seed", "11", "--duplicate-rate", "0.3", "--concurrency", "8"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := deliveredIDs(t, policyFile, tt.input)
			if len(want) == 0 {
				t.Fatal("the policy delivers none of the events: the test would prove nothing")
			}
			rec := newRecorder(t, secret, policyFile)
			srv := httptest.NewServer(rec)
			defer srv.Close()
			hooks := writeHooks(t, srv.URL+"/hook", secret, policyFile)

			args := append([]string{"replay", "--webhooks", hooks, "--format", "json"}, tt.flags...)
			code, stdout, stderr := ldpolicy(t, append(args, tt.input)...)
			if code != 0 {
				t.Fatalf("replay exits %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
			}
			if have := rec.ids(); !slices.Equal(have, want) {
				t.Errorf("the receiver processed %d events, want %d\nhave %v\nwant %v", len(have), len(want), have, want)
			}
			sum := summaryOf(t, stdout)
			hs := sum.Webhooks[0]
			if hs.Failed != 0 || hs.Retries != 0 {
				t.Errorf("retries %d, failed %d, want none", hs.Retries, hs.Failed)
			}
			if n := len(rec.bodies); hs.Deliveries != n || hs.Deliveries != hs.Delivered+hs.Repeats {
				t.Errorf("deliveries %d (delivered %d, repeats %d); the receiver got %d requests", hs.Deliveries, hs.Delivered, hs.Repeats, n)
			}
			if hs.Delivered < len(want) || hs.Delivered+hs.NotDelivered != sum.Events-sum.Malformed {
				t.Errorf("summary %+v of %d events (%d malformed), want %d delivered at least", hs, sum.Events, sum.Malformed, len(want))
			}
			repeating := slices.Contains(tt.flags, "--duplicate-rate")
			if repeating != (hs.Repeats > 0) {
				t.Errorf("%d repeats with flags %v", hs.Repeats, tt.flags)
			}
		})
	}
}

// TestReplayBodies checks that replay sends each event's bytes exactly as
// the input holds them, never encoded again, and signs those bytes.
func TestReplayBodies(t *testing.T) {
	const secret = "s3cret"
	input, err := os.ReadFile("../../testdata/events/environment-renamed.json")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var got []*http.Request
	var bodies [][]byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		got, bodies = append(got, r), append(bodies, body)
		mu.Unlock()
	}))
	defer srv.Close()
	hooks := writeHooks(t, srv.URL, secret, "../../testdata/policies/not-production-flags.json")
	code, stdout, stderr := ldpolicy(t, "replay", "--webhooks", hooks, "../../testdata/events/environment-renamed.json")
	if code != 0 {
		t.Fatalf("replay exits %d\n%s%s", code, stdout, stderr)
	}
	if len(got) != 1 {
		t.Fatalf("the receiver got %d requests, want 1", len(got))
	}
	r, body := got[0], bodies[0]
	if !bytes.Equal(body, bytes.TrimSpace(input)) {
		t.Errorf("body differs from the input's bytes\nhave %s\nwant %s", body, input)
	}
	if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" {
		t.Errorf("%s with Content-Type %q, want POST with application/json", r.Method, r.Header.Get("Content-Type"))
	}
	if err := webhook.Verify([]string{secret}, body, r.Header.Get(webhook.SignatureHeader)); err != nil {
		t.Errorf("signature: %v", err)
	}

	// Unsigned webhooks send no signature.
	got, bodies = nil, nil
	hooks = writeHooks(t, srv.URL, "", "../../testdata/policies/not-production-flags.json")
	if code, stdout, stderr := ldpolicy(t, "replay", "--webhooks", hooks, "../../testdata/events/environment-renamed.json"); code != 0 {
		t.Fatalf("replay exits %d\n%s%s", code, stdout, stderr)
	}
	if len(got) != 1 || got[0].Header.Get(webhook.SignatureHeader) != "" {
		t.Errorf("an unsigned webhook sent %d requests, the first with %q", len(got), got[0].Header.Get(webhook.SignatureHeader))
	}
}

// TestReplayRetries checks that replay retries once a delivery answered
// other than 2xx, and counts it, and that a receiver that always fails
// gets a retry of each delivery and shows up as failures.
func TestReplayRetries(t *testing.T) {
	const secret = "retry-secret"
	const policyFile = "../../testdata/policies/webhook.json"
	const input = "../../testdata/events"
	want := deliveredIDs(t, policyFile, input)

	t.Run("fails once per event", func(t *testing.T) {
		// A receiver on webhook.Handler whose function fails the first
		// time it sees each _id: the Handler answers 500 and forgets the
		// _id, so the retry is processed.
		var mu sync.Mutex
		seen := map[string]int{}
		var processed []string
		set, err := policy.Load(policyFile, mustRead(t, policyFile), policy.Options{})
		if err != nil {
			t.Fatal(err)
		}
		h, err := webhook.NewHandler(func(_ context.Context, ev *event.Event) error {
			mu.Lock()
			defer mu.Unlock()
			seen[ev.ID]++
			if seen[ev.ID] == 1 {
				return fmt.Errorf("first attempt at %s", ev.ID)
			}
			processed = append(processed, ev.ID)
			return nil
		}, webhook.Options{Secrets: []string{secret}, Policy: set})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(h)
		defer srv.Close()
		hooks := writeHooks(t, srv.URL, secret, policyFile)
		code, stdout, stderr := ldpolicy(t, "replay", "--webhooks", hooks, "--format", "json", input)
		if code != 0 {
			t.Fatalf("replay exits %d\n%s%s", code, stdout, stderr)
		}
		slices.Sort(processed)
		if !slices.Equal(processed, want) {
			t.Errorf("processed %v, want %v", processed, want)
		}
		hs := summaryOf(t, stdout).Webhooks[0]
		// The input repeats one delivered _id: its second delivery is
		// answered "duplicate" at once.
		if hs.Retries != len(want) || hs.Failed != 0 || hs.Deliveries != len(want)+1 {
			t.Errorf("deliveries %d, retries %d, failed %d; want %d, %d, 0", hs.Deliveries, hs.Retries, hs.Failed, len(want)+1, len(want))
		}
	})

	t.Run("always fails", func(t *testing.T) {
		var mu sync.Mutex
		requests := 0
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			requests++
			mu.Unlock()
			http.Error(w, "the database is down", http.StatusServiceUnavailable)
		}))
		defer srv.Close()
		hooks := writeHooks(t, srv.URL, secret, policyFile)
		code, stdout, stderr := ldpolicy(t, "replay", "--webhooks", hooks, input)
		if code != 1 {
			t.Fatalf("replay exits %d, want 1\n%s%s", code, stdout, stderr)
		}
		deliveries := len(want) + 1 // one delivered _id comes twice
		if requests != 2*deliveries {
			t.Errorf("the receiver got %d requests, want %d: a retry of each delivery", requests, 2*deliveries)
		}
		for _, line := range []string{
			fmt.Sprintf("  deliveries     %d\n", deliveries),
			fmt.Sprintf("  retries        %d\n", deliveries),
			fmt.Sprintf("  failed         %d\n", deliveries),
		} {
			if !strings.Contains(stdout, line) {
				t.Errorf("the summary has no line %q:\n%s", line, stdout)
			}
		}
		if n := strings.Count(stderr, "failed twice: 503 Service Unavailable: the database is down\n"); n != deliveries {
			t.Errorf("stderr reports %d failures, want %d:\n%s", n, deliveries, stderr)
		}
		if !strings.HasSuffix(stderr, fmt.Sprintf("ldpolicy: replay: %d deliveries failed after their retry\n", deliveries)) {
			t.Errorf("stderr ends otherwise:\n%s", stderr)
		}
	})

	t.Run("nobody listens", func(t *testing.T) {
		srv := httptest.NewServer(http.NotFoundHandler())
		url := srv.URL
		srv.Close() // the port is closed: every attempt fails to connect
		hooks := writeHooks(t, url, secret, policyFile)
		code, stdout, stderr := ldpolicy(t, "replay", "--webhooks", hooks, "--format", "json", "../../testdata/events/flag-toggled.json")
		if code != 1 {
			t.Fatalf("replay exits %d, want 1\n%s%s", code, stdout, stderr)
		}
		hs := summaryOf(t, stdout).Webhooks[0]
		if hs.Deliveries != 1 || hs.Retries != 1 || hs.Failed != 1 {
			t.Errorf("summary %+v, want one delivery, retried, failed", hs)
		}
		if !strings.HasPrefix(stdout, `{"type":"failure","source":"../../testdata/events/flag-toggled.json:1","webhook":0,`) {
			t.Errorf("no failure record:\n%s", stdout)
		}
	})
}

func mustRead(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestReplayRedactsURLs checks that replay never prints the userinfo,
// query or fragment of a webhook's URL, where credentials and tokens are:
// not in the summary, nor in errors (those of net/http quote the URL
// whole), nor in a receiver's answer that quotes them.
func TestReplayRedactsURLs(t *testing.T) {
	const event = "../../testdata/events/flag-toggled.json"
	secrets := []string{"hook-user", "pa55word", "s3cr3t-t0ken", "frag-secret"}
	const userinfo, query = "hook-user:pa55word@", "?token=s3cr3t-t0ken&x=1#frag-secret"

	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// A receiver that quotes what it was sent back in its refusal.
		http.Error(w, fmt.Sprintf("bad token %s in %s (%s)", r.URL.Query().Get("token"), r.URL, r.URL.RawQuery), http.StatusForbidden)
	}))
	defer echo.Close()
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close() // every attempt fails to connect
	echoHost, closedHost := strings.TrimPrefix(echo.URL, "http://"), strings.TrimPrefix(closed.URL, "http://")

	for _, tt := range []struct {
		name string
		url  string
		code int
		want string // in the output, with --format text
	}{
		{"a receiver that quotes the URL", "http://" + userinfo + echoHost + "/hook" + query, 1,
			"POST http://xxxxx@" + echoHost + "/hook?REDACTED#REDACTED failed twice: 403 Forbidden: bad token REDACTED in /hook?REDACTED (REDACTED)"},
		{"nobody listens", "http://" + userinfo + closedHost + "/hook" + query, 1,
			"POST http://xxxxx@" + closedHost + "/hook?REDACTED#REDACTED failed twice: dial tcp " + closedHost + ": connect: connection refused"},
		{"not http", "ftp://" + userinfo + "files.example.com/hook" + query, 2,
			`"url" must be an http or https URL, not "ftp://xxxxx@files.example.com/hook?REDACTED#REDACTED"`},
		{"does not parse", "https://" + userinfo + "hooks.example.com:port/hook" + query, 2,
			`webhook 0 (local): "url" is not a URL: invalid port ":port" after host`},
		{"a URL as a bare string", "", 2, `items 0: expected a webhook object, found a string`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			hooks := filepath.Join(t.TempDir(), "hooks.json")
			data := fmt.Sprintf(`[{"name":"local","url":%q,"statements":[]}]`, tt.url)
			if tt.url == "" {
				data = `{"items":["https://` + userinfo + `hooks.example.com/hook` + query + `"]}`
			}
			if err := os.WriteFile(hooks, []byte(data), 0o666); err != nil {
				t.Fatal(err)
			}
			for _, format := range []string{"text", "json"} {
				code, stdout, stderr := ldpolicy(t, "replay", "--webhooks", hooks, "--format", format, event)
				if code != tt.code {
					t.Errorf("--format %s: exit status %d, want %d\nstdout:\n%s\nstderr:\n%s", format, code, tt.code, stdout, stderr)
				}
				for _, secret := range secrets {
					if strings.Contains(stdout+stderr, secret) {
						t.Errorf("--format %s: the output shows %q\nstdout:\n%s\nstderr:\n%s", format, secret, stdout, stderr)
					}
				}
				if format == "text" && !strings.Contains(stdout+stderr, tt.want) {
					t.Errorf("the output has no %q\nstdout:\n%s\nstderr:\n%s", tt.want, stdout, stderr)
				}
			}
		})
	}
}

// TestReplayTerraform replays to the webhooks of a Terraform source: each
// launchdarkly_webhook with its url, secret and policy, which delivers
// what the same policy in a policy file delivers; a role beside it
// receives nothing.
func TestReplayTerraform(t *testing.T) {
	const secret = "tf-secret"
	const policyFile = "../../testdata/policies/webhook.json"
	want := deliveredIDs(t, policyFile, "../../testdata/events")
	rec := newRecorder(t, secret, policyFile)
	srv := httptest.NewServer(rec)
	defer srv.Close()
	tf := fmt.Sprintf(`resource "launchdarkly_custom_role" "ops" {
  key               = "ops"
  policy_statements = [{ effect = "allow", actions = ["*"], resources = ["proj/*"] }]
}

resource "launchdarkly_webhook" "off" {
  url = "http://127.0.0.1:1/off"
}

resource "launchdarkly_webhook" "prod" {
  statements = [
    { effect = "allow", actions = ["*"], resources = ["proj/*:env/production:flag/*"] },
    { effect = "deny", actions = ["deleteFlag"], resources = ["proj/*:env/*:flag/*"] },
  ]
  url    = %q
  secret = %q
  on     = true
}
`, srv.URL+"/hook", secret)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(tf), 0o666); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := ldpolicy(t, "replay", "--webhooks", dir, "--format", "json", "../../testdata/events")
	if code != 0 {
		t.Fatalf("replay exits %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	if have := rec.ids(); !slices.Equal(have, want) {
		t.Errorf("the receiver processed %v, want %v", have, want)
	}
	sum := summaryOf(t, stdout)
	if len(sum.Webhooks) != 2 || sum.Webhooks[0].On || sum.Webhooks[1].Name != "launchdarkly_webhook.prod" {
		t.Errorf("webhooks %+v, want launchdarkly_webhook.off off, and launchdarkly_webhook.prod", sum.Webhooks)
	}
}
