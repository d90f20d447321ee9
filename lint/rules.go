package lint

// Rule is a kind of finding.
type Rule struct {
	Code     string   // "LDP101"
	Severity Severity // the severity of its findings
	// Summary says in one line what the rule finds.
	Summary string
	// Example is a statement, or the part of one, that the rule reports.
	Example string
	// Help says why it matters and what to write instead.
	Help string
	// Probed marks a rule decided by trying representative accesses
	// (internal/probe) rather than proven: its messages say "seems".
	Probed bool
}

// Codes of the rules. LDP0xx are the problems LaunchDarkly rejects,
// LDP1xx are about one specifier, LDP2xx about statements together.
const (
	codeFile        = "LDP001"
	codeStatement   = "LDP002"
	codeEffect      = "LDP003"
	codeList        = "LDP004"
	codeResource    = "LDP005"
	codeAction      = "LDP006"
	codeTypo        = "LDP007"
	codeSuppression = "LDP008"
	codeSource      = "LDP009"

	codeHierarchy     = "LDP101"
	codeUnknownAction = "LDP102"
	codeUnknownType   = "LDP103"
	codeScoping       = "LDP104"
	codeGlob          = "LDP105"
	codeNotKey        = "LDP106"
	codeUnbound       = "LDP107"
	codeModifier      = "LDP108"
	codeAlone         = "LDP109"
	codeViewCase      = "LDP110"
	codeValue         = "LDP111"

	codeTooLarge   = "LDP200"
	codeNever      = "LDP201"
	codeRedundant  = "LDP202"
	codeOverridden = "LDP203"
	codeNothing    = "LDP204"
	codeBroad      = "LDP205"
	codeElement    = "LDP206"
	codeEmpty      = "LDP207"
	codeBase       = "LDP208"
)

