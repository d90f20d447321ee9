package policy

import (
	"fmt"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/ldpolicy/ldpolicy/match"
	"github.com/ldpolicy/ldpolicy/resource"
)

func load(t testing.TB, src string, opts Options) *Set {
	t.Helper()
	set, err := Load("test.json", []byte(src), opts)
	if err != nil {
		t.Fatalf("Load(%s): %v", src, err)
	}
	return set
}

// outcome is a Decision as the tests compare it.
type outcome struct {
	Effect        Effect
	Statement     int
	Indeterminate bool
}

func TestDecide(t *testing.T) {
	const (
		productionFlags = `[{"effect":"allow","actions":["*"],"resources":["proj/*:env/production:flag/*"]}]`
		denyOverrides   = `[
			{"effect":"allow","actions":["*"],"resources":["proj/*:env/*:flag/*"]},
			{"effect":"deny","actions":["*"],"resources":["proj/*:env/production:flag/*"]}]`
		denyOverridesReversed = `[
			{"effect":"deny","actions":["*"],"resources":["proj/*:env/production:flag/*"]},
			{"effect":"allow","actions":["*"],"resources":["proj/*:env/*:flag/*"]}]`
		twoDenies = `[
			{"effect":"allow","actions":["*"],"resources":["*"]},
			{"effect":"deny","actions":["update*"],"resources":["proj/*:env/*:flag/*"]},
			{"effect":"deny","actions":["*"],"resources":["proj/*:env/production:flag/*"]}]`
		allowNotResources = `[{"effect":"allow","actions":["*"],"notResources":["proj/*:env/production:flag/*"]}]`
		allowNotActions   = `[{"effect":"allow","notActions":["deleteFlag"],"resources":["proj/*:env/*:flag/*"]}]`
		bothNot           = `[{"effect":"allow","notActions":["deleteFlag"],"notResources":["proj/secret:env/*:flag/*"]}]`
		critical          = `[{"effect":"allow","actions":["*"],"resources":["proj/*:env/*;{critical:true}:flag/*"]}]`
		allowButDenyQA    = `[
			{"effect":"allow","actions":["*"],"resources":["proj/*:env/*:flag/*"]},
			{"effect":"deny","actions":["*"],"resources":["proj/*:env/*;qa_*:flag/*"]}]`
		denyOutsideQA = `[
			{"effect":"allow","actions":["*"],"resources":["proj/*:env/*:flag/*"]},
			{"effect":"deny","actions":["*"],"notResources":["proj/*:env/*;qa_*:flag/*"]}]`
		unknownThenDefinite = `[
			{"effect":"deny","actions":["*"],"notResources":["proj/*:env/*;qa_*:flag/*"]},
			{"effect":"deny","actions":["*"],"resources":["proj/*:env/production:flag/*"]}]`
		twoAllows = `[
			{"effect":"allow","actions":["*"],"resources":["proj/*:env/*;qa_*:flag/*"]},
			{"effect":"allow","actions":["*"],"resources":["proj/*:env/production:flag/*"]}]`
		roleAttr       = `[{"effect":"allow","actions":["*"],"resources":["proj/${roleAttribute/projects}:env/*:flag/*"]}]`
		roleAttrNotRes = `[{"effect":"allow","actions":["*"],"notResources":["proj/${roleAttribute/projects}:env/*:flag/*"]}]`
		// LaunchDarkly's Terraform example of a team role mapping.
		roleAttrTag = `[{"effect":"allow","actions":["*"],"resources":["proj/*;${roleAttribute/domain}"]}]`
		ipAllowlist = `[{"effect":"allow","actions":["viewIpAllowlist"],"resources":["ip-allowlist"]}]`
	)
	attrs := Options{Attributes: map[string][]string{"projects": {"alpha"}}}
	patterns := Options{Attributes: map[string][]string{"projects": {"team-*", "ops"}, "domain": {"DomainX", "shared-*"}}}
	tests := []struct {
		name, policy     string
		opts             Options
		action, resource string
		want             outcome
	}{
		{"filter allows", productionFlags, Options{}, "updateOn", "proj/default:env/production:flag/dark-mode", outcome{Allow, 0, false}},
		{"default deny", productionFlags, Options{}, "updateOn", "proj/default:env/test:flag/dark-mode", outcome{Deny, -1, false}},
		{"no hierarchy", productionFlags, Options{}, "updateName", "proj/default:env/production", outcome{Deny, -1, false}},
		{"deny overrides allow", denyOverrides, Options{}, "updateOn", "proj/p:env/production:flag/f", outcome{Deny, 1, false}},
		{"allow where no deny", denyOverrides, Options{}, "updateOn", "proj/p:env/test:flag/f", outcome{Allow, 0, false}},
		{"order does not matter", denyOverridesReversed, Options{}, "updateOn", "proj/p:env/production:flag/f", outcome{Deny, 0, false}},
		{"order does not matter, allow", denyOverridesReversed, Options{}, "updateOn", "proj/p:env/test:flag/f", outcome{Allow, 1, false}},
		{"first deciding statement by index", twoDenies, Options{}, "updateOn", "proj/p:env/production:flag/f", outcome{Deny, 1, false}},
		{"second deny alone", twoDenies, Options{}, "deleteFlag", "proj/p:env/production:flag/f", outcome{Deny, 2, false}},
		{"actions are case-sensitive", twoDenies, Options{}, "UpdateOn", "proj/p:env/test:flag/f", outcome{Allow, 0, false}},
		{"notResources is the complement over every type and depth", allowNotResources, Options{}, "updateMember", "member/x", outcome{Allow, 0, false}},
		{"notResources excludes", allowNotResources, Options{}, "updateOn", "proj/p:env/production:flag/f", outcome{Deny, -1, false}},
		{"notResources at another depth", allowNotResources, Options{}, "updateOn", "proj/p:env/production", outcome{Allow, 0, false}},
		{"notActions allows the others", allowNotActions, Options{}, "updateOn", "proj/p:env/e:flag/f", outcome{Allow, 0, false}},
		{"notActions excludes", allowNotActions, Options{}, "deleteFlag", "proj/p:env/e:flag/f", outcome{Deny, -1, false}},
		{"notActions and notResources", bothNot, Options{}, "updateOn", "proj/public:env/e:flag/f", outcome{Allow, 0, false}},
		{"notActions and notResources exclude", bothNot, Options{}, "updateOn", "proj/secret:env/e:flag/f", outcome{Deny, -1, false}},
		{"empty webhook policy allows", `[]`, Options{}, "deleteProject", "proj/p", outcome{Allow, -1, false}},
		{"empty role policy denies", `[]`, Options{Context: Role}, "deleteProject", "proj/p", outcome{Deny, -1, false}},
		{"role context decides non-empty policies the same", productionFlags, Options{Context: Role}, "updateOn", "proj/p:env/production:flag/f", outcome{Allow, 0, false}},
		// Unknown metadata.
		{"property known", critical, Options{}, "updateOn", "proj/p:env/e;{critical:true}:flag/f", outcome{Allow, 0, false}},
		{"property known absent", critical, Options{}, "updateOn", "proj/p:env/e;:flag/f", outcome{Deny, -1, false}},
		{"property unknown", critical, Options{}, "updateOn", "proj/p:env/e:flag/f", outcome{Deny, -1, true}},
		{"a deny that may apply", allowButDenyQA, Options{}, "updateOn", "proj/p:env/e:flag/f", outcome{Allow, 0, true}},
		{"a deny that does not apply", allowButDenyQA, Options{}, "updateOn", "proj/p:env/e;prod:flag/f", outcome{Allow, 0, false}},
		{"a deny that applies", allowButDenyQA, Options{}, "updateOn", "proj/p:env/e;qa_1:flag/f", outcome{Deny, 1, false}},
		{"notResources with unknown metadata applies", denyOutsideQA, Options{}, "updateOn", "proj/p:env/e:flag/f", outcome{Deny, 1, true}},
		{"notResources with known metadata", denyOutsideQA, Options{}, "updateOn", "proj/p:env/e;qa_x:flag/f", outcome{Allow, 0, false}},
		{"a definite deny settles it", unknownThenDefinite, Options{}, "updateOn", "proj/p:env/production:flag/f", outcome{Deny, 0, false}},
		{"a definite allow settles it", twoAllows, Options{}, "updateOn", "proj/p:env/production:flag/f", outcome{Allow, 1, false}},
		{"unknown metadata that cannot matter", twoAllows, Options{}, "updateOn", "proj/p:env/e:flag/f;x", outcome{Deny, -1, true}},
		// Role attributes.
		{"bound role attribute", roleAttr, attrs, "updateOn", "proj/alpha:env/e:flag/f", outcome{Allow, 0, false}},
		{"bound role attribute, other key", roleAttr, attrs, "updateOn", "proj/beta:env/e:flag/f", outcome{Deny, -1, false}},
		{"unbound role attribute matches nothing", roleAttr, Options{}, "updateOn", "proj/alpha:env/e:flag/f", outcome{Deny, -1, false}},
		{"unbound role attribute in notResources", roleAttrNotRes, Options{}, "updateOn", "proj/alpha:env/e:flag/f", outcome{Allow, 0, false}},
		{"bound values are patterns", roleAttr, patterns, "updateOn", "proj/team-a:env/e:flag/f", outcome{Allow, 0, false}},
		{"bound values are an OR", roleAttr, patterns, "updateOn", "proj/ops:env/e:flag/f", outcome{Allow, 0, false}},
		{"bound values match whole keys", roleAttr, patterns, "updateOn", "proj/opsx:env/e:flag/f", outcome{Deny, -1, false}},
		{"role attribute as a tag", roleAttrTag, patterns, "updateProjectName", "proj/p;DomainX", outcome{Allow, 0, false}},
		{"role attribute as a tag pattern", roleAttrTag, patterns, "updateProjectName", "proj/p;beta,shared-1", outcome{Allow, 0, false}},
		{"role attribute as a tag, other tag", roleAttrTag, patterns, "updateProjectName", "proj/p;DomainY", outcome{Deny, -1, false}},
		{"role attribute as a tag, unknown tags", roleAttrTag, patterns, "updateProjectName", "proj/p", outcome{Deny, -1, true}},
		{"role attribute as a tag, unbound", roleAttrTag, Options{}, "updateProjectName", "proj/p;DomainX", outcome{Deny, -1, false}},
		// A type alone.
		{"a type alone", ipAllowlist, Options{}, "viewIpAllowlist", "ip-allowlist", outcome{Allow, 0, false}},
		{"a type alone is not the type with a key", ipAllowlist, Options{}, "viewIpAllowlist", "ip-allowlist/x", outcome{Deny, -1, false}},
		// Bare "*".
		{"bare * matches the account", `[{"effect":"allow","actions":["*"],"resources":["*"]}]`, Options{}, "updateOrganization", "acct", outcome{Allow, 0, false}},
		{"lenient typo", `[{"effect":"allow","actions":["*"],"resources":["proj/*:env/*;qa_*:/flag/*"]}]`, Options{Lenient: true}, "updateOn", "proj/p:env/e;qa_1:flag/f", outcome{Allow, 0, false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set := load(t, tt.policy, tt.opts)
			d, err := set.Decide(tt.action, tt.resource)
			if err != nil {
				t.Fatalf("Decide: %v", err)
			}
			if diff := cmp.Diff(tt.want, outcome{d.Effect, d.Statement, d.Indeterminate}); diff != "" {
				t.Errorf("Decide(%q, %q) (-want +have):\n%s", tt.action, tt.resource, diff)
			}
			// The explanation decides the same.
			c, _ := resource.ParseConcrete(tt.resource)
			if e := set.Explain(tt.action, &c); e.Decision != d {
				t.Errorf("Explain decision = %v, Decide = %v", e.Decision, d)
			}
		})
	}
}

