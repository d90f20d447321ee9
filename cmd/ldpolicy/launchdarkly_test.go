package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ldpolicy/ldpolicy/ldapi"
)

// useToken gives the commands the access token of the tests, and no
// LAUNCHDARKLY_API_HOST.
func useToken(t *testing.T) {
	t.Setenv(ldapi.TokenEnv, ldToken)
	t.Setenv(ldapi.HostEnv, "")
}

// ldResult is how a run of a command that talks to LaunchDarkly ended.
type ldResult struct {
	code           int
	stdout, stderr string
}

// ldRun runs a command as the command line does or, with ctx, with that
// context, and fails the test when its output shows the access token.
func ldRun(t *testing.T, ctx context.Context, args ...string) ldResult {
	t.Helper()
	var out, errOut bytes.Buffer
	var err error
	if ctx == nil {
		err = run(args, nil, &out, &errOut)
	} else {
		cmds := map[string]func(context.Context, []string, io.Reader, io.Writer, io.Writer) error{
			"pull": runPull, "crosscheck": runCrosscheck, "who-can": runWhoCan,
		}
		err = cmds[args[0]](ctx, args[1:], nil, &out, &errOut)
	}
	res := ldResult{exitCode(err, &errOut), out.String(), errOut.String()}
	if strings.Contains(res.stdout+res.stderr, ldToken) {
		t.Fatalf("ldpolicy %s shows the access token:\n%s%s", strings.Join(args, " "), res.stdout, res.stderr)
	}
	return res
}

// noToken fails the test when a file that a command wrote holds the access
// token.
func noToken(t *testing.T, name string) {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(data, []byte(ldToken)) {
		t.Fatalf("%s holds the access token", name)
	}
}

// leftovers returns the names in dir other than want.
func leftovers(t *testing.T, dir string, want ...string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	keep := map[string]bool{}
	for _, name := range want {
		keep[name] = true
	}
	var left []string
	for _, e := range entries {
		if !keep[e.Name()] {
			left = append(left, e.Name())
		}
	}
	return left
}

func TestParseWhen(t *testing.T) {
	now := time.Date(2024, 5, 10, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Time
		err  string
	}{
		{"2024-05-01T12:00:00Z", time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC), ""},
		{"2024-05-01T14:00:00.5+02:00", time.Date(2024, 5, 1, 12, 0, 0, 5e8, time.UTC), ""},
		{"2024-05-01", time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC), ""},
		{"7d", now.Add(-7 * 24 * time.Hour), ""},
		{"36h", now.Add(-36 * time.Hour), ""},
		{"90m", now.Add(-90 * time.Minute), ""},
		{"45s", now.Add(-45 * time.Second), ""},
		{"1d12h", now.Add(-36 * time.Hour), ""},
		{"0m", now, ""},
		{"7", time.Time{}, `expected a time in RFC 3339 (2024-05-01T12:00:00Z), a date (2024-05-01), or a duration back from now (7d, 36h, 90m), found "7"`},
		{"7w", time.Time{}, `expected a time in RFC 3339`},
		{"d7", time.Time{}, `expected a time in RFC 3339`},
		{"1.5h", time.Time{}, `expected a time in RFC 3339`},
		{"-7d", time.Time{}, `expected a time in RFC 3339`},
		{"7D", time.Time{}, `expected a time in RFC 3339`},
		{"", time.Time{}, `expected a time in RFC 3339`},
		{"36500d", now.Add(-36500 * 24 * time.Hour), ""},
		{"36501d", time.Time{}, `"36501d" is more than a century back`},
		{"99999999999999999999d", time.Time{}, `expected a time in RFC 3339`},
		{"2024-05-01 12:00", time.Time{}, `not a time in RFC 3339 (2024-05-01T12:00:00Z): parsing time "2024-05-01 12:00" as "2006-01-02T15:04:05.999999999Z07:00": cannot parse " 12:00" as "T"`},
		{"2024-13-01", time.Time{}, `expected a time in RFC 3339`},
		{"2024-13-01T12:00:00Z", time.Time{}, `not a time in RFC 3339 (2024-05-01T12:00:00Z): parsing time "2024-13-01T12:00:00Z": month out of range`},
		{"yesterday", time.Time{}, `expected a time in RFC 3339`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			have, err := parseWhen(tt.in, now)
			switch {
			case tt.err != "" && (err == nil || !strings.HasPrefix(err.Error(), tt.err)):
				t.Errorf("have %v, %v; want error %q", have, err, tt.err)
			case tt.err == "" && (err != nil || !have.Equal(tt.want)):
				t.Errorf("have %v, %v; want %v", have, err, tt.want)
			}
		})
	}
}

func TestDescribeProgress(t *testing.T) {
	reached := time.Date(2024, 5, 1, 12, 30, 0, 0, time.UTC)
	tests := []struct {
		in   ldapi.Progress
		want string
	}{
		{ldapi.Progress{Op: "auditlog", Pages: 3, Items: 57, Reached: reached}, "auditlog: 57 entries, 3 pages, back to 2024-05-01 12:30:00"},
		{ldapi.Progress{Op: "auditlog search", Pages: 1, Reached: reached}, "auditlog search: 0 entries, 1 pages"},
		{ldapi.Progress{Op: "auditlog entries", Items: 57, Fetched: 9}, "auditlog entries: 9 of 57 fetched in full"},
		{ldapi.Progress{Op: "members", Pages: 2, Items: 40, Wait: 2345 * time.Millisecond, WaitReason: "rate limit"}, "members: 40, 2 pages; waiting 2.3s (rate limit)"},
		{ldapi.Progress{Op: "roles and teams", Items: 4}, "roles and teams: 4 fetched"},
	}
	for _, tt := range tests {
		if have := describeProgress(tt.in); have != tt.want {
			t.Errorf("have %q, want %q", have, tt.want)
		}
	}
}

// TestOutputFile writes an output file whole, or leaves what was there.
func TestOutputFile(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "out.ndjson")
	os.WriteFile(name, []byte("before\n"), 0o666)
	o, err := createOutput(name)
	if err != nil {
		t.Fatal(err)
	}
	o.WriteString("half")
	o.abort()
	if data, _ := os.ReadFile(name); string(data) != "before\n" {
		t.Errorf("after abort: %q", data)
	}
	if left := leftovers(t, dir, "out.ndjson"); len(left) > 0 {
		t.Errorf("abort left %v", left)
	}
	o, _ = createOutput(name)
	o.WriteString("after\n")
	if err := o.commit(); err != nil {
		t.Fatal(err)
	}
	o.abort() // after commit: nothing
	if data, _ := os.ReadFile(name); string(data) != "after\n" {
		t.Errorf("after commit: %q", data)
	}
	if left := leftovers(t, dir, "out.ndjson"); len(left) > 0 {
		t.Errorf("commit left %v", left)
	}
	if _, err := createOutput(filepath.Join(dir, "no", "such", "dir")); err == nil {
		t.Error("an output in a directory that does not exist")
	}
}
