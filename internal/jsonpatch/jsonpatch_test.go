package jsonpatch

import (
	"fmt"
	"strings"
	"testing"
)

// apply decodes and applies a patch, returning the patched document or the
// error.
func apply(doc, patch string) (string, error) {
	p, err := Decode("patch.json", []byte(patch))
	if err != nil {
		return "", err
	}
	out, err := p.Apply([]byte(doc))
	return string(out), err
}

// sameJSON reports whether two documents hold equal values, as test
// compares them.
func sameJSON(t *testing.T, a, b string) bool {
	t.Helper()
	x, err := decodeValue([]byte(a))
	if err != nil {
		t.Fatalf("%s: %v", a, err)
	}
	y, err := decodeValue([]byte(b))
	if err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	return equal(x, y)
}

// TestAppendixA runs the examples of RFC 6902, Appendix A. A want of ""
// is an error.
func TestAppendixA(t *testing.T) {
	for _, tt := range []struct {
		name, doc, patch, want string
	}{
		{"A.1 adding an object member", `{"foo": "bar"}`,
			`[{"op": "add", "path": "/baz", "value": "qux"}]`,
			`{"baz": "qux", "foo": "bar"}`},
		{"A.2 adding an array element", `{"foo": ["bar", "baz"]}`,
			`[{"op": "add", "path": "/foo/1", "value": "qux"}]`,
			`{"foo": ["bar", "qux", "baz"]}`},
		{"A.3 removing an object member", `{"baz": "qux", "foo": "bar"}`,
			`[{"op": "remove", "path": "/baz"}]`,
			`{"foo": "bar"}`},
		{"A.4 removing an array element", `{"foo": ["bar", "qux", "baz"]}`,
			`[{"op": "remove", "path": "/foo/1"}]`,
			`{"foo": ["bar", "baz"]}`},
		{"A.5 replacing a value", `{"baz": "qux", "foo": "bar"}`,
			`[{"op": "replace", "path": "/baz", "value": "boo"}]`,
			`{"baz": "boo", "foo": "bar"}`},
		{"A.6 moving a value", `{"foo": {"bar": "baz", "waldo": "fred"}, "qux": {"corge": "grault"}}`,
			`[{"op": "move", "from": "/foo/waldo", "path": "/qux/thud"}]`,
			`{"foo": {"bar": "baz"}, "qux": {"corge": "grault", "thud": "fred"}}`},
		{"A.7 moving an array element", `{"foo": ["all", "grass", "cows", "eat"]}`,
			`[{"op": "move", "from": "/foo/1", "path": "/foo/3"}]`,
			`{"foo": ["all", "cows", "eat", "grass"]}`},
		{"A.8 testing a value: success", `{"baz": "qux", "foo": ["a", 2, "c"]}`,
			`[{"op": "test", "path": "/baz", "value": "qux"}, {"op": "test", "path": "/foo/1", "value": 2}]`,
			`{"baz": "qux", "foo": ["a", 2, "c"]}`},
		{"A.9 testing a value: error", `{"baz": "qux"}`,
			`[{"op": "test", "path": "/baz", "value": "bar"}]`,
			``},
		{"A.10 adding a nested member object", `{"foo": "bar"}`,
			`[{"op": "add", "path": "/child", "value": {"grandchild": {}}}]`,
			`{"foo": "bar", "child": {"grandchild": {}}}`},
		{"A.11 ignoring unrecognized elements", `{"foo": "bar"}`,
			`[{"op": "add", "path": "/baz", "value": "qux", "xyz": 123}]`,
			`{"foo": "bar", "baz": "qux"}`},
		{"A.12 adding to a nonexistent target", `{"foo": "bar"}`,
			`[{"op": "add", "path": "/baz/bat", "value": "qux"}]`,
			``},
		{"A.13 invalid JSON Patch document", `{"foo": "bar"}`,
			`[{"op": "add", "path": "/baz", "value": "qux", "op": "remove"}]`,
			``},
		{"A.14 ~ escape ordering", `{"/": 9, "~1": 10}`,
			`[{"op": "test", "path": "/~01", "value": 10}]`,
			`{"/": 9, "~1": 10}`},
		{"A.15 comparing strings and numbers", `{"/": 9, "~1": 10}`,
			`[{"op": "test", "path": "/~01", "value": "10"}]`,
			``},
		{"A.16 adding an array value", `{"foo": ["bar"]}`,
			`[{"op": "add", "path": "/foo/-", "value": ["abc", "def"]}]`,
			`{"foo": ["bar", ["abc", "def"]]}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			have, err := apply(tt.doc, tt.patch)
			switch {
			case tt.want == "" && err == nil:
				t.Errorf("have %s, want an error", have)
			case tt.want != "" && err != nil:
				t.Errorf("have error %v, want %s", err, tt.want)
			case tt.want != "" && !sameJSON(t, have, tt.want):
				t.Errorf("have %s, want %s", have, tt.want)
			}
		})
	}
}

// TestPointer resolves the pointers of RFC 6901, section 5.
func TestPointer(t *testing.T) {
	doc, err := decodeValue([]byte(`{"foo": ["bar", "baz"], "": 0, "a/b": 1, "c%d": 2, "e^f": 3, "g|h": 4, "i\\j": 5, "k\"l": 6, " ": 7, "m~n": 8}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ in, want string }{
		{"/foo", `["bar","baz"]`},
		{"/foo/0", `"bar"`},
		{"/", `0`},
		{"/a~1b", `1`},
		{"/c%d", `2`},
		{"/e^f", `3`},
		{"/g|h", `4`},
		{`/i\j`, `5`},
		{`/k"l`, `6`},
		{"/ ", `7`},
		{"/m~0n", `8`},
	} {
		tokens, err := parsePointer(tt.in)
		if err != nil {
			t.Errorf("parsePointer(%q): %v", tt.in, err)
			continue
		}
		if p := pointer(tokens); p != tt.in {
			t.Errorf("pointer(parsePointer(%q)) = %q", tt.in, p)
		}
		v, err := get(doc, tokens)
		if have := show(v); err != nil || have != tt.want {
			t.Errorf("get(%q) = %s, %v; want %s", tt.in, have, err, tt.want)
		}
	}
}

// TestApply covers what Appendix A does not: the whole document, indexes at
// the edges, copies, moves, numbers, and that a failing patch changes
// nothing.
func TestApply(t *testing.T) {
	for _, tt := range []struct {
		name, doc, patch, want string
	}{
		{"replace the document", `{"a": 1}`, `[{"op": "replace", "path": "", "value": [1]}]`, `[1]`},
		{"add the document", `{"a": 1}`, `[{"op": "add", "path": "", "value": null}]`, `null`},
		{"add at the end by index", `[1, 2]`, `[{"op": "add", "path": "/2", "value": 3}]`, `[1, 2, 3]`},
		{"add at the start", `[1, 2]`, `[{"op": "add", "path": "/0", "value": 0}]`, `[0, 1, 2]`},
		{"add replaces a member", `{"a": 1}`, `[{"op": "add", "path": "/a", "value": 2}]`, `{"a": 2}`},
		{"null is a value", `{"a": 1}`, `[{"op": "replace", "path": "/a", "value": null}, {"op": "test", "path": "/a", "value": null}]`, `{"a": null}`},
		{"copy is deep", `{"a": {"b": 1}}`, `[{"op": "copy", "from": "/a", "path": "/c"}, {"op": "replace", "path": "/c/b", "value": 2}]`, `{"a": {"b": 1}, "c": {"b": 2}}`},
		{"move to itself", `{"a": 1}`, `[{"op": "move", "from": "/a", "path": "/a"}]`, `{"a": 1}`},
		{"move up", `{"a": {"b": {"c": 1}}}`, `[{"op": "move", "from": "/a/b", "path": "/a"}]`, `{"a": {"c": 1}}`},
		{"numbers compare by value", `{"a": 1}`, `[{"op": "test", "path": "/a", "value": 1.0}, {"op": "test", "path": "/a", "value": 10e-1}]`, `{"a": 1}`},
		{"objects compare whatever the order", `{"a": {"x": 1, "y": [true, "s"]}}`, `[{"op": "test", "path": "/a", "value": {"y": [true, "s"], "x": 1}}]`, `{"a": {"x": 1, "y": [true, "s"]}}`},
		{"numbers keep their text", `{"a": 1.50, "b": 12345678901234567890123}`, `[{"op": "remove", "path": "/a"}]`, `{"b": 12345678901234567890123}`},
		{"statements of a webhook", `{"url": "u", "statements": [{"effect": "allow", "actions": ["*"], "resources": ["proj/*:env/production:flag/*"]}]}`,
			`[{"op": "replace", "path": "/statements/0/resources/0", "value": "proj/*:env/*:flag/*"}]`,
			`{"url": "u", "statements": [{"effect": "allow", "actions": ["*"], "resources": ["proj/*:env/*:flag/*"]}]}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			have, err := apply(tt.doc, tt.patch)
			if err != nil {
				t.Fatalf("have error %v, want %s", err, tt.want)
			}
			if !sameJSON(t, have, tt.want) {
				t.Errorf("have %s, want %s", have, tt.want)
			}
		})
	}
	// Numbers are written as the document and the patch write them.
	if have, err := apply(`{"a": 1.50}`, `[{"op": "add", "path": "/b", "value": 1e3}]`); err != nil || have != `{"a":1.50,"b":1e3}` {
		t.Errorf("have %s, %v", have, err)
	}
}

// TestErrors checks the message of every kind of failure.
func TestErrors(t *testing.T) {
	for _, tt := range []struct {
		doc, patch, want string
	}{
		// Decoding.
		{`{}`, `{"op": "add"}`, `patch.json:1:1: expected a JSON array of operations, found an object`},
		{`{}`, `[{"op": "add", "path": "/a", "value": 1},]`, `patch.json:1:42: expected a JSON value, found ']'`},
		{`{}`, "[\n  {\"op\": \"add\", \"path\": \"/a\", \"value\": 1}\n] x", `patch.json:3:3: expected the end of the patch, found 'x'`},
		{`{}`, `["add"]`, `patch.json:1:2: operation 0: expected an operation object, found a string`},
		{`{}`, `[{"path": "/a"}]`, `patch.json:1:2: operation 0: no "op": expected one of add, remove, replace, move, copy, test`},
		{`{}`, `[{"op": "delete", "path": "/a"}]`, `patch.json:1:2: operation 0: unknown op "delete": expected one of add, remove, replace, move, copy, test`},
		{`{}`, `[{"op": "remove"}]`, `patch.json:1:2: operation 0: "remove" has no "path"`},
		{`{}`, `[{"op": "add", "path": "/a"}]`, `patch.json:1:2: operation 0 (add /a): add needs a "value"`},
		{`{}`, `[{"op": "copy", "path": "/a"}]`, `patch.json:1:2: operation 0 (copy /a): copy needs a "from"`},
		{`{}`, `[{"op": "add", "path": 1, "value": 1}]`, `patch.json:1:24: operation 0: "path": expected a string, found a number`},
		{`{}`, `[{"op": "add", "path": "a", "value": 1}]`, `patch.json:1:2: operation 0 (add a): "path": a JSON Pointer is "" or starts with "/", found "a"`},
		{`{}`, `[{"op": "add", "path": "/a~2", "value": 1}]`, `patch.json:1:2: operation 0 (add /a~2): "path": "~" in a JSON Pointer must be followed by 0 or 1, found "/a~2"`},
		{`{}`, "[{\"op\": \"remove\", \"path\": \"/a\"},\n {\"op\": \"add\", \"path\": \"/b\", \"value\": 1, \"value\": 2}]", `patch.json:2:42: operation 1: duplicate member "value": which one counts is not defined`},
		// Applying.
		{`{"a": 1}`, "[\n  {\"op\": \"test\", \"path\": \"/a\", \"value\": 2}\n]", `patch.json:2:3: operation 0 (test /a): test failed: the value is 1, not 2`},
		{`{"a": 1}`, `[{"op": "remove", "path": "/b"}]`, `patch.json:1:2: operation 0 (remove /b): /b does not exist: the document has no member "b"`},
		{`{"a": [1]}`, `[{"op": "replace", "path": "/a/1", "value": 2}]`, `patch.json:1:2: operation 0 (replace /a/1): /a/1 does not exist: index 1 is out of range: the array has 1 element`},
		{`{"a": [1]}`, `[{"op": "add", "path": "/a/2", "value": 2}]`, `patch.json:1:2: operation 0 (add /a/2): cannot add at /a/2: index 2 is out of range: the array has 2 elements`},
		{`{"a": [1]}`, `[{"op": "add", "path": "/a/01", "value": 2}]`, `patch.json:1:2: operation 0 (add /a/01): cannot add at /a/01: "01" is not an array index: expected a decimal number without leading zeros`},
		{`{"a": [1]}`, `[{"op": "remove", "path": "/a/-"}]`, `patch.json:1:2: operation 0 (remove /a/-): /a/- does not exist: "-" names the element after the last of the array, which does not exist`},
		{`{"a": "s"}`, `[{"op": "add", "path": "/a/b", "value": 2}]`, `patch.json:1:2: operation 0 (add /a/b): cannot add at /a/b: /a is a string, not an object or array`},
		{`{"a": {"b": 1}}`, `[{"op": "move", "from": "/a", "path": "/a/b/c"}]`, `patch.json:1:2: operation 0 (move /a/b/c): cannot move /a into itself, to /a/b/c`},
		{`{"a": 1}`, `[{"op": "copy", "from": "/x", "path": "/b"}]`, `patch.json:1:2: operation 0 (copy /b): "from": /x does not exist: the document has no member "x"`},
		{`{"a": 1} x`, `[]`, `jsonpatch: the document to patch: more than one JSON value`},
	} {
		have, err := apply(tt.doc, tt.patch)
		if err == nil {
			t.Errorf("%s on %s = %s, want error %s", tt.patch, tt.doc, have, tt.want)
			continue
		}
		if err.Error() != tt.want {
			t.Errorf("%s on %s:\nhave %v\nwant %s", tt.patch, tt.doc, err, tt.want)
		}
	}
}

// TestFailingPatchChangesNothing checks that a patch is all or nothing.
func TestFailingPatchChangesNothing(t *testing.T) {
	p, err := Decode("", []byte(`[{"op": "remove", "path": "/a"}, {"op": "test", "path": "/b", "value": 0}]`))
	if err != nil {
		t.Fatal(err)
	}
	doc := []byte(`{"a": 1, "b": 2}`)
	if out, err := p.Apply(doc); err == nil || out != nil {
		t.Errorf("Apply = %s, %v; want no document and an error", out, err)
	}
	if string(doc) != `{"a": 1, "b": 2}` {
		t.Errorf("the document is now %s", doc)
	}
}

func ExamplePatch_Apply() {
	webhook := []byte(`{"url": "https://example.com/hook", "statements": [{"effect": "allow", "actions": ["*"], "resources": ["proj/*:env/production:flag/*"]}]}`)
	p, err := Decode("patch.json", []byte(`[
		{"op": "test", "path": "/statements/0/resources/0", "value": "proj/*:env/production:flag/*"},
		{"op": "replace", "path": "/statements/0/resources/0", "value": "proj/*:env/*:flag/*"}
	]`))
	if err != nil {
		fmt.Println(err)
		return
	}
	out, err := p.Apply(webhook)
	fmt.Printf("%s\n%v\n", out, err)

	// The patch fails once the resource has changed: its test no longer holds.
	_, err = p.Apply(out)
	fmt.Println(err)
	// Output:
	// {"statements":[{"actions":["*"],"effect":"allow","resources":["proj/*:env/*:flag/*"]}],"url":"https://example.com/hook"}
	// <nil>
	// patch.json:2:3: operation 0 (test /statements/0/resources/0): test failed: the value is "proj/*:env/*:flag/*", not "proj/*:env/production:flag/*"
}

// TestCopyLimit checks that copies cannot blow a document up: each copy of
// the document into itself doubles it.
func TestCopyLimit(t *testing.T) {
	var b strings.Builder
	b.WriteString(`[{"op": "add", "path": "/a", "value": [1, 2, 3, 4, 5, 6, 7, 8]}`)
	for range 40 {
		b.WriteString(`, {"op": "copy", "from": "", "path": "/a/-"}`)
	}
	b.WriteString("]")
	_, err := apply(`{}`, b.String())
	want := fmt.Sprintf("operation 17 (copy /a/-): the copies of the patch copy more than %d values in all", MaxCopied)
	if err == nil || !strings.HasSuffix(err.Error(), want) {
		t.Errorf("have %v, want an error ending %q", err, want)
	}
	// Below the limit, copies work.
	if _, err := apply(`{}`, strings.Replace(b.String(), strings.Repeat(`, {"op": "copy", "from": "", "path": "/a/-"}`, 30), "", 1)); err != nil {
		t.Errorf("ten copies: %v", err)
	}
}

// FuzzApply applies arbitrary patches to arbitrary documents: no panic, and
// a patched document is JSON that decodes.
func FuzzApply(f *testing.F) {
	f.Add([]byte(`{"foo": ["bar", "baz"]}`), []byte(`[{"op": "add", "path": "/foo/1", "value": "qux"}]`))
	f.Add([]byte(`{"foo": {"bar": "baz", "waldo": "fred"}}`), []byte(`[{"op": "move", "from": "/foo/waldo", "path": "/qux"}, {"op": "copy", "from": "/foo", "path": "/foo/x"}]`))
	f.Add([]byte(`{"/": 9, "~1": 10}`), []byte(`[{"op": "test", "path": "/~01", "value": 10}, {"op": "remove", "path": ""}]`))
	f.Add([]byte(`[1, [2, [3]]]`), []byte(`[{"op": "replace", "path": "/1/1/0", "value": 1e400}, {"op": "test", "path": "/1/1", "value": [1E+400]}]`))
	f.Fuzz(func(t *testing.T, doc, patch []byte) {
		p, err := Decode("patch.json", patch)
		if err != nil {
			return
		}
		out, err := p.Apply(doc)
		if err != nil {
			return
		}
		if _, err := decodeValue(out); err != nil {
			t.Fatalf("the patched document %s does not decode: %v", out, err)
		}
	})
}
