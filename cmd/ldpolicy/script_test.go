package main

import (
	"bytes"
	"compress/gzip"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite the files that cmp compares in testdata/script")

// TestScripts runs the end-to-end scripts in testdata/script. A script is a
// txtar archive (golang.org/x/tools/txtar): its comment holds commands, one
// per line, and its files are written to a temporary directory that the
// commands run in.
//
//	ldpolicy ARGS... [< FILE]   run ldpolicy, with FILE as stdin
//	exit N                      the last run exited with status N
//	cmp stdout|stderr FILE      its output is exactly FILE (-update rewrites FILE)
//	[!] stdout|stderr REGEXP    its output has (or has no) a match for REGEXP
//	empty stdout|stderr         its output is empty
//	gzip SRC DST                write SRC compressed to DST
//	truncate FILE N             cut FILE to its first N bytes (-N: its last N bytes off)
//	symlink TARGET LINK         make LINK a symbolic link to TARGET
//	mkdir DIR                   make the directory DIR (and its parents)
//	env NAME=VALUE              set an environment variable for the rest of the script
//
// Arguments are split at spaces, with '...' quoting; $TESTDATA is the
// repository's top-level testdata directory, and outputs name it so too. Lines starting with '#' are
// comments. Every run must be followed by an exit line.
func TestScripts(t *testing.T) {
	files, err := filepath.Glob("testdata/script/*.txt")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no scripts in testdata/script")
	}
	shared, err := filepath.Abs("../../testdata")
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range files {
		if file, err = filepath.Abs(file); err != nil {
			t.Fatal(err)
		}
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txt"), func(t *testing.T) {
			runScript(t, file, shared)
		})
	}
}

func runScript(t *testing.T, file, shared string) {
	a, err := txtar.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, f := range a.Files {
		path := filepath.Join(dir, f.Name)
		if err := os.MkdirAll(filepath.Dir(path), 0o777); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, f.Data, 0o666); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)

	var stdout, stderr string
	code := 0
	ran, checkedExit, rewrote := false, true, false
	for n, line := range strings.Split(string(a.Comment), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		where := fmt.Sprintf("%s:%d: %s", file, n+1, line)
		args, err := splitArgs(strings.ReplaceAll(line, "$TESTDATA", shared))
		if err != nil {
			t.Fatalf("%s: %v", where, err)
		}
		neg := args[0] == "!"
		if neg {
			args = args[1:]
		}
		switch args[0] {
		case "ldpolicy":
			if !checkedExit {
				t.Fatalf("%s: the previous run has no exit line", where)
			}
			var in []byte
			if len(args) >= 3 && args[len(args)-2] == "<" {
				if in, err = os.ReadFile(args[len(args)-1]); err != nil {
					t.Fatalf("%s: %v", where, err)
				}
				args = args[:len(args)-2]
			}
			var out, errOut bytes.Buffer
			code = exitCode(run(args[1:], bytes.NewReader(in), &out, &errOut), &errOut)
			// Outputs name the shared directory as scripts do, so that they
			// do not depend on where the repository is.
			stdout = strings.ReplaceAll(out.String(), shared, "$TESTDATA")
			stderr = strings.ReplaceAll(errOut.String(), shared, "$TESTDATA")
			ran, checkedExit = true, false
			t.Logf("%s\nexit %d\nstdout:\n%sstderr:\n%s", where, code, stdout, stderr)
		case "exit":
			want, err := strconv.Atoi(args[1])
			if err != nil || !ran {
				t.Fatalf("%s: exit needs a number after a run", where)
			}
			if code != want {
				t.Errorf("%s: exit status %d, want %d\nstderr:\n%s", where, code, want, stderr)
			}
			checkedExit = true
		case "cmp":
			have := pick(t, where, args[1], stdout, stderr)
			i := findFile(a, args[2])
			if i < 0 {
				t.Fatalf("%s: no file %q in the archive", where, args[2])
			}
			if *update {
				// An archive holds whole lines: txtar.Format would add
				// the missing newline, and the next run would fail.
				if have != "" && !strings.HasSuffix(have, "\n") {
					t.Errorf("%s: -update: %s does not end in a newline", where, args[1])
					continue
				}
				a.Files[i].Data, rewrote = []byte(have), true
				continue
			}
			if want := string(a.Files[i].Data); have != want {
				t.Errorf("%s: %s differs\nhave:\n%s\nwant:\n%s", where, args[1], have, want)
			}
		case "stdout", "stderr":
			re, err := regexp.Compile("(?m)" + args[1])
			if err != nil {
				t.Fatalf("%s: %v", where, err)
			}
			have := pick(t, where, args[0], stdout, stderr)
			if re.MatchString(have) == neg {
				t.Errorf("%s: %s is\n%s", where, args[0], have)
			}
		case "gzip":
			if err := gzipFile(args[1], args[2]); err != nil {
				t.Fatalf("%s: %v", where, err)
			}
		case "truncate":
			n, err := strconv.Atoi(args[2])
			if err == nil && n < 0 {
				var info os.FileInfo
				if info, err = os.Stat(args[1]); err == nil {
					n += int(info.Size())
				}
			}
			if err == nil {
				err = os.Truncate(args[1], int64(n))
			}
			if err != nil {
				t.Fatalf("%s: %v", where, err)
			}
		case "symlink":
			if len(args) != 3 {
				t.Fatalf("%s: expected symlink TARGET LINK", where)
			}
			if err := os.Symlink(args[1], args[2]); err != nil {
				t.Fatalf("%s: %v", where, err)
			}
		case "mkdir":
			if err := os.MkdirAll(args[1], 0o777); err != nil {
				t.Fatalf("%s: %v", where, err)
			}
		case "env":
			name, value, ok := strings.Cut(args[1], "=")
			if !ok || len(args) != 2 {
				t.Fatalf("%s: expected env NAME=VALUE", where)
			}
			t.Setenv(name, value)
		case "empty":
			if have := pick(t, where, args[1], stdout, stderr); have != "" {
				t.Errorf("%s: %s is not empty:\n%s", where, args[1], have)
			}
		default:
			t.Fatalf("%s: unknown command %q", where, args[0])
		}
	}
	if !checkedExit {
		t.Errorf("%s: the last run has no exit line", file)
	}
	if rewrote {
		if err := os.WriteFile(file, txtar.Format(a), 0o666); err != nil {
			t.Fatal(err)
		}
	}
}

func pick(t *testing.T, where, name, stdout, stderr string) string {
	switch name {
	case "stdout":
		return stdout
	case "stderr":
		return stderr
	}
	t.Fatalf("%s: expected stdout or stderr, found %q", where, name)
	return ""
}

func findFile(a *txtar.Archive, name string) int {
	for i, f := range a.Files {
		if f.Name == name {
			return i
		}
	}
	return -1
}

func gzipFile(src, dst string) error {
	data, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write(data)
	if err := zw.Close(); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o777); err != nil {
		return err
	}
	return os.WriteFile(dst, b.Bytes(), 0o666)
}

// splitArgs splits a command line at spaces; '...' quotes.
func splitArgs(line string) ([]string, error) {
	var args []string
	var cur strings.Builder
	inArg, quoted := false, false
	for _, r := range line {
		switch {
		case r == '\'':
			quoted, inArg = !quoted, true
		case r == ' ' && !quoted:
			if inArg {
				args = append(args, cur.String())
				cur.Reset()
				inArg = false
			}
		default:
			cur.WriteRune(r)
			inArg = true
		}
	}
	if quoted {
		return nil, fmt.Errorf("unclosed quote")
	}
	if inArg {
		args = append(args, cur.String())
	}
	return args, nil
}
