package policy

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestLoadAt loads one webhook of a list: its problems are located in
// the whole file, exactly where Load locates them in a copy of the file with
// everything else blanked out.
func TestLoadAt(t *testing.T) {
	data := []byte(`{"items": [
  {"url": "https://a.example", "statements": [{"effect": "allow", "actions": ["*"], "resources": ["proj/*"]}]},
  {"url": "https://b.example", "statements": [
    {"effect": "alow", "actions": ["*"], "resources": ["proj/*:/flag/*"]},
    {"effect": "deny", "actions": ["updateOn"], "resources": ["proj/*:env/\u0070roduction"]}
  ]}
]}`)
	second := bytes.Index(data, []byte(`{"url": "https://b`))
	end := bytes.LastIndex(data, []byte("]}\n]}")) + 2
	blank := bytes.Clone(data)
	for i := range blank {
		if (i < second || i >= end) && blank[i] != '\n' {
			blank[i] = ' '
		}
	}
	messages := func(err error) []string {
		var errs ErrorList
		if !errors.As(err, &errs) {
			t.Fatalf("want an ErrorList, have %v", err)
		}
		var out []string
		for _, e := range errs {
			out = append(out, e.Error())
		}
		return out
	}
	_, want := Load("hooks.json", blank, Options{})
	_, have := LoadAt("hooks.json", data, second, end, Options{})
	if diff := cmp.Diff(messages(want), messages(have)); diff != "" {
		t.Errorf("LoadAt (-Load of the blanked file +have):\n%s", diff)
	}
	if !strings.HasPrefix(messages(have)[0], "hooks.json:4:") {
		t.Errorf("first problem %q, want it on line 4", messages(have)[0])
	}
	// Strings, escaped or not, decode as in the whole file.
	first := bytes.Index(data, []byte(`{"url": "https://a`))
	set, err := LoadAt("hooks.json", data, first, second-len(",\n  "), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if d, _ := set.Decide("updateOn", "proj/x"); !d.Allowed() {
		t.Errorf("the first webhook: %v", d)
	}
	last := bytes.Replace(data, []byte(`"alow"`), []byte(`"deny"`), 1)
	last = bytes.Replace(last, []byte(`:/flag`), []byte(`:flag`), 1)
	if set, err = LoadAt("hooks.json", last, second, end, Options{}); err != nil {
		t.Fatal(err)
	}
	if d, _ := set.Decide("updateOn", "proj/x:env/production"); d.Allowed() || d.Statement != 1 {
		t.Errorf("the escaped resource does not decide: %v", d)
	}

	// A syntax error inside the range, and a range that is not a value.
	if _, err := LoadAt("hooks.json", data, second, end-1, Options{}); err == nil || !strings.Contains(err.Error(), "hooks.json:6:") {
		t.Errorf("a range cut short: %v", err)
	}
	if _, err := LoadAt("hooks.json", data, end, second, Options{}); err == nil {
		t.Error("a reversed range: no error")
	}
}
