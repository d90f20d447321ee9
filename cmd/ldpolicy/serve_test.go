package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/ldpolicy/ldpolicy/webhook"
)

// syncBuffer is an output that serve writes from several goroutines, and
// that tells the address serve listens on.
type syncBuffer struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	addr chan string // receives the address of the first "listening on" line
	sent bool
}

var listeningRE = regexp.MustCompile(`^ldpolicy: serve: listening on (http://[^ ]+/)\n`)

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	n, err := b.buf.Write(p)
	if b.addr != nil && !b.sent {
		if m := listeningRE.FindSubmatch(b.buf.Bytes()); m != nil {
			b.addr <- string(m[1])
			b.sent = true
		}
	}
	return n, err
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// served is how a serve run ended.
type served struct {
	code           int
	stdout, stderr string
}

// startServe runs serve in-process with the arguments and returns the URL
// it listens on and what it returns when it stops: with ctx, or by itself.
// With run set it goes through run, as the command line does.
func startServe(t *testing.T, ctx context.Context, viaRun bool, args ...string) (string, <-chan served) {
	t.Helper()
	stdout := &syncBuffer{}
	stderr := &syncBuffer{addr: make(chan string, 1)}
	done := make(chan served, 1)
	go func() {
		var err error
		if viaRun {
			err = run(append([]string{"serve"}, args...), nil, stdout, stderr)
		} else {
			err = serve(ctx, args, nil, stdout, stderr)
		}
		code := exitCode(err, stderr)
		done <- served{code, stdout.String(), stderr.String()}
	}()
	select {
	case url := <-stderr.addr:
		return url, done
	case s := <-done:
		t.Fatalf("serve stopped before listening: exit %d\n%s", s.code, s.stderr)
	}
	return "", nil
}

// eventRecords decodes the "event" records of serve --format json, and its
// summary.
func eventRecords(t *testing.T, stdout string) (events []eventLine, sum serveCounts) {
	t.Helper()
	sc := bufio.NewScanner(strings.NewReader(stdout))
	for sc.Scan() {
		var rec struct {
			Type string `json:"type"`
		}
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatalf("serve wrote %q: %v", sc.Text(), err)
		}
		switch rec.Type {
		case "event":
			var e eventLine
			if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
				t.Fatal(err)
			}
			events = append(events, e)
		case "summary":
			if err := json.Unmarshal(sc.Bytes(), &sum); err != nil {
				t.Fatal(err)
			}
		}
	}
	return events, sum
}

