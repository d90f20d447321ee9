package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDuplicateIDs checks which _ids dry-run takes for the same: those
// that JSON decodes to the same bytes, and no others, invalid UTF-8
// included (decoded to strings, "\xff" and "\xfe" would both be U+FFFD).
func TestDuplicateIDs(t *testing.T) {
	for _, tt := range []struct {
		name string
		in   []string // the _id literals, as they are in the JSON
		want int      // duplicates
	}{
		{"distinct", []string{`"a"`, `"b"`}, 0},
		{"same", []string{`"a"`, `"a"`}, 1},
		{"escaped alike", []string{`"aA"`, `"a\u0041"`, `"a\u0041"`}, 2},
		{"escaped slash", []string{`"a/b"`, `"a\/b"`}, 1},
		{"escapes of controls", []string{`"\n\t"`, `"\u000a\u0009"`, `"\\n\\t"`}, 1},
		{"a surrogate pair", []string{`"\ud83d\ude00"`, "\"\U0001F600\""}, 1},
		{"invalid UTF-8 apart", []string{"\"\xff\"", "\"\xfe\""}, 0},
		{"invalid UTF-8 alike", []string{"\"x\xffy\"", "\"x\xffy\""}, 1},
		{"invalid UTF-8 is not U+FFFD", []string{"\"\xff\"", `"\ufffd"`, "\"\uFFFD\""}, 1},
		{"invalid UTF-8 and escapes", []string{"\"\\n\xff\"", "\"\\u000a\xff\"", "\"\\n\xfe\""}, 1},
		{"LaunchDarkly's", []string{`"5f3f6a4b7c8d9e0f1a2b3c4d"`, `"5f3f6a4b7c8d9e0f1a2b3c4d"`, `"5F3F6A4B7C8D9E0F1A2B3C4D"`}, 1},
		{"none or empty", []string{`null`, `null`, `""`, `""`}, 0},
		{"the last of repeated keys", []string{`"a", "_id": "b"`, `"b"`}, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var in bytes.Buffer
			for _, id := range tt.in {
				in.WriteString(`{"_id": ` + id + `, "accesses": []}` + "\n")
			}
			policy := filepath.Join(t.TempDir(), "policy.json")
			if err := os.WriteFile(policy, []byte(`[]`), 0o666); err != nil {
				t.Fatal(err)
			}
			var stdout, stderr bytes.Buffer
			if err := run([]string{"dry-run", "--policy", policy, "--format", "json"}, &in, &stdout, &stderr); err != nil {
				t.Fatalf("%v\nstderr:\n%s", err, stderr.String())
			}
			lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
			var summary counts
			if err := json.Unmarshal([]byte(lines[len(lines)-1]), &summary); err != nil {
				t.Fatal(err)
			}
			if summary.Events != len(tt.in) || summary.Malformed != 0 {
				t.Fatalf("have %d events, %d malformed, want %d and 0\nstdout:\n%s\nstderr:\n%s", summary.Events, summary.Malformed, len(tt.in), stdout.String(), stderr.String())
			}
			if summary.Duplicates != tt.want {
				t.Errorf("have %d duplicates, want %d", summary.Duplicates, tt.want)
			}
		})
	}
}

// TestIDSetAllocs checks that remembering an _id allocates nothing,
// whatever its length: a long one is not copied to be digested.
func TestIDSetAllocs(t *testing.T) {
	id := strings.Repeat("x", 1<<20)
	data := []byte(`{"_id":"` + id + `"}`)
	var s idSet
	s.add("warm", data)
	if n := testing.AllocsPerRun(10, func() { s.add(id, data) }); n != 0 {
		t.Errorf("add of a 1 MiB _id: %v allocations, want 0", n)
	}
}
