package main

import "testing"

func TestNotPolicy(t *testing.T) {
	tests := []struct {
		data, want string
	}{
		{`[]`, ""}, // an empty policy
		{`[{"effect": "allow", "actions": ["*"], "resources": ["*"]}]`, ""},
		{`{"url": "https://example.com", "_id": "1", "kind": "webhook", "statements": []}`, ""},
		{`{"key": "qa", "policy": [], "accesses": []}`, ""},
		{`{}`, ""},
		{`{"statements": []} {"_id": "1", "kind": "flag"}`, ""}, // a policy with more after it: broken
		{`[1] [2]`, ""},
		{`not JSON`, ""},
		{`{"items": []}`, ""},
		{`[{"op": "add"}]`, ""},
		{`{"_id": "1", "kind": "flag"}`, "an audit-log entry"},
		{`{"accesses": [{"action": "updateOn", "resource": "proj/p:env/e:flag/f"}]}`, "an audit-log entry"},
		{"{\"_id\": \"1\", \"kind\": \"flag\"}\n{\"_id\": \"2\", \"kind\": \"flag\"}\n", "NDJSON of audit-log entries"},
		{`[{"_id": "1", "kind": "flag"}, {"accesses": []}]`, "a JSON array of audit-log entries"},
		{`[{"_id": "1", "kind": "flag"}, {"effect": "allow"}]`, ""},
		{`{"items": [{"_id": "1", "kind": "flag"}], "totalCount": 1}`, "an audit-log list response"},
		{`[{"op": "test", "path": "/statements/0", "value": 1}, {"op": "remove", "path": "/statements/1"}]`, "a JSON Patch"},
		{`{"proj/default:env/production": {"tags": ["prod"]}}`, "a metadata file"},
		{`{"proj/default:env/production": 3}`, ""},
	}
	for _, tt := range tests {
		if have := notPolicy([]byte(tt.data)); have != tt.want {
			t.Errorf("notPolicy(%s) = %q, want %q", tt.data, have, tt.want)
		}
	}
}

func TestExclude(t *testing.T) {
	var e excludeFlag
	for _, p := range []string{"events", "legacy/*.json", "*.bak"} {
		if err := e.Set(p); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.Set("[a-"); err == nil {
		t.Error("a malformed pattern is accepted")
	}
	for rel, want := range map[string]bool{
		"events":            true,
		"a/b/events":        true, // the name
		"legacy/old.json":   true, // the path
		"a/legacy/old.json": false,
		"legacy/sub/x.json": false, // "*" matches no "/"
		"x.json.bak":        true,
		"policies/p.json":   false,
	} {
		if have := e.excludes(rel); have != want {
			t.Errorf("excludes(%q) = %v, want %v", rel, have, want)
		}
	}
}