// TestServeReplay replays the sample and a generated corpus to serve, with
// the webhook's policy on both sides: serve prints exactly the events the
// policy delivers, once each, whatever the order, repeats and concurrency.
func TestServeReplay(t *testing.T) {
	const secret = "serve-secret"
	const policyFile = "../../testdata/policies/webhook.json"
	big := generated(t, 1500)
	tests := []struct {
		name  string
		input string
		flags []string
	}{
		{"sample", "../../testdata/events", nil},
		{"sample shuffled with repeats", "../../testdata/events", []string{"--shuffle", "--seed", "5", "--duplicate-rate", "0.5", "--concurrency", "4"}},
		{"generated, shuffled, repeats, concurrently", big, []string{"--shuffle", "--seed", "9", "--duplicate-rate", "0.25", "--concurrency", "8"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := deliveredIDs(t, policyFile, tt.input)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			url, done := startServe(t, ctx, false, "--policy", policyFile, "--secret", secret, "--addr", "127.0.0.1:0", "--format", "json")
			hooks := writeHooks(t, url, secret, policyFile)
			code, stdout, stderr := ldpolicy(t, append(append([]string{"replay", "--webhooks", hooks, "--format", "json"}, tt.flags...), tt.input)...)
			if code != 0 {
				t.Fatalf("replay exits %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
			}
			sent := summaryOf(t, stdout).Webhooks[0]
			cancel()
			s := <-done
			if s.code != 0 {
				t.Fatalf("serve exits %d\n%s", s.code, s.stderr)
			}
			events, sum := eventRecords(t, s.stdout)
			var have []string
			for _, e := range events {
				if !e.Delivered {
					t.Errorf("serve printed an event its policy does not deliver: %+v", e)
				}
				have = append(have, e.ID)
			}
			slices.Sort(have)
			if !slices.Equal(have, want) {
				t.Errorf("serve printed %d events, want %d\nhave %v\nwant %v", len(have), len(want), have, want)
			}
			// Replay sends only what the policy delivers: nothing is
			// filtered, refused or lost, and every other request is a
			// duplicate.
			if sum.Requests != sent.Deliveries || sum.Delivered != len(want) || sum.NotDelivered != 0 || len(sum.Refused) != 0 ||
				sum.Duplicates != sent.Deliveries-len(want) {
				t.Errorf("serve's summary %+v after replay's %+v", sum, sent)
			}
			if !strings.HasPrefix(s.stderr, "ldpolicy: serve: listening on ") || strings.Count(s.stderr, "\n") != 1 {
				t.Errorf("serve's stderr:\n%s", s.stderr)
			}
		})
	}
}

// TestServeMaxEvents runs serve through run, as the command line does, and
// lets it stop by itself after --max-events: it prints the events its
// policy does not deliver too, and refuses a bad signature without
// counting it as an event.
func TestServeMaxEvents(t *testing.T) {
	const secret = "serve-secret"
	t.Setenv("LD_TEST_SERVE_SECRET", secret)
	url, done := startServe(t, context.Background(), true,
		"--policy", "../../testdata/policies/production-flags.json", "--secret-env", "LD_TEST_SERVE_SECRET",
		"--addr", "127.0.0.1:0", "--max-events", "2")

	// A webhook without statements sends every event.
	wrong := filepath.Join(t.TempDir(), "wrong.json")
	right := filepath.Join(t.TempDir(), "right.json")
	for name, secret := range map[string]string{wrong: "not-the-secret", right: secret} {
		data := fmt.Sprintf(`{"name": "all", "url": %q, "sign": true, "secret": %q}`, url, secret)
		if err := os.WriteFile(name, []byte(data), 0o666); err != nil {
			t.Fatal(err)
		}
	}
	code, stdout, stderr := ldpolicy(t, "replay", "--webhooks", wrong, "../../testdata/events/flag-toggled.json")
	if code != 1 || !strings.Contains(stderr, "failed twice: 401 Unauthorized") {
		t.Fatalf("replay with the wrong secret exits %d, want 1\n%s%s", code, stdout, stderr)
	}
	code, stdout, stderr = ldpolicy(t, "replay", "--webhooks", right,
		"../../testdata/events/flag-toggled.json", "../../testdata/events/environment-renamed.json")
	if code != 0 {
		t.Fatalf("replay exits %d\n%s%s", code, stdout, stderr)
	}
	s := <-done // serve stops by itself
	if s.code != 0 {
		t.Fatalf("serve exits %d\n%s", s.code, s.stderr)
	}
	for _, re := range []string{
		`(?m)^2021-10-04 01:56:13  flag +dark-mode +delivered +statement 0 +request 3$`,
		`(?m)^2016-08-26 20:38:58  environment +Ariel Flores changed the name of Testing +not delivered +- +request 4$`,
		`(?m)^requests +4\ndelivered +1\nnot delivered +1\nindeterminate +0\nduplicates +0\nrefused +2 \(unverified 2\)\n\z`,
	} {
		if !regexp.MustCompile(re).MatchString(s.stdout) {
			t.Errorf("serve's stdout has no match for %s:\n%s", re, s.stdout)
		}
	}
	if n := strings.Count(s.stderr, "answered 401 Unauthorized: X-LD-Signature does not match the body\n"); n != 2 {
		t.Errorf("serve reports %d bad signatures, want 2:\n%s", n, s.stderr)
	}
	if strings.Contains(s.stderr, webhook.Sign(secret, mustRead(t, "../../testdata/events/flag-toggled.json"))) {
		t.Errorf("serve printed the signature a body should have had:\n%s", s.stderr)
	}
}

// TestServeUnsigned checks that --unsigned accepts deliveries without a
// signature, and that a signed receiver refuses them.
func TestServeUnsigned(t *testing.T) {
	hooks := func(url string) string {
		name := filepath.Join(t.TempDir(), "hooks.json")
		if err := os.WriteFile(name, []byte(fmt.Sprintf(`[{"url": %q, "sign": false}]`, url)), 0o666); err != nil {
			t.Fatal(err)
		}
		return name
	}
	for _, tt := range []struct {
		flag     string
		wantCode int
		want     string
	}{
		{"--unsigned", 0, `"delivered":1,`},
		{"--secret=s", 1, `"refused":{"unverified":2}`},
	} {
		t.Run(tt.flag, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			url, done := startServe(t, ctx, false, "--policy", "../../testdata/policies/production-flags.json", tt.flag, "--addr", "127.0.0.1:0", "--format", "json")
			code, stdout, stderr := ldpolicy(t, "replay", "--webhooks", hooks(url), "../../testdata/events/flag-toggled.json")
			if code != tt.wantCode {
				t.Errorf("replay exits %d, want %d\n%s%s", code, tt.wantCode, stdout, stderr)
			}
			cancel()
			s := <-done
			if !strings.Contains(s.stdout, tt.want) {
				t.Errorf("serve's output has no %s:\n%s", tt.want, s.stdout)
			}
		})
	}
}
