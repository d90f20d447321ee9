// Command jsondecode is the encoding/json baseline of workload W3: it reads
// NDJSON webhook events line by line, decodes each with plain encoding/json
// into a map[string]any, and writes the events that the W3 policy delivers,
// as ldpolicy filter would, one a line. It prints how many events it read
// and delivered on stderr.
//
//	jsondecode [FILE...]
//
// The W3 policy (see package w3) allows every action on
// proj/*:env/production:flag/* and denies deleteFlag on proj/*:env/*:flag/*.
// An event is delivered when one of its accesses is allowed; here, with
// simple string checks, an access is allowed when its action is not
// deleteFlag and its resource is proj/KEY:env/production:flag/KEY.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
)

func main() {
	out := bufio.NewWriterSize(os.Stdout, 64<<10)
	var total counts
	inputs := os.Args[1:]
	if len(inputs) == 0 {
		inputs = []string{"-"}
	}
	for _, name := range inputs {
		var r io.Reader = os.Stdin
		if name != "-" {
			f, err := os.Open(name)
			if err != nil {
				fatal(err)
			}
			defer f.Close()
			r = f
		}
		c, err := filter(r, out)
		if err != nil {
			fatal(fmt.Errorf("%s: %w", name, err))
		}
		total.events += c.events
		total.delivered += c.delivered
		total.malformed += c.malformed
	}
	if err := out.Flush(); err != nil {
		fatal(err)
	}
	fmt.Fprintf(os.Stderr, "events %d delivered %d malformed %d\n", total.events, total.delivered, total.malformed)
}

type counts struct{ events, delivered, malformed int }

// filter writes the lines of r that hold a delivered event to w.
func filter(r io.Reader, w io.Writer) (counts, error) {
	var c counts
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 64<<20)
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var event map[string]any
		if err := json.Unmarshal(line, &event); err != nil {
			c.malformed++
			continue
		}
		c.events++
		if !delivered(event) {
			continue
		}
		c.delivered++
		if _, err := w.Write(line); err != nil {
			return c, err
		}
		if _, err := w.Write([]byte{'\n'}); err != nil {
			return c, err
		}
	}
	return c, sc.Err()
}

// delivered reports whether one of the event's accesses is allowed.
func delivered(event map[string]any) bool {
	accesses, _ := event["accesses"].([]any)
	for _, a := range accesses {
		access, _ := a.(map[string]any)
		action, _ := access["action"].(string)
		res, _ := access["resource"].(string)
		if action != "deleteFlag" && productionFlag(res) {
			return true
		}
	}
	return false
}

// productionFlag reports whether res is proj/KEY:env/production:flag/KEY.
func productionFlag(res string) bool {
	proj, rest, ok := strings.Cut(res, ":")
	if !ok || !strings.HasPrefix(proj, "proj/") {
		return false
	}
	env, flag, ok := strings.Cut(rest, ":")
	return ok && env == "env/production" && strings.HasPrefix(flag, "flag/") && !strings.Contains(flag, ":")
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "jsondecode:", err)
	os.Exit(1)
}
