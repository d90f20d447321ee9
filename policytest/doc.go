// Package policytest runs policy tests: files that name a LaunchDarkly
// policy (a webhook's policy filter or a custom role), or hold it inline,
// and list accesses and events with the decision each must get. It is what
// "ldpolicy test" runs, and it can run the same files from Go tests:
//
//	suite, err := policytest.Load("testdata/webhook.ldtest.yaml")
//	if err != nil {
//		t.Fatal(err) // an ErrorList: every problem, with file:line:col
//	}
//	for _, r := range suite.Run(nil) {
//		if !r.Passed() {
//			t.Errorf("%s: %s: %s", r.Case.Pos, r.Case.Title(), strings.Join(r.Failures, "; "))
//		}
//	}
//
// # Test files
//
// A test file is YAML or JSON: a name ending in ".json" is read as JSON, any
// other as YAML. Files are found by name: NAME.ldtest.yaml, NAME.ldtest.yml
// or NAME.ldtest.json (see IsTestFile). The suffix is distinctive so that a
// search of a whole repository finds test files and nothing else, however
// many other YAML and JSON files it holds.
//
//	# webhook.ldtest.yaml
//	policy: ../policies/webhook.json
//	cases:
//	  - name: turning a production flag on is delivered
//	    action: updateOn
//	    resource: proj/default:env/production:flag/dark-mode
//	    expect: allow
//	    statement: 0
//	  - name: a flag in an environment tagged qa_*
//	    action: updateOn
//	    resource: "proj/default:env/qa;qa_test:flag/dark-mode"
//	    expect: deny
//	  - event: ../events/flag-created.json
//	    expect: delivered
//	  - accesses:
//	      - {action: deleteFlag, resource: "proj/default:env/production:flag/old"}
//	    expect: not delivered
//	    statement: 1
//
// The fields of a test file:
//
//   - policy (required): the path of a policy file, relative to the test
//     file's directory; or the policy inline, in any form a policy file
//     has: a list of statements, or an object with "statements" (a webhook)
//     or "policy" (a custom role). The path may name a Terraform source
//     instead: a .tf file, a module directory or the output of "terraform
//     show -json", with "#ADDRESS" to select one of its resources, as in
//     "../infra/main.tf#launchdarkly_webhook.prod" (a source with one
//     policy-bearing resource needs none). The policy of a
//     launchdarkly_webhook or a launchdarkly_custom_role is tested as the
//     same policy in a policy file is; problems are located in the .tf
//     file (package terraform). A team has no policy of its own to test.
//     An ld: source of a LaunchDarkly account is not one: a test decides
//     the same wherever it runs.
//   - context: "webhook" (the default) or "role": what an empty policy
//     means (policy.Context).
//   - attributes: role attributes and the values they stand for, as
//     {projects: [alpha, beta]} or {teams: ["team-*"]}: each value a
//     pattern, matched as the text it stands for would be
//     (policy.Options.Attributes).
//   - lenient: true reads the typo ":/flag/" in the policy as ":flag/", with
//     a warning (policy.Options.Lenient).
//   - metadata: tags, properties and views of resources, for every case: the
//     path of a metadata file, or the same object inline (the format of
//     resource.ParseMetadataMap and of "ldpolicy eval --metadata").
//   - mode: for events, "any" (the default: an event is delivered when an
//     access is allowed) or "all" (when every access is).
//   - cases (required): a list of at least one case, at most MaxCases.
//
// The fields of a case:
//
//   - name: a name, unique in the file. Without one, the case is called by
//     what it decides (Case.Title).
//   - action and resource: an access. The resource may carry metadata
//     inline, in the notation of specifiers: "proj/p:env/qa;qa_test:flag/f";
//     a segment written with ';' has exactly the metadata listed after it.
//   - event: an event, by the path of a captured payload file (one event,
//     as "ldpolicy eval --event" reads) or the payload inline. The tags the
//     payload gives of the changed resource count, as in eval.
//   - accesses: an event given by its accesses alone: a list of
//     {action, resource}, possibly empty.
//   - metadata: metadata for this case, inline; it comes before the file's.
//   - mode: for an event, "any" or "all", overriding the file's.
//   - expect (required): "allow" or "deny" for an access; "delivered" or
//     "not delivered" for an event.
//   - statement: the index of the statement that must decide, or "none"
//     when no statement may apply. For an event, the deciding statement is
//     that of the access that decided the delivery (Result.Statement).
//   - indeterminate: true when the decision must depend on metadata nobody
//     supplied. It is false by default, so that a decision that only holds
//     because metadata is missing fails rather than passes unnoticed.
//
// A case has exactly one of an access (action and resource), event and
// accesses. Unknown and duplicate fields are errors, and so is an
// expectation of the wrong kind (delivered for an access); paths, a
// statement beyond the policy, and malformed resources are checked before
// any case runs. Every problem is reported at once, as an ErrorList whose
// errors give the file, line and column, and the path of the value, such as
// "cases[2].expect". YAML anchors, aliases and merge keys ("<<") may share
// values between cases.
//
// # Running
//
// A case passes when its decision is the expected one, decided by the
// expected statement when the case names one, and indeterminate only when
// the case expects it. [Result] holds the decision with the explanation of
// every access ([policy.Explanation]), and why the case failed.
//
// # Coverage
//
// [Coverage] counts, for each statement of each policy, the cases it
// decided. The coverage of a policy is the share of its statements that
// decided at least one case; a statement that applied but did not decide
// (an allow statement beside an applying deny statement) does not count.
// Tests of the same policy file from several test files add up.
package policytest
