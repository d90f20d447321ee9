package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/ldpolicy/ldpolicy/policy"
)

// twinSources are the Terraform sources of package terraform's fixtures,
// by the directory of their JSON twins in terraform/testdata/twins.
var twinSources = map[string]string{
	"module": "../../terraform/testdata/module",
	"blocks": "../../terraform/testdata/blocks",
	"plan":   "../../terraform/testdata/show/plan.json",
	"state":  "../../terraform/testdata/show/state.json",
}

// twinAccesses are the accesses that each twin decides, around the
// vocabulary of the fixtures.
var twinAccesses = [][2]string{
	{"updateOn", "proj/mobile:env/production:flag/dark-mode"},
	{"deleteFlag", "proj/mobile:env/production:flag/dark-mode"},
	{"updateRules", "proj/checkout;payments:env/test:flag/new-flow"},
	{"deleteFlag", "proj/checkout;billing-eu:env/production:flag/f"},
	{"updateOn", "proj/web-app:env/test;{critical:true}:flag/f"},
	{"createFlag", "proj/mobile:env/staging:flag/f;release-frozen"},
	{"viewProject", "proj/x"},
	{"updateTargets", "proj/mobile:env/staging:segment/beta"},
}

// fileField is the "file" of a role in eval's JSON, which names the
// policy and so differs between a resource and its twin.
var fileField = regexp.MustCompile(`"file":"(?:[^"\\]|\\.)*"`)

// TestTerraformTwins holds every policy-bearing resource of package
// terraform's fixtures to its JSON twin, through the commands: eval
// decides each access alike, as a webhook or as a role, and dry-run
// decides the captured events alike.
func TestTerraformTwins(t *testing.T) {
	twins, err := filepath.Glob("../../terraform/testdata/twins/*/*.json")
	if err != nil || len(twins) == 0 {
		t.Fatalf("no twins: %v", err)
	}
	attrs := []string{"--attribute", "domain=payments,billing-*", "--attribute", "projects=mobile,web-*", "--attribute", "p=x"}
	for _, twin := range twins {
		dir := filepath.Base(filepath.Dir(twin))
		addr := strings.TrimSuffix(filepath.Base(twin), ".json")
		addr = regexp.MustCompile(`\[([^\]]*)\]$`).ReplaceAllString(addr, `["$1"]`)
		res := twinSources[dir] + "#" + addr
		t.Run(dir+"/"+addr, func(t *testing.T) {
			data, err := os.ReadFile(twin)
			if err != nil {
				t.Fatal(err)
			}
			f, err := policy.ParseFile(twin, data)
			if err != nil {
				t.Fatal(err)
			}
			same := func(args ...string) {
				t.Helper()
				var outs [2]string
				for i, p := range []string{res, twin} {
					code, stdout, stderr := ldpolicy(t, append([]string{args[0], "--policy", p}, args[1:]...)...)
					if code == exitUsage {
						t.Fatalf("%s %v: exit %d\n%s", p, args, code, stderr)
					}
					outs[i] = fileField.ReplaceAllString(stdout, `"file":"-"`)
				}
				if outs[0] != outs[1] {
					t.Errorf("%v decides differently\n%s:\n%s\n%s:\n%s", args, res, outs[0], twin, outs[1])
				}
			}
			for _, a := range twinAccesses {
				same(append([]string{"eval", "--format", "json", "--action", a[0], "--resource", a[1]}, attrs...)...)
			}
			if f.Kind != policy.RoleFile {
				same("dry-run", "--format", "json", "../../testdata/events")
			}
		})
	}
}
