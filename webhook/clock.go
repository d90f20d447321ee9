package webhook

import "time"

// A Clock tells the time and runs functions later. The handler, the
// in-memory deduper and the reorderer read the time through one, so that
// tests can move time by hand; nil means SystemClock.
type Clock interface {
	Now() time.Time
	// AfterFunc calls f in its own goroutine once d has passed, unless
	// stop, called first, reports true.
	AfterFunc(d time.Duration, f func()) (stop func() bool)
}

// SystemClock is the Clock of package time.
var SystemClock Clock = systemClock{}

type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }

func (systemClock) AfterFunc(d time.Duration, f func()) func() bool {
	return time.AfterFunc(d, f).Stop
}

func clockOrSystem(c Clock) Clock {
	if c == nil {
		return SystemClock
	}
	return c
}
