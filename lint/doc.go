// Package lint finds the mistakes in LaunchDarkly policies that
// LaunchDarkly accepts silently, as well as the ones it rejects: statements
// that name an environment where they mean its flags, misspelt actions and
// types, glob syntax LaunchDarkly does not document, names no key can have,
// statements that never apply, that others make redundant or that a deny
// overrides, and allow statements with notResources or notActions that
// grant far more than they name.
//
// [Check] checks a decoded [policy.File] and [CheckSource] the bytes of one;
// each returns a [Report]: its findings ([Finding]) in file order, and their counts by
// severity. A finding has a stable code (the
// rules below, also listed by [Rules]), a [Severity], a message that says
// what is wrong and what to write instead, often the fix itself, and a
// location ([policy.Location]): the file, line and column, the JSON path
// such as "statements[2].resources[0]", and the byte offset inside the
// specifier.
//
// # Severities
//
// An error is what LaunchDarkly rejects: malformed JSON, a file that is not
// a policy, the validation of statements and the syntax of specifiers
// (LDP001 to LDP007). A warning is what LaunchDarkly accepts but is very
// likely a mistake, and every finding that rests on the catalogue of types
// and actions (LDP101 to LDP104, and the statements LDP201 finds never
// apply): LaunchDarkly adds types and actions every month and the
// catalogue lags behind, so a finding that rests on it never fails a check
// unless warnings are made to ("ldpolicy check --strict"). An info is
// about style, or says what was assumed: a redundant statement or element,
// a policy without statements, the base permissions of a role that does
// not give them.
//
// # Webhooks and custom roles
//
// The same statements are a webhook's policy filter or a custom role's
// policy, and a few findings depend on which (see policy.Context). A file
// that says what it is, a webhook object or a custom role object, is
// checked as that; a bare list of statements is checked in the context of
// Options.Policy, a webhook by default. A custom role is checked with its
// base permissions ([policy.File.RoleBasePermissions]): when the file does
// not give them, "no_access" is assumed, the default of LaunchDarkly's
// REST API, and LDP208 says so. A role with "reader" base permissions
// grants every view action whatever its statements, so only a role with
// "no_access" can grant nothing on its own (LDP204); a webhook that
// receives no event is reported too, as a warning, since LaunchDarkly
// accepts it and ships one (the default policy of its Terraform Cloud
// integration denies every flag change).
//
// # Rules
//
// LDP0xx are the problems LaunchDarkly rejects: the validation errors of
// package policy, each with a code. They cannot be suppressed.
//
//	LDP001 error    not a policy file: malformed JSON, or not an array of statements, a webhook or a custom role
//	                {"statements": {"effect": "allow"}}
//	LDP002 error    malformed statement: not an object, an unknown or duplicate field, or a value of the wrong JSON type
//	                {"effect": "allow", "actions": ["*"], "resource": ["proj/*"]}
//	LDP003 error    effect missing, or not exactly "allow" or "deny"
//	                {"effect": "Allow", ...}
//	LDP004 error    resources or actions missing, both given with their not- form, or empty, or an empty element
//	                {"effect": "allow", "actions": [], "resources": ["proj/*"]}
//	LDP005 error    malformed resource specifier
//	                "proj/*:env/*;{critical:true:flag/*"
//	LDP006 error    malformed action specifier
//	                "update On"
//	LDP007 error    the typo ":/type/" of LaunchDarkly's own API examples (a warning in the lenient mode)
//	                "proj/*:env/*;qa_*:/flag/*"
//	LDP008 info     a suppression that matched no finding
//	                LDP202 statements[9]
//	LDP009 error    a policy of a Terraform source that cannot be read without running Terraform: a variable, a reference or a function where the policy needs a value, or a syntax error
//	                resources = ["proj/${var.project}:env/*"]
//
// LDP009 is not LaunchDarkly's: it is the problem of a policy that package
// terraform could not read from a .tf file (SourceProblem), which is
// therefore not checked at all. It cannot be suppressed either.
//
// LDP1xx are about one specifier, checked against the catalogue of package
// action (LaunchDarkly's documented types, their scoping and actions).
// Since LaunchDarkly adds types and actions over time, they are warnings.
//
//	LDP101 warning  no action of the statement applies to the type of this resource (specifiers have no hierarchy)
//	                {"actions": ["updateOn"], "resources": ["proj/*:env/production"]}
//	LDP102 warning  an action the catalogue does not document, or a pattern that matches none
//	                {"actions": ["updateOnn"], ...}
//	LDP103 warning  a resource type the catalogue does not document
//	                "proj/*:environment/*"
//	LDP104 warning  a chain of types that no resource has
//	                "proj/*:segment/*"
//	LDP105 warning  glob syntax beyond "*" ("?", "[...]", "{a,b}", "\")
//	                "proj/{web,mobile}"
//	LDP106 warning  a literal name, tag or view that no LaunchDarkly key or tag can be
//	                "proj/web,mobile"
//	LDP107 warning  a role attribute with no value bound
//	                "proj/${roleAttribute/projects}:env/*"
//	LDP108 warning  a property selector or view on a resource that has no such property or views
//	                "proj/*:env/*;{critical:yes}"
//	LDP109 error    a type written alone, without a name, that the catalogue gives a key
//	                "proj"
//	LDP110 warning  a view key or pattern with upper-case letters, which no view key has
//	                "proj/*:env/*:flag/*;view:Checkout"
//	LDP111 error    a role attribute bound to a malformed value
//	                "proj/${roleAttribute/teams}" with teams bound to "team:a"
//
// Role attributes stand for names and tag patterns alike
// ("proj/*;${roleAttribute/domain}"): LDP107 reports one that is not
// bound, and LDP111 one bound ([Options].Policy.Attributes) to a value
// that is not one pattern, at every place that names it. "view:" holds
// for flags, segments and AI configs (LDP108 on any other type); LDP110
// reports a view pattern, or a value bound to a role attribute that
// stands for a view, with an upper-case letter, since LaunchDarkly stores
// view keys in lower case. A type written alone ("acct", "ip-allowlist")
// is a resource without a key: LDP109 reports one that the catalogue
// documents with keys ("proj" for "proj/*"), an error, as the catalogue
// will not take keys away from a type; LDP103 one the catalogue does not
// know.
//
// LDP101 fires only when every action of the statement is in the catalogue
// (a pattern counts when it matches documented actions): an unknown action
// might apply to anything. Its fix extends the specifier to the level the
// actions act on ("proj/*:env/production" with flag actions becomes
// "proj/*:env/production:flag/*"), or cuts it to that level.
//
// LDP2xx are about the statements together, on a policy that compiles.
//
//	LDP200 warning  the statements were not all compared: the policy is too large, or its patterns too complex, for the analysis budget
//	                "proj/{*a,*b}{*a,*b}{*a,*b}...:env/*:flag/*", a thousand brace groups
//	LDP201 warning  a statement that never applies
//	                {"effect": "allow", "notActions": ["*"], ...}
//	LDP202 info     a statement made redundant by others of the same effect
//	                allow * on "proj/*:env/*:flag/*", then allow updateOn on "proj/*:env/production:flag/*"
//	LDP203 warning  an allow statement that deny statements fully override
//	                deny * on "proj/*:env/*:flag/*", allow updateOn on "proj/*:env/production:flag/*"
//	LDP204 warning  a policy that allows nothing: a webhook that receives no event, a role with no_access base permissions that grants nothing on its own
//	                [{"effect": "deny", "actions": ["deleteFlag"], "resources": ["proj/*:env/*:flag/*"]}]
//	LDP205 warning  allow with notResources or notActions, which grants far more than it names
//	                {"effect": "allow", "actions": ["*"], "notResources": ["proj/*:env/production:flag/*"]}
//	LDP206 info     an element covered by another element of the same list
//	                "actions": ["*", "updateOn"]
//	LDP207 info     a policy without statements
//	                {"url": "https://example.com/hook", "statements": []}
//	LDP208 info     a custom role that does not give its base permissions: no_access is assumed
//	                {"key": "qa", "name": "QA", "policy": [...]}
//
// # Probing
//
// Whether one statement covers another is a question about every access
// LaunchDarkly could make, which no list holds. LDP201, LDP202, LDP203,
// LDP204 and LDP206 decide it on the accesses of internal/probe, which
// exercise every name, tag, property, view and action of the policy (each
// wildcard replaced by a fresh key, each modifier present and absent, an
// action and a key that no statement names), keeping those LaunchDarkly
// could make: an action documented for the resource's type, or an action
// or type the catalogue does not know. Such findings are not proofs, and
// their messages say "seems" and "found by trying representative
// accesses"; those the text proves (notActions ["*"], a policy without
// allow statements, an element repeated or beside "*") say so plainly.
// Role attributes that are not bound are given a value of their own for
// these checks, so that a role is judged as a member with some value
// would have it.
//
// The comparison is bounded, so that no policy decides how long a check
// takes: at most 512 statements, 65,536 accesses, and a budget of work
// ([Options.Budget], [DefaultBudget]) that every match of a pattern spends
// according to its cost. A specifier of thousands of brace groups with
// stars costs millions of steps a match and exhausts the budget, where
// the policies of this repository's tests and examples use less than a
// hundredth of it. A comparison cut short reports LDP200, a warning, with
// what was not checked and the pattern that costs the most; the findings
// made before it ran out are kept, each decided on complete sets of
// accesses.
//
// A hostile file can have a finding for every few bytes. [Options.MaxFindings]
// keeps only the most severe findings, the
// earliest first, and counts the others by severity, so that the memory
// a check holds does not grow with them.
//
// # Suppressing findings
//
// A finding can be left out by code, in a whole file or at a path and
// everything inside it ([Suppression], [Options.Suppress]). Policy files
// themselves stay as LaunchDarkly's API takes them: its schemas have no
// place for comments, and a webhook or role object with an extra field is
// not what the API returns. Suppressions live beside the file instead, in
// a suppression file read by [ParseSuppressions] ("ldpolicy check" reads
// FILE.lint for FILE), one a line with an optional reason:
//
//	LDP205 statements[0]   everything but production flags, on purpose
//
// A suppression from such a file that matches no finding is reported
// (LDP008), so that stale ones do not pile up.
//
// # Fixes
//
// A finding's Fix is the element at fault as it was probably meant.
// [FixEdits] turns the fixes of a file's findings into [Edit]s of its
// source, which [ApplyEdits] applies ("ldpolicy check --fix"): an edit
// replaces the JSON string of one element, and nothing else of the file.
// Only the fixes of two codes are applied ([Rule.Fixable]): those where
// the element as written can match nothing by LaunchDarkly's own rules, or
// is read as the fix already, and the fix changes only what the message
// names, in the one way those rules allow:
//
//   - LDP007, the ":/flag/" typo: the stray "/" goes. LaunchDarkly rejects
//     the element as written, and the lenient mode reads it as the fix.
//   - LDP110, a view key with upper-case letters: the key is written in
//     lower case. LaunchDarkly stores view keys in lower case, so the
//     element as written matches no view; the fix names the same view in
//     the only case that can match.
//
// The fixes of the other codes are suggestions, left for people to judge:
// LDP102 and LDP103 name the nearest action or type of a catalogue that
// lags LaunchDarkly (the name written may be a newer one, and right);
// LDP104 and LDP109 fill in names nobody wrote with "*", the widest choice
// (every environment, every project), where one key may have been meant;
// LDP101 adds the level most of the actions are for, or gives an example.
package lint
