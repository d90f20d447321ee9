package lint

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// TestDocListsRules checks that the package documentation lists every
// rule as Rules has it: code, severity, summary and example.
func TestDocListsRules(t *testing.T) {
	src, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(src)
	for _, r := range Rules() {
		entry := fmt.Sprintf("//\t%s %-8s %s\n//\t                %s\n", r.Code, r.Severity, r.Summary, r.Example)
		if !strings.Contains(doc, entry) {
			t.Errorf("doc.go does not list %s as\n%s", r.Code, entry)
		}
	}
}
