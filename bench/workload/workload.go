// Package workload defines the benchmark workloads every engine runs: the
// policies, the probes and their expected decisions, so that each engine is
// held to the same answers before it is timed.
package workload

// W1Policy is the policy of workload W1: ten statements with globs in
// names, three deny statements beside a notResources deny, and a
// notActions allow.
const W1Policy = `[
  {"effect":"allow","actions":["*"],"resources":["proj/*:env/production:flag/*"]},
  {"effect":"allow","actions":["update*"],"resources":["proj/mobile-*:env/*:flag/*"]},
  {"effect":"allow","actions":["createFlag","deleteFlag"],"resources":["proj/web:env/staging:flag/*"]},
  {"effect":"deny","actions":["deleteFlag"],"resources":["proj/*:env/production:flag/*"]},
  {"effect":"deny","actions":["*"],"resources":["proj/*:env/*:flag/*-internal"]},
  {"effect":"deny","actions":["updateOn","updateOffVariation"],"resources":["proj/legacy-*:env/*:flag/*"]},
  {"effect":"deny","actions":["*"],"notResources":["proj/*","proj/*:env/*","proj/*:env/*:flag/*","proj/*:env/*:segment/*","member/*"]},
  {"effect":"allow","notActions":["viewProject"],"resources":["proj/*"]},
  {"effect":"allow","actions":["updateName","updateTags"],"resources":["proj/*:env/*"]},
  {"effect":"allow","actions":["*Member*"],"resources":["member/*"]}
]`

// Probe is one access and the decision LaunchDarkly makes on it under
// W1Policy.
type Probe struct {
	Name     string // short, for benchmark names
	Action   string
	Resource string
	Allow    bool
}

// W1Timed are the probes W1 times: one an allow statement allows, one a
// deny statement denies, one no statement matches.
var W1Timed = []Probe{
	{"allow", "updateOn", "proj/default:env/production:flag/dark-mode", true},
	{"deny", "deleteFlag", "proj/default:env/production:flag/dark-mode", false},
	{"nomatch", "updateOn", "proj/default:env/dev:flag/dark-mode", false},
}

// W1Parity are the probes every engine must decide as ldpolicy does before
// any engine is timed: each statement deciding, and accesses that miss a
// statement by one character or one segment.
var W1Parity = append(append([]Probe(nil), W1Timed...), []Probe{
	{"", "updateTargets", "proj/default:env/production:flag/f", true},
	{"", "deleteFlag", "proj/web:env/production:flag/f", false},
	{"", "deleteFlag", "proj/web:env/staging:flag/f", true},
	{"", "createFlag", "proj/web:env/staging:flag/f", true},
	{"", "updateOn", "proj/web:env/staging:flag/f", false},
	{"", "createFlag", "proj/webs:env/staging:flag/f", false},
	{"", "updateOn", "proj/mobile-ios:env/dev:flag/f", true},
	{"", "updateRules", "proj/mobile-ios:env/qa:flag/f", true},
	{"", "createFlag", "proj/mobile-ios:env/qa:flag/f", false},
	{"", "updateOn", "proj/mobile:env/qa:flag/f", false},
	{"", "updateOn", "proj/default:env/production:flag/x-internal", false},
	{"", "updateOn", "proj/default:env/production:flag/x-internals", true},
	{"", "updateOn", "proj/mobile-ios:env/dev:flag/x-internal", false},
	{"", "updateOn", "proj/legacy-app:env/production:flag/f", false},
	{"", "updateOffVariation", "proj/legacy-app:env/dev:flag/f", false},
	{"", "updateRules", "proj/legacy-app:env/production:flag/f", true},
	{"", "updateName", "proj/p", true},
	{"", "viewProject", "proj/p", false},
	{"", "createProject", "proj/p", true},
	{"", "updateName", "proj/p:env/e", true},
	{"", "updateTags", "proj/p:env/e", true},
	{"", "updateOn", "proj/p:env/e", false},
	{"", "updateOn", "proj/p:env/production", false},
	{"", "updateOn", "proj/p:env/production:segment/s", false},
	{"", "updateMemberRole", "member/m", true},
	{"", "createMember", "member/m", true},
	{"", "deleteMember", "member/m", true},
	{"", "updateName", "member/m", false},
	{"", "updateName", "role/r", false},
	{"", "updateOn", "proj/p:env/production:flag/f:x/y", false},
	{"", "updateOn", "proj/p:env/production:experiment/f", false},
	{"", "updateOn", "proj/p:metric/m", false},
	{"", "updateOn", "webhook/w", false},
}...)
