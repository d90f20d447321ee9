package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// hostile writes a policy file with a warning for each of its thousands
// of resources (glob syntax beyond "*") and one error, in its last
// statement: a file made to flood the output.
func hostile(t *testing.T, stmts, perStmt int) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("[\n")
	for i := 0; i < stmts; i++ {
		var res []string
		for k := 0; k < perStmt; k++ {
			res = append(res, fmt.Sprintf(`"proj/{a}%d"`, i*perStmt+k))
		}
		fmt.Fprintf(&b, `  {"effect": "allow", "actions": ["*"], "resources": [%s]},`+"\n", strings.Join(res, ", "))
	}
	b.WriteString(`  {"effect": "Allow", "actions": ["*"], "resources": ["proj/*"]}` + "\n]\n")
	path := filepath.Join(t.TempDir(), "hostile.json")
	if err := os.WriteFile(path, []byte(b.String()), 0o666); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestCheckCapsFindings checks that check shows at most --max-findings
// findings of a file, the errors first, says how many more there are, and
// fails on the ones it does not show.
func TestCheckCapsFindings(t *testing.T) {
	const warnings = 40 * 125
	path := hostile(t, 40, 125)
	file := displayName(path)
	finding := regexp.MustCompile(`(?m)^\S.*\[LDP\d+\]$`)
	tests := []struct {
		name  string
		args  []string
		shown int    // findings shown
		more  string // the line that says how many more, in text and github
	}{
		{"default", nil, maxFindings, fmt.Sprintf("... and %d more findings in %s not shown (%d warnings): --max-findings 0 shows them all", warnings+1-maxFindings, file, warnings+1-maxFindings)},
		{"three", []string{"--max-findings", "3"}, 3, fmt.Sprintf("... and %d more findings in %s not shown (%d warnings)", warnings-2, file, warnings-2)},
		{"all", []string{"--max-findings", "0"}, warnings + 1, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			args := append(append([]string{"check"}, tt.args...), path)
			if code := exitCode(run(args, nil, &stdout, &stderr), &stderr); code != exitNo {
				t.Errorf("have exit status %d, want %d for the error", code, exitNo)
			}
			out := stdout.String()
			if n := len(finding.FindAllString(out, -1)); n != tt.shown {
				t.Errorf("have %d findings shown, want %d", n, tt.shown)
			}
			if !strings.Contains(out, "[LDP003]") {
				t.Errorf("the error is not shown:\n%.2000s", out)
			}
			if tt.more != "" && !strings.Contains(out, tt.more) {
				t.Errorf("have no line %q in\n%s", tt.more, out[max(0, len(out)-2000):])
			}
			if tt.more == "" && strings.Contains(out, "more findings") {
				t.Errorf("have a line of findings not shown, want every finding")
			}
		})
	}

	// --strict fails on warnings that are not shown.
	warnOnly := hostile(t, 2, 200)
	data, err := os.ReadFile(warnOnly)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(warnOnly, bytes.Replace(data, []byte(`"Allow"`), []byte(`"allow"`), 1), 0o666); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if code := exitCode(run([]string{"check", "--strict", "--max-findings", "0", warnOnly}, nil, &stdout, &stderr), &stderr); code != exitNo {
		t.Fatalf("--strict --max-findings 0: have exit status %d, want %d", code, exitNo)
	}
	stdout.Reset()
	if code := exitCode(run([]string{"check", "--strict", "--max-findings", "1", warnOnly}, nil, &stdout, &stderr), &stderr); code != exitNo {
		t.Errorf("--strict --max-findings 1: have exit status %d, want %d for the warnings not shown", code, exitNo)
	}

	// The machine formats say so too, and stay valid.
	t.Run("json", func(t *testing.T) {
		var stdout, stderr bytes.Buffer
		run([]string{"check", "--format", "json", path}, nil, &stdout, &stderr)
		var files []struct {
			Findings []struct {
				Code string `json:"code"`
			} `json:"findings"`
			Omitted int         `json:"omitted"`
			Counts  *countsJSON `json:"counts"`
		}
		if err := json.Unmarshal(stdout.Bytes(), &files); err != nil {
			t.Fatal(err)
		}
		f := files[0]
		want := countsJSON{Error: 1, Warning: warnings}
		if len(f.Findings) != maxFindings || f.Omitted != warnings+1-maxFindings || f.Counts == nil || *f.Counts != want {
			t.Errorf("have %d findings, %d omitted, counts %+v; want %d, %d, %+v", len(f.Findings), f.Omitted, f.Counts, maxFindings, warnings+1-maxFindings, want)
		}
		if !strings.Contains(stdout.String(), `"code":"LDP003"`) {
			t.Errorf("the error is not among the findings listed")
		}
	})
	t.Run("sarif", func(t *testing.T) {
		var stdout, stderr bytes.Buffer
		run([]string{"check", "--format", "sarif", path}, nil, &stdout, &stderr)
		var log sarifLog
		if err := json.Unmarshal(stdout.Bytes(), &log); err != nil {
			t.Fatal(err)
		}
		r := log.Runs[0]
		if len(r.Results) != maxFindings || r.Properties == nil || r.Properties.OmittedFindings != warnings+1-maxFindings {
			t.Errorf("have %d results, properties %+v; want %d results and %d omitted", len(r.Results), r.Properties, maxFindings, warnings+1-maxFindings)
		}
		if n := len(r.Invocations[0].Notifications); n != 1 || !strings.Contains(r.Invocations[0].Notifications[0].Message.Text, "more findings in") {
			t.Errorf("have notifications %+v, want one of the findings not shown", r.Invocations[0].Notifications)
		}
	})
	t.Run("github", func(t *testing.T) {
		var stdout, stderr bytes.Buffer
		run([]string{"check", "--format", "github", path}, nil, &stdout, &stderr)
		lines := strings.Split(strings.TrimSuffix(stdout.String(), "\n"), "\n")
		if len(lines) != maxFindings+1 || !strings.HasPrefix(lines[len(lines)-1], "::warning file=") || !strings.Contains(lines[len(lines)-1], "more findings in") {
			t.Errorf("have %d lines ending %q, want %d findings and a line of those not shown", len(lines), lines[len(lines)-1], maxFindings)
		}
	})
}
