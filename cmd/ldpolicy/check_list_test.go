package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/ldpolicy/ldpolicy/action"
)

// TestListCatalogueDate checks that check --list ends with the date of the
// catalogue that the findings about types and actions rest on, after a
// blank line, and that JSON stays an array of codes without it.
func TestListCatalogueDate(t *testing.T) {
	if action.Refreshed() == "" {
		t.Fatal("action.Refreshed() is empty")
	}
	want := "\n\ncatalogue of resource types and actions: LaunchDarkly docs as of " + action.Refreshed() + "\n"
	for _, format := range []string{"text", "github"} {
		var stdout, stderr bytes.Buffer
		if err := run([]string{"check", "--list", "--format", format}, nil, &stdout, &stderr); err != nil {
			t.Fatalf("check --list --format %s: %v", format, err)
		}
		if have := stdout.String(); !strings.HasSuffix(have, want) {
			t.Errorf("check --list --format %s ends\n%q\nwant it to end\n%q", format, have[max(0, len(have)-len(want)-40):], want)
		}
	}
	var stdout, stderr bytes.Buffer
	if err := run([]string{"check", "--list", "--format", "json"}, nil, &stdout, &stderr); err != nil {
		t.Fatalf("check --list --format json: %v", err)
	}
	if have := strings.TrimSpace(stdout.String()); !strings.HasPrefix(have, "[") || !strings.HasSuffix(have, "]") {
		t.Errorf("check --list --format json is not an array: %.80q...", have)
	}
}
