package w2

import (
	"encoding/json"
	"runtime"
	"testing"

	"github.com/ldpolicy/ldpolicy/bench/workload"
	"github.com/ldpolicy/ldpolicy/policy"
)

// TestW2Loads checks that every generated policy loads and compiles, and
// that the plain decoding of the baseline reads the same statements.
func TestW2Loads(t *testing.T) {
	files := workload.W2Policies(workload.W2Count, workload.W2Seed)
	if len(files) != workload.W2Count {
		t.Fatalf("%d files, want %d", len(files), workload.W2Count)
	}
	shapes := map[byte]int{}
	for _, f := range files {
		set, err := policy.Load(f.Name, f.Data, policy.Options{})
		if err != nil {
			t.Fatalf("%s: %v\n%s", f.Name, err, f.Data)
		}
		if n := set.Len(); n < 1 || n > 5 {
			t.Errorf("%s: %d statements, want 1 to 5", f.Name, n)
		}
		stmts, err := decodePlain(f.Data)
		if err != nil {
			t.Fatalf("%s: plain decoding: %v", f.Name, err)
		}
		if len(stmts) != set.Len() {
			t.Errorf("%s: plain decoding reads %d statements, policy.Load %d", f.Name, len(stmts), set.Len())
		}
		shapes[f.Data[0]]++
	}
	if shapes['['] == 0 || shapes['{'] == 0 {
		t.Errorf("file shapes %v: want both arrays and objects", shapes)
	}
}

// TestW2Deterministic checks that the same seed gives the same files.
func TestW2Deterministic(t *testing.T) {
	a := workload.W2Policies(50, 7)
	b := workload.W2Policies(50, 7)
	for i := range a {
		if a[i].Name != b[i].Name || string(a[i].Data) != string(b[i].Data) {
			t.Fatalf("file %d differs between two generations with the same seed", i)
		}
	}
}

// plainStatement is policy.Statement without its strict UnmarshalJSON: what
// plain encoding/json decoding reads.
type plainStatement struct {
	Effect       string   `json:"effect"`
	Actions      []string `json:"actions,omitempty"`
	NotActions   []string `json:"notActions,omitempty"`
	Resources    []string `json:"resources,omitempty"`
	NotResources []string `json:"notResources,omitempty"`
}

// decodePlain decodes a policy file of any of the three shapes with plain
// encoding/json.
func decodePlain(data []byte) ([]plainStatement, error) {
	for _, c := range data {
		if c == '[' {
			var stmts []plainStatement
			err := json.Unmarshal(data, &stmts)
			return stmts, err
		}
		if c == '{' {
			break
		}
	}
	var obj struct {
		Statements []plainStatement `json:"statements"`
		Policy     []plainStatement `json:"policy"`
	}
	if err := json.Unmarshal(data, &obj); err != nil {
		return nil, err
	}
	if obj.Statements != nil {
		return obj.Statements, nil
	}
	return obj.Policy, nil
}

// BenchmarkW2 loads and compiles all 10,000 policies per op. Besides ns/op,
// B/op and allocs/op, it reports retained-MiB: the heap the 10,000 results
// hold once loaded and kept alive, after a garbage collection.
func BenchmarkW2(b *testing.B) {
	files := workload.W2Policies(workload.W2Count, workload.W2Seed)
	var size int64
	for _, f := range files {
		size += int64(len(f.Data))
	}
	b.Run("ldpolicy", func(b *testing.B) {
		load := func() any {
			sets := make([]*policy.Set, len(files))
			for i, f := range files {
				set, err := policy.Load(f.Name, f.Data, policy.Options{})
				if err != nil {
					b.Fatal(err)
				}
				sets[i] = set
			}
			return sets
		}
		bench(b, size, load)
	})
	b.Run("encoding-json", func(b *testing.B) {
		load := func() any {
			all := make([][]plainStatement, len(files))
			for i, f := range files {
				stmts, err := decodePlain(f.Data)
				if err != nil {
					b.Fatal(err)
				}
				all[i] = stmts
			}
			return all
		}
		bench(b, size, load)
	})
}

var sink any

func bench(b *testing.B, size int64, load func() any) {
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		sink = load()
	}
	sink = nil
	b.ReportMetric(retainedMiB(load), "retained-MiB")
}

// retainedMiB returns the growth of the live heap, in MiB, that keeping the
// result of load alive causes.
func retainedMiB(load func() any) float64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	kept := load()
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(kept)
	return float64(int64(after.HeapAlloc)-int64(before.HeapAlloc)) / (1 << 20)
}
