package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestFmtWriteKeepsModeAndLinks checks what the scripts cannot see of
// fmt -w: the file keeps its permissions, a symbolic link stays a link and
// its target is rewritten, a formatted file is not touched, and no
// temporary file is left behind.
func TestFmtWriteKeepsModeAndLinks(t *testing.T) {
	dir := t.TempDir()
	const messy = `[{"resources":["*"],"effect":"allow","actions":["*"]}]`
	const formatted = "[\n  {\n    \"effect\": \"allow\",\n    \"actions\": [\"*\"],\n    \"resources\": [\"*\"]\n  }\n]\n"
	write := func(name, data string, mode os.FileMode) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(data), mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(path, mode); err != nil { // whatever the umask
			t.Fatal(err)
		}
		return path
	}
	private := write("private.json", messy, 0o600)
	shared := write("shared.json", messy, 0o664)
	target := write("target.json", messy, 0o640)
	link := filepath.Join(dir, "link.json")
	if err := os.Symlink("target.json", link); err != nil {
		t.Fatal(err)
	}
	done := write("done.json", formatted, 0o644)
	old := time.Now().Add(-time.Hour).Truncate(time.Second)
	if err := os.Chtimes(done, old, old); err != nil {
		t.Fatal(err)
	}

	var stdout, stderr bytes.Buffer
	if code := exitCode(run([]string{"fmt", "-w", private, shared, link, done}, nil, &stdout, &stderr), &stderr); code != 0 {
		t.Fatalf("fmt -w exits %d: %s", code, stderr.String())
	}
	if stdout.Len() > 0 || stderr.Len() > 0 {
		t.Errorf("fmt -w writes\n%s\nand on stderr\n%s", stdout.String(), stderr.String())
	}
	for path, mode := range map[string]os.FileMode{private: 0o600, shared: 0o664, target: 0o640, done: 0o644} {
		info, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if info.Mode() != mode {
			t.Errorf("%s: mode %v, want %v", filepath.Base(path), info.Mode(), mode)
		}
		if data, _ := os.ReadFile(path); string(data) != formatted {
			t.Errorf("%s holds\n%s\nwant\n%s", filepath.Base(path), data, formatted)
		}
	}
	if info, err := os.Lstat(link); err != nil || info.Mode()&os.ModeSymlink == 0 {
		t.Errorf("link.json is no longer a symbolic link: %v, %v", info, err)
	}
	if info, err := os.Stat(done); err != nil || !info.ModTime().Equal(old) {
		t.Errorf("done.json, formatted already, was rewritten: %v, %v", info, err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 5 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("the directory holds %v, want the 5 files it had", names)
	}
}
