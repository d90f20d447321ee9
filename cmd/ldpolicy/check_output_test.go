package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGitHubEscaping checks the escapes of GitHub workflow commands: in
// the message, '%' and line breaks; in properties, also ':' and ','.
func TestGitHubEscaping(t *testing.T) {
	tests := []struct {
		in, data, property string
	}{
		{"plain", "plain", "plain"},
		{"100%", "100%25", "100%25"},
		{"a\nb\r", "a%0Ab%0D", "a%0Ab%0D"},
		{"dir/a,b:c.json", "dir/a,b:c.json", "dir/a%2Cb%3Ac.json"},
	}
	for _, tt := range tests {
		if have := ghData(tt.in); have != tt.data {
			t.Errorf("ghData(%q) = %q, want %q", tt.in, have, tt.data)
		}
		if have := ghProperty(tt.in); have != tt.property {
			t.Errorf("ghProperty(%q) = %q, want %q", tt.in, have, tt.property)
		}
	}
}

// TestGitHubColumns checks that GitHub annotations count columns in
// characters, as GitHub does, where the findings count bytes: "é" is two
// bytes and "😀" four, each one character.
func TestGitHubColumns(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "p.json")
	src := "[{\"effect\": \"allow\", \"actions\": [\"*\"],\n" +
		" \"resources\": [\"proj/é😀-x:env/*;{critcal:true}:flag/*\"]}]\n"
	if err := os.WriteFile(name, []byte(src), 0o666); err != nil {
		t.Fatal(err)
	}
	var text, gh, stderr bytes.Buffer
	if err := run([]string{"check", name}, nil, &text, &stderr); err != nil {
		t.Fatal(err, stderr.String())
	}
	if err := run([]string{"check", "--format", "github", name}, nil, &gh, &stderr); err != nil {
		t.Fatal(err, stderr.String())
	}
	// The property selector is at byte column 37 of line 2, after 6 bytes
	// that are 2 characters: character column 33.
	for _, want := range []string{":2:22: statements[0].resources[0]", ":2:37: statements[0].resources[0]"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("text output has no %q:\n%s", want, text.String())
		}
	}
	for _, want := range []string{",line=2,col=22,title=LDP106::", ",line=2,col=33,title=LDP108::"} {
		if !strings.Contains(gh.String(), want) {
			t.Errorf("GitHub output has no %q:\n%s", want, gh.String())
		}
	}
}

func TestColumns(t *testing.T) {
	line := []byte("ab\né😀\xffx")
	// x is at offset 10, byte column 8 of line 2.
	if have := runeColumn(line, 10, 8); have != 4 {
		t.Errorf("runeColumn = %d, want 4", have)
	}
	if have := utf16Column(line, 10, 8); have != 5 {
		t.Errorf("utf16Column = %d, want 5", have)
	}
	if have := runeColumn(line, 10, 99); have != 99 {
		t.Errorf("runeColumn of a column before the data = %d, want it unchanged", have)
	}
}
