// Command w3 runs workload W3, dry-run end to end, and prints its results as
// Go benchmark lines for bench/cmd/report:
//
//	BenchmarkW3/<engine> 1 <ns/op> ns/op <MB/s> MB/s <MiB> peak-RSS-MiB <MiB> maxrss-MiB <n> delivered <n> events
//
// one line per timed run. MB/s are 10^6 bytes a second, as in go test's
// output. peak-RSS-MiB is the peak RSS of the engine's program (VmHWM, read
// from /proc while it runs); maxrss-MiB is ru_maxrss from wait4, which on
// Linux is never lower than this program's own peak RSS when it started the
// engine (printed in a "# w3:" line), and so is reported only beside it. It writes a seeded NDJSON corpus of about -size
// MiB, builds ldpolicy and the encoding/json baseline, checks that ldpolicy,
// encoding/json and jq deliver the same number of events (parity; nothing is
// timed otherwise), then runs each -runs times, pinned to one core, with its
// output going to /dev/null. Last, it runs ldpolicy on a corpus four times
// larger (BenchmarkW3/ldpolicy-4x) to show whether its memory stays flat.
//
// Run it from the bench directory: go run ./cmd/w3. It needs jq.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"

	"github.com/ldpolicy/ldpolicy/bench/w3"
)

func main() {
	size := flag.Int64("size", 128, "corpus size in `MiB`")
	runs := flag.Int("runs", 3, "timed runs of each engine")
	seed := flag.Int64("seed", 1, "corpus seed")
	cpu := flag.Int("cpu", 0, "the core taskset pins the runs to")
	mem4x := flag.Bool("mem4x", true, "also run ldpolicy on a corpus 4 times larger, for its peak RSS")
	dir := flag.String("dir", "", "working `directory` (default: a temporary one, removed at the end)")
	flag.Parse()
	if err := run(*size<<20, *runs, *seed, *cpu, *mem4x, *dir); err != nil {
		fmt.Fprintln(os.Stderr, "w3:", err)
		os.Exit(1)
	}
}

func run(size int64, runs int, seed int64, cpu int, mem4x bool, dir string) error {
	if dir == "" {
		tmp, err := os.MkdirTemp("", "ldpolicy-w3-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	} else if err := os.MkdirAll(dir, 0o777); err != nil {
		return err
	}
	logf("building ldpolicy and jsondecode in %s", dir)
	env, err := w3.Setup(dir)
	if err != nil {
		return err
	}
	n, err := w3.EventsFor(size, seed)
	if err != nil {
		return err
	}
	logf("writing %d events (about %d MiB)", n, size>>20)
	c, err := w3.WriteCorpus(filepath.Join(dir, "corpus.ndjson"), n, seed)
	if err != nil {
		return err
	}
	engines := env.Engines()
	logf("parity: running each engine once over the corpus")
	delivered, err := w3.Parity(engines, c.Path)
	if err != nil {
		return err
	}
	pin := w3.DefaultPin()
	pin.CPU = cpu

	fmt.Printf("goos: %s\ngoarch: %s\npkg: github.com/ldpolicy/ldpolicy/bench/w3\n", runtime.GOOS, runtime.GOARCH)
	fmt.Printf("# w3: corpus %d bytes, %d events, seed %d; parity: %s\n", c.Bytes, c.Events, seed, parity(engines, delivered))
	fmt.Printf("# w3: each run pinned with %s, output to /dev/null; %d runs each\n", pin, runs)
	for i := 0; i < runs; i++ {
		for _, e := range engines { // interleaved, so that a slow spell of the machine hits every engine
			logf("run %d/%d: %s", i+1, runs, e.Name)
			r, err := w3.Time(e, c.Path, pin)
			if err != nil {
				return err
			}
			line("BenchmarkW3/"+e.Name, c, r, delivered[e.Name])
		}
	}
	if mem4x {
		if err := runMem4x(engines[0], 4*n, seed, dir, runs, pin); err != nil {
			return err
		}
	}
	fmt.Printf("# w3: maxrss-MiB may include memory of this program, whose own peak RSS is %.1f MiB\n", selfMaxRSSMiB())
	return nil
}

// runMem4x times ld on a corpus of n events, four times the first one.
func runMem4x(ld w3.Engine, n int, seed int64, dir string, runs int, pin w3.Pin) error {
	logf("writing %d events for the 4x corpus", n)
	c4, err := w3.WriteCorpus(filepath.Join(dir, "corpus4x.ndjson"), n, seed)
	if err != nil {
		return err
	}
	d4, err := w3.Delivered(ld, c4.Path)
	if err != nil {
		return err
	}
	fmt.Printf("# w3: 4x corpus %d bytes, %d events; ldpolicy delivers %d\n", c4.Bytes, c4.Events, d4)
	for i := 0; i < runs; i++ {
		logf("run %d/%d: %s on the 4x corpus", i+1, runs, ld.Name)
		r, err := w3.Time(ld, c4.Path, pin)
		if err != nil {
			return err
		}
		line("BenchmarkW3/"+ld.Name+"-4x", c4, r, d4)
	}
	return nil
}

// selfMaxRSSMiB returns this process's peak RSS in MiB.
func selfMaxRSSMiB() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	if runtime.GOOS == "darwin" {
		return float64(ru.Maxrss) / (1 << 20)
	}
	return float64(ru.Maxrss) / (1 << 10)
}

func line(name string, c w3.Corpus, r w3.Run, delivered int) {
	ns := r.Wall.Nanoseconds()
	fmt.Printf("%s \t       1\t%d ns/op\t%.2f MB/s\t%.1f peak-RSS-MiB\t%.1f maxrss-MiB\t%d delivered\t%d events\n",
		name, ns, float64(c.Bytes)/r.Wall.Seconds()/1e6, float64(r.PeakRSS)/(1<<20), float64(r.MaxRSS)/(1<<20), delivered, c.Events)
}

func parity(engines []w3.Engine, delivered map[string]int) string {
	var parts []string
	for _, e := range engines {
		parts = append(parts, fmt.Sprintf("%s delivers %d", e.Name, delivered[e.Name]))
	}
	return strings.Join(parts, ", ")
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "w3: "+format+"\n", args...)
}
