// Package w3 is the harness of workload W3, dry-run end to end: it writes an
// NDJSON corpus of realistic audit-log events (internal/corpus), builds the
// ldpolicy binary and the encoding/json baseline (bench/cmd/jsondecode),
// and runs them and jq over the same file, each as its own process, for
// wall time, throughput and peak RSS. Before anything is timed, every engine
// must deliver the same number of events (Parity).
//
// The program bench/cmd/w3 drives it and prints Go benchmark lines; the test
// of this package checks parity on a small corpus.
//
// The policy is the quick start's webhook policy (testdata/policies/webhook.json
// at the repository root): production flag changes except deletions. It is
// used rather than the policy of cmd/ldpolicy's in-process benchmark, whose
// tag condition ("proj/mobile:env/*:flag/*;beta") depends on the metadata
// ldpolicy resolves from an event's currentVersion, so that the
// encoding/json and jq filters can mirror it exactly with plain string
// checks, and parity means something.
package w3

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/ldpolicy/ldpolicy/internal/corpus"
)

// Policy is the webhook policy of W3.
const Policy = `[
  {"effect":"allow","actions":["*"],"resources":["proj/*:env/production:flag/*"]},
  {"effect":"deny","actions":["deleteFlag"],"resources":["proj/*:env/*:flag/*"]}
]
`

// JQFilter is jq's closest equivalent of Policy: an event is kept when one
// of its accesses has an action other than deleteFlag on a resource of the
// form proj/KEY:env/production:flag/KEY. It splits the resource rather than
// matching a regular expression (test("^proj/[^:]*:env/production:flag/")),
// which is slower in jq.
const JQFilter = `select(any(.accesses[]?; .action != "deleteFlag" and (.resource | split(":") | length == 3 and (.[0] | startswith("proj/")) and .[1] == "env/production" and (.[2] | startswith("flag/")))))`

// Engine is one of the programs W3 compares. The input file is appended to
// Args.
type Engine struct {
	Name string // ldpolicy, encoding-json or jq
	Args []string
	// count reads the engine's output and returns the number of events
	// it delivered.
	count func(io.Reader) (int, error)
}

// Env is a working directory with the policy and the binaries built.
type Env struct {
	Dir        string
	PolicyFile string
	Ldpolicy   string // the ldpolicy binary
	JSONDecode string // the jsondecode binary
	JQ         string // jq's path
}

// ErrNoJQ is returned when jq is not installed.
var ErrNoJQ = errors.New("jq is not installed: install it (apt-get install jq; bench/run.sh installs it when it is missing)")

// Setup writes the policy into dir and builds ldpolicy (from the repository's
// cmd/ldpolicy, in its own module) and jsondecode there. It must run inside
// the bench module.
func Setup(dir string) (*Env, error) {
	jq, err := exec.LookPath("jq")
	if err != nil {
		return nil, ErrNoJQ
	}
	env := &Env{
		Dir:        dir,
		PolicyFile: filepath.Join(dir, "policy.json"),
		Ldpolicy:   filepath.Join(dir, "ldpolicy"),
		JSONDecode: filepath.Join(dir, "jsondecode"),
		JQ:         jq,
	}
	if err := os.WriteFile(env.PolicyFile, []byte(Policy), 0o666); err != nil {
		return nil, err
	}
	root, err := goList("github.com/ldpolicy/ldpolicy")
	if err != nil {
		return nil, err
	}
	bench, err := goList("")
	if err != nil {
		return nil, err
	}
	if err := goBuild(root, env.Ldpolicy, "./cmd/ldpolicy"); err != nil {
		return nil, err
	}
	if err := goBuild(bench, env.JSONDecode, "./cmd/jsondecode"); err != nil {
		return nil, err
	}
	return env, nil
}

// goList returns the directory of a module: the main module when path is
// empty.
func goList(path string) (string, error) {
	args := []string{"list", "-m", "-f", "{{.Dir}}"}
	if path != "" {
		args = append(args, path)
	}
	out, err := exec.Command("go", args...).Output()
	if err != nil {
		return "", fmt.Errorf("go %s: %w", strings.Join(args, " "), stderrOf(err))
	}
	dir := strings.TrimSpace(string(out))
	if dir == "" {
		return "", fmt.Errorf("go %s: no directory", strings.Join(args, " "))
	}
	return dir, nil
}

