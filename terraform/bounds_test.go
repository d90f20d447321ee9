package terraform

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// readModule reads a module of one main.tf, or the problems of doing so.
func readModule(t *testing.T, files fstest.MapFS) (*Source, []string) {
	t.Helper()
	s, err := ReadFS(files, "m")
	return s, problems(err)
}

// TestNesting: input nested deeper than HCL's parser can take without
// overflowing the stack (some 100 000 levels) is refused before it is
// parsed, whatever nests; nesting that real files have is read.
func TestNesting(t *testing.T) {
	const n = 100000
	for name, src := range map[string]string{
		"brackets":   "a = " + strings.Repeat("[", n) + strings.Repeat("]", n),
		"unclosed":   "a = " + strings.Repeat("(", n),
		"objects":    "a = " + strings.Repeat("{a=", n) + "1" + strings.Repeat("}", n),
		"calls":      "a = " + strings.Repeat("f(", n) + "1" + strings.Repeat(")", n),
		"not":        "a = " + strings.Repeat("!", n) + "true",
		"minus":      "a = " + strings.Repeat("- ", n) + "1",
		"conditions": "a = [" + strings.Repeat("x ? 1 :\n", n) + "1]",
		"templates":  "a = " + strings.Repeat(`"${`, n) + "1" + strings.Repeat(`}"`, n),
		"directives": `a = "` + strings.Repeat("%{if x}", 100) + strings.Repeat("%{endif}", 100) + `"`,
		"blocks":     strings.Repeat("b {\n", n) + strings.Repeat("}\n", n),
		// HCL's parser joins the pieces of a string in quadratic time.
		"heredoc lines":    "a = <<EOT\n" + strings.Repeat("x\n", 3*n) + "EOT",
		"unclosed heredoc": "a = " + strings.Repeat("[<<EOT\n", n),
		"escapes":          `a = "` + strings.Repeat("$${", 2*n) + `"`,
	} {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			_, have := readModule(t, fstest.MapFS{"m/main.tf": {Data: []byte(src + "\n")}})
			want := "nested more than 64 deep"
			if strings.Contains(src, "$${") || strings.Contains(src, "EOT") {
				want = "too many lines and escapes"
			}
			if len(have) != 1 || !strings.Contains(have[0], want) {
				t.Errorf("have %v, want %q", have, want)
			}
			if d := time.Since(start); d > time.Minute {
				t.Errorf("took %v", d)
			}
		})
	}
	// A resource nested as deeply as policies go is read.
	deep := `resource "launchdarkly_custom_role" "r" {
  key = "r"
  policy_statements_json = jsonencode([{ effect = "allow", actions = ["*"], resources = [(("proj/${(!false ? "*" : "x")}"))] }])
}
`
	s, have := readModule(t, fstest.MapFS{"m/main.tf": {Data: []byte(deep)}})
	if have != nil || s.Resources[0].Err != nil || s.Resources[0].Policy.Statements[0].Resources[0] != "proj/*" {
		t.Errorf("a policy as deep as they go: %v %+v", have, s.Resources)
	}
}

