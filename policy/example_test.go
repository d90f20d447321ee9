package policy_test

import (
	"fmt"
	"log"

	"github.com/ldpolicy/ldpolicy/policy"
	"github.com/ldpolicy/ldpolicy/resource"
)

func ExampleCompile() {
	set, err := policy.Compile([]policy.Statement{
		{Effect: policy.Allow, Actions: []string{"*"}, Resources: []string{"proj/*:env/production:flag/*"}},
		{Effect: policy.Deny, Actions: []string{"deleteFlag"}, Resources: []string{"proj/*:env/*:flag/*"}},
	}, policy.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, a := range []policy.Access{
		{Action: "updateOn", Resource: "proj/default:env/production:flag/dark-mode"},
		{Action: "deleteFlag", Resource: "proj/default:env/production:flag/dark-mode"},
		{Action: "updateOn", Resource: "proj/default:env/test:flag/dark-mode"},
	} {
		d, err := set.Decide(a.Action, a.Resource)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%-10s %-5s statement %2d: %s\n", a.Action, d.Effect, d.Statement, d.Reason())
	}
	// Output:
	// updateOn   allow statement  0: an allow statement applies and no deny statement does
	// deleteFlag deny  statement  1: a deny statement applies, and deny overrides allow
	// updateOn   deny  statement -1: no statement applies, so the access is denied by default
}

// Load reports every problem of a policy file at once, with its position.
func ExampleLoad_error() {
	src := []byte(`[
  {"effect": "Allow", "actions": ["*"], "resources": ["proj/*:env/*;qa_*:/flag/*"]},
  {"effect": "deny", "resource": ["proj/*"], "actions": ["*"]}
]`)
	_, err := policy.Load("webhook.json", src, policy.Options{})
	if errs, ok := err.(policy.ErrorList); ok {
		for _, e := range errs {
			fmt.Println(e)
		}
	}
	// Output:
	// webhook.json:2:14: statements[0].effect: expected "allow" or "deny", found "Allow" (effects are case-sensitive: write "allow")
	// webhook.json:2:74: statements[0].resources[0]: stray "/" after ":": did you mean ":flag/*"?
	// webhook.json:3:3: statements[1]: missing "resources" or "notResources"
	// webhook.json:3:22: statements[1].resource: unknown field "resource" (did you mean "resources"?)
}

// A webhook receives an event when at least one of its accesses is allowed.
func ExampleSet_DecideEvent() {
	set, _ := policy.Compile(policy.ProductionFlags(), policy.Options{})
	createFlag := []policy.Access{
		{Action: "createFlag", Resource: "proj/default:env/test:flag/new-checkout"},
		{Action: "createFlag", Resource: "proj/default:env/production:flag/new-checkout"},
	}
	var ev policy.Event // parsed once, decided in both modes
	if err := ev.Parse(createFlag, nil); err != nil {
		fmt.Println(err)
		return
	}
	for _, mode := range []policy.Mode{policy.AnyAccess, policy.EveryAccess} {
		decisions, d := set.DecideEvent(nil, &ev, mode)
		fmt.Printf("%s: delivered=%v access=%d statement=%d: %s\n", mode, d.Delivered, d.Access, d.Statement, d.Reason())
		for i, dec := range decisions {
			fmt.Printf("  %s: %s\n", createFlag[i].Resource, dec.Effect)
		}
	}
	// Output:
	// any: delivered=true access=1 statement=0: an access is allowed
	//   proj/default:env/test:flag/new-checkout: deny
	//   proj/default:env/production:flag/new-checkout: allow
	// all: delivered=false access=0 statement=-1: an access is denied
	//   proj/default:env/test:flag/new-checkout: deny
	//   proj/default:env/production:flag/new-checkout: allow
}

// Tags and properties that nobody supplied make a decision indeterminate;
// a resolver supplies them.
func ExampleSet_DecideConcrete() {
	set, _ := policy.Compile([]policy.Statement{
		{Effect: policy.Allow, Actions: []string{"*"}, Resources: []string{"proj/*:env/*;{critical:true}:flag/*"}},
	}, policy.Options{})

	c, _ := resource.ParseConcrete("proj/default:env/production:flag/dark-mode")
	fmt.Println(set.DecideConcrete("updateOn", &c))

	critical, _ := resource.NewMetadata(nil, map[string]string{"critical": "true"}, nil)
	c.Resolve(resource.MetadataMap{"proj/default:env/production": critical})
	fmt.Println(set.DecideConcrete("updateOn", &c))
	// Output:
	// deny (indeterminate): no statement applies, so the access is denied by default; tags, properties or views nobody supplied could change this
	// allow by statement 0: an allow statement applies and no deny statement does
}

func ExampleSet_Explain() {
	set, _ := policy.Compile([]policy.Statement{
		{Effect: policy.Allow, Actions: []string{"createFlag", "update*"}, Resources: []string{"proj/*:env/test:flag/*", "proj/*:env/production:flag/*"}},
		{Effect: policy.Deny, NotActions: []string{"viewProject"}, NotResources: []string{"proj/*:env/*:flag/*"}},
	}, policy.Options{})
	c, _ := resource.ParseConcrete("proj/default:env/production:flag/dark-mode")
	e := set.Explain("updateOn", &c)
	for _, t := range e.Statements {
		fmt.Printf("statement %d (%s): applies=%v action=%d resource=%d\n", t.Statement, t.Effect, t.Applies, t.Action, t.Resource)
	}
	fmt.Println(e.Decision)
	// Output:
	// statement 0 (allow): applies=true action=1 resource=1
	// statement 1 (deny): applies=false action=-1 resource=0
	// allow by statement 0: an allow statement applies and no deny statement does
}

// A member who holds two roles: ops allows every change to production
// flags, qa denies them but has reader base permissions. Roles are
// cumulative: ops's allow stands whatever qa denies, and qa's base
// permissions let the member view anything.
func ExampleNewMember() {
	ops, err := policy.Load("ops.json", []byte(`{"key": "ops", "policy": [
		{"effect": "allow", "actions": ["*"], "resources": ["proj/*:env/production:flag/*"]}]}`),
		policy.Options{Context: policy.Role})
	if err != nil {
		log.Fatal(err)
	}
	qa, err := policy.Load("qa.json", []byte(`{"key": "qa", "basePermissions": "reader", "policy": [
		{"effect": "deny", "actions": ["*"], "resources": ["proj/${roleAttribute/projects}:env/production:flag/*"]}]}`),
		policy.Options{Context: policy.Role, Attributes: map[string][]string{"projects": {"web"}}})
	if err != nil {
		log.Fatal(err)
	}
	member, err := policy.NewMember(
		policy.Grant{Role: "ops", Policy: ops, Base: policy.NoAccess},
		policy.Grant{Role: "qa", Policy: qa, Base: policy.Reader})
	if err != nil {
		log.Fatal(err)
	}
	for _, access := range [][2]string{
		{"updateOn", "proj/web:env/production:flag/dark-mode"},
		{"viewProject", "proj/web"},
		{"deleteFlag", "proj/web:env/staging:flag/dark-mode"},
	} {
		d, err := member.Decide(access[0], access[1])
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(d)
	}
	// Output:
	// allow by role ops, statement 0: an allow statement applies and no deny statement does
	// allow by role qa: the role's base permissions (reader) allow view actions, and no deny statement of the role applies
	// deny: no role allows the access
}
