package policy

import "testing"

func TestFilePosition(t *testing.T) {
	src := `{"url": "x", "statements": [
  {"effect": "allow", "actions": ["*"], "resources": ["proj/*", "proj/\u0061:env/b"]},
  {"effect": "deny", "not_actions": ["x"], "not_resources": ["proj/*"]}
]}`
	f, err := ParseFile("w.json", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		stmt          int
		field         string
		index, offset int
		want          string
	}{
		{0, "", -1, -1, "w.json:2:3"},
		{0, "effect", -1, -1, "w.json:2:14"},
		{0, "resources", -1, -1, "w.json:2:54"},
		{0, "resources", 1, -1, "w.json:2:65"},
		{0, "resources", 1, 5, "w.json:2:71"},    // "a" written as \u0061
		{0, "resources", 1, 6, "w.json:2:77"},    // past the escape
		{1, "notResources", 0, 0, "w.json:3:63"}, // spelled not_resources
		{1, "not_actions", -1, -1, "w.json:3:37"},
		{1, "resources", 0, -1, "w.json:3:3"}, // absent: the statement
		{0, "actions", 7, -1, "w.json:2:34"},  // no such element: the field
		{5, "", -1, -1, "w.json:1:28"},        // no such statement: the array
		{-1, "", -1, -1, "w.json:1:28"},
	}
	for _, tt := range tests {
		if have := f.Position(tt.stmt, tt.field, tt.index, tt.offset).String(); have != tt.want {
			t.Errorf("Position(%d, %q, %d, %d) = %s, want %s", tt.stmt, tt.field, tt.index, tt.offset, have, tt.want)
		}
	}
	for _, tt := range []struct {
		stmt        int
		field, want string
	}{
		{1, "notResources", "not_resources"},
		{1, "not_actions", "not_actions"},
		{0, "resources", "resources"},
		{0, "notResources", "notResources"}, // absent
		{7, "effect", "effect"},
	} {
		if have := f.FieldName(tt.stmt, tt.field); have != tt.want {
			t.Errorf("FieldName(%d, %q) = %q, want %q", tt.stmt, tt.field, have, tt.want)
		}
	}

	// A File built by hand has no source positions.
	built := &File{Name: "built", Statements: ProductionFlags()}
	if p := built.Position(0, "resources", 0, 3); p.IsValid() || p.Filename != "built" {
		t.Errorf("Position in a File without a source = %+v, want an invalid position in \"built\"", p)
	}
}

func TestPositionString(t *testing.T) {
	for _, tt := range []struct {
		pos  Position
		want string
	}{
		{Position{}, ""},
		{Position{Filename: "w.json"}, "w.json"},
		{Position{Filename: "w.json", Offset: 30, Line: 2, Column: 3}, "w.json:2:3"},
		{Position{Filename: "t.yaml", Line: 4}, "t.yaml:4"}, // the column is not known
		{Position{Line: 2, Column: 3}, "2:3"},
	} {
		if have := tt.pos.String(); have != tt.want {
			t.Errorf("%#v.String() = %q, want %q", tt.pos, have, tt.want)
		}
	}
}
