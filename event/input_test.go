package event

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestIsEventFile(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want bool
	}{
		{"a.json", true},
		{"a.JSON", true},
		{"a.ndjson", true},
		{"a.NDJSON", true},
		{"a.jsonl", true},
		{"a.json.gz", true},
		{"a.json.GZ", true},
		{"a.Jsonl.Gz", true},
		{"a.gz", false},
		{"a.json.txt", false},
		{"json", false},
		{"a.yaml", false},
		{"a.gz.json", true},
	} {
		if have := isEventFile(tt.in); have != tt.want {
			t.Errorf("isEventFile(%q): have %v, want %v", tt.in, have, tt.want)
		}
	}
}

// TestFindInputsLinks reads trees with links to directories, relative and
// absolute, that loop or lead twice to one directory: every file is read
// once, and every link not followed is reported.
func TestFindInputsLinks(t *testing.T) {
	event := []byte(`{"_id":"x","accesses":[]}`)
	for _, tt := range []struct {
		name     string
		links    map[string]string // link: target; "ABS/" starts an absolute target
		want     []string
		warnings []string
	}{
		{
			name:  "relative loop",
			links: map[string]string{"d/sub/up": ".."},
			want:  []string{"d/a.json", "d/sub/b.json"},
			warnings: []string{
				"not read again: d/sub/up: a link to the directory d, read already",
			},
		},
		{
			name:  "absolute loop",
			links: map[string]string{"d/sub/up": "ABS/d"},
			want:  []string{"d/a.json", "d/sub/b.json"},
			warnings: []string{
				"not read again: d/sub/up: a link to the directory d, read already",
			},
		},
		{
			name:  "two links to one directory outside",
			links: map[string]string{"d/x1": "../out", "d/sub/x2": "ABS/out"},
			want:  []string{"d/a.json", "d/sub/b.json", "d/sub/x2/c.json"},
			warnings: []string{
				"not read again: d/x1: a link to the directory d/sub/x2, read already",
			},
		},
		{
			name:  "a link to itself",
			links: map[string]string{"d/self.json": "self.json", "d/self": "self"},
			want:  []string{"d/a.json", "d/sub/b.json"},
			warnings: []string{
				`not read: d/self: a symbolic link to "self", which cannot be followed: too many levels of symbolic links`,
			},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			t.Chdir(root)
			for _, f := range []string{"d/a.json", "d/sub/b.json", "out/c.json"} {
				os.MkdirAll(filepath.Dir(f), 0o777)
				if err := os.WriteFile(f, event, 0o666); err != nil {
					t.Fatal(err)
				}
			}
			for link, target := range tt.links {
				target = strings.Replace(target, "ABS/", root+"/", 1)
				if err := os.Symlink(target, link); err != nil {
					t.Fatal(err)
				}
			}
			l := FindInputs([]string{"d"})
			var have []string
			for _, in := range l.Inputs {
				have = append(have, in.Name)
			}
			if !slices.Equal(have, tt.want) {
				t.Errorf("inputs:\nhave %q\nwant %q", have, tt.want)
			}
			var problems []string
			for _, p := range l.Problems {
				problems = append(problems, p.Error())
			}
			wantProblems := []string(nil)
			if tt.links["d/self.json"] != "" {
				wantProblems = []string{`d/self.json: a symbolic link to "self.json", which cannot be followed: too many levels of symbolic links`}
			}
			if !slices.Equal(problems, wantProblems) {
				t.Errorf("problems:\nhave %q\nwant %q", problems, wantProblems)
			}
			if !slices.Equal(l.Warnings, tt.warnings) {
				t.Errorf("warnings:\nhave %q\nwant %q", l.Warnings, tt.warnings)
			}
		})
	}
}