func TestDecideMalformedResource(t *testing.T) {
	set := load(t, `[{"effect":"allow","actions":["*"],"resources":["*"]}]`, Options{})
	_, err := set.Decide("updateOn", "proj/p:env/ e")
	if want := "resource: syntax error at offset 11: unexpected whitespace ' '"; err == nil || err.Error() != want {
		t.Errorf("Decide error:\nhave %v\nwant %s", err, want)
	}
}

func TestDecisionJSON(t *testing.T) {
	set := load(t, `[{"effect":"allow","actions":["*"],"resources":["proj/*:env/*;{critical:true}:flag/*"]}]`, Options{})
	tests := []struct {
		resource string
		want     string
	}{
		{"proj/p:env/e;{critical:true}:flag/f", `{"decision":"allow","indeterminate":false,"statement":0,"effect":"allow","reason":"an allow statement applies and no deny statement does"}`},
		{"proj/p:env/e:flag/f", `{"decision":"deny","indeterminate":true,"statement":null,"effect":null,"reason":"no statement applies, so the access is denied by default; tags, properties or views nobody supplied could change this"}`},
	}
	for _, tt := range tests {
		d, err := set.Decide("updateOn", tt.resource)
		if err != nil {
			t.Fatal(err)
		}
		b, err := d.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != tt.want {
			t.Errorf("decision for %q:\nhave %s\nwant %s", tt.resource, b, tt.want)
		}
	}
}

