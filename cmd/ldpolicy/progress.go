package main

import (
	"fmt"
	"io"
	"os"
	"time"
)

// progress shows how a long run goes (events, bytes, events a second) on
// stderr, when stderr is a terminal and the run has taken a second.
type progress struct {
	w             io.Writer // nil when off
	start, last   time.Time
	events, bytes int
	shown         bool
}

func newProgress(stderr io.Writer) *progress {
	p := &progress{start: time.Now()}
	if f, ok := stderr.(*os.File); ok {
		if info, err := f.Stat(); err == nil && info.Mode()&os.ModeCharDevice != 0 {
			p.w = f
		}
	}
	return p
}

func (p *progress) addBytes(n int) { p.bytes += n }

func (p *progress) addEvent() {
	p.events++
	if p.w == nil || p.events%256 != 0 {
		return
	}
	now := time.Now()
	if now.Sub(p.start) < time.Second || now.Sub(p.last) < 250*time.Millisecond {
		return
	}
	p.last, p.shown = now, true
	secs := now.Sub(p.start).Seconds()
	fmt.Fprintf(p.w, "\r%d events, %.1f MiB, %.0f events/s ", p.events, float64(p.bytes)/(1<<20), float64(p.events)/secs)
}

// done clears the progress line.
func (p *progress) done() {
	if p.shown {
		fmt.Fprint(p.w, "\r\033[K")
	}
}
