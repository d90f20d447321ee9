package policytest_test

import (
	"fmt"
	"strings"

	"github.com/ldpolicy/ldpolicy/policytest"
)

// Running a test file of the repository's shared test data, as a Go test
// would.
func Example() {
	suite, err := policytest.Load("../testdata/tests/webhook.ldtest.yaml")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("policy:", suite.PolicyName)
	for _, r := range suite.Run(nil) {
		fmt.Printf("%-4v %-13s %s\n", r.Passed(), r.Outcome, r.Case.Title())
	}
	// Output:
	// policy: ../testdata/policies/webhook.json
	// true allow         turning a production flag on is delivered
	// true deny          deleting a production flag is not
	// true deny          a flag in another environment is not covered
	// true deny          renaming the production environment is not delivered
	// true delivered     a flag creation is delivered for its production environment
	// true delivered     the toggle of a production flag is delivered
	// true not delivered an environment renamed is not delivered
	// true not delivered a deletion in every environment is not delivered
}

// A case that fails says why.
func ExampleResult() {
	data := `
policy:
  - {effect: allow, actions: ["*"], resources: ["proj/*:env/production:flag/*"]}
  - {effect: deny, actions: [deleteFlag], resources: ["proj/*:env/*:flag/*"]}
cases:
  - name: deleting a production flag
    action: deleteFlag
    resource: proj/default:env/production:flag/dark-mode
    expect: allow
    statement: 0
`
	f, err := policytest.Parse("inline.ldtest.yaml", []byte(data))
	if err != nil {
		fmt.Println(err)
		return
	}
	suite, err := f.Compile(nil) // an inline policy: no file to read
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range suite.Run(nil) {
		fmt.Printf("%s: %s\n", r.Case.Title(), strings.Join(r.Failures, "; "))
	}
	// Output:
	// deleting a production flag: expected allow, found deny; expected statement 0 to decide, found statement 1
}

// Problems with a test file are reported together, each with its place.
func ExampleParse_error() {
	data := `
policy: webhook.json
cases:
  - action: updateOn
    resource: proj/default:env/production:flag/dark-mode
    expext: allow
  - event: flag-created.json
    expect: allow
`
	_, err := policytest.Parse("webhook.ldtest.yaml", []byte(data))
	if errs, ok := err.(policytest.ErrorList); ok {
		for _, e := range errs {
			fmt.Println(e)
		}
	}
	// Output:
	// webhook.ldtest.yaml:4:5: cases[0]: missing "expect": "allow" or "deny"
	// webhook.ldtest.yaml:6:5: cases[0].expext: unknown field "expext" (did you mean "expect"?)
	// webhook.ldtest.yaml:8:13: cases[1].expect: expected "delivered" or "not delivered" for an event, found "allow"
}

// Coverage counts the cases each statement decided.
func ExampleCoverage() {
	var cov policytest.Coverage
	for _, name := range []string{"../testdata/tests/webhook.ldtest.yaml", "../testdata/tests/qa-role.ldtest.yaml"} {
		suite, err := policytest.Load(name)
		if err != nil {
			fmt.Println(err)
			return
		}
		cov.Add(suite, suite.Run(func(c *policytest.Case) bool { return !c.IsEvent() }))
	}
	for _, p := range cov.Policies() {
		fmt.Printf("%s: %v, %.0f%%, not exercised: %v\n", p.Name, p.Decided, p.Percent(), p.Unexercised())
	}
	covered, total := cov.Covered()
	fmt.Printf("%d of %d statements\n", covered, total)
	// Output:
	// ../testdata/policies/webhook.json: [1 1], 100%, not exercised: []
	// ../testdata/policies/qa-role.json: [1 2], 100%, not exercised: []
	// 4 of 4 statements
}