func TestDecideEvent(t *testing.T) {
	const productionFlags = `[{"effect":"allow","actions":["*"],"resources":["proj/*:env/production:flag/*"]}]`
	createFlag := []Access{
		{"createFlag", "proj/default:env/test:flag/new-checkout"},
		{"createFlag", "proj/default:env/production:flag/new-checkout"},
	}
	critical := `[{"effect":"allow","actions":["*"],"resources":["proj/*:env/*;{critical:true}:flag/*"]}]`
	crit, _ := resource.ParseMetadata("{critical:true}")
	resolver := resource.MetadataMap{"proj/p:env/production": crit}

	type delivery struct {
		Delivered, Indeterminate bool
		Access                   int
		Reason                   string
	}
	tests := []struct {
		name, policy string
		opts         Options
		accesses     []Access
		mode         Mode
		resolver     resource.Resolver
		want         delivery
	}{
		{"no filter delivers everything", `[]`, Options{}, createFlag, AnyAccess, nil,
			delivery{true, false, -1, "the policy has no statements: a webhook without a policy filter receives every event"}},
		{"no filter delivers an event without accesses", `{"statements":[]}`, Options{}, nil, AnyAccess, nil,
			delivery{true, false, -1, "the policy has no statements: a webhook without a policy filter receives every event"}},
		{"an empty role grants nothing", `[]`, Options{Context: Role}, createFlag, AnyAccess, nil,
			delivery{false, false, -1, "no access is allowed"}},
		{"no accesses", productionFlags, Options{}, nil, AnyAccess, nil,
			delivery{false, false, -1, "the event has no accesses, and a policy filter delivers only events with an allowed access"}},
		{"any access", productionFlags, Options{}, createFlag, AnyAccess, nil,
			delivery{true, false, 1, "an access is allowed"}},
		{"every access", productionFlags, Options{}, createFlag, EveryAccess, nil,
			delivery{false, false, 0, "an access is denied"}},
		{"every access allowed", productionFlags, Options{}, createFlag[1:], EveryAccess, nil,
			delivery{true, false, -1, "every access is allowed"}},
		{"none allowed", productionFlags, Options{}, createFlag[:1], AnyAccess, nil,
			delivery{false, false, -1, "no access is allowed"}},
		{"indeterminate", critical, Options{}, []Access{{"updateOn", "proj/p:env/production:flag/f"}}, AnyAccess, nil,
			delivery{false, true, -1, "no access is allowed; tags, properties or views nobody supplied could change this"}},
		{"resolved", critical, Options{}, []Access{{"updateOn", "proj/p:env/production:flag/f"}}, AnyAccess, resolver,
			delivery{true, false, 0, "an access is allowed"}},
		{"a definite access settles any", critical, Options{}, []Access{{"updateOn", "proj/p:env/test:flag/f"}, {"updateOn", "proj/p:env/x;{critical:true}:flag/f"}}, AnyAccess, nil,
			delivery{true, false, 1, "an access is allowed"}},
		{"a definite denial settles every", critical, Options{}, []Access{{"updateOn", "proj/p:env/test:flag/f"}, {"updateOn", "proj/p:env/x;:flag/f"}}, EveryAccess, nil,
			delivery{false, false, 0, "an access is denied"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set := load(t, tt.policy, tt.opts)
			var ev Event
			if err := ev.Parse(tt.accesses, tt.resolver); err != nil {
				t.Fatalf("Parse: %v", err)
			}
			decisions, d := set.DecideEvent(nil, &ev, tt.mode)
			if diff := cmp.Diff(tt.want, delivery{d.Delivered, d.Indeterminate, d.Access, d.Reason()}); diff != "" {
				t.Errorf("DecideEvent (-want +have):\n%s", diff)
			}
			// Each decision is DecideConcrete's, and the deciding statement
			// is the deciding access's.
			if len(decisions) != len(tt.accesses) {
				t.Fatalf("DecideEvent: %d decisions for %d accesses", len(decisions), len(tt.accesses))
			}
			for i, a := range tt.accesses {
				c, _ := resource.ParseConcrete(a.Resource)
				if tt.resolver != nil {
					c.Resolve(tt.resolver)
				}
				if want := set.DecideConcrete(a.Action, &c); decisions[i] != want {
					t.Errorf("decision %d = %v, DecideConcrete = %v", i, decisions[i], want)
				}
			}
			if d.Access >= 0 && d.Statement != decisions[d.Access].Statement {
				t.Errorf("Statement = %d, want access %d's %d", d.Statement, d.Access, decisions[d.Access].Statement)
			}
		})
	}

	// A malformed resource is an error wherever it is: after an access
	// that settles the outcome too, and when the policy has no statements.
	const want = `accesses[1]: resource: syntax error at offset 11: unexpected whitespace ' '`
	for _, tt := range []struct {
		policy string
		first  string
		mode   Mode
	}{
		{productionFlags, "proj/p", AnyAccess},
		{productionFlags, "proj/p:env/production:flag/f", AnyAccess}, // allowed: settles AnyAccess
		{productionFlags, "proj/p", EveryAccess},                     // denied: settles EveryAccess
		{`[]`, "proj/p", AnyAccess},
	} {
		set := load(t, tt.policy, Options{})
		var ev Event
		if err := ev.Parse([]Access{{"updateOn", "proj/p"}}, nil); err != nil {
			t.Fatal(err)
		}
		err := ev.Parse([]Access{{"updateOn", tt.first}, {"updateOn", "proj/p:env/ e"}}, nil)
		if err == nil || err.Error() != want {
			t.Errorf("%s, %s first, %v: Parse with a malformed resource:\nhave %v\nwant %s", tt.policy, tt.first, tt.mode, err, want)
		}
		// The Event is left without accesses, not with those of before.
		if decisions, d := set.DecideEvent(nil, &ev, tt.mode); ev.Len() != 0 || len(decisions) != 0 || d.Access != -1 {
			t.Errorf("after a failed Parse: %d accesses, decisions %v, delivery %+v; want none", ev.Len(), decisions, d)
		}
	}
}

