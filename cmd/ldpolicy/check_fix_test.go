package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestCheckFixWrites checks what the scripts cannot see of check --fix:
// the fixed file has exactly the bytes of the fixes applied and keeps its
// permissions, and a file without fixes is not touched.
func TestCheckFixWrites(t *testing.T) {
	dir := t.TempDir()
	src := "[\n\t{\"effect\": \"allow\", \"actions\": [\"*\"],\n\t \"resources\": [\"proj/é:env/*:flag/*;view:Béta\", \"proj/*:/env/*\"]}\n]"
	want := "[\n\t{\"effect\": \"allow\", \"actions\": [\"*\"],\n\t \"resources\": [\"proj/é:env/*:flag/*;view:béta\", \"proj/*:env/*\"]}\n]"
	name := filepath.Join(dir, "p.json")
	if err := os.WriteFile(name, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(name, 0o640); err != nil {
		t.Fatal(err)
	}
	clean := filepath.Join(dir, "clean.json")
	if err := os.WriteFile(clean, []byte(want), 0o644); err != nil {
		t.Fatal(err)
	}
	before, _ := os.Stat(clean)

	var stdout, stderr bytes.Buffer
	code := exitCode(run([]string{"check", "--fix", name, clean}, nil, &stdout, &stderr), &stderr)
	if code != exitOK { // the error, LDP007, is fixed; warnings remain
		t.Errorf("exit status %d, want %d\n%s%s", code, exitOK, stdout.String(), stderr.String())
	}
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if string(data) != want {
		t.Errorf("fixed file:\n%s\nwant:\n%s", data, want)
	}
	if info, _ := os.Stat(name); info.Mode() != 0o640 {
		t.Errorf("mode %v, want 0640", info.Mode())
	}
	if after, _ := os.Stat(clean); !after.ModTime().Equal(before.ModTime()) {
		t.Error("a file without fixes was rewritten")
	}
	if files, _ := filepath.Glob(filepath.Join(dir, ".*")); len(files) > 0 {
		t.Errorf("temporary files left: %v", files)
	}
}
