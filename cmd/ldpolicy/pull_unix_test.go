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

// TestPullInterrupt sends SIGINT, as Ctrl-C does, to a pull that waits
// for a slow answer, in a process of its own: it stops cleanly, with exit
// status 130, and writes nothing.
func TestPullInterrupt(t *testing.T) {
	srv := newLDServer(t, account{entries: testLog(3)})
	srv.then(ldAnswer{path: "/api/v2/auditlog", hold: true})
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	out := filepath.Join(dir, "log.ndjson")
	cmd := exec.Command(exe, "pull", "auditlog", "--ld-host", srv.URL, "-o", out)
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
		t.Fatalf("the pull made no request:\n%s", stderr.String())
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
		t.Fatal("the pull did not stop after SIGINT")
	}
	if code := cmd.ProcessState.ExitCode(); code != 130 || stderr.String() != "ldpolicy: pull auditlog: interrupted: nothing written to "+out+"\n" {
		t.Errorf("exit %d\n%s", code, stderr.String())
	}
	if strings.Contains(stdout.String()+stderr.String(), ldToken) {
		t.Error("the output shows the token")
	}
	if left := leftovers(t, dir); len(left) > 0 {
		t.Errorf("left %v", left)
	}
}