func TestExplain(t *testing.T) {
	set := load(t, `[
		{"effect":"allow","actions":["createFlag","update*"],"resources":["proj/*:env/test:flag/*","proj/*:env/production:flag/*"]},
		{"effect":"deny","actions":["deleteFlag"],"resources":["*"]},
		{"effect":"deny","actions":["*"],"notResources":["proj/*:env/*;qa_*:flag/*"]},
		{"effect":"allow","notActions":["viewProject"],"resources":["proj/*:env/*:flag/*;beta"]}
	]`, Options{})
	c, _ := resource.ParseConcrete("proj/p:env/production:flag/f")
	e := set.Explain("updateOn", &c)
	want := []StatementTrace{
		{Statement: 0, Effect: Allow, Applies: match.True, Action: 1, Resource: 1},
		{Statement: 1, Effect: Deny, Applies: match.False, Action: -1, Resource: -1},
		{Statement: 2, Effect: Deny, Applies: match.Unknown.Not(), Action: 0, Resource: 0},
		{Statement: 3, Effect: Allow, Applies: match.Unknown, Action: -1, Resource: 0},
	}
	if diff := cmp.Diff(want, e.Statements); diff != "" {
		t.Errorf("Explain (-want +have):\n%s", diff)
	}
	if want := (Decision{Effect: Deny, Statement: 2, Indeterminate: true, reason: reasonDeny}); e.Decision != want {
		t.Errorf("Explain decision:\nhave %v\nwant %v", e.Decision, want)
	}
}

