package lint

import (
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/ldpolicy/ldpolicy/policy"
)

// corpusDir holds LaunchDarkly's own policies: its integrations' default
// policies, its documentation's examples and its Terraform provider's
// examples (see its README.md for the source of each file).
const corpusDir = "../testdata/launchdarkly-policies"

// pendingGrammar lists the files of the corpus that use syntax the
// resource parser does not read yet, with the finding that shows it does
// not: the code and path of that finding, and why. Once the parser reads
// the syntax, the finding goes and TestLaunchDarklyPolicies fails until
// the file is removed from this list.
var pendingGrammar = map[string]struct{ code, path, reason string }{}

// TestLaunchDarklyPolicies checks every policy of the corpus as "ldpolicy
// check" does, each as the kind of file it is (a bare list named role-*.json
// as a custom role, as with --role), and requires that none has an error:
// LaunchDarkly ships or documents them all. Warnings are allowed, and
// listed with -v.
func TestLaunchDarklyPolicies(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join(corpusDir, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	err = filepath.WalkDir(corpusDir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".json") {
			rel, _ := filepath.Rel(corpusDir, path)
			files = append(files, filepath.ToSlash(rel))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	if len(files) < 40 {
		t.Fatalf("have %d policies in %s, want the whole corpus", len(files), corpusDir)
	}
	seen := map[string]bool{}
	for _, file := range files {
		seen[file] = true
		t.Run(file, func(t *testing.T) {
			if !strings.Contains(string(readme), "`"+file+"`") {
				t.Errorf("%s/README.md does not give the source of %s", corpusDir, file)
			}
			data, err := os.ReadFile(filepath.Join(corpusDir, file))
			if err != nil {
				t.Fatal(err)
			}
			var opts Options
			if strings.HasPrefix(filepath.Base(file), "role-") {
				opts.Policy.Context = policy.Role
			}
			findings, err := findingsOf(CheckSource(file, data, opts))
			if err != nil {
				t.Fatal(err)
			}
			pending, isPending := pendingGrammar[file]
			shown := false
			for _, f := range findings {
				if isPending && f.Code == pending.code && f.Path() == pending.path {
					shown = true
					t.Logf("pending grammar work: %s; today: %s", pending.reason, f)
					continue
				}
				if f.Severity == Error {
					t.Errorf("LaunchDarkly's own policy has an error: %s", f)
					continue
				}
				t.Logf("%s", f)
			}
			if isPending && !shown {
				t.Errorf("no %s at %s any more: the parser now reads the syntax (%s); remove %s from pendingGrammar", pending.code, pending.path, pending.reason, file)
			}
		})
	}
	for file := range pendingGrammar {
		if !seen[file] {
			t.Errorf("pendingGrammar lists %s, which is not in the corpus", file)
		}
	}
}
