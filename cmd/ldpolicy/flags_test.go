package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/ldpolicy/ldpolicy/policy"
)

// TestChoiceFlags checks that --mode and --format refuse other values, at
// parse time, with the messages the commands gave when they checked them
// by hand, and that help still quotes their defaults.
func TestChoiceFlags(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"dry-run", "--mode", "most"}, `ldpolicy: dry-run: --mode must be any or all, not "most" (run 'ldpolicy dry-run --help' for usage)`},
		{[]string{"diff", "--format", "yaml", "a", "b"}, `ldpolicy: diff: --format must be text or json, not "yaml"`},
		{[]string{"test", "--format", "xml"}, `ldpolicy: test: --format must be text, json or junit, not "xml"`},
		{[]string{"check", "--format", "xml", "a"}, `ldpolicy: check: --format must be text, json, sarif or github, not "xml"`},
		{[]string{"filter", "--mode", "any", "--mode", "all"}, `ldpolicy: filter: invalid value "all" for flag -mode: the flag is given more than once`},
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		if code := exitCode(run(tt.args, nil, &stdout, &stderr), &stderr); code != exitUsage {
			t.Errorf("%v: exit status %d, want %d", tt.args, code, exitUsage)
		}
		if !strings.HasPrefix(stderr.String(), tt.want) {
			t.Errorf("%v: stderr %q, want it to start with %q", tt.args, stderr.String(), tt.want)
		}
	}

	var stdout bytes.Buffer
	if err := run([]string{"replay", "--help"}, nil, &stdout, &stdout); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`or only when all are (default "any")`, `json for NDJSON records (default "text")`} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("replay --help does not say %q", want)
		}
	}
}

func TestModeFlag(t *testing.T) {
	var m policy.Mode
	f := modeFlag{&m}
	if err := f.Set("all"); err != nil || m != policy.EveryAccess || f.String() != "all" {
		t.Errorf(`Set("all"): %v, mode %v, String %q`, err, m, f.String())
	}
	if err := f.Set("any"); err != nil || m != policy.AnyAccess || f.String() != "any" {
		t.Errorf(`Set("any"): %v, mode %v, String %q`, err, m, f.String())
	}
	if (modeFlag{}).String() != "" || (formatFlag{}).String() != "" {
		t.Error("the zero flag values are not empty")
	}
}
