package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

// isTerminal reports whether w is a terminal. Tests replace it.
var isTerminal = func(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

// When progress is shown: after a run has taken progressAfter, at most
// once every progressEvery. Tests change them.
var (
	progressAfter = time.Second
	progressEvery = 250 * time.Millisecond
)

// progress shows how a long run goes (events, bytes, events a second) on
// a line of stderr, drawn again in place as the run goes on, when stderr is
// a terminal and the run has taken a second; never otherwise.
//
// What the run writes to the terminal meanwhile must not run into that
// line: the run writes through stdout and stderr, which are the command's
// own writers unless they are the terminal, and then writers that clear
// the progress line before they write and draw it again after. They write
// whole lines only, holding the start of a line until its end comes (or
// done), so that the progress line is never drawn over half a line, such
// as the end of a buffer flushed.
type progress struct {
	stdout, stderr io.Writer

	// The reader's: it counts and draws.
	on            bool // stderr is a terminal
	start, last   time.Time
	events, bytes int

	mu    sync.Mutex // guards what follows and the writes of the terminal
	term  io.Writer  // stderr when the progress is shown; nil when off or done
	line  string     // the progress line, once drawn
	shown bool       // the progress line is on the screen
	held  []*lineWriter
}

// newProgress returns the progress of a run that writes to stdout and
// stderr: p.stdout and p.stderr are what the run must write through.
func newProgress(stdout, stderr io.Writer) *progress {
	p := &progress{stdout: stdout, stderr: stderr, start: time.Now()}
	if !isTerminal(stderr) {
		return p
	}
	p.on, p.term = true, stderr
	for _, w := range []*io.Writer{&p.stderr, &p.stdout} {
		if isTerminal(*w) {
			lw := &lineWriter{p: p, w: *w}
			p.held = append(p.held, lw)
			*w = lw
		}
	}
	return p
}

func (p *progress) addBytes(n int) { p.bytes += n }

func (p *progress) addEvent() {
	p.events++
	if !p.on || p.events%256 != 0 {
		return
	}
	now := time.Now()
	if now.Sub(p.start) < progressAfter || now.Sub(p.last) < progressEvery {
		return
	}
	p.last = now
	secs := max(now.Sub(p.start).Seconds(), 1e-9)
	line := fmt.Sprintf("%d events, %.1f MiB, %.0f events/s ", p.events, float64(p.bytes)/(1<<20), float64(p.events)/secs)
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.term != nil {
		p.line = line
		p.draw()
	}
}

// show draws line as the progress of a run that counts something else
// than events, such as the pages of LaunchDarkly's API that a pull reads:
// like addEvent, not in the first progressAfter of the run nor more often
// than every progressEvery, unless urgent (a wait that is about to start,
// which people should see at once).
func (p *progress) show(line string, urgent bool) {
	if !p.on {
		return
	}
	now := time.Now()
	if !urgent && (now.Sub(p.start) < progressAfter || now.Sub(p.last) < progressEvery) {
		return
	}
	p.last = now
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.term != nil {
		p.line = line + " "
		p.draw()
	}
}

// draw draws the progress line; p.mu is held.
func (p *progress) draw() {
	io.WriteString(p.term, "\r"+p.line+"\033[K")
	p.shown = true
}

// clear clears the progress line; p.mu is held.
func (p *progress) clear() {
	if p.shown {
		io.WriteString(p.term, "\r\033[K")
		p.shown = false
	}
}

// done clears the progress line, and writes the line that a writer holds,
// if any: the writers write through from then on.
func (p *progress) done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.term == nil {
		return
	}
	p.clear()
	for _, lw := range p.held {
		if len(lw.partial) > 0 {
			lw.w.Write(lw.partial)
			lw.partial = nil
		}
	}
	p.term = nil
}

// lineWriter writes to a terminal that shows the progress of p, whole
// lines at a time, clearing the progress line before and drawing it again
// after.
type lineWriter struct {
	p       *progress
	w       io.Writer
	partial []byte // the start of a line, held until its end comes
}

func (lw *lineWriter) Write(b []byte) (int, error) {
	p := lw.p
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.term == nil { // done
		return lw.w.Write(b)
	}
	nl := bytes.LastIndexByte(b, '\n')
	if nl < 0 {
		lw.partial = append(lw.partial, b...)
		return len(b), nil
	}
	p.clear()
	var err error
	if len(lw.partial) > 0 {
		_, err = lw.w.Write(lw.partial)
		lw.partial = lw.partial[:0]
	}
	if err == nil {
		_, err = lw.w.Write(b[:nl+1])
	}
	lw.partial = append(lw.partial, b[nl+1:]...)
	if p.line != "" {
		p.draw()
	}
	if err != nil {
		return 0, err
	}
	return len(b), nil
}
