package w1

import (
	"context"

	"github.com/open-policy-agent/opa/v1/rego"
)

// opaModule is W1Policy as a Rego user writes it: one rule body per
// statement, `deny` for deny statements and `permit` for allow statements,
// and `allow` as deny-overrides with default deny.
//
// Mapping: a resource specifier is glob.match(spec, [":"], input.resource),
// so '*' stays within a segment; an action glob is glob.match(glob, null,
// input.action) (null means no delimiter: an empty array would mean ["."]
// in OPA); a literal action is compared with == or `in` a set. A list is
// several patterns any of which matches (`some p in [...]`); notResources
// and notActions are `not` over that.
const opaModule = `package ldpolicy.w1

default allow := false

allow if {
	not deny
	permit
}

# 0: allow * on proj/*:env/production:flag/*
permit if glob.match("proj/*:env/production:flag/*", [":"], input.resource)

# 1: allow update* on proj/mobile-*:env/*:flag/*
permit if {
	glob.match("update*", null, input.action)
	glob.match("proj/mobile-*:env/*:flag/*", [":"], input.resource)
}

# 2: allow createFlag, deleteFlag on proj/web:env/staging:flag/*
permit if {
	input.action in {"createFlag", "deleteFlag"}
	glob.match("proj/web:env/staging:flag/*", [":"], input.resource)
}

# 3: deny deleteFlag on proj/*:env/production:flag/*
deny if {
	input.action == "deleteFlag"
	glob.match("proj/*:env/production:flag/*", [":"], input.resource)
}

# 4: deny * on proj/*:env/*:flag/*-internal
deny if glob.match("proj/*:env/*:flag/*-internal", [":"], input.resource)

# 5: deny updateOn, updateOffVariation on proj/legacy-*:env/*:flag/*
deny if {
	input.action in {"updateOn", "updateOffVariation"}
	glob.match("proj/legacy-*:env/*:flag/*", [":"], input.resource)
}

# 6: deny * notResources [...]
deny if not known_resource

known_resource if {
	some spec in ["proj/*", "proj/*:env/*", "proj/*:env/*:flag/*", "proj/*:env/*:segment/*", "member/*"]
	glob.match(spec, [":"], input.resource)
}

# 7: allow notActions viewProject on proj/*
permit if {
	input.action != "viewProject"
	glob.match("proj/*", [":"], input.resource)
}

# 8: allow updateName, updateTags on proj/*:env/*
permit if {
	input.action in {"updateName", "updateTags"}
	glob.match("proj/*:env/*", [":"], input.resource)
}

# 9: allow *Member* on member/*
permit if {
	glob.match("*Member*", null, input.action)
	glob.match("member/*", [":"], input.resource)
}
`

type opaEngine struct{ query rego.PreparedEvalQuery }

func newOPA() (Engine, error) {
	q, err := rego.New(
		rego.Query("data.ldpolicy.w1.allow"),
		rego.Module("w1.rego", opaModule),
	).PrepareForEval(context.Background())
	if err != nil {
		return nil, err
	}
	return &opaEngine{q}, nil
}

func (*opaEngine) Name() string { return "opa" }

func (e *opaEngine) Allowed(action, resource string) bool {
	rs, err := e.query.Eval(context.Background(), rego.EvalInput(map[string]any{
		"action":   action,
		"resource": resource,
	}))
	if err != nil || len(rs) != 1 || len(rs[0].Expressions) != 1 {
		return false
	}
	allow, _ := rs[0].Expressions[0].Value.(bool)
	return allow
}
