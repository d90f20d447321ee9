package main

import (
	"bufio"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Results are the benchmark lines of go test -bench output (and of
// bench/cmd/w3, which prints the same format), gathered by name.
type Results struct {
	// Samples holds, by benchmark name without its GOMAXPROCS suffix and
	// by unit ("ns/op", "B/op", "allocs/op", "MB/s", custom metrics), the
	// value of every line of that benchmark, in order: one per -count.
	Samples map[string]map[string][]float64
	CPU     string   // the "cpu:" line of go test, if any
	Notes   []string // the text of "# w3:" lines
}

var procSuffix = regexp.MustCompile(`-\d+$`)

// Parse reads benchmark output. Lines that are not benchmark results are
// ignored, except the "cpu:" header and "# w3:" notes.
func Parse(r io.Reader) (*Results, error) {
	res := &Results{Samples: map[string]map[string][]float64{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case strings.HasPrefix(line, "cpu:"):
			res.CPU = strings.TrimSpace(strings.TrimPrefix(line, "cpu:"))
		case strings.HasPrefix(line, "# w3:"):
			res.Notes = append(res.Notes, strings.TrimSpace(strings.TrimPrefix(line, "# w3:")))
		case strings.HasPrefix(line, "Benchmark"):
			name, metrics, ok := parseLine(line)
			if !ok {
				continue
			}
			m := res.Samples[name]
			if m == nil {
				m = map[string][]float64{}
				res.Samples[name] = m
			}
			for unit, v := range metrics {
				m[unit] = append(m[unit], v)
			}
		}
	}
	return res, sc.Err()
}

// parseLine parses "BenchmarkName-8  1000  12.5 ns/op  0 B/op ...".
func parseLine(line string) (name string, metrics map[string]float64, ok bool) {
	f := strings.Fields(line)
	if len(f) < 4 || len(f)%2 != 0 {
		return "", nil, false
	}
	if _, err := strconv.ParseInt(f[1], 10, 64); err != nil {
		return "", nil, false
	}
	metrics = map[string]float64{}
	for i := 2; i+1 < len(f); i += 2 {
		v, err := strconv.ParseFloat(f[i], 64)
		if err != nil {
			return "", nil, false
		}
		metrics[f[i+1]] = v
	}
	return procSuffix.ReplaceAllString(f[0], ""), metrics, true
}

// Median returns the median of a benchmark's values of unit.
func (r *Results) Median(name, unit string) (float64, bool) {
	vs := r.Samples[name][unit]
	if len(vs) == 0 {
		return 0, false
	}
	s := append([]float64(nil), vs...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2], true
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2, true
}

// Count returns how many lines a benchmark has.
func (r *Results) Count(name string) int {
	n := 0
	for _, vs := range r.Samples[name] {
		n = max(n, len(vs))
	}
	return n
}

// Names returns the names that start with prefix, sorted.
func (r *Results) Names(prefix string) []string {
	var names []string
	for n := range r.Samples {
		if strings.HasPrefix(n, prefix) {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names
}
