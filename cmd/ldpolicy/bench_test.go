package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ldpolicy/ldpolicy/event"
	"github.com/ldpolicy/ldpolicy/internal/corpus"
)

// benchEvents is the size of the in-memory corpus: about 8 MB.
const benchEvents = 4000

func benchCorpus(b *testing.B) ([]byte, [][]byte) {
	var buf bytes.Buffer
	if err := corpus.Write(&buf, benchEvents, 1); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	return data, bytes.Split(bytes.TrimSuffix(data, []byte("\n")), []byte("\n"))
}

// benchPolicy writes a webhook policy with a deny, a notResources and tags.
func benchPolicy(b *testing.B) string {
	path := filepath.Join(b.TempDir(), "policy.json")
	policy := `[
  {"effect":"allow","actions":["*"],"resources":["proj/*:env/production:flag/*"]},
  {"effect":"allow","actions":["update*"],"resources":["proj/mobile:env/*:flag/*;beta"]},
  {"effect":"deny","actions":["deleteFlag"],"resources":["proj/*:env/*:flag/*"]},
  {"effect":"deny","actions":["*"],"notResources":["proj/*:env/*:flag/*","proj/*","proj/*:env/*","proj/*:env/*:segment/*"]}
]`
	if err := os.WriteFile(path, []byte(policy), 0o666); err != nil {
		b.Fatal(err)
	}
	return path
}

// BenchmarkDryRun measures dry-run end to end, from the bytes of an NDJSON
// corpus to the NDJSON records written, beside plain encoding/json decoding
// of the same records.
func BenchmarkDryRun(b *testing.B) {
	data, lines := benchCorpus(b)
	policy := benchPolicy(b)
	for _, cmd := range []string{"dry-run", "filter"} {
		b.Run(cmd, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				args := []string{cmd, "--policy", policy}
				if cmd == "dry-run" {
					args = append(args, "--format", "json")
				}
				if err := run(args, bytes.NewReader(data), io.Discard, io.Discard); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(benchEvents*b.N)/b.Elapsed().Seconds(), "events/s")
		})
	}
	b.Run("encoding-json-map", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			for _, line := range lines {
				var v map[string]any
				if err := json.Unmarshal(line, &v); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.ReportMetric(float64(benchEvents*b.N)/b.Elapsed().Seconds(), "events/s")
	})
	b.Run("encoding-json-struct", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			for _, line := range lines {
				var e event.Event
				if err := json.Unmarshal(line, &e); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.ReportMetric(float64(benchEvents*b.N)/b.Elapsed().Seconds(), "events/s")
	})
	b.Run("read-head", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		var h event.Head
		for i := 0; i < b.N; i++ {
			for _, line := range lines {
				if err := event.ReadHead(line, &h); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.ReportMetric(float64(benchEvents*b.N)/b.Elapsed().Seconds(), "events/s")
	})
}

// BenchmarkDryRunMemory streams corpora of two sizes, ten times apart,
// through dry-run and reports the peak heap of each: it stays flat, but for
// 16 bytes and map overhead a distinct _id (kept to count duplicates).
func BenchmarkDryRunMemory(b *testing.B) {
	policy := benchPolicy(b)
	for _, n := range []int{10000, 100000} {
		b.Run(fmt.Sprintf("events=%d", n), func(b *testing.B) {
			var peak uint64
			for i := 0; i < b.N; i++ {
				runtime.GC()
				stop := samplePeakHeap(&peak)
				out := bufio.NewWriter(io.Discard)
				err := run([]string{"dry-run", "--policy", policy, "--format", "json"}, corpus.Reader(n, 1), out, io.Discard)
				stop()
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
		})
	}
}

// samplePeakHeap records the largest live heap into peak until stop.
func samplePeakHeap(peak *uint64) (stop func()) {
	var done atomic.Bool
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		var ms runtime.MemStats
		for !done.Load() {
			runtime.ReadMemStats(&ms)
			if ms.HeapAlloc > *peak {
				*peak = ms.HeapAlloc
			}
			time.Sleep(2 * time.Millisecond)
		}
	}()
	return func() { done.Store(true); <-finished }
}
