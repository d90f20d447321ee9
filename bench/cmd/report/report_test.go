package main

import (
	"strings"
	"testing"
)

const sample = `goos: linux
goarch: amd64
pkg: github.com/ldpolicy/ldpolicy/bench/w1
cpu: AMD EPYC 7B13
BenchmarkW1/allow/ldpolicy-2         	 1000000	        20.00 ns/op	       0 B/op	       0 allocs/op
BenchmarkW1/allow/ldpolicy-2         	 1000000	        30.00 ns/op	       0 B/op	       0 allocs/op
BenchmarkW1/allow/ldpolicy-2         	 1000000	        22.00 ns/op	       0 B/op	       0 allocs/op
BenchmarkW1/allow/floor-2            	 1000000	        16.00 ns/op	       0 B/op	       0 allocs/op
BenchmarkW1/allow/cedar-2            	   10000	      2200 ns/op	     900 B/op	      12 allocs/op
BenchmarkW1/allow/opa-2              	    1000	     44000 ns/op	   20000 B/op	     300 allocs/op
BenchmarkW1/deny/ldpolicy-2          	 1000000	        10.00 ns/op	       0 B/op	       0 allocs/op
BenchmarkW1/deny/floor-2             	 1000000	        10.00 ns/op	       0 B/op	       0 allocs/op
BenchmarkW1/deny/cedar-2             	   10000	       200 ns/op	      16 B/op	       1 allocs/op
--- SKIP: BenchmarkW1/nomatch/minio
    w1_test.go:12: something
PASS
ok  	github.com/ldpolicy/ldpolicy/bench/w1	3.1s
pkg: github.com/ldpolicy/ldpolicy/bench/w2
BenchmarkW2/ldpolicy-2         	       5	 12000000 ns/op	  11.42 MB/s	        10.50 retained-MiB	 20971520 B/op	 1865094 allocs/op
BenchmarkW2/encoding-json-2    	       5	  6000000 ns/op	  40.72 MB/s	         9.715 retained-MiB	17739448 B/op	  383057 allocs/op
pkg: github.com/ldpolicy/ldpolicy/bench/w4
BenchmarkW4/stars8/256/ldpolicy-2         	100	        100.0 ns/op	2560.00 MB/s
BenchmarkW4/stars8/256/regexp-2           	100	      50000 ns/op	   5.12 MB/s
BenchmarkW4/stars8/4096/ldpolicy-2        	100	       1700 ns/op	2409.41 MB/s
BenchmarkW4/stars8/4096/regexp-2          	100	     800000 ns/op	   5.12 MB/s
BenchmarkW4/brace/256/ldpolicy-2          	100	      60000 ns/op	   4.27 MB/s
BenchmarkW4/brace/4096/ldpolicy-2         	100	     900000 ns/op	   4.55 MB/s
BenchmarkW4
BenchmarkW4/brace
goos: linux
pkg: github.com/ldpolicy/ldpolicy/bench/w3
# w3: corpus 134217728 bytes, 65536 events, seed 1; parity: ldpolicy delivers 100
BenchmarkW3/ldpolicy 	       1	200000000 ns/op	671.09 MB/s	9.0 peak-RSS-MiB	9.8 maxrss-MiB	100 delivered	65536 events
BenchmarkW3/encoding-json 	       1	2000000000 ns/op	67.11 MB/s	8.0 peak-RSS-MiB	9.8 maxrss-MiB	100 delivered
BenchmarkW3/jq 	       1	8000000000 ns/op	16.78 MB/s	3.0 peak-RSS-MiB	9.8 maxrss-MiB	100 delivered
BenchmarkW3/ldpolicy-4x 	       1	800000000 ns/op	671.09 MB/s	10.0 peak-RSS-MiB	9.8 maxrss-MiB	400 delivered	262144 events
`