// benchPolicy is a 10-statement policy with globs, tags, a property, three
// deny statements and a notResources deny.
const benchPolicy = `[
  {"effect":"allow","actions":["*"],"resources":["proj/*:env/production:flag/*"]},
  {"effect":"allow","actions":["update*"],"resources":["proj/mobile-*:env/*;qa_*:flag/*"]},
  {"effect":"allow","actions":["createFlag","deleteFlag"],"resources":["proj/web:env/staging:flag/*"]},
  {"effect":"deny","actions":["deleteFlag"],"resources":["proj/*:env/production:flag/*"]},
  {"effect":"deny","actions":["*"],"resources":["proj/*:env/*:flag/*-internal"]},
  {"effect":"deny","actions":["*"],"notResources":["proj/*","proj/*:env/*","proj/*:env/*:flag/*","proj/*:env/*:segment/*","member/*"]},
  {"effect":"allow","actions":["*"],"resources":["proj/*:env/*;{critical:true}:segment/*"]},
  {"effect":"allow","notActions":["viewProject"],"resources":["proj/*"]},
  {"effect":"allow","actions":["updateName","updateTags"],"resources":["proj/*:env/*"]},
  {"effect":"allow","actions":["*Member*"],"resources":["member/*"]}
]`

var benchProbes = []struct {
	name             string
	action, resource string
	want             Effect
}{
	{"allow", "updateOn", "proj/default:env/production:flag/dark-mode", Allow},
	{"deny", "deleteFlag", "proj/default:env/production:flag/dark-mode", Deny},
	{"nomatch", "updateOn", "proj/default:env/dev:flag/dark-mode", Deny},
}

