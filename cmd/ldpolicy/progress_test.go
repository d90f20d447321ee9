package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// terminal is a fake terminal: what is written to its stdout and stderr,
// which isTerminal takes for terminals, in the order written.
type terminal struct {
	bytes.Buffer
	stdout, stderr *termWriter
}

type termWriter struct{ t *terminal }

func (w *termWriter) Write(b []byte) (int, error) { return w.t.Write(b) }

func newTerminal() *terminal {
	t := &terminal{}
	t.stdout, t.stderr = &termWriter{t}, &termWriter{t}
	return t
}

// screen returns the lines that the terminal shows once what was written
// is drawn: "\r" moves to the start of the line, "\033[K" clears to its
// end, other bytes overwrite.
func (t *terminal) screen() []string {
	lines := []string{""}
	col := 0
	s := t.String()
	for i := 0; i < len(s); i++ {
		cur := &lines[len(lines)-1]
		switch {
		case s[i] == '\n':
			lines, col = append(lines, ""), 0
		case s[i] == '\r':
			col = 0
		case strings.HasPrefix(s[i:], "\033[K"):
			*cur = (*cur)[:col]
			i += len("\033[K") - 1
		case col < len(*cur):
			*cur = (*cur)[:col] + s[i:i+1] + (*cur)[col+1:]
			col++
		default:
			*cur += s[i : i+1]
			col++
		}
	}
	return lines
}

// fakeTerminals makes isTerminal take termWriters for terminals, and
// progress show at once, for the test.
func fakeTerminals(t *testing.T) {
	isTerm, after, every := isTerminal, progressAfter, progressEvery
	t.Cleanup(func() { isTerminal, progressAfter, progressEvery = isTerm, after, every })
	isTerminal = func(w io.Writer) bool {
		_, ok := w.(*termWriter)
		return ok
	}
	progressAfter, progressEvery = 0, 0
}

func TestProgress(t *testing.T) {
	fakeTerminals(t)

	// Not a terminal: nothing, however long the run, and the writers are
	// the command's own.
	var out, errOut bytes.Buffer
	p := newProgress(&out, &errOut)
	if p.stdout != &out || p.stderr != &errOut {
		t.Error("progress wraps writers that are not terminals")
	}
	for i := 0; i < 1000; i++ {
		p.addEvent()
	}
	p.done()
	if errOut.Len() != 0 {
		t.Errorf("progress on a buffer: %q", errOut.String())
	}

	// A terminal: events, MiB, events a second, cleared at the end.
	term := newTerminal()
	p = newProgress(&out, term.stderr)
	if p.stdout != &out {
		t.Error("progress wraps a stdout that is not a terminal")
	}
	p.addBytes(3 << 20)
	for i := 0; i < 256; i++ {
		p.addEvent()
	}
	p.done()
	have := term.String()
	if !strings.HasPrefix(have, "\r256 events, 3.0 MiB, ") || !strings.Contains(have, " events/s ") || !strings.HasSuffix(have, "\r\033[K") {
		t.Errorf("progress: %q", have)
	}

	// Not in the first second of a run, nor more often than it should.
	progressAfter = time.Hour
	term = newTerminal()
	p = newProgress(&out, term.stderr)
	for i := 0; i < 512; i++ {
		p.addEvent()
	}
	p.done()
	if term.Len() != 0 {
		t.Errorf("progress in the first second: %q", term.String())
	}
}

// TestProgressLines checks that lines written to the terminal clear the
// progress line first and draw it again after, and that half a line is
// held until its end comes: on the screen, no line mixes them.
func TestProgressLines(t *testing.T) {
	fakeTerminals(t)
	term := newTerminal()
	p := newProgress(term.stdout, term.stderr)
	if p.stdout == term.stdout || p.stderr == term.stderr {
		t.Fatal("progress does not wrap the terminal's writers")
	}
	for i := 0; i < 256; i++ {
		p.addEvent()
	}
	io.WriteString(p.stdout, "event 1\nevent")  // a buffer flushed mid-line
	io.WriteString(p.stderr, "problem 1\n")     // from another writer meanwhile
	io.WriteString(p.stdout, " 2\nevent 3\nev") // the rest, and another half
	for i := 0; i < 256; i++ {
		p.addEvent()
	}
	p.done()
	io.WriteString(p.stdout, "ent 4\nsummary\n") // after the run: as it is

	want := []string{"event 1", "problem 1", "event 2", "event 3", "event 4", "summary", ""}
	if have := term.screen(); fmt.Sprint(have) != fmt.Sprint(want) {
		t.Errorf("screen:\n%q\nwant\n%q\nwritten: %q", have, want, term.String())
	}
	if !strings.Contains(term.String(), "\r512 events") {
		t.Errorf("the progress was not drawn again: %q", term.String())
	}
}

