package main

import (
	"os"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// TestCIExampleWorkflow reads the example workflows, for policy files and
// for Terraform: the policy tests run once, writing the JUnit report that a
// later step uploads whatever the outcome, so that the report exists
// exactly when CI needs it.
func TestCIExampleWorkflow(t *testing.T) {
	for _, name := range []string{"policies.yml", "policies-terraform.yml"} {
		t.Run(name, func(t *testing.T) { checkWorkflow(t, "../../testdata/ci-example/.github/workflows/"+name) })
	}
}

func checkWorkflow(t *testing.T, name string) {
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	var wf struct {
		Jobs map[string]struct {
			Steps []struct {
				Name string            `yaml:"name"`
				Uses string            `yaml:"uses"`
				If   string            `yaml:"if"`
				Run  string            `yaml:"run"`
				With map[string]string `yaml:"with"`
			} `yaml:"steps"`
		} `yaml:"jobs"`
	}
	if err := yaml.Unmarshal(data, &wf); err != nil {
		t.Fatal(err)
	}
	runs, report, uploaded := 0, "", false
	for _, job := range wf.Jobs {
		for _, st := range job.Steps {
			for _, line := range strings.Split(st.Run, "\n") {
				if !strings.Contains(line, "ldpolicy test") {
					continue
				}
				runs++
				if !strings.Contains(line, "--format junit") || !strings.Contains(line, "--min-coverage") {
					t.Errorf("the test run %q does not both check coverage and write JUnit", line)
				}
				if _, file, ok := strings.Cut(line, ">"); ok {
					report = strings.TrimSpace(file)
				}
			}
			if strings.HasPrefix(st.Uses, "actions/upload-artifact") {
				uploaded = st.If == "always()" && st.With["path"] == report && report != ""
			}
		}
	}
	if runs != 1 {
		t.Errorf("the workflow runs ldpolicy test %d times, want once", runs)
	}
	if !uploaded {
		t.Errorf("no step uploads the report %q with if: always()", report)
	}
}
