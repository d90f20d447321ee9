package event

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestRecordErrorPosition locates the records that are not events:
// Position(0) is the start of the value that is not an event, or where the
// input stops making sense.
func TestRecordErrorPosition(t *testing.T) {
	a := `{"_id":"a"}`
	for _, tt := range []struct {
		name, in string
		want     []string // Source, line:col and message of each error record
	}{
		{"a number on a line", a + "\n  42\n" + a, []string{"f:2 2:3 expected an event (a JSON object), found a number"}},
		{"an element of an array", "[\n  " + a + ",\n  7\n]", []string{"f#1 3:3 expected an event (a JSON object), found a number"}},
		{"a value cut short", a + "\n {\"_id\": \"b\",\n" + a, []string{"f:2 2:2 a value is cut short by the next line"}},
		{"a stray bracket", "\t]\n" + a, []string{"f:1 1:2 unexpected ']'"}},
		{"a bracket that closes nothing open", "{\"x\": [\n  }]}\n" + a, []string{"f:1 2:3 unexpected '}'"}},
		{"a line break in a string", " {\"x\": \"ab\n" + a, []string{"f:1 1:11 line break inside a string: the value is cut short"}},
		{"a value too long", a + "\n {\"x\": \"" + strings.Repeat("a", MaxEventSize) + "\"}\n" + a, []string{fmt.Sprintf("f:2 2:2 value longer than %d bytes", MaxEventSize)}},
		{"after an array element", "[" + a + " x]\n" + a, []string{`f:1 1:14 expected "," or "]" after an array element, found 'x'`}},
		{"an unclosed array", "[" + a + ",\n", []string{`f:2 2:1 unexpected end of input in an array: missing "]"`}},
		{"a list response's item", "{\"items\": [\n  " + a + ",\n  true]}", []string{"f:1#1 3:3 expected an event (a JSON object), found a boolean"}},
		{"a list response's syntax", "{\"items\": [\n  " + a + ",\n  tru]}", []string{`f:1 3:3 invalid JSON literal: expected "true"`}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := NewStream(strings.NewReader(tt.in), "f")
			var have []string
			for s.Next() {
				r := s.Record()
				if r.Err == nil {
					continue
				}
				line, col := r.Position(0)
				have = append(have, fmt.Sprintf("%s %d:%d %v", r.Source(), line, col, r.Err))
			}
			if diff := cmp.Diff(tt.want, have); diff != "" {
				t.Errorf("error records (-want +have):\n%s", diff)
			}
		})
	}
}

func TestPosition(t *testing.T) {
	data := []byte("ab\n\ncd\n")
	for _, tt := range []struct{ off, line, col int }{
		{0, 1, 1}, {2, 1, 3}, {3, 2, 1}, {4, 3, 1}, {5, 3, 2}, {7, 4, 1}, {-1, 1, 1}, {99, 4, 1},
	} {
		if line, col := Position(data, tt.off); line != tt.line || col != tt.col {
			t.Errorf("Position(%d) = %d:%d, want %d:%d", tt.off, line, col, tt.line, tt.col)
		}
	}
}

// TestAccessOffset locates strings of accesses as ReadHead reads them: the
// last "accesses", the last field of an access, offsets in decoded strings
// mapped through escapes.
func TestAccessOffset(t *testing.T) {
	for _, tt := range []struct {
		name, data string
		i          int
		field      string
		off        int
		want       int // offset in data; -1 for none
	}{
		{"resource", `{"accesses": [{"action": "a", "resource": "proj/p"}]}`, 0, "resource", 0, 43},
		{"a byte of it", `{"accesses": [{"action": "a", "resource": "proj/p"}]}`, 0, "resource", 5, 48},
		{"action", `{"accesses": [{"action": "a", "resource": "proj/p"}]}`, 0, "action", 0, 26},
		{"the second access", `{"accesses": [{"resource": "x"}, {"resource": "y"}]}`, 1, "resource", 0, 47},
		{"no such access", `{"accesses": [{"resource": "x"}]}`, 1, "resource", 0, -1},
		{"the last accesses", `{"accesses": [{"resource": "x"}], "accesses": [{"resource": "y"}]}`, 0, "resource", 0, 61},
		{"the last field", `{"accesses": [{"resource": "x", "resource": "y"}]}`, 0, "resource", 0, 45},
		{"through escapes", `{"accesses": [{"resource": "\u0070roj/p x"}]}`, 0, "resource", 6, 39},
		{"null", `{"accesses": [{"resource": null}]}`, 0, "resource", 3, 27},
		{"no field", `{"accesses": [{"action": "a"}]}`, 0, "resource", 0, -1},
		{"nested accesses are not the event's", `{"x": {"accesses": [{"resource": "x"}]}}`, 0, "resource", 0, -1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			have, ok := AccessOffset([]byte(tt.data), tt.i, tt.field, tt.off)
			if !ok {
				have = -1
			}
			if have != tt.want {
				t.Errorf("AccessOffset = %d, want %d (%q)", have, tt.want, tt.data[max(have, 0):])
			}
		})
	}
}

func TestResourceErrorOffset(t *testing.T) {
	data := []byte("{\"accesses\": [\n  {\"action\": \"a\", \"resource\": \"proj/p\"},\n  {\"action\": \"b\", \"resource\": \"proj/p:env/\"}\n]}")
	var h Head
	if err := ReadHead(data, &h); err != nil {
		t.Fatal(err)
	}
	off, ok := h.ResourceErrorOffset(data)
	if !ok {
		t.Fatal("no malformed resource found")
	}
	// "empty name after env/": at the end of the resource: its closing quote.
	if line, col := Position(data, off); line != 3 || col != 43 {
		t.Errorf("at %d:%d (%q), want 3:43", line, col, data[off:])
	}
	data = []byte(`{"accesses": [{"action": "a", "resource": "proj/p"}]}`)
	if err := ReadHead(data, &h); err != nil {
		t.Fatal(err)
	}
	if off, ok := h.ResourceErrorOffset(data); ok {
		t.Errorf("a malformed resource at %d in %s", off, data)
	}
}
