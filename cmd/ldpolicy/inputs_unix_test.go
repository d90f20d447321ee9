//go:build unix

package main

import (
	"bytes"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestInputsNotRegular checks that a named pipe in a directory is reported,
// not read (which could block) nor left out silently, and that one given as
// an argument is read.
func TestInputsNotRegular(t *testing.T) {
	t.Chdir(t.TempDir())
	if err := os.WriteFile("policy.json", []byte(`[]`), 0o666); err != nil {
		t.Fatal(err)
	}
	os.Mkdir("d", 0o777)
	if err := syscall.Mkfifo(filepath.Join("d", "pipe.json"), 0o666); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := exitCode(run([]string{"dry-run", "--policy", "policy.json", "d"}, nil, &stdout, &stderr), &stderr)
	want := "ldpolicy: dry-run: d/pipe.json: a named pipe, not a regular file: a directory's files are read only when regular (give it as an argument to read it)\n"
	if code != exitUsage || stdout.Len() != 0 || stderr.String() != want {
		t.Errorf("exit status %d, stdout %q, stderr:\nhave %q\nwant %q", code, stdout.String(), stderr.String(), want)
	}

	go func() {
		f, err := os.OpenFile(filepath.Join("d", "pipe.json"), os.O_WRONLY, 0)
		if err != nil {
			return
		}
		f.WriteString(`{"_id":"p","date":1,"kind":"flag","accesses":[]}` + "\n")
		f.Close()
	}()
	stdout.Reset()
	stderr.Reset()
	code = exitCode(run([]string{"dry-run", "--policy", "policy.json", "--format", "json", "d/pipe.json"}, nil, &stdout, &stderr), &stderr)
	if code != exitOK || !bytes.Contains(stdout.Bytes(), []byte(`"source":"d/pipe.json:1","_id":"p"`)) {
		t.Errorf("exit status %d\nstdout:\n%s\nstderr:\n%s", code, stdout.String(), stderr.String())
	}
}