var rules = []Rule{
	{codeFile, Error, "not a policy file: malformed JSON, or not an array of statements, a webhook or a custom role",
		`{"statements": {"effect": "allow"}}`,
		"A policy file is a JSON array of statements, an object with a \"statements\" array (a webhook as the REST API returns it) or an object with a \"policy\" array (a custom role).", false},
	{codeStatement, Error, "malformed statement: not an object, an unknown or duplicate field, or a value of the wrong JSON type",
		`{"effect": "allow", "actions": ["*"], "resource": ["proj/*"]}`,
		"LaunchDarkly rejects unknown fields; the message names the field that was probably meant. \"not_resources\" and \"not_actions\", as Terraform writes them, are accepted.", false},
	{codeEffect, Error, `effect missing, or not exactly "allow" or "deny"`,
		`{"effect": "Allow", ...}`,
		"Effects are case-sensitive: write \"allow\" or \"deny\".", false},
	{codeList, Error, "resources or actions missing, both given with their not- form, or empty, or an empty element",
		`{"effect": "allow", "actions": [], "resources": ["proj/*"]}`,
		"A statement has exactly one of resources and notResources and exactly one of actions and notActions, each a list of at least one non-empty string.", false},
	{codeResource, Error, "malformed resource specifier",
		`"proj/*:env/*;{critical:true:flag/*"`,
		"The caret points at the byte at fault. A specifier is segments type/name separated by \":\", each with optional \";\" modifiers.", false},
	{codeAction, Error, "malformed action specifier",
		`"update On"`,
		"An action specifier is an action name or a pattern with \"*\", without whitespace.", false},
	{codeTypo, Error, `the typo ":/type/" of LaunchDarkly's own API examples (a warning in the lenient mode)`,
		`"proj/*:env/*;qa_*:/flag/*"`,
		"Write \":flag/\": the \"/\" after \":\" is stray. LaunchDarkly's API documentation shows the typo; the lenient mode reads it as meant. \"ldpolicy check --fix\" removes the \"/\".", false},
	{codeSuppression, Info, "a suppression that matched no finding",
		"LDP202 statements[9]",
		"The suppression file lists a code, or a code and a path, that no finding of the file has any more: remove the line.", false},
	{codeSource, Error, "a policy of a Terraform source that cannot be read without running Terraform: a variable, a reference or a function where the policy needs a value, or a syntax error",
		`resources = ["proj/${var.project}:env/*"]`,
		"Policies are read from .tf files statically, as they are written: literal values, jsonencode(…) of them and file(…). A value that Terraform knows only when it runs cannot be checked or decided, and is never skipped: the finding is at the expression, and names it. Check the output of \"terraform show -json\" (a plan or the state) instead, whose values Terraform resolved. It cannot be suppressed: the policy was not checked.", false},

	{codeHierarchy, Warning, "no action of the statement applies to the type of this resource (specifiers have no hierarchy)",
		`{"actions": ["updateOn"], "resources": ["proj/*:env/production"]}`,
		"A specifier covers resources of exactly its own depth: \"proj/*:env/production\" covers environments, not the flags in them. Every action listed is documented only for other types, so the statement never applies to this resource. Name the level the actions act on: \"proj/*:env/production:flag/*\". A warning, not an error: LaunchDarkly accepts the statement, and which types an action applies to comes from the catalogue, a snapshot.", false},
	{codeUnknownAction, Warning, "an action the catalogue does not document, or a pattern that matches none",
		`{"actions": ["updateOnn"], ...}`,
		"Actions are case-sensitive and matched exactly. The message suggests the nearest documented action. A warning, not an error: LaunchDarkly adds actions over time and the catalogue is a snapshot.", false},
	{codeUnknownType, Warning, "a resource type the catalogue does not document",
		`"proj/*:environment/*"`,
		"A specifier with an unknown type matches only resources of exactly that type, which may not exist. The message suggests the nearest documented type. A warning: LaunchDarkly adds types over time.", false},
	{codeScoping, Warning, "a chain of types that no resource has",
		`"proj/*:segment/*"`,
		"Each type is scoped in a fixed way (segments are in an environment of a project: \"proj/*:env/*:segment/*\"); a specifier of another shape matches nothing. A warning: the catalogue is a snapshot.", false},
	{codeGlob, Warning, `glob syntax beyond "*" ("?", "[...]", "{a,b}", "\")`,
		`"proj/{web,mobile}"`,
		"LaunchDarkly documents only \"*\" in patterns; ldpolicy gives the others their github.com/gobwas/glob meaning, which LaunchDarkly may not share. List the alternatives as separate elements.", false},
	{codeNotKey, Warning, "a literal name, tag or view that no LaunchDarkly key or tag can be",
		`"proj/web,mobile"`,
		"Keys are letters, digits, \"_\", \".\" and \"-\", starting with a letter or digit; tags are 1 to 64 of those characters. A comma inside a name is literal: it does not list two names.", false},
	{codeUnbound, Warning, "a role attribute with no value bound",
		`"proj/${roleAttribute/projects}:env/*"`,
		"Unbound, the specifier matches nothing. LaunchDarkly binds role attributes per member when the role is assigned; webhook policies have none. Bind it to check the policy as a member would have it.", false},
	{codeModifier, Warning, "a property selector or view on a resource that has no such property or views",
		`"proj/*:env/*;{critical:yes}"`,
		"LaunchDarkly documents the property selectors {critical:true} and {critical:false} on environments, and \"view:\" on flags, segments and AI configs; any other never holds.", false},
	{codeAlone, Error, "a type written alone, without a name, that the catalogue gives a key",
		`"proj"`,
		"A type written alone stands for a resource without a key, as \"acct\" and \"ip-allowlist\" are; the catalogue documents resources of this type with keys, so no resource matches. Name them: \"proj/*\" for every project.", false},
	{codeViewCase, Warning, "a view key or pattern with upper-case letters, which no view key has",
		`"proj/*:env/*:flag/*;view:Checkout"`,
		"LaunchDarkly stores view keys in lower case, and patterns match case-sensitively, so a \"view:\" pattern with an upper-case letter never holds. Write it in lower case: \"ldpolicy check --fix\" does.", false},
	{codeValue, Error, "a role attribute bound to a malformed value",
		`"proj/${roleAttribute/teams}" with teams bound to "team:a"`,
		"A value bound to a role attribute is one pattern, matched exactly as the text it stands for would be (\"team-*\" matches \"team-a\"), and a list of values is an OR. A value with whitespace, \":\", \";\", a \",\" outside {...} or malformed glob syntax can stand for no name or tag; the policy does not compile with it.", false},

	{codeTooLarge, Warning, "the statements were not all compared: the policy is too large, or its patterns too complex, for the analysis budget",
		`"proj/{*a,*b}{*a,*b}{*a,*b}...:env/*:flag/*", a thousand brace groups`,
		"The comparison of the statements (LDP201 to LDP204, LDP206) tries representative accesses for every name and action of the policy, and stops when they would be more than 65,536 or the work more than its budget, so that no policy decides how long a check takes. The message says what was not checked, and points at the pattern that costs the most when one does: brace groups with stars, and '?' after a star, make each match cost in proportion to the pattern's length. A warning, since the policy was not fully checked: simplify the pattern, list its alternatives as separate elements, or split the policy.", false},
	{codeNever, Warning, "a statement that never applies",
		`{"effect": "allow", "notActions": ["*"], ...}`,
		"No access falls under the statement: it does nothing. Decided by trying accesses that exercise every name, tag and action of the policy, unless the message gives a proof.", true},
	{codeRedundant, Info, "a statement made redundant by others of the same effect",
		`allow * on "proj/*:env/*:flag/*", then allow updateOn on "proj/*:env/production:flag/*"`,
		"Every access the statement applies to is covered by other statements with the same effect, so removing it changes no decision. Decided by trying representative accesses.", true},
	{codeOverridden, Warning, "an allow statement that deny statements fully override",
		`deny * on "proj/*:env/*:flag/*", allow updateOn on "proj/*:env/production:flag/*"`,
		"Deny overrides allow whatever the order: every access the allow applies to is denied, so it grants nothing. Decided by trying representative accesses.", true},
	{codeNothing, Warning, "a policy that allows nothing: a webhook that receives no event, a role with no_access base permissions that grants nothing on its own",
		`[{"effect": "deny", "actions": ["deleteFlag"], "resources": ["proj/*:env/*:flag/*"]}]`,
		"Access is denied by default; deny statements only take away what allow statements of the same policy give. A webhook filter of deny statements only receives no event: LaunchDarkly accepts it, and its Terraform Cloud integration ships one as its default policy, so it is a warning. A custom role is reported only when its base permissions are no_access (\"reader\" grants every view action): a member's roles are cumulative, so a deny-only role takes nothing away from the member's other roles. Add an allow statement, such as allow \"*\" on \"proj/*:env/*:flag/*\", for the deny to take away from.", true},
	{codeBroad, Warning, "allow with notResources or notActions, which grants far more than it names",
		`{"effect": "allow", "actions": ["*"], "notResources": ["proj/*:env/production:flag/*"]}`,
		"notResources is the complement over every resource of every type and depth: the example also allows members, roles and the account. notActions allows every action not listed, including those LaunchDarkly adds later. List what to allow instead, or add the deny this stands for.", false},
	{codeElement, Info, "an element covered by another element of the same list",
		`"actions": ["*", "updateOn"]`,
		"The element adds nothing to its list: remove it. Decided by trying representative accesses, unless it repeats another element.", true},
	{codeEmpty, Info, "a policy without statements",
		`{"url": "https://example.com/hook", "statements": []}`,
		"A webhook without statements has no filter and receives every event; a custom role without statements grants only its base permissions (with no_access, nothing: that is LDP204).", false},
	{codeBase, Info, "a custom role that does not give its base permissions: no_access is assumed",
		`{"key": "qa", "name": "QA", "policy": [...]}`,
		"A custom role grants its base permissions beside its statements: \"reader\" grants every view action, \"no_access\" nothing. Without \"basePermissions\" the role is checked as \"no_access\", the default of LaunchDarkly's REST API; Terraform's default is \"reader\". A list of statements checked as a role (--role) has no base permissions either.", false},
}

// Rules returns every rule, in order of code.
func Rules() []Rule { return append([]Rule{}, rules...) }

// LookupRule returns the rule with the given code.
func LookupRule(code string) (Rule, bool) {
	for _, r := range rules {
		if r.Code == code {
			return r, true
		}
	}
	return Rule{}, false
}
