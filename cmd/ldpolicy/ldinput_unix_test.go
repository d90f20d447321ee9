//go:build unix

package main

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestAuditLogInputInterrupt sends SIGINT, as Ctrl-C does, to a dry-run
// whose input is a window of the audit log, while LaunchDarkly is slow to
// answer, in a process of its own: it stops cleanly, with exit status 130
// and no summary, and says that the run is incomplete. Ctrl-C while it
// reads the policy from the account stops it alike.
func TestAuditLogInputInterrupt(t *testing.T) {
	for _, tt := range []struct {
		name, hold string
		args       []string
	}{
		{"input", "/api/v2/auditlog", []string{"dry-run", "--policy", "../../testdata/policies/webhook.json", "ld:auditlog?since=2023-11-14T00:00:00Z"}},
		{"policy", "/api/v2/webhooks/w1", []string{"dry-run", "--policy", "ld:webhook/w1", "../../testdata/events"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			acct := auditLogAccount(5)
			acct.webhooks = sourceAccount(t).webhooks
			srv := newLDServer(t, acct)
			srv.then(ldAnswer{path: tt.hold, hold: true})
			exe, err := os.Executable()
			if err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(exe, append(tt.args, "--ld-host", srv.URL)...)
			cmd.Env = append(os.Environ(), runAsLdpolicy+"=1") // with the token newLDServer set
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			select {
			case <-srv.held:
			case <-time.After(30 * time.Second):
				cmd.Process.Kill()
				cmd.Wait()
				t.Fatalf("dry-run made no request:\n%s", stderr.String())
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
				t.Fatal("dry-run did not stop after SIGINT")
			}
			want := "ldpolicy: dry-run: interrupted: the run is incomplete\n"
			if tt.name == "policy" {
				want = "ldpolicy: dry-run: interrupted\n"
			}
			if code := cmd.ProcessState.ExitCode(); code != 130 || stderr.String() != want || stdout.String() != "" {
				t.Errorf("exit %d\n%s%s", code, stdout.String(), stderr.String())
			}
			if strings.Contains(stdout.String()+stderr.String(), ldToken) {
				t.Error("the output shows the token")
			}
		})
	}
}