func goBuild(dir, out, pkg string) error {
	cmd := exec.Command("go", "build", "-o", out, pkg)
	cmd.Dir = dir
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build %s in %s: %v\n%s", pkg, dir, err, b)
	}
	return nil
}

func stderrOf(err error) error {
	var ee *exec.ExitError
	if errors.As(err, &ee) && len(ee.Stderr) > 0 {
		return fmt.Errorf("%v: %s", err, bytes.TrimSpace(ee.Stderr))
	}
	return err
}

// Engines returns the three engines, ldpolicy first.
func (e *Env) Engines() []Engine {
	return []Engine{
		{"ldpolicy", []string{e.Ldpolicy, "dry-run", "--policy", e.PolicyFile, "--format", "json"}, countSummary},
		{"encoding-json", []string{e.JSONDecode}, countLines},
		{"jq", []string{e.JQ, "-c", JQFilter}, countLines},
	}
}

// countLines counts the lines of output: the delivered events of
// jsondecode and jq.
func countLines(r io.Reader) (int, error) {
	n := 0
	br := bufio.NewReaderSize(r, 64<<10)
	for {
		line, err := br.ReadSlice('\n')
		if len(line) > 0 && line[len(line)-1] == '\n' {
			n++
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if err == io.EOF {
			if len(line) > 0 {
				n++
			}
			return n, nil
		}
		if err != nil {
			return n, err
		}
	}
}

// countSummary reads the delivered count of the summary record that ends
// dry-run's NDJSON output, and checks that no event was malformed or
// indeterminate.
func countSummary(r io.Reader) (int, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 64<<20)
	var last []byte
	for sc.Scan() {
		last = append(last[:0], sc.Bytes()...)
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	var s struct {
		Type                                string
		Delivered, Malformed, Indeterminate int
	}
	if err := json.Unmarshal(last, &s); err != nil || s.Type != "summary" {
		return 0, fmt.Errorf("dry-run's output does not end with a summary record: %.200q", last)
	}
	if s.Malformed != 0 || s.Indeterminate != 0 {
		return 0, fmt.Errorf("dry-run found %d malformed and %d indeterminate events", s.Malformed, s.Indeterminate)
	}
	return s.Delivered, nil
}

// Corpus is an NDJSON file of events.
type Corpus struct {
	Path   string
	Bytes  int64
	Events int
}

// EventsFor returns about how many events of the given seed make size bytes.
func EventsFor(size int64, seed int64) (int, error) {
	const sample = 2000
	var c countingWriter
	if err := corpus.Write(&c, sample, seed); err != nil {
		return 0, err
	}
	n := int((size*sample + c.n/2) / c.n)
	return max(n, 1), nil
}

type countingWriter struct{ n int64 }

func (c *countingWriter) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	return len(p), nil
}

// WriteCorpus writes n events from seed to path. The first events of a
// larger corpus are those of a smaller one with the same seed.
func WriteCorpus(path string, n int, seed int64) (Corpus, error) {
	f, err := os.Create(path)
	if err != nil {
		return Corpus{}, err
	}
	if err := corpus.Write(f, n, seed); err != nil {
		f.Close()
		return Corpus{}, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return Corpus{}, err
	}
	return Corpus{Path: path, Bytes: st.Size(), Events: n}, f.Close()
}

// Delivered runs an engine over input and returns the number of events it
// delivered.
func Delivered(e Engine, input string) (int, error) {
	cmd := exec.Command(e.Args[0], append(e.Args[1:], input)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return 0, err
	}
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	n, cerr := e.count(out)
	io.Copy(io.Discard, out)
	if err := cmd.Wait(); err != nil {
		return 0, fmt.Errorf("%s: %v\n%s", e.Name, err, tail(stderr.Bytes()))
	}
	if cerr != nil {
		return 0, fmt.Errorf("%s: %w", e.Name, cerr)
	}
	return n, nil
}

// Parity runs every engine over input and checks that they deliver the same
// number of events, which it returns by engine.
func Parity(engines []Engine, input string) (map[string]int, error) {
	got := map[string]int{}
	for _, e := range engines {
		n, err := Delivered(e, input)
		if err != nil {
			return got, err
		}
		got[e.Name] = n
	}
	for _, e := range engines[1:] {
		if got[e.Name] != got[engines[0].Name] {
			return got, fmt.Errorf("parity: %s delivers %d events, %s %d", engines[0].Name, got[engines[0].Name], e.Name, got[e.Name])
		}
	}
	return got, nil
}