// TestSizes: each bound on sizes has its own error.
func TestSizes(t *testing.T) {
	role := func(name, expr string) string {
		return fmt.Sprintf("resource \"launchdarkly_custom_role\" %q {\n  key = %q\n  policy_statements_json = %s\n}\n", name, name, expr)
	}
	t.Run(".tf file", func(t *testing.T) {
		_, have := readModule(t, fstest.MapFS{"m/main.tf": {Data: []byte(strings.Repeat("\n", MaxHCLSize+1))}})
		want := fmt.Sprintf("m/main.tf: the file is longer than the limit of %d bytes", MaxHCLSize)
		if len(have) != 1 || have[0] != want {
			t.Errorf("have %v, want %s", have, want)
		}
	})
	t.Run("files", func(t *testing.T) {
		fsys := fstest.MapFS{}
		for i := 0; i <= MaxFiles; i++ {
			fsys[fmt.Sprintf("m/f%03d.tf", i)] = &fstest.MapFile{}
		}
		_, have := readModule(t, fsys)
		if want := "m: the module has 257 .tf files, more than the limit of 256"; len(have) != 1 || have[0] != want {
			t.Errorf("have %v, want %s", have, want)
		}
	})
	t.Run("file()", func(t *testing.T) {
		fsys := fstest.MapFS{
			"m/main.tf":  {Data: []byte(role("r", `file("big.json")`))},
			"m/big.json": {Data: []byte("[]" + strings.Repeat(" ", MaxFileSize))},
		}
		s, have := readModule(t, fsys)
		want := fmt.Sprintf("m/main.tf:3:33: launchdarkly_custom_role.r: file(\"big.json\"): the file is longer than the limit of %d bytes", MaxFileSize)
		if have != nil || s.Err() == nil || s.Err().Error() != want {
			t.Errorf("have %v %v, want %s", have, s.Err(), want)
		}
	})
	t.Run("total", func(t *testing.T) {
		// A file of 1 MiB read by 70 roles: it is read once, and decoded
		// for each role until the budget is spent.
		var tf strings.Builder
		for i := 0; i < 70; i++ {
			tf.WriteString(role(fmt.Sprintf("r%d", i), `file("policy.json")`))
		}
		fsys := fstest.MapFS{
			"m/main.tf":     {Data: []byte(tf.String())},
			"m/policy.json": {Data: []byte("[]" + strings.Repeat(" ", 1<<20))},
		}
		s, have := readModule(t, fsys)
		if have != nil {
			t.Fatal(have)
		}
		read, failed := 0, 0
		for _, r := range s.Resources {
			switch {
			case r.Err == nil:
				read++
			case strings.Contains(r.Err.Error(), fmt.Sprintf("the source takes more than %d bytes", MaxTotalSize)):
				failed++
			default:
				t.Errorf("%s: %v", r.Address, r.Err)
			}
		}
		if read < 50 || read+failed != 70 || failed == 0 {
			t.Errorf("%d read, %d over the budget", read, failed)
		}
	})
	t.Run("jsonencode", func(t *testing.T) {
		// Each jsonencode doubles the backslashes: 40 of them would make
		// a string of terabytes.
		expr := strings.Repeat("jsonencode(", 40) + `"\\\\\\\\"` + strings.Repeat(")", 40)
		start := time.Now()
		s, have := readModule(t, fstest.MapFS{"m/main.tf": {Data: []byte(role("r", expr))}})
		if have != nil || s.Err() == nil || !strings.Contains(s.Err().Error(), "jsonencode(…) is longer than") && !strings.Contains(s.Err().Error(), "the source takes more than") {
			t.Errorf("have %v %v", have, s.Err())
		}
		// About a second, several under the race detector.
		if d := time.Since(start); d > time.Minute {
			t.Errorf("took %v", d)
		}
	})
	t.Run("terraform show -json", func(t *testing.T) {
		_, err := ParseJSON("plan.json", make([]byte, MaxFileSize+1))
		if want := fmt.Sprintf("plan.json: the file is %d bytes, longer than the limit of %d", MaxFileSize+1, MaxFileSize); err == nil || err.Error() != want {
			t.Errorf("have %v, want %s", err, want)
		}
		deep := `{"format_version": "1.0", "values": {"root_module": {"resources": [{"address": "launchdarkly_webhook.w", "mode": "managed", "type": "launchdarkly_webhook", "values": ` +
			strings.Repeat("[", 100) + strings.Repeat("]", 100) + `}]}}}`
		_, err = ParseJSON("plan.json", []byte(deep))
		if want := "plan.json:1:231: JSON nested more than 64 deep"; err == nil || err.Error() != want {
			t.Errorf("have %v, want %s", err, want)
		}
	})
}

// TestFileInModule: file(…) reads only inside the module directory, even
// through a symbolic link.
func TestFileInModule(t *testing.T) {
	dir := t.TempDir()
	mod := filepath.Join(dir, "mod")
	if err := os.Mkdir(mod, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(name, data string) {
		if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(dir, "secret.json"), `[{"effect": "allow", "actions": ["*"], "resources": ["secret"]}]`)
	write(filepath.Join(mod, "inside.json"), `[]`)
	if err := os.Symlink(filepath.Join(dir, "secret.json"), filepath.Join(mod, "link.json")); err != nil {
		t.Skip(err)
	}
	write(filepath.Join(mod, "main.tf"), `resource "launchdarkly_custom_role" "inside" {
  key                    = "inside"
  policy_statements_json = file("${path.module}/inside.json")
}

resource "launchdarkly_custom_role" "link" {
  key                    = "link"
  policy_statements_json = file("link.json")
}

resource "launchdarkly_custom_role" "up" {
  key                    = "up"
  policy_statements_json = file("sub/../../secret.json")
}
`)
	s, err := Read(mod)
	if err != nil {
		t.Fatal(err)
	}
	if r, err := s.Resource("launchdarkly_custom_role.inside"); err != nil || len(r.Policy.Statements) != 0 {
		t.Errorf("a file inside: %v", err)
	}
	for _, addr := range []string{"launchdarkly_custom_role.link", "launchdarkly_custom_role.up"} {
		if _, err := s.Resource(addr); err == nil || !strings.Contains(err.Error(), "file(") {
			t.Errorf("%s: %v, want an error", addr, err)
		}
	}
}
