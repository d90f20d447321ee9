//go:build unix

package main

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
)

// TestHugeIDsMemory runs dry-run --dedup and filter --dedup, as processes
// of their own, over 400 events whose _ids are 1 MiB each (400 MiB of
// NDJSON, gzipped to 0.6 MB), a quarter of them repeats, and checks
// that the peak resident memory of each stays under 160 MiB: the _ids
// seen are remembered by a digest of fixed size, not kept whole (over 300 MiB
// so), and the stream holds one event at a time.
func TestHugeIDsMemory(t *testing.T) {
	const (
		events  = 400
		idSize  = 1 << 20
		maxPeak = 160 << 20
	)
	dir := t.TempDir()
	policyFile := filepath.Join(dir, "policy.json")
	if err := os.WriteFile(policyFile, []byte(`[{"effect":"allow","actions":["*"],"resources":["proj/*:env/production:flag/*"]}]`), 0o666); err != nil {
		t.Fatal(err)
	}
	// The file is a gzip stream of three members an event, as gzip
	// allows: the start of the event, its _id's 1 MiB of filler, which
	// is compressed once, and the rest.
	var gz bytes.Buffer
	member := func(s string) []byte {
		gz.Reset()
		zw := gzip.NewWriter(&gz)
		zw.Write([]byte(s))
		zw.Close()
		return bytes.Clone(gz.Bytes())
	}
	filler := member(strings.Repeat("x", idSize-16))
	var file []byte
	for i := range events {
		n := i
		if i%4 == 3 {
			n = i - 1 // a repeat of the previous event's _id
		}
		env := "test"
		if i%40 == 0 {
			env = "production" // delivered: filter writes 10 MiB, not 300
		}
		file = append(file, member(fmt.Sprintf(`{"_id":"%016d`, n))...)
		file = append(file, filler...)
		file = append(file, member(fmt.Sprintf(`","date":%d,"kind":"flag","accesses":[{"action":"updateOn","resource":"proj/p:env/%s:flag/f%d"}]}`+"\n", i, env, i))...)
	}
	t.Logf("%d events, %.1f MB gzipped", events, float64(len(file))/1e6)
	eventsFile := filepath.Join(dir, "huge-ids.ndjson.gz")
	if err := os.WriteFile(eventsFile, file, 0o666); err != nil {
		t.Fatal(err)
	}

	// The test binary runs as ldpolicy; with the race detector, which
	// slows it down tenfold and takes memory of its own, ldpolicy is built
	// without.
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(), runAsLdpolicy+"=1")
	if raceEnabled {
		exe = filepath.Join(dir, "ldpolicy")
		build := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "build", "-o", exe, ".")
		if out, err := build.CombinedOutput(); err != nil {
			t.Fatalf("go build: %v\n%s", err, out)
		}
	}
	for _, tt := range []struct {
		args []string
		want string // in stdout or stderr
	}{
		{[]string{"dry-run", "--dedup", "--policy", policyFile, eventsFile}, "duplicate _ids   100 (left out by --dedup)"},
		{[]string{"filter", "--dedup", "--policy", policyFile, eventsFile}, "400 read, 10 written; 10 delivered, 290 not delivered, 0 indeterminate, 0 malformed, 100 duplicate _ids (left out)"},
	} {
		t.Run(tt.args[0], func(t *testing.T) {
			var stdout headTail
			var stderr bytes.Buffer
			cmd := exec.Command(exe, tt.args...)
			cmd.Env = env
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Run(); err != nil {
				t.Fatalf("%v: %v\nstderr:\n%s", tt.args, err, stderr.String())
			}
			if !strings.Contains(stdout.String()+stderr.String(), tt.want) {
				t.Errorf("%v: the output has no %q\nstdout (its first and last 4 KiB):\n%s\nstderr:\n%s", tt.args, tt.want, stdout.String(), stderr.String())
			}
			// On Linux the child's peak counts the memory of the test
			// process that it was forked from, until it calls exec: an
			// upper bound, which is what the test needs.
			peak := cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss
			if runtime.GOOS != "darwin" {
				peak <<= 10 // kilobytes but on macOS
			}
			t.Logf("%s: peak RSS %.1f MiB", tt.args[0], float64(peak)/(1<<20))
			if peak >= maxPeak {
				t.Errorf("%s: peak RSS %.1f MiB, want under %d MiB", tt.args[0], float64(peak)/(1<<20), maxPeak>>20)
			}
		})
	}
}

// headTail keeps the first and the last 4 KiB written to it: the outputs
// hold megabytes of _ids, which the test need not.
type headTail struct {
	head, tail []byte
}

const headTailSize = 4 << 10

func (h *headTail) Write(p []byte) (int, error) {
	n := len(p)
	if room := headTailSize - len(h.head); room > 0 {
		h.head = append(h.head, p[:min(room, len(p))]...)
	}
	if len(p) > headTailSize {
		p = p[len(p)-headTailSize:]
	}
	h.tail = append(h.tail, p...)
	if len(h.tail) > headTailSize {
		h.tail = append(h.tail[:0], h.tail[len(h.tail)-headTailSize:]...)
	}
	return n, nil
}

func (h *headTail) String() string { return string(h.head) + "\n...\n" + string(h.tail) }