func TestDecideDoesNotAllocate(t *testing.T) {
	set := load(t, benchPolicy, Options{})
	accesses := []Access{{"createFlag", "proj/p:env/test:flag/f"}, {"createFlag", "proj/p:env/production:flag/f"}}
	resolver := resource.MetadataMap{}
	for _, p := range benchProbes {
		var d Decision
		n := testing.AllocsPerRun(200, func() { d, _ = set.Decide(p.action, p.resource) })
		if n != 0 {
			t.Errorf("Decide(%q, %q) allocates %v times, want 0", p.action, p.resource, n)
		}
		if d.Effect != p.want {
			t.Errorf("Decide(%q, %q) = %v, want %v", p.action, p.resource, d, p.want)
		}
		// The explanation a Decision carries costs nothing either.
		if n := testing.AllocsPerRun(200, func() { _ = d.Reason() }); n != 0 {
			t.Errorf("Decision.Reason allocates %v times, want 0", n)
		}
	}
	dst := make([]Decision, 0, len(accesses))
	var ev Event
	if n := testing.AllocsPerRun(200, func() {
		if err := ev.Parse(accesses, resolver); err != nil {
			t.Fatal(err)
		}
		set.DecideEvent(dst, &ev, AnyAccess)
	}); n != 0 {
		t.Errorf("Event.Parse and DecideEvent allocate %v times, want 0", n)
	}
}

// TestConcurrentDecide shares one Set between goroutines; run with -race.
func TestConcurrentDecide(t *testing.T) {
	set := load(t, benchPolicy, Options{})
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 500; i++ {
				p := benchProbes[i%len(benchProbes)]
				d, err := set.Decide(p.action, p.resource)
				if err != nil || d.Effect != p.want {
					errs <- fmt.Errorf("Decide(%q, %q) = %v, %v; want %v", p.action, p.resource, d, err, p.want)
					return
				}
				c, _ := resource.ParseConcrete(p.resource)
				set.Explain(p.action, &c)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestProductionFlags(t *testing.T) {
	set, err := Compile(ProductionFlags(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		resource string
		want     Effect
	}{
		{"proj/default:env/production:flag/dark-mode", Allow},
		{"proj/mobile:env/production:flag/x", Allow},
		{"proj/default:env/test:flag/dark-mode", Deny},
		{"proj/default:env/production", Deny},
	} {
		if d, _ := set.Decide("updateOn", tt.resource); d.Effect != tt.want {
			t.Errorf("ProductionFlags decides %q: %v, want %v", tt.resource, d, tt.want)
		}
	}
	// Each call returns a fresh policy.
	p := ProductionFlags()
	p[0].Resources[0] = "changed"
	if ProductionFlags()[0].Resources[0] != "proj/*:env/production:flag/*" {
		t.Errorf("ProductionFlags shares its slices")
	}
}
