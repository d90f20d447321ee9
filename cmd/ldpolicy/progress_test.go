package main

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestProgress(t *testing.T) {
	// Not a terminal: nothing, however long the run.
	var b bytes.Buffer
	p := newProgress(&b)
	p.start = time.Now().Add(-time.Hour)
	for i := 0; i < 1000; i++ {
		p.addEvent()
	}
	p.done()
	if b.Len() != 0 {
		t.Errorf("progress on a buffer: %q", b.String())
	}

	// A terminal, after a second: events, MiB, events a second; then the
	// line is cleared.
	p = &progress{w: &b, start: time.Now().Add(-2 * time.Second)}
	p.addBytes(3 << 20)
	for i := 0; i < 256; i++ {
		p.addEvent()
	}
	p.done()
	have := b.String()
	if !strings.HasPrefix(have, "\r256 events, 3.0 MiB, ") || !strings.Contains(have, " events/s ") || !strings.HasSuffix(have, "\r\033[K") {
		t.Errorf("progress: %q", have)
	}

	// Not in the first second of a run.
	b.Reset()
	p = &progress{w: &b, start: time.Now()}
	for i := 0; i < 512; i++ {
		p.addEvent()
	}
	p.done()
	if b.Len() != 0 {
		t.Errorf("progress in the first second: %q", b.String())
	}
}
