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
	// Each element, as Location names it, and its literal as written; ""
	// for no span.
	type element struct {
		stmt  int
		field string
		index int
	}
	for el, want := range map[element]string{
		{0, "actions", 0}:       `"*"`,
		{0, "actions", 1}:       `"update\u004fn"`,
		{0, "resources", 0}:     `"proj/*"`,
		{0, "resources", 1}:     `"proj/é:env/\"b\""`,
		{1, "notActions", 0}:    `"x"`, // spelt not_actions
		{1, "not_actions", 0}:   `"x"`,
		{1, "not_resources", 0}: `""`,
		{0, "actions", 2}:       "",
		{0, "actions", -1}:      "",
		{0, "notResources", 0}:  "", // absent
		{0, "effect", 0}:        "",
		{0, "Actions", 0}:       "",
		{2, "actions", 0}:       "",
		{-1, "actions", 0}:      "",
	} {
		start, end, ok := f.ElementSpan(el.stmt, el.field, el.index)
		if !ok {
			if want != "" {
				t.Errorf("ElementSpan%v: no span, want %s", el, want)
			}
			continue
		}
		have := src[start:end]
		if have != want {
			t.Errorf("ElementSpan%v = %q, want %q", el, have, want)
			continue
		}
		// The literal decodes to the element, and starts where Position
		// puts the element.
		var v string
		if err := json.Unmarshal([]byte(have), &v); err != nil {
			t.Errorf("ElementSpan%v: %q: %v", el, have, err)
		} else if value := f.Statements[el.stmt].list(fieldID(el.field))[el.index]; v != value {
			t.Errorf("ElementSpan%v: %q decodes to %q, the element is %q", el, have, v, value)
		}
		if pos := f.Position(el.stmt, el.field, el.index, -1); pos.Offset != start {
			t.Errorf("ElementSpan%v starts at %d, Position at %d", el, start, pos.Offset)
		}
	}

	// A policy not decoded from a source has no spans.
	built := &File{Statements: []Statement{{Effect: Allow, Actions: []string{"*"}, Resources: []string{"*"}}}}
	if _, _, ok := built.ElementSpan(0, "actions", 0); ok {
		t.Error("a File built by hand has a span")
	}
}
