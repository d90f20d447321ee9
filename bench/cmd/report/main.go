// Command report reads the raw output of the benchmarks (go test -bench and
// bench/cmd/w3) and writes BENCHMARKS.md: the machine, a table per
// workload, and whether each target is met.
//
//	go run ./cmd/report [-in results.txt] [-out ../BENCHMARKS.md]
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

func main() {
	in := flag.String("in", "results.txt", "the raw benchmark output")
	out := flag.String("out", "../BENCHMARKS.md", "the report to write")
	flag.Parse()
	if err := run(*in, *out); err != nil {
		fmt.Fprintln(os.Stderr, "report:", err)
		os.Exit(1)
	}
}

func run(in, out string) error {
	f, err := os.Open(in)
	if err != nil {
		return err
	}
	defer f.Close()
	res, err := Parse(f)
	if err != nil {
		return err
	}
	if len(res.Samples) == 0 {
		return fmt.Errorf("%s holds no benchmark results", in)
	}
	var buf bytes.Buffer
	source := in
	if !filepath.IsAbs(in) {
		source = "bench/" + filepath.ToSlash(filepath.Clean(in)) // run.sh runs in bench
	}
	if err := Generate(&buf, res, machine(res, source)); err != nil {
		return err
	}
	return os.WriteFile(out, buf.Bytes(), 0o666)
}

// machine describes this machine, where the benchmarks are taken to have
// run: the report is written right after them.
func machine(res *Results, source string) Machine {
	m := Machine{
		CPU:    cpuModel(),
		Cores:  runtime.NumCPU(),
		OS:     runtime.GOOS + "/" + runtime.GOARCH,
		Go:     runtime.Version(),
		Date:   time.Now().UTC().Format("2006-01-02"),
		Source: source,
	}
	if m.CPU == "" {
		m.CPU = res.CPU
	}
	if d := osRelease(); d != "" {
		m.OS += ", " + d
	}
	if k, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.OS += ", Linux " + strings.TrimSpace(string(k))
	}
	return m
}

// cpuModel returns the first "model name" of /proc/cpuinfo.
func cpuModel() string {
	data, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return ""
	}
	for _, line := range strings.Split(string(data), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// osRelease returns the PRETTY_NAME of /etc/os-release.
func osRelease() string {
	data, err := os.ReadFile("/etc/os-release")
	if err != nil {
		return ""
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "PRETTY_NAME="); ok {
			return strings.Trim(v, `"`)
		}
	}
	return ""
}
