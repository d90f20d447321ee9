package workload

import (
	"encoding/json"
	"fmt"
	"math/rand"

	"github.com/ldpolicy/ldpolicy/policy"
)

// W2Count and W2Seed are the number of policies workload W2 compiles and the
// seed they are generated from.
const (
	W2Count = 10000
	W2Seed  = 2
)

// W2File is one generated policy file.
type W2File struct {
	Name string
	Data []byte
}

// W2Policies generates n policy files from seed, the same files for the same
// arguments. They are shaped like the webhook policies and custom roles
// LaunchDarkly accounts hold: 1 to 5 statements each, mostly allow
// statements, with the specifiers and actions of LaunchDarkly's
// documentation (production flags, projects and environments chosen by
// glob or tag, members, teams, the account), a few notResources and
// notActions, and now and then a brace alternative or a role attribute.
//
// The files come in the three shapes policy.Load accepts: about 70% a bare
// array of statements, 20% a webhook as the REST API returns it
// ({"statements": [...]}) and 10% a custom role ({"policy": [...]}); half of
// them are indented, the rest compact.
func W2Policies(n int, seed int64) []W2File {
	r := rand.New(rand.NewSource(seed))
	files := make([]W2File, n)
	for i := range files {
		nst := 1 + r.Intn(5)
		stmts := make([]policy.Statement, nst)
		for j := range stmts {
			stmts[j] = w2RandomStatement(r)
		}
		var v any
		shape := r.Intn(10)
		switch {
		case shape < 7:
			v = stmts
		case shape < 9:
			v = w2Webhook{
				ID:         fmt.Sprintf("57be1db38b75bf07%08x", i),
				Name:       "Webhook " + w2Pick(r, w2Projects),
				URL:        fmt.Sprintf("https://hooks.example.com/launchdarkly/%d", i),
				On:         r.Intn(4) != 0,
				Sign:       r.Intn(2) == 0,
				Tags:       []string{"ops", w2Pick(r, w2Teams)}[:1+r.Intn(2)],
				Statements: stmts,
			}
		default:
			v = w2Role{
				Key:         fmt.Sprintf("role-%d", i),
				Name:        "Role " + w2Pick(r, w2Teams),
				Description: "Generated custom role for the W2 benchmark.",
				Policy:      stmts,
			}
		}
		var data []byte
		var err error
		if r.Intn(2) == 0 {
			data, err = json.MarshalIndent(v, "", "  ")
		} else {
			data, err = json.Marshal(v)
		}
		if err != nil {
			panic(err) // plain structs of strings always marshal
		}
		files[i] = W2File{Name: fmt.Sprintf("policy-%05d.json", i), Data: data}
	}
	return files
}

type w2Webhook struct {
	ID         string             `json:"_id"`
	Name       string             `json:"name"`
	URL        string             `json:"url"`
	On         bool               `json:"on"`
	Sign       bool               `json:"sign"`
	Tags       []string           `json:"tags"`
	Statements []policy.Statement `json:"statements"`
}

type w2Role struct {
	Key         string             `json:"key"`
	Name        string             `json:"name"`
	Description string             `json:"description"`
	Policy      []policy.Statement `json:"policy"`
}

var (
	w2Projects = []string{"default", "mobile", "web", "checkout", "platform", "payments", "search", "growth", "data", "internal-tools"}
	w2Envs     = []string{"production", "staging", "test", "qa", "dev", "canary", "eu-production"}
	w2Teams    = []string{"frontend", "backend", "sre", "qa", "growth", "mobile"}
	w2Tags     = []string{"qa_*", "team-*", "critical", "beta", "experiment", "ui", "backend", "release-*"}
	w2Views    = []string{"checkout", "onboarding", "billing"}
	w2Actions  = []string{
		"*", "*", "updateOn", "update*", "update*", "createFlag", "deleteFlag",
		"updateTargets", "updateRules", "updateFallthrough", "updateOffVariation",
		"updatePrerequisites", "updateName", "updateTags", "updateScheduledChanges",
		"createApprovalRequest", "reviewApprovalRequest", "applyApprovalRequest",
		"bypassRequiredApproval", "*Member*", "createMember", "updateMemberRole",
		"viewProject", "createProject", "deleteProject", "updateApprovalSettings",
		"createSegment", "updateIncluded", "updateExcluded", "copyFlagConfigFrom",
		"copyFlagConfigTo", "update*Variation", "*Approval*",
	}
)

