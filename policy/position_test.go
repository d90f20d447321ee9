package policy

import (
	"errors"
	"strings"
	"testing"
)

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

// TestParseDerived decodes JSON that a heredoc holds, indented in its
// source: positions are those of the source, through the mapping given.
func TestParseDerived(t *testing.T) {
	src := "policy = <<-EOT\n" +
		"    [\n" +
		"      {\"effect\": \"alow\", \"actions\": [\"*\"], \"resources\": [\"proj/\\u0078:/flag/*\"]},\n" +
		"      {\"effect\": \"deny\", \"not_actions\": [\"x\"], \"resources\": [\"proj/*\"]}\n" +
		"    ]\n" +
		"    EOT\n"
	// The JSON is the heredoc's lines without their indentation of four
	// spaces; starts[i] is the offset in src of line i of the JSON.
	var data []byte
	var starts, lens []int
	for off := len("policy = <<-EOT\n"); ; {
		end := off + strings.IndexByte(src[off:], '\n') + 1
		line := src[off+4 : end]
		if line == "EOT\n" {
			break
		}
		starts, lens = append(starts, off+4), append(lens, len(line))
		data = append(data, line...)
		off = end
	}
	lines := []int{0}
	for i, c := range src {
		if c == '\n' {
			lines = append(lines, i+1)
		}
	}
	pos := func(off int) Position {
		i := 0
		for i < len(lens)-1 && off >= lens[i] {
			off -= lens[i]
			i++
		}
		return position("main.tf", lines, starts[i]+off)
	}
	f, err := ParseDerived("main.tf", data, pos)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		stmt          int
		field         string
		index, offset int
		want          string
	}{
		{0, "", -1, -1, "main.tf:3:7"},
		{0, "effect", -1, -1, "main.tf:3:18"},
		{0, "resources", 0, -1, "main.tf:3:58"},
		{0, "resources", 0, 6, "main.tf:3:70"}, // past the \u0078 escape
		{1, "notActions", 0, -1, "main.tf:4:42"},
		{-1, "", -1, -1, "main.tf:2:5"},
	} {
		if have := f.Position(tt.stmt, tt.field, tt.index, tt.offset).String(); have != tt.want {
			t.Errorf("Position(%d, %q, %d, %d) = %s, want %s", tt.stmt, tt.field, tt.index, tt.offset, have, tt.want)
		}
	}
	// Its JSON is not the source's text: no span to replace.
	if _, _, ok := f.ElementSpan(0, "resources", 0); ok {
		t.Error("ElementSpan of a derived File: a span in the derived JSON")
	}
	_, err = f.Compile(Options{})
	want := []string{
		`main.tf:3:18: statements[0].effect: expected "allow" or "deny", found "alow"`,
		`main.tf:3:71: statements[0].resources[0]: stray "/" after ":": did you mean ":flag/*"?`,
	}
	var errs ErrorList
	if !errors.As(err, &errs) || len(errs) != len(want) {
		t.Fatalf("Compile: %v, want %d problems", err, len(want))
	}
	for i, e := range errs {
		if have := e.Error(); !strings.HasPrefix(have, want[i]) {
			t.Errorf("problem %d: have %s\nwant %s", i, have, want[i])
		}
	}

	// Decoding problems are located through pos too, up to the end of the
	// data.
	at := func(off int) Position { return Position{Filename: "gen", Offset: off, Line: 1, Column: off + 1} }
	for _, tt := range []struct{ json, want string }{
		{`[{"effect": "allow", "resource": ["*"]}]`, "gen:1:22: statements[0].resource: unknown field"},
		{`[{"effect": "allow"`, "gen:1:20: expected"},
	} {
		_, err := ParseDerived("gen", []byte(tt.json), at)
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("ParseDerived(%s): %v, want %s…", tt.json, err, tt.want)
		}
	}
	if _, err := ParseDerived("x", []byte("[]"), nil); err == nil {
		t.Error("ParseDerived without pos: no error")
	}
}
