// Package policy decides LaunchDarkly policy statements: the statements of
// custom roles, and the policy filters of webhooks that decide which
// audit-log events a webhook receives.
//
// A policy is decoded ([ParseFile], [Load] or plain [Statement] values),
// compiled once into a [Set], and then decides any number of accesses
// ([Set.Decide], or [Set.DecideConcrete] for a resource parsed and resolved
// already) and events ([Set.DecideEvent]: every access of an [Event] and
// whether a webhook receives it) without allocating, and explains a
// decision ([Set.Explain]). A Set is immutable and safe for concurrent use.
//
// # Statements
//
// A statement is a JSON object as LaunchDarkly's REST API writes it:
//
//	{"effect": "allow", "actions": ["*"], "resources": ["proj/*:env/production:flag/*"]}
//
// Its rules:
//
//   - effect is "allow" or "deny", exactly (case-sensitive);
//   - exactly one of resources and notResources, and exactly one of actions
//     and notActions, is present; notResources together with notActions is
//     allowed;
//   - a list that is present has at least one element, and every element is
//     a non-empty specifier;
//   - an unknown field is an error, except "not_resources" and "not_actions",
//     the spellings of LaunchDarkly's Terraform provider, which are aliases.
//     A duplicate field is an error. A list field that is null is absent.
//
// A policy file is a JSON array of statements, an object with a
// "statements" array (a webhook as the REST API returns it), or an object
// with a "policy" array (a custom role). A policy held by another kind of
// file, such as the statements of a Terraform resource, is decoded from the
// JSON derived from it with [ParseDerived], positions included. Validation
// reports every problem at once, each with the statement index, the field,
// the list index, the byte offset inside a malformed specifier, and its
// line and column in the file (columns count bytes). See [Error],
// [Location] and [Position].
//
// # Specifiers
//
// Resource specifiers follow the grammar of [resource.Parse]; action
// specifiers are glob patterns ([action.Parse]). Names, tags and actions are
// matched as github.com/gobwas/glob patterns, each against one name or tag,
// case-sensitively. LaunchDarkly documents only "*"; "?", "[...]" and
// "{a,b}" are accepted with their gobwas meaning (a ruling).
//
// A specifier matches only resources with the same number of segments and
// the same types in the same order: there is no hierarchy, so
// "proj/*:env/*" covers environments and not the flags in them. The bare
// "*" matches every resource of every type and depth. Types and scoping are
// not checked: "proj/*:segment/*" is valid and matches only resources of
// exactly that shape. A type written alone is a segment without a name:
// "acct", and "ip-allowlist" as LaunchDarkly writes it; any well-formed type
// parses so ("proj" matches only the resource "proj", which LaunchDarkly
// has not: lint reports it), in specifiers and in the resources of
// accesses alike, and no access is rejected for its type. A specifier that
// ends in ':' or ';', or holds an empty segment or modifier, is an error:
// "proj/*:" is not the project "*:".
//
// "${roleAttribute/KEY}" stands wherever a name or a tag pattern stands:
// "proj/${roleAttribute/projects}:env/*", and "proj/*;${roleAttribute/domain}"
// (LaunchDarkly's Terraform example of a team role mapping) for projects
// with a tag the attribute's values match. Its values are bound in
// [Options.Attributes]; each is a pattern, matched exactly as the text it
// stands for would be ("team-*" matches "team-a"), and a list of values is
// an OR (a ruling). A malformed value is an error that names the attribute.
// Unbound, the specifier matches nothing. "view:" modifiers hold for the
// resources LaunchDarkly links to views: flags, segments and AI configs
// ("proj/*:env/*:segment/*;view:checkout"). The typo
// "proj/*:env/*;qa_*:/flag/*", which appears in LaunchDarkly's own API
// examples, is an error whose message gives the fix; [Options.Lenient]
// reads it as ":flag/" with a warning instead (a ruling).
//
// # Metadata
//
// Tags, property selectors such as "{critical:true}" and "view:" modifiers
// test metadata that LaunchDarkly resolves on its side and never puts in an
// access. The caller supplies it inline in the resource, in the notation of
// specifiers ("proj/p:env/qa;qa_test,{critical:true}:flag/f;beta,view:checkout"),
// or through a [resource.Resolver]. A segment written without ';' has
// unknown metadata; written with ';' (even ';' alone) it has exactly what is
// listed. A resolver may know some kinds of metadata in part, such as a
// flag's tags but not its views (see [resource.Metadata]); what it does not
// know is unknown. A modifier on unknown metadata counts as not holding, as for a
// resource without tags, and the decision is marked indeterminate when
// knowing the metadata could change it: unknown values propagate through
// AND, OR and NOT (Kleene logic), and a decision is definite only when it is
// the same whatever the unknowns are.
//
// # Deciding an access
//
// A statement applies to an access when its action part and its resource
// part both hold (for notActions and notResources: when no listed specifier
// matches). Then:
//
//  1. if a deny statement applies, the access is denied (deny overrides
//     allow);
//  2. otherwise, if an allow statement applies, it is allowed;
//  3. otherwise it is denied (default deny).
//
// Statement order never matters. The [Decision] names the first deciding
// statement by index, for a stable explanation, or none. notResources is the
// complement over all resources of every type and depth: allow "*" with
// notResources ["proj/*:env/production:flag/*"] also allows "member/x".
//
// An empty policy depends on the [Context]: for a webhook (the default) it
// is no filter and allows every access; for a custom role it grants
// nothing and denies every access (a ruling). Non-empty policies decide the
// same in both contexts.
//
// # Delivering an event
//
// A webhook whose policy has no statements receives every event. Otherwise
// an event is delivered when at least one of its accesses is allowed: a
// flag creation has one access per environment, and requiring all of them
// would drop every flag creation under the production-flags filter.
// [EveryAccess] delivers only when every access is allowed instead (a
// ruling). An event with no accesses is not delivered when there is a
// filter. The policy LaunchDarkly's editor pre-fills, allow "*" on
// "proj/*:env/production:flag/*", is [ProductionFlags].
//
// LaunchDarkly does not deliver events in chronological order and may
// deliver one twice (it retries once after a non-2xx answer): order by the
// event's date and de-duplicate by its _id where that matters.
package policy

// ProductionFlags is the policy that LaunchDarkly's webhook editor fills in
// by default: every change to a flag in an environment whose key is
// "production", in any project.
func ProductionFlags() []Statement {
	return []Statement{{Effect: Allow, Actions: []string{"*"}, Resources: []string{"proj/*:env/production:flag/*"}}}
}
