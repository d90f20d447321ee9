// Package w1 runs workload W1 (see workload.W1Policy) in ldpolicy and in
// peer engines, each given the policy as that engine's users would write
// it, so that their timings compare the same decisions.
//
// No engine is timed unless every engine decides every probe of
// workload.W1Parity as LaunchDarkly does: TestParity checks it, and
// BenchmarkW1 checks it again before timing.
package w1
