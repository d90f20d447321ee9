//go:build !race

package webhook

// raceEnabled reports whether the race detector is on.
const raceEnabled = false
