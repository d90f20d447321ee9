package lint_test

import (
	"fmt"

	"github.com/ldpolicy/ldpolicy/lint"
)

// A webhook meant to receive flag changes in production names the
// environments instead of the flags in them, so it receives nothing, and
// misspells an action.
func ExampleCheckSource() {
	src := []byte(`{"url": "https://example.com/hook", "statements": [
  {"effect": "allow", "actions": ["updateOn", "updateTargets"], "resources": ["proj/*:env/production"]},
  {"effect": "deny", "actions": ["deleteFlagg"], "resources": ["proj/*:env/*:flag/*"]}
]}`)
	report, err := lint.CheckSource("webhook.json", src, lint.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range report.Findings {
		if f.Path() == "" {
			fmt.Printf("%s %s %s\n\t%s\n", f.Pos, f.Code, f.Severity, f.Message)
		} else {
			fmt.Printf("%s %s %s %s\n", f.Pos, f.Code, f.Severity, f.Path())
		}
		if f.Fix != "" {
			fmt.Printf("\tfix: %s\n", f.Fix)
		}
	}
	// Output:
	// webhook.json:1:51 LDP204 warning
	// 	the policy seems to allow nothing, so the webhook receives no event: every allow statement is overridden or never applies (found by trying representative accesses)
	// webhook.json:2:87 LDP101 warning statements[0].resources[0]
	// 	fix: proj/*:env/production:flag/*
	// webhook.json:3:35 LDP102 warning statements[1].actions[0]
	// 	fix: deleteFlag
}

// The codes, with their severity and a one-line summary.
func ExampleRules() {
	for _, r := range lint.Rules()[9:13] {
		fmt.Printf("%s %-7s %s\n", r.Code, r.Severity, r.Summary)
	}
	// Output:
	// LDP101 warning no action of the statement applies to the type of this resource (specifiers have no hierarchy)
	// LDP102 warning an action the catalogue does not document, or a pattern that matches none
	// LDP103 warning a resource type the catalogue does not document
	// LDP104 warning a chain of types that no resource has
}

// Suppressions come from a file beside the policy, which itself stays as
// LaunchDarkly's API takes it.
func ExampleParseSuppressions() {
	side := []byte("# on purpose: every event but production flags\nLDP205 statements[0]  the catch-all is intended\n")
	sup, err := lint.ParseSuppressions("webhook.json.lint", side)
	if err != nil {
		fmt.Println(err)
		return
	}
	src := []byte(`[{"effect": "allow", "actions": ["*"], "notResources": ["proj/*:env/production:flag/*"]}]`)
	report, _ := lint.CheckSource("webhook.json", src, lint.Options{Suppress: sup})
	fmt.Println(len(report.Findings), "findings")

	_, err = lint.ParseSuppressions("webhook.json.lint", []byte("LDP005\n"))
	fmt.Println(err)
	// Output:
	// 0 findings
	// webhook.json.lint:1:1: LDP005 cannot be suppressed: LaunchDarkly rejects the policy
}
