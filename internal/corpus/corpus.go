// Package corpus writes realistic LaunchDarkly audit-log events, for
// benchmarks: about 2 KB each, shaped like the entries of the webhook
// payload schema and of LaunchDarkly's documented examples, with flag
// changes most common, flag creations with one access per environment, and
// a full currentVersion for flags. The same seed gives the same events.
package corpus

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math/rand"
)

var (
	projects = []string{"default", "mobile", "web", "checkout", "platform"}
	envs     = []string{"production", "staging", "test", "qa", "dev"}
	flagActs = []string{"updateOn", "updateTargets", "updateRules", "updateFallthrough", "updateOffVariation", "updatePrerequisites", "updateName", "updateTags"}
	members  = []struct{ id, first, last string }{
		{"507f1f77bcf86cd799439011", "Jane", "Developer"},
		{"548f6741c1efad40031b18ae", "Ariel", "Flores"},
		{"5f1e0b4a2c3d4e0001a1b2c9", "Sam", "Okafor"},
	}
	others = []struct{ kind, action, resource string }{
		{"project", "updateTags", "proj/%s"},
		{"environment", "updateApprovalSettings", "proj/%s:env/%s"},
		{"segment", "updateIncluded", "proj/%s:env/%s:segment/beta-users"},
		{"metric", "updateName", "proj/%s:metric/checkout-conversion"},
		{"member", "updateRole", "member/548f6741c1efad40031b18ae"},
		{"webhook", "updateStatements", "webhook/57be1db38b75bf0772d11384"},
	}
)

