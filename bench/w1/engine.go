package w1

import (
	"fmt"

	"github.com/ldpolicy/ldpolicy/bench/workload"
)

// Engine decides accesses under W1Policy as one engine does, with whatever
// the engine needs built beforehand.
type Engine interface {
	Name() string
	// Allowed reports whether the engine allows the access. It does, per
	// access, everything a user of the engine would do per access: turning
	// the action and resource strings into the engine's request and asking
	// the engine.
	Allowed(action, resource string) bool
}

// builders build each engine, in the order they are reported.
var builders = []func() (Engine, error){
	newLDPolicy,
	newFloor,
	newRegexp,
	newGobwas,
	newCedar,
	newOPA,
	newCasbin,
	newLadon,
	newMinio,
}

// Engines builds every engine once, translating W1Policy into each.
func Engines() ([]Engine, error) {
	engines := make([]Engine, 0, len(builders))
	for _, build := range builders {
		e, err := build()
		if err != nil {
			return nil, err
		}
		engines = append(engines, e)
	}
	return engines, nil
}

// Disagreement is one probe on which an engine decides otherwise than
// LaunchDarkly does.
type Disagreement struct {
	Engine string
	Probe  workload.Probe
	Got    bool
}

func (d Disagreement) String() string {
	return fmt.Sprintf("%s: %s on %s: got allow=%v, want allow=%v",
		d.Engine, d.Probe.Action, d.Probe.Resource, d.Got, d.Probe.Allow)
}

// CheckParity decides every probe of workload.W1Parity with every engine
// and returns the probes on which an engine disagrees with the expected
// decision. No engine may be timed unless it returns none.
func CheckParity(engines []Engine) []Disagreement {
	var out []Disagreement
	for _, e := range engines {
		for _, p := range workload.W1Parity {
			if got := e.Allowed(p.Action, p.Resource); got != p.Allow {
				out = append(out, Disagreement{e.Name(), p, got})
			}
		}
	}
	return out
}
