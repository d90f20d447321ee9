//go:build unix

package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// interrupt runs ldpolicy with args in a process of its own and sends it
// SIGINT, as Ctrl-C does, once srv holds a request of it (see
// ldAnswer.hold). It returns how the process ended, and fails the test
// when its output shows the access token.
func interrupt(t *testing.T, srv *ldServer, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, append(args, "--ld-host", srv.URL)...)
	cmd.Env = append(os.Environ(), runAsLdpolicy+"=1") // with the token newLDServer set
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-srv.held:
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("ldpolicy %s made no request:\n%s", args[0], errOut.String())
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		<-done
		t.Fatalf("ldpolicy %s did not stop after SIGINT", args[0])
	}
	if strings.Contains(out.String()+errOut.String(), ldToken) {
		t.Error("the output shows the token")
	}
	return cmd.ProcessState.ExitCode(), out.String(), errOut.String()
}

// TestPullInterrupt interrupts a pull that waits for a slow answer: it
// stops cleanly, with exit status 130, and writes nothing.
func TestPullInterrupt(t *testing.T) {
	srv := newLDServer(t, account{entries: testLog(3)})
	srv.then(ldAnswer{path: "/api/v2/auditlog", hold: true})
	dir := t.TempDir()
	out := filepath.Join(dir, "log.ndjson")
	code, _, stderr := interrupt(t, srv, "pull", "auditlog", "-o", out)
	if code != 130 || stderr != "ldpolicy: pull auditlog: interrupted: nothing written to "+out+"\n" {
		t.Errorf("exit %d\n%s", code, stderr)
	}
	if left := leftovers(t, dir); len(left) > 0 {
		t.Errorf("left %v", left)
	}
}

// TestAuditLogInputInterrupt interrupts a dry-run whose input is a window
// of the audit log, while LaunchDarkly is slow to answer: it stops
// cleanly, with exit status 130 and no summary, and says that the run is
// incomplete. Ctrl-C while it reads the policy from the account stops it
// alike.
func TestAuditLogInputInterrupt(t *testing.T) {
	for _, tt := range []struct {
		name, hold, want string
		args             []string
	}{
		{"input", "/api/v2/auditlog", "ldpolicy: dry-run: interrupted: the run is incomplete\n",
			[]string{"dry-run", "--policy", "../../testdata/policies/webhook.json", "ld:auditlog?since=2023-11-14T00:00:00Z"}},
		{"policy", "/api/v2/webhooks/w1", "ldpolicy: dry-run: interrupted\n",
			[]string{"dry-run", "--policy", "ld:webhook/w1", "../../testdata/events"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			acct := auditLogAccount(5)
			acct.webhooks = sourceAccount(t).webhooks
			srv := newLDServer(t, acct)
			srv.then(ldAnswer{path: tt.hold, hold: true})
			if code, stdout, stderr := interrupt(t, srv, tt.args...); code != 130 || stderr != tt.want || stdout != "" {
				t.Errorf("exit %d\n%s%s", code, stdout, stderr)
			}
		})
	}
}
