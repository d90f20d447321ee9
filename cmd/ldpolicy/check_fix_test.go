package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"unicode/utf16"
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

// TestSARIFFixes checks that the fixes SARIF carries, applied as a SARIF
// consumer applies them (lines, and columns in UTF-16 code units), make
// of the file what check --fix makes of it, and that their byte offsets
// agree with their lines and columns.
func TestSARIFFixes(t *testing.T) {
	dir := t.TempDir()
	src := "[\n  {\"effect\": \"allow\", \"actions\": [\"*\"], \"resources\": [\"proj/é😀:env/*:flag/*;view:Beta\"]},\n" +
		"  {\"effect\": \"deny\", \"actions\": [\"deleteFlag\"], \"resources\": [\"proj/*:/env/*:flag/*\", \"proj/*:env/*:flag/*;view:Q\\u0041\"]}\n]\n"
	name := filepath.Join(dir, "p.json")
	if err := os.WriteFile(name, []byte(src), 0o666); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	exitCode(run([]string{"check", "--format", "sarif", name}, nil, &stdout, &stderr), &stderr)
	var log sarifLog // as written, so as read
	if err := json.Unmarshal(stdout.Bytes(), &log); err != nil {
		t.Fatalf("%v\n%s", err, stdout.String())
	}
	type repl struct {
		start, end int
		text       string
	}
	var repls []repl
	var codes []string
	for _, res := range log.Runs[0].Results {
		for _, fix := range res.Fixes {
			codes = append(codes, res.RuleID)
			for _, ch := range fix.ArtifactChanges {
				for _, r := range ch.Replacements {
					d := r.DeletedRegion
					if d.StartLine != d.EndLine {
						t.Errorf("%s: region over lines %d to %d", res.RuleID, d.StartLine, d.EndLine)
					}
					start := offsetOf(src, d.StartLine, d.StartColumn)
					end := offsetOf(src, d.EndLine, d.EndColumn)
					if start != d.ByteOffset || end-start != d.ByteLength {
						t.Errorf("%s: lines and columns give bytes [%d, %d), byteOffset and byteLength [%d, %d)", res.RuleID, start, end, d.ByteOffset, d.ByteOffset+d.ByteLength)
					}
					repls = append(repls, repl{start, end, r.InsertedContent.Text})
				}
			}
		}
	}
	if len(codes) != 3 {
		t.Errorf("fixes of %v, want those of LDP110, LDP007 and LDP110", codes)
	}
	sort.Slice(repls, func(i, j int) bool { return repls[i].start > repls[j].start })
	sarifFixed := src
	for _, r := range repls {
		sarifFixed = sarifFixed[:r.start] + r.text + sarifFixed[r.end:]
	}

	stdout.Reset()
	exitCode(run([]string{"check", "--fix", name}, nil, &stdout, &stderr), &stderr)
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if string(data) != sarifFixed {
		t.Errorf("the SARIF fixes make\n%s\ncheck --fix makes\n%s", sarifFixed, data)
	}
}

// offsetOf returns the byte offset of line and column (in UTF-16 code
// units, from 1) in s.
func offsetOf(s string, line, col int) int {
	off := 0
	for l := 1; l < line; l++ {
		off += bytes.IndexByte([]byte(s[off:]), '\n') + 1
	}
	for units := 1; units < col; {
		r := []rune(s[off:])[0]
		units += len(utf16.Encode([]rune{r}))
		off += len(string(r))
	}
	return off
}
