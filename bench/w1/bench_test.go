package w1

import (
	"strings"
	"sync"
	"testing"

	"github.com/ldpolicy/ldpolicy/bench/workload"
)

var (
	benchOnce    sync.Once
	benchEngines []Engine
	benchErr     string

	// sink keeps the compiler from discarding the decisions.
	sink bool
)

// setup builds every engine once and checks parity on all of them before
// any timing.
func setup(b *testing.B) []Engine {
	benchOnce.Do(func() {
		engines, err := Engines()
		if err != nil {
			benchErr = err.Error()
			return
		}
		if ds := CheckParity(engines); len(ds) > 0 {
			msgs := make([]string, len(ds))
			for i, d := range ds {
				msgs[i] = d.String()
			}
			benchErr = "parity fails, no engine is timed:\n" + strings.Join(msgs, "\n")
			return
		}
		benchEngines = engines
	})
	if benchErr != "" {
		b.Fatal(benchErr)
	}
	return benchEngines
}

// BenchmarkW1 times each engine on each timed probe of W1, as
// BenchmarkW1/<probe>/<engine>.
func BenchmarkW1(b *testing.B) {
	engines := setup(b)
	for _, p := range workload.W1Timed {
		b.Run(p.Name, func(b *testing.B) {
			for _, e := range engines {
				b.Run(e.Name(), func(b *testing.B) {
					action, resource := p.Action, p.Resource
					b.ReportAllocs()
					var got bool
					for b.Loop() {
						got = e.Allowed(action, resource)
					}
					sink = got
				})
			}
		})
	}
}