// w2Resources make the resource specifiers, weighted by how often each
// form appears: production flags and flags by project are the most common.
var w2Resources = []func(r *rand.Rand) string{
	func(r *rand.Rand) string { return "proj/*:env/production:flag/*" },
	func(r *rand.Rand) string { return "proj/*:env/production:flag/*" },
	func(r *rand.Rand) string {
		return fmt.Sprintf("proj/%s:env/%s:flag/*", w2Pick(r, w2Projects), w2Pick(r, w2Envs))
	},
	func(r *rand.Rand) string {
		return fmt.Sprintf("proj/%s:env/%s:flag/*", w2Pick(r, w2Projects), w2Pick(r, w2Envs))
	},
	func(r *rand.Rand) string {
		return fmt.Sprintf("proj/%s-*:env/*;%s:flag/*", w2Pick(r, w2Projects), w2Pick(r, w2Tags))
	},
	func(r *rand.Rand) string { return "proj/*:env/*;{critical:true}:flag/*" },
	func(r *rand.Rand) string {
		return fmt.Sprintf("proj/%s:env/*:flag/%s-*", w2Pick(r, w2Projects), w2Pick(r, w2Teams))
	},
	func(r *rand.Rand) string {
		return fmt.Sprintf("proj/*:env/%s:flag/*;%s", w2Pick(r, w2Envs), w2Pick(r, w2Tags))
	},
	func(r *rand.Rand) string { return fmt.Sprintf("proj/%s:env/*:segment/*", w2Pick(r, w2Projects)) },
	func(r *rand.Rand) string { return fmt.Sprintf("proj/%s", w2Pick(r, w2Projects)) },
	func(r *rand.Rand) string { return "proj/*" },
	func(r *rand.Rand) string { return "proj/*:env/*" },
	func(r *rand.Rand) string {
		return fmt.Sprintf("proj/%s:env/*;%s", w2Pick(r, w2Projects), w2Pick(r, w2Tags))
	},
	func(r *rand.Rand) string { return fmt.Sprintf("proj/%s:metric/*", w2Pick(r, w2Projects)) },
	func(r *rand.Rand) string { return fmt.Sprintf("proj/*:env/*:flag/*;view:%s", w2Pick(r, w2Views)) },
	func(r *rand.Rand) string {
		return fmt.Sprintf("proj/{%s,%s}:env/production:flag/*", w2Pick(r, w2Projects), w2Pick(r, w2Projects))
	},
	func(r *rand.Rand) string { return "proj/${roleAttribute/projects}:env/*:flag/*" },
	func(r *rand.Rand) string { return "member/*" },
	func(r *rand.Rand) string { return fmt.Sprintf("team/%s", w2Pick(r, w2Teams)) },
	func(r *rand.Rand) string { return "role/*" },
	func(r *rand.Rand) string { return "webhook/*" },
	func(r *rand.Rand) string { return "integration/*" },
	func(r *rand.Rand) string { return "relay-proxy-config/*" },
	func(r *rand.Rand) string { return "acct" },
	func(r *rand.Rand) string { return "*" },
}

func w2RandomStatement(r *rand.Rand) policy.Statement {
	var s policy.Statement
	s.Effect = policy.Allow
	if r.Intn(4) == 0 {
		s.Effect = policy.Deny
	}
	acts := make([]string, 1+r.Intn(4))
	for i := range acts {
		acts[i] = w2Pick(r, w2Actions)
	}
	if r.Intn(12) == 0 {
		s.NotActions = acts
	} else {
		s.Actions = acts
	}
	res := make([]string, 1+r.Intn(3))
	for i := range res {
		res[i] = w2Resources[r.Intn(len(w2Resources))](r)
	}
	if r.Intn(12) == 0 {
		s.NotResources = res
	} else {
		s.Resources = res
	}
	return s
}

func w2Pick(r *rand.Rand, list []string) string { return list[r.Intn(len(list))] }