// problemLine is what a problem of TestProgressCommands says, in text or JSON.
var problemLine = regexp.MustCompile(`has no \\?"accesses`)

// TestProgressCommands runs dry-run, filter, diff and replay on a terminal
// whose stdout and stderr are one: each shows its progress, and what it
// writes is never mixed with it.
func TestProgressCommands(t *testing.T) {
	fakeTerminals(t)
	dir := t.TempDir()
	write := func(name, data string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(data), 0o666); err != nil {
			t.Fatal(err)
		}
		return path
	}
	policy := write("policy.json", `[{"effect": "allow", "actions": ["*"], "resources": ["proj/*:env/production:flag/*"]}]`)
	other := write("other.json", `[{"effect": "allow", "actions": ["*"], "resources": ["proj/*:env/*:flag/*"]}]`)
	hooks := write("hooks.json", `{"url": "http://127.0.0.1:1/", "on": false}`)
	var events strings.Builder
	for i := 0; i < 2000; i++ {
		env := "production"
		if i%2 == 1 {
			env = "test"
		}
		if i%500 == 7 {
			events.WriteString("{\"_id\": \"bad\"}\n") // a problem, on stderr
			continue
		}
		fmt.Fprintf(&events, `{"_id": "e%d", "accesses": [{"action": "updateOn", "resource": "proj/p:env/%s:flag/f"}]}`+"\n", i, env)
	}
	input := write("events.ndjson", events.String())

	for _, args := range [][]string{
		{"dry-run", "--policy", policy, input},
		{"filter", "--policy", policy, input},
		{"diff", policy, other, input},
		{"diff", "--format", "json", policy, other, input},
		{"replay", "--webhooks", hooks, input},
	} {
		t.Run(strings.Join(args[:len(args)-3], " "), func(t *testing.T) {
			term := newTerminal()
			if code := exitCode(run(args, nil, term.stdout, term.stderr), term.stderr); code != 0 {
				t.Fatalf("exit status %d:\n%s", code, term.String())
			}
			if !strings.Contains(term.String(), " events/s ") {
				t.Errorf("no progress shown")
			}
			problems := 0
			for _, line := range term.screen() {
				if strings.Contains(line, "events/s") {
					t.Errorf("the progress is left on the screen: %q", line)
				}
				if !problemLine.MatchString(line) {
					continue
				}
				problems++
				if !strings.HasPrefix(line, "ldpolicy: "+input+":") && !strings.HasPrefix(line, `{"type":"error"`) {
					t.Errorf("a problem mixed with another line: %q", line)
				}
			}
			if problems != 4 {
				t.Errorf("%d problems on the screen, want 4:\n%s", problems, strings.Join(term.screen(), "\n"))
			}
		})
	}
}

// TestNoProgressOffTerminal runs dry-run with stderr a buffer: no
// progress, whatever the run.
func TestNoProgressOffTerminal(t *testing.T) {
	fakeTerminals(t)
	dir := t.TempDir()
	policy := filepath.Join(dir, "policy.json")
	input := filepath.Join(dir, "events.ndjson")
	os.WriteFile(policy, []byte(`[]`), 0o666)
	os.WriteFile(input, []byte(strings.Repeat(`{"accesses": []}`+"\n", 1000)), 0o666)
	term := newTerminal()
	var stderr bytes.Buffer
	if err := run([]string{"dry-run", "--policy", policy, input}, nil, term.stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	if stderr.Len() != 0 || strings.Contains(term.String(), "events/s") {
		t.Errorf("progress without a terminal stderr: %q, %q", stderr.String(), term.String())
	}
}