// Pin says how timed runs are confined to one core.
type Pin struct {
	Taskset string // taskset's path; empty when it is not installed
	CPU     int
}

// DefaultPin pins to core 0 with taskset, when it is installed.
func DefaultPin() Pin {
	path, _ := exec.LookPath("taskset")
	return Pin{Taskset: path}
}

func (p Pin) String() string {
	if p.Taskset == "" {
		return "GOMAXPROCS=1 (taskset is not installed: not pinned to a core)"
	}
	return fmt.Sprintf("taskset -c %d, GOMAXPROCS=1", p.CPU)
}

// Run is the outcome of one timed run.
type Run struct {
	Wall time.Duration
	// PeakRSS is the peak resident set size of the engine's program, in
	// bytes: its VmHWM, sampled from /proc while it runs, on Linux; MaxRSS
	// elsewhere or when no sample was taken.
	PeakRSS int64
	// MaxRSS is ru_maxrss from wait4, in bytes. On Linux it is never lower
	// than the peak RSS of the process that started the engine: the kernel
	// carries the high-water mark of the address space a child leaves at
	// exec into the child, and Go starts children with vfork, so the
	// address space left is this process's. PeakRSS does not have that
	// floor.
	MaxRSS int64
}

// Time runs an engine over input with its output going to /dev/null, pinned
// as p says and with GOMAXPROCS=1, and returns its wall time and peak RSS.
func Time(e Engine, input string, p Pin) (Run, error) {
	args := append(append([]string(nil), e.Args...), input)
	if p.Taskset != "" {
		args = append([]string{p.Taskset, "-c", strconv.Itoa(p.CPU)}, args...)
	}
	null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		return Run{}, err
	}
	defer null.Close()
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env = append(os.Environ(), "GOMAXPROCS=1")
	cmd.Stdout = null
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return Run{}, fmt.Errorf("%s: %v", e.Name, err)
	}
	stop := sampleHWM(cmd.Process.Pid, filepath.Base(e.Args[0]))
	err = cmd.Wait()
	wall := time.Since(start)
	hwm := stop()
	if err != nil {
		return Run{}, fmt.Errorf("%s: %v\n%s", e.Name, err, tail(stderr.Bytes()))
	}
	r := Run{Wall: wall, MaxRSS: maxRSS(cmd.ProcessState), PeakRSS: hwm}
	if r.PeakRSS == 0 {
		r.PeakRSS = r.MaxRSS
	}
	return r, nil
}

// sampleHWM reads the VmHWM of process pid from /proc every few
// milliseconds, once it runs the program named name (after taskset's exec),
// until stop, which returns the last value read: the high-water mark of the
// program's own address space, which starts from zero at exec. It misses
// only growth in the last few milliseconds of the run. Outside Linux, stop
// returns 0.
func sampleHWM(pid int, name string) (stop func() int64) {
	if runtime.GOOS != "linux" {
		return func() int64 { return 0 }
	}
	if len(name) > 15 {
		name = name[:15] // the kernel's comm
	}
	path := fmt.Sprintf("/proc/%d/status", pid)
	done := make(chan struct{})
	result := make(chan int64)
	go func() {
		var last int64
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			if kb, ok := readHWM(path, name); ok {
				last = kb << 10
			}
			select {
			case <-done:
				result <- last
				return
			case <-t.C:
			}
		}
	}()
	return func() int64 { close(done); return <-result }
}

// readHWM returns the VmHWM of a /proc/PID/status file in kB, if the
// process runs the program name.
func readHWM(path, name string) (int64, bool) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, false
	}
	var comm string
	var hwm int64 = -1
	for _, line := range strings.Split(string(data), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		switch k {
		case "Name":
			comm = strings.TrimSpace(v)
		case "VmHWM":
			n, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			if err == nil {
				hwm = n
			}
		}
	}
	return hwm, comm == name && hwm >= 0
}

// maxRSS returns ru_maxrss of a finished process, in bytes.
func maxRSS(ps *os.ProcessState) int64 {
	ru, ok := ps.SysUsage().(*syscall.Rusage)
	if !ok {
		return 0
	}
	if runtime.GOOS == "darwin" {
		return int64(ru.Maxrss) // bytes there, kilobytes on Linux
	}
	return int64(ru.Maxrss) << 10
}

func tail(b []byte) []byte {
	if len(b) > 2000 {
		return b[len(b)-2000:]
	}
	return b
}
