package lint

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ldpolicy/ldpolicy/policy"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestGolden checks the policies of testdata, which hold real mistakes,
// against the findings in their .golden files: one a line as
// Finding.String writes it, with its fix on the next line. A file is
// checked as the kind it is (a custom role object as a role, a webhook
// object as a webhook); bare lists named role-*.json are checked as
// custom roles, the others as webhooks.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no policies in testdata: %v", err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var opts Options
			if strings.HasPrefix(filepath.Base(file), "role-") {
				opts.Policy.Context = policy.Role
			}
			findings, err := findingsOf(CheckSource(filepath.Base(file), data, opts))
			if err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			for _, f := range findings {
				b.WriteString(f.String())
				b.WriteString("\n")
				if f.Fix != "" {
					b.WriteString("\tfix: " + f.Fix + "\n")
				}
			}
			golden := strings.TrimSuffix(file, ".json") + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(b.String()), 0o666); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if have := b.String(); have != string(want) {
				t.Errorf("findings differ from %s\nhave:\n%s\nwant:\n%s", golden, have, want)
			}
		})
	}
}
