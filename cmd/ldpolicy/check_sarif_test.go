package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// TestCheckSARIF validates the structure of check --format sarif against
// what SARIF 2.1.0 requires and code-scanning tools read: the version and
// schema; a run with a tool driver that has a name and rules with ids and
// descriptions; results whose ruleId names a rule (and ruleIndex points at
// it), with a level, a message text and physical locations with an artifact
// URI and a region that starts at a line and column from 1. Columns are
// UTF-16 code units, the SARIF default.
func TestCheckSARIF(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"webhook.json": `{"url": "https://example.com", "statements": [
  {"effect": "allow", "actions": ["updateOn"], "resources": ["proj/*:env/production"]},
  {"effect": "allow", "actions": ["*"], "resources": ["proj/é:env/*;{critcal:true}:flag/*"]}
]}`,
		"bad.json":   `[{"effect": "Allow", "actions": ["*"], "resources": ["proj/*"]}]`,
		"clean.json": `[{"effect": "allow", "actions": ["*"], "resources": ["proj/*:env/production:flag/*"]}]`,
	}
	var args []string
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o666); err != nil {
			t.Fatal(err)
		}
		args = append(args, filepath.Join(dir, name))
	}
	args = append(args, filepath.Join(dir, "missing.json"))

	var stdout, stderr bytes.Buffer
	code := exitCode(run(append([]string{"check", "--format", "sarif"}, args...), nil, &stdout, &stderr), &stderr)
	if code != exitUsage {
		t.Errorf("exit status %d, want %d for the missing file", code, exitUsage)
	}
	var log struct {
		Version string `json:"version"`
		Schema  string `json:"$schema"`
		Runs    []struct {
			Tool struct {
				Driver struct {
					Name  string `json:"name"`
					Rules []struct {
						ID               string `json:"id"`
						ShortDescription struct {
							Text string `json:"text"`
						} `json:"shortDescription"`
						Help struct {
							Text string `json:"text"`
						} `json:"help"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Invocations []struct {
				ExecutionSuccessful *bool `json:"executionSuccessful"`
			} `json:"invocations"`
			Results []struct {
				RuleID    string `json:"ruleId"`
				RuleIndex *int   `json:"ruleIndex"`
				Level     string `json:"level"`
				Message   struct {
					Text string `json:"text"`
				} `json:"message"`
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct {
							URI string `json:"uri"`
						} `json:"artifactLocation"`
						Region *struct {
							StartLine   int `json:"startLine"`
							StartColumn int `json:"startColumn"`
						} `json:"region"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &log); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, stdout.String())
	}
	if log.Version != "2.1.0" || log.Schema == "" {
		t.Errorf("version %q, $schema %q; want 2.1.0 and a schema", log.Version, log.Schema)
	}
	if len(log.Runs) != 1 {
		t.Fatalf("have %d runs, want 1", len(log.Runs))
	}
	r := log.Runs[0]
	if r.Tool.Driver.Name == "" || len(r.Tool.Driver.Rules) == 0 {
		t.Errorf("tool.driver has name %q and %d rules; want a name and rules", r.Tool.Driver.Name, len(r.Tool.Driver.Rules))
	}
	ids := map[string]int{}
	for i, rule := range r.Tool.Driver.Rules {
		if rule.ID == "" || rule.ShortDescription.Text == "" || rule.Help.Text == "" {
			t.Errorf("rule %d: id %q, shortDescription %q, help %q; want all three", i, rule.ID, rule.ShortDescription.Text, rule.Help.Text)
		}
		if _, dup := ids[rule.ID]; dup {
			t.Errorf("rule %s twice", rule.ID)
		}
		ids[rule.ID] = i
	}
	if len(r.Invocations) != 1 || r.Invocations[0].ExecutionSuccessful == nil || *r.Invocations[0].ExecutionSuccessful {
		t.Errorf("invocations: want one, not successful (a file is missing)")
	}
	levels := map[string]bool{"none": true, "note": true, "warning": true, "error": true}
	seen := map[string]bool{}
	for i, res := range r.Results {
		idx, ok := ids[res.RuleID]
		switch {
		case !ok:
			t.Errorf("result %d: ruleId %q names no rule", i, res.RuleID)
		case res.RuleIndex == nil || *res.RuleIndex != idx:
			t.Errorf("result %d: ruleIndex does not point at rule %s", i, res.RuleID)
		}
		if !levels[res.Level] {
			t.Errorf("result %d: level %q", i, res.Level)
		}
		if res.Message.Text == "" {
			t.Errorf("result %d: no message text", i)
		}
		if len(res.Locations) == 0 {
			t.Errorf("result %d: no locations", i)
		}
		for _, loc := range res.Locations {
			pl := loc.PhysicalLocation
			if pl.ArtifactLocation.URI == "" || pl.Region == nil || pl.Region.StartLine < 1 || pl.Region.StartColumn < 1 {
				t.Errorf("result %d: physical location %+v; want a uri and a region from line 1, column 1", i, pl)
				continue
			}
			seen[filepath.Base(pl.ArtifactLocation.URI)+" "+res.RuleID+" "+itoa(pl.Region.StartLine)+":"+itoa(pl.Region.StartColumn)] = true
		}
	}
	// A finding of each file, at its place; "é" is two bytes and one UTF-16
	// code unit, so the property selector after it is at byte column 70
	// and UTF-16 column 69.
	for _, want := range []string{
		"webhook.json LDP101 2:70",
		"webhook.json LDP106 3:61",
		"webhook.json LDP108 3:69",
		"bad.json LDP003 1:13",
	} {
		if !seen[want] {
			t.Errorf("no result %s among %v", want, seen)
		}
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}
