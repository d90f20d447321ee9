package w1

import (
	"github.com/casbin/casbin/v2"
	"github.com/casbin/casbin/v2/model"
)

// casbinModel is a Casbin model for LaunchDarkly statements: a request is
// (action, resource); a policy row is one statement, with its effect, its
// action glob and resource glob, and whether each is negated (notActions,
// notResources). The effect is Casbin's deny-override: allowed when some
// row allows and none denies.
//
// Matching uses Casbin's built-in globMatch (bmatcuk/doublestar), whose '*'
// stops at '/' rather than ':'. For well-formed LaunchDarkly resources that
// is exact: every segment holds exactly one '/' and keys hold neither '/'
// nor ':', so the '/'-separated path components of a specifier and of a
// resource pair up as name:type pieces, and a '*' in a name piece cannot
// reach past the one ':' there. A list of globs is one doublestar
// alternative, {a,b,...}, so that a row stays a statement (the complement
// of a list is not a union of rows).
const casbinModel = `
[request_definition]
r = act, res

[policy_definition]
p = eft, act, res, act_kind, res_kind

[policy_effect]
e = some(where (p.eft == allow)) && !some(where (p.eft == deny))

[matchers]
m = globMatch(r.act, p.act) == (p.act_kind == "actions") && globMatch(r.res, p.res) == (p.res_kind == "resources")
`

// casbinPolicy is W1Policy as Casbin policy rows, in statement order.
var casbinPolicy = [][]string{
	{"allow", "*", "proj/*:env/production:flag/*", "actions", "resources"},
	{"allow", "update*", "proj/mobile-*:env/*:flag/*", "actions", "resources"},
	{"allow", "{createFlag,deleteFlag}", "proj/web:env/staging:flag/*", "actions", "resources"},
	{"deny", "deleteFlag", "proj/*:env/production:flag/*", "actions", "resources"},
	{"deny", "*", "proj/*:env/*:flag/*-internal", "actions", "resources"},
	{"deny", "{updateOn,updateOffVariation}", "proj/legacy-*:env/*:flag/*", "actions", "resources"},
	{"deny", "*", "{proj/*,proj/*:env/*,proj/*:env/*:flag/*,proj/*:env/*:segment/*,member/*}", "actions", "notResources"},
	{"allow", "viewProject", "proj/*", "notActions", "resources"},
	{"allow", "{updateName,updateTags}", "proj/*:env/*", "actions", "resources"},
	{"allow", "*Member*", "member/*", "actions", "resources"},
}

type casbinEngine struct{ e *casbin.Enforcer }

func newCasbin() (Engine, error) {
	m, err := model.NewModelFromString(casbinModel)
	if err != nil {
		return nil, err
	}
	e, err := casbin.NewEnforcer(m)
	if err != nil {
		return nil, err
	}
	if _, err := e.AddPolicies(casbinPolicy); err != nil {
		return nil, err
	}
	return &casbinEngine{e}, nil
}

func (*casbinEngine) Name() string { return "casbin" }

func (e *casbinEngine) Allowed(action, resource string) bool {
	ok, err := e.e.Enforce(action, resource)
	return err == nil && ok
}
