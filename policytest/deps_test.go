package policytest

import (
	"os/exec"
	"strings"
	"testing"
)

// TestNoHTTP holds the package to reading policies and events without an
// HTTP client: a test of policies needs none, and pulling one in (through
// the LaunchDarkly API's client, say) is a dependency every user of the
// package would carry.
func TestNoHTTP(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, pkg := range strings.Fields(string(out)) {
		if pkg == "net/http" {
			t.Fatal("package policytest depends on net/http: go list -deps ./policytest | grep -n net/http shows through what")
		}
	}
}
