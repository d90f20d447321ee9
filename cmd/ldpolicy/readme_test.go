package main

import (
	"bytes"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/ldpolicy/ldpolicy/lint"
)

// TestReadmeQuickStart runs the quick-start command of README.md and
// compares its output with the output the README shows after it.
func TestReadmeQuickStart(t *testing.T) {
	code, have, want, stderr := runReadmeExample(t, "<!-- quickstart:", "go run ./cmd/ldpolicy ")
	if code != 0 {
		t.Errorf("quick start exits %d, want 0; stderr:\n%s", code, stderr)
	}
	if have != want {
		t.Errorf("quick start output differs from README.md\nhave:\n%s\nwant:\n%s", have, want)
	}
}

// TestReadmeTerraform runs the check of a .tf file that README.md shows
// under "Policies in Terraform", and compares its output with the README's.
func TestReadmeTerraform(t *testing.T) {
	_, have, want, _ := runReadmeExample(t, "<!-- terraform:", "./ldpolicy ")
	if have != want {
		t.Errorf("the Terraform example's output differs from README.md\nhave:\n%s\nwant:\n%s", have, want)
	}
}

// runReadmeExample runs, from the root of the repository, the command of
// the fenced block after the line of README.md that starts with marker:
// one line, prefix and the arguments. It returns the command's exit status,
// stdout and stderr, and the content of the next block, the output that
// the README shows.
func runReadmeExample(t *testing.T, marker, prefix string) (code int, stdout, want, stderr string) {
	t.Helper()
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := fencedBlocksAfter(string(readme), marker, 2)
	if len(blocks) != 2 {
		t.Fatalf("README.md: want the command block after %q and its output block, found %d blocks", marker, len(blocks))
	}
	command, want := strings.TrimSpace(blocks[0]), blocks[1]
	if !strings.HasPrefix(command, prefix) || strings.Contains(command, "\n") {
		t.Fatalf("README.md: the command after %q is %q, want one %q command", marker, command, prefix+"...")
	}
	args, err := splitArgs(strings.TrimPrefix(command, prefix))
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir("../..")
	var out, errOut bytes.Buffer
	code = exitCode(run(args, nil, &out, &errOut), &errOut)
	return code, out.String(), want, errOut.String()
}

// fencedBlocksAfter returns the contents of the first n fenced code blocks
// after the line that starts with marker.
func fencedBlocksAfter(doc, marker string, n int) []string {
	var blocks []string
	var cur strings.Builder
	found, inside := false, false
	for _, line := range strings.SplitAfter(doc, "\n") {
		switch {
		case !found:
			found = strings.HasPrefix(line, marker)
		case strings.HasPrefix(line, "```"):
			if inside {
				blocks = append(blocks, cur.String())
				cur.Reset()
				if len(blocks) == n {
					return blocks
				}
			}
			inside = !inside
		case inside:
			cur.WriteString(line)
		}
	}
	return blocks
}

// TestReadmeCheckExample checks that the finding README.md shows under
// "Linting" is what check prints for the webhook of check_lint.txt.
func TestReadmeCheckExample(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := fencedBlocksAfter(string(readme), "## Linting", 1)
	if len(blocks) != 1 {
		t.Fatal("README.md: no example block under ## Linting")
	}
	script, err := os.ReadFile("testdata/script/check_lint.txt")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(script), blocks[0]) {
		t.Errorf("README.md's example under ## Linting is not in the output of check_lint.txt:\n%s", blocks[0])
	}
}

// TestReadmeCodes checks that the table of codes in README.md is the
// rules of package lint: code, severity and summary, in order.
func TestReadmeCodes(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var have []string
	inside := false
	for _, line := range strings.Split(string(readme), "\n") {
		switch {
		case strings.HasPrefix(line, "<!-- codes:"):
			inside = true
		case inside && strings.HasPrefix(line, "| `LDP"):
			have = append(have, line)
		case inside && line == "":
			inside = false
		}
	}
	var want []string
	for _, r := range lint.Rules() {
		want = append(want, fmt.Sprintf("| `%s` | %s | %s |", r.Code, r.Severity, strings.ReplaceAll(r.Summary, "|", `\|`)))
	}
	if !slices.Equal(have, want) {
		t.Errorf("README.md's table of codes differs from lint.Rules\nhave:\n%s\nwant:\n%s", strings.Join(have, "\n"), strings.Join(want, "\n"))
	}
}

// TestReadmeBuildsBeforeStatuses holds README.md to what go run cannot
// show: it reports every exit status but 0 as 1. The example block whose
// comments first speak of an exit status builds the binary before that
// and runs it, not go run.
func TestReadmeBuildsBeforeStatuses(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	built := false
	for _, block := range fencedBlocksAfter(string(readme), "# ldpolicy", 1000) {
		for _, line := range strings.Split(block, "\n") {
			line = strings.TrimSpace(line)
			if strings.HasPrefix(line, "go build -o ldpolicy ./cmd/ldpolicy") || strings.HasPrefix(line, "go install ./cmd/ldpolicy") {
				built = true
			}
			if strings.HasPrefix(line, "#") && strings.Contains(line, "exit status") {
				if !built {
					t.Errorf("README.md: %q comes before the binary is built", line)
				}
				if strings.Contains(block, "go run ./cmd/ldpolicy") {
					t.Errorf("README.md: the block of %q runs go run, which reports every failing status as 1", line)
				}
				return
			}
		}
	}
	t.Error("README.md: no example speaks of an exit status")
}

// TestReadmeLibraryChecksErrors reads the Go snippet under "As a library":
// every error it gets is checked on the next line, so that a reader who
// copies it does not discard one.
func TestReadmeLibraryChecksErrors(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := fencedBlocksAfter(string(readme), "## As a library", 1)
	if len(blocks) != 1 {
		t.Fatal("README.md: no snippet under ## As a library")
	}
	lines := strings.Split(blocks[0], "\n")
	checked := 0
	for i, line := range lines {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "if ") && strings.Contains(line, "err := ") {
			checked++
			continue
		}
		if !strings.Contains(line, "err := ") && !strings.Contains(line, "err = ") {
			continue
		}
		if i+1 >= len(lines) || !strings.HasPrefix(strings.TrimSpace(lines[i+1]), "if err != nil") {
			t.Errorf("README.md: the error of %q is not checked on the next line", line)
		}
		checked++
	}
	if checked == 0 {
		t.Error("README.md: the library snippet gets no error")
	}
}
