package policy

import (
	"encoding/json"
	"testing"
)

func TestElementSpan(t *testing.T) {
	src := "[\n" +
		`  {"effect": "allow", "actions": ["*", "update\u004fn"], "resources": ["proj/*", "proj/é:env/\"b\""]},` + "\n" +
		`  {"effect": "deny", "not_actions": ["x"], "notResources": [""]}` + "\n" +
		"]"
	f, err := ParseFile("p.json", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		stmt  int
		field string
		index int
		want  string // the literal as written; "" for no span
	}{
		{0, "actions", 0, `"*"`},
		{0, "actions", 1, `"update\u004fn"`},
		{0, "resources", 0, `"proj/*"`},
		{0, "resources", 1, `"proj/é:env/\"b\""`},
		{1, "notActions", 0, `"x"`}, // spelt not_actions
		{1, "not_actions", 0, `"x"`},
		{1, "not_resources", 0, `""`},
		{0, "actions", 2, ""},
		{0, "actions", -1, ""},
		{0, "notResources", 0, ""}, // absent
		{0, "effect", 0, ""},
		{0, "Actions", 0, ""},
		{2, "actions", 0, ""},
		{-1, "actions", 0, ""},
	}
	for _, tt := range tests {
		start, end, ok := f.ElementSpan(tt.stmt, tt.field, tt.index)
		if !ok {
			if tt.want != "" {
				t.Errorf("ElementSpan(%d, %q, %d): no span, want %s", tt.stmt, tt.field, tt.index, tt.want)
			}
			continue
		}
		have := src[start:end]
		if have != tt.want {
			t.Errorf("ElementSpan(%d, %q, %d) = %q, want %q", tt.stmt, tt.field, tt.index, have, tt.want)
			continue
		}
		// The literal decodes to the element, and starts where Position
		// puts the element.
		var v string
		if err := json.Unmarshal([]byte(have), &v); err != nil {
			t.Errorf("ElementSpan(%d, %q, %d): %q: %v", tt.stmt, tt.field, tt.index, have, err)
		} else if el := f.Statements[tt.stmt].list(fieldID(tt.field))[tt.index]; v != el {
			t.Errorf("ElementSpan(%d, %q, %d): %q decodes to %q, the element is %q", tt.stmt, tt.field, tt.index, have, v, el)
		}
		if pos := f.Position(tt.stmt, tt.field, tt.index, -1); pos.Offset != start {
			t.Errorf("ElementSpan(%d, %q, %d) starts at %d, Position at %d", tt.stmt, tt.field, tt.index, start, pos.Offset)
		}
	}

	// A policy not decoded from a source has no spans.
	built := &File{Statements: []Statement{{Effect: Allow, Actions: []string{"*"}, Resources: []string{"*"}}}}
	if _, _, ok := built.ElementSpan(0, "actions", 0); ok {
		t.Error("a File built by hand has a span")
	}
}