func parseSample(t *testing.T, s string) *Results {
	t.Helper()
	res, err := Parse(strings.NewReader(s))
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestParse(t *testing.T) {
	res := parseSample(t, sample)
	if res.CPU != "AMD EPYC 7B13" {
		t.Errorf("CPU %q", res.CPU)
	}
	if len(res.Notes) != 1 || !strings.HasPrefix(res.Notes[0], "corpus 134217728 bytes") {
		t.Errorf("notes %q", res.Notes)
	}
	for _, tc := range []struct {
		name, unit string
		want       float64
		count      int
	}{
		{"BenchmarkW1/allow/ldpolicy", "ns/op", 22, 3}, // the median of 20, 30, 22
		{"BenchmarkW1/allow/cedar", "allocs/op", 12, 1},
		{"BenchmarkW2/ldpolicy", "retained-MiB", 10.5, 1},
		{"BenchmarkW2/encoding-json", "B/op", 17739448, 1},
		{"BenchmarkW4/stars8/4096/regexp", "MB/s", 5.12, 1},
		{"BenchmarkW3/ldpolicy-4x", "peak-RSS-MiB", 10, 1}, // "-4x" is not a GOMAXPROCS suffix
		{"BenchmarkW3/jq", "delivered", 100, 1},
	} {
		got, ok := res.Median(tc.name, tc.unit)
		if !ok || got != tc.want {
			t.Errorf("Median(%s, %s) = %v, %v; want %v", tc.name, tc.unit, got, ok, tc.want)
		}
		if n := res.Count(tc.name); n != tc.count {
			t.Errorf("Count(%s) = %d, want %d", tc.name, n, tc.count)
		}
	}
	for name := range res.Samples {
		if strings.HasSuffix(name, "-2") || name == "BenchmarkW4" || strings.Contains(name, "minio") {
			t.Errorf("unexpected benchmark %q", name)
		}
	}
	if got := len(res.Names("BenchmarkW1/")); got != 7 {
		t.Errorf("%d W1 benchmarks, want 7", got)
	}
}

func TestParseEvenMedian(t *testing.T) {
	res := parseSample(t, "BenchmarkX-8 10 1 ns/op\nBenchmarkX-8 10 4 ns/op\nBenchmarkX-8 10 2 ns/op\nBenchmarkX-8 10 100 ns/op\n")
	if got, _ := res.Median("BenchmarkX", "ns/op"); got != 3 {
		t.Errorf("median %v, want 3", got)
	}
}

func TestParseRejects(t *testing.T) {
	for _, line := range []string{
		"BenchmarkX",
		"BenchmarkX-8 abc 1 ns/op",
		"BenchmarkX-8 10 1",
		"BenchmarkX-8 10 x ns/op",
		"Benchmarks are fun and fast",
	} {
		if _, _, ok := parseLine(line); ok {
			t.Errorf("parseLine(%q) accepted", line)
		}
	}
}

func generate(t *testing.T, s string) string {
	t.Helper()
	var b strings.Builder
	m := Machine{CPU: "Test CPU", Cores: 2, OS: "linux/amd64", Go: "go1.x", Date: "2024-01-01", Source: "bench/results.txt"}
	if err := Generate(&b, parseSample(t, s), m); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestGenerate(t *testing.T) {
	out := generate(t, sample)
	for _, want := range []string{
		"Generated by bench/cmd/report",
		"`cd bench && ./run.sh`",
		"| CPU | Test CPU |",
		// W1: ldpolicy's median 22 ns, the floor 16 ns, cedar 2200 ns.
		"| ldpolicy | 22.0 ns | 0 | 0 | 1.00× | 1.38× |",
		"| cedar | 2.20 µs | 900 | 12 | 100× | 138× |",
		"| W1: ldpolicy allocates nothing | 0 allocs/op at most | **met** |",
		"| W1: ldpolicy ≤ 1.5× the floor | 1.38× the floor at worst | **met** |",
		// deny: cedar 200 ns over ldpolicy 10 ns is 20×, below 30×.
		"| W1: ldpolicy ≥ 30× faster than the fastest peer | 20.0× at worst (cedar on deny) | **not met** |",
		// W2: 12 ms, 10.5 MiB retained, 20 MiB allocated.
		"| ldpolicy | 12.0 | 1.20 | 20.0 | 1,865,094 | 10.5 | 1.00× |",
		"| W2: 10,000 policies in ≤ 15 ms | 12.0 ms | **met** |",
		"| W2: 10,000 policies in ≤ 15 MiB (retained) | 10.5 MiB retained (20.0 MiB allocated) | **met** |",
		// W3: 671.09 MB/s is 640 MiB/s.
		"| ldpolicy | 640 | 200.00 ms | 9.0 | 100 | 1.00× | 1 |",
		"| jq | 16 | 8.00 s | 3.0 | 100 | 40.00× | 1 |",
		"Parity: every engine delivers the same events.",
		"| W3: ldpolicy ≥ 600 MiB/s | 640 MiB/s | **met** |",
		"| W3: ldpolicy ≥ 5× encoding/json | 10.0× | **met** |",
		"| W3: ldpolicy ≥ 20× jq | 40.0× | **met** |",
		"| 9.0 MiB, then 10.0 MiB: 1.11× | **met** |",
		"| growth per extra event | 5 bytes |", // 1 MiB over 196,608 events
		// W4
		"| stars8 `(*a)×7*b` | 256 | 100.0 ns | 50.00 µs | 500× |",
		"| stars8 | 17.0 | 16.0 |",
		"| W4: linear in the key length (t(4096)/t(256) ≤ 24 for every pattern) | 17.0 at worst (stars8) | **met** |",
		"| W4: no input within the size limits over 100 µs | 900.00 µs at worst (brace at 4096 bytes) | **not met** |",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if t.Failed() {
		t.Log(out)
	}
}

// TestGenerateWithoutW1 checks that a run without bench/w1 reports W1 as
// not measured rather than failing.
func TestGenerateWithoutW1(t *testing.T) {
	var rest []string
	for _, line := range strings.Split(sample, "\n") {
		if !strings.HasPrefix(line, "BenchmarkW1") {
			rest = append(rest, line)
		}
	}
	out := generate(t, strings.Join(rest, "\n"))
	for _, want := range []string{
		"Not measured: the results hold no W1 benchmark",
		"| W1: ldpolicy allocates nothing | – | not measured |",
		"| W2: 10,000 policies in ≤ 15 ms | 12.0 ms | **met** |",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q", want)
		}
	}
}

func TestParityFailure(t *testing.T) {
	out := generate(t, strings.Replace(sample, "3.0 peak-RSS-MiB	9.8 maxrss-MiB	100 delivered", "3.0 peak-RSS-MiB	9.8 maxrss-MiB	99 delivered", 1))
	if !strings.Contains(out, "**Parity fails**") {
		t.Error("a parity failure is not reported")
	}
}

func TestAbbreviate(t *testing.T) {
	for in, want := range map[string]string{
		"*a*a*a*b":                        "*a*a*a*b",
		"*a*a*a*a*b":                      "(*a)×4*b",
		"{*a*a*a*a*b,*a*a*c}":             "{(*a)×4*b,*a*a*c}",
		strings.Repeat("*a", 63) + "*c*b": "(*a)×63*c*b",
	} {
		if got := abbreviate(in); got != want {
			t.Errorf("abbreviate(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFmtInt(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 1865094: "1,865,094", -12345: "-12,345"} {
		if got := fmtInt(n); got != want {
			t.Errorf("fmtInt(%d) = %q, want %q", n, got, want)
		}
	}
}