// Write writes n events as NDJSON, from the given seed.
func Write(w io.Writer, n int, seed int64) error {
	r := rand.New(rand.NewSource(seed))
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	date := int64(1700000000000)
	for i := 0; i < n; i++ {
		date += int64(r.Intn(60000))
		if err := enc.Encode(entry(r, i, date)); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// Reader returns a reader of n events, written as they are read.
func Reader(n int, seed int64) io.Reader {
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(Write(pw, n, seed)) }()
	return pr
}

type link struct {
	Href string `json:"href"`
	Type string `json:"type"`
}

type access struct {
	Action   string `json:"action"`
	Resource string `json:"resource"`
}

func entry(r *rand.Rand, i int, date int64) map[string]any {
	m := members[r.Intn(len(members))]
	proj := projects[r.Intn(len(projects))]
	env := envs[r.Intn(len(envs))]
	id := fmt.Sprintf("6560%020x", i)
	flag := fmt.Sprintf("flag-%d", r.Intn(500))
	e := map[string]any{
		"_links": map[string]link{
			"canonical": {"/api/v2/flags/" + proj + "/" + flag, "application/json"},
			"parent":    {"/api/v2/auditlog", "application/json"},
			"self":      {"/api/v2/auditlog/" + id, "application/json"},
			"site":      {"/" + proj + "/" + env + "/features/" + flag, "text/html"},
		},
		"_id":        id,
		"_accountId": "5f1e0b4a2c3d4e0001a1b2c3",
		"date":       date,
		"member": map[string]any{
			"_links": map[string]link{
				"parent": {"/api/v2/members", "application/json"},
				"self":   {"/api/v2/members/" + m.id, "application/json"},
			},
			"_id": m.id, "email": fmt.Sprintf("%s@example.com", m.first), "firstName": m.first, "lastName": m.last,
		},
	}
	who := fmt.Sprintf("[%s %s](mailto:%s@example.com)", m.first, m.last, m.first)
	switch n := r.Intn(10); {
	case n < 7: // a flag change, the most common
		act := flagActs[r.Intn(len(flagActs))]
		accesses := []access{{act, fmt.Sprintf("proj/%s:env/%s:flag/%s", proj, env, flag)}}
		verb := "updated"
		if n == 0 { // a creation: one access per environment
			act, verb, accesses = "createFlag", "created", nil
			for _, env := range envs[:3] {
				accesses = append(accesses, access{"createFlag", fmt.Sprintf("proj/%s:env/%s:flag/%s", proj, env, flag)})
			}
		}
		e["kind"], e["name"] = "flag", flag
		e["accesses"] = accesses
		e["titleVerb"] = verb + " the flag"
		e["title"] = fmt.Sprintf("%s %s the flag [%s](https://app.launchdarkly.com/%s/%s/features/%s) in `%s`", who, verb, flag, proj, env, flag, env)
		e["description"] = fmt.Sprintf("- %s: changed the **%s** of **%s** in **%s**", act, act[6:], flag, env)
		e["shortDescription"] = verb + " the flag"
		e["currentVersion"] = flagVersion(r, flag)
		e["target"] = map[string]any{"name": flag, "resources": []string{accesses[0].Resource}}
		if r.Intn(4) == 0 {
			e["comment"] = "Rolling out to the next cohort, see the release plan."
		}
	default:
		o := others[r.Intn(len(others))]
		res := o.resource
		switch o.kind {
		case "project", "metric":
			res = fmt.Sprintf(res, proj)
		case "environment", "segment":
			res = fmt.Sprintf(res, proj, env)
		}
		e["kind"], e["name"] = o.kind, o.kind+" "+proj
		e["accesses"] = []access{{o.action, res}}
		e["titleVerb"] = "updated"
		e["title"] = fmt.Sprintf("%s updated the %s %s", who, o.kind, proj)
		e["description"] = fmt.Sprintf("- %s on %s", o.action, res)
		e["target"] = map[string]any{"name": proj, "resources": []string{res}}
		e["previousVersion"] = map[string]any{"key": proj, "name": proj, "tags": []string{"team-a"}, "description": "As it was before the change, kept for the audit log."}
		e["currentVersion"] = map[string]any{"key": proj, "name": proj, "tags": []string{"team-a", "reviewed"}, "description": "As it is after the change, kept for the audit log."}
	}
	return e
}

func flagVersion(r *rand.Rand, key string) map[string]any {
	tags := []string{"checkout", "beta", "ui", "backend", "experiment"}
	return map[string]any{
		"key": key, "name": key, "kind": "boolean", "on": r.Intn(2) == 0,
		"tags": tags[:1+r.Intn(len(tags))],
		"variations": []map[string]any{
			{"_id": "e432f62b-55f6-49dd-a02f-eb24acf39d05", "value": true, "name": "Enabled"},
			{"_id": "a00bf58d-d252-476c-b915-15a74becacb4", "value": false, "name": "Disabled"},
		},
		"fallthrough": map[string]any{"rollout": map[string]any{"variations": []map[string]any{
			{"variation": 0, "weight": 25000 + r.Intn(50000)}, {"variation": 1, "weight": 50000},
		}, "bucketBy": "key", "contextKind": "user"}},
		"offVariation": 1,
		"rules": []map[string]any{{
			"_id":       "6ea2ca9a-7d8e-4d48-9b31-5c2cc7d0f2a7",
			"variation": 0,
			"clauses": []map[string]any{{
				"_id": "2e9a2a1a-5f1c-4c36-8f8a-7d0a1d9c6b2e", "attribute": "email", "op": "endsWith",
				"values": []string{"@example.com"}, "contextKind": "user", "negate": false,
			}},
			"trackEvents": false, "description": "Internal users",
		}},
		"targets":                []map[string]any{{"values": []string{"user-1", "user-2", "user-3"}, "variation": 0, "contextKind": "user"}},
		"prerequisites":          []any{},
		"salt":                   "0b3b7a2e4c9d4f1e8a6b5c4d3e2f1a0b",
		"version":                1 + r.Intn(300),
		"temporary":              true,
		"clientSideAvailability": map[string]bool{"usingMobileKey": false, "usingEnvironmentId": true},
	}
}
