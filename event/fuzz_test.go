package event

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/ldpolicy/ldpolicy/policy"
)

// addEvents adds the repository's sample events to a fuzz target's seeds.
func addEvents(f *testing.F) [][]byte {
	paths, _ := filepath.Glob("../testdata/events/*.json")
	var out [][]byte
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		out = append(out, data)
	}
	data, err := os.ReadFile("../testdata/events/audit-log.ndjson")
	if err != nil {
		f.Fatal(err)
	}
	out = append(out, bytes.Split(data, []byte("\n"))...)
	return out
}

// FuzzReadHead reads arbitrary bytes as an event both ways: no panic, and
// ReadHead, the hot path, reads every event that Decode reads (but for
// accesses without an action or a resource, which only Decode accepts),
// with the same _id, date, kind, name, title and accesses.
func FuzzReadHead(f *testing.F) {
	for _, e := range addEvents(f) {
		f.Add(e)
	}
	f.Add([]byte(`{"_id":"a","accesses":[{"action":"updateOn","resource":"proj/p"}],"_id":"b"}`))
	f.Add([]byte(`{"accesses":null,"date":1e3,"kind":7}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var h Head
		herr := ReadHead(data, &h)
		ev, derr := Decode(data)
		if derr != nil {
			// Decode checks the type of every field of the schema;
			// ReadHead reads only what deciding needs.
			return
		}
		if herr != nil {
			if !undecidable(ev.Accesses) {
				t.Fatalf("Decode reads the event, ReadHead fails: %v", herr)
			}
			return // Decode is lenient; ReadHead, which decides, is not
		}
		got := Event{ID: h.ID, Date: h.Date, Kind: h.Kind, Name: h.Name, Title: h.Title, Accesses: h.Accesses}
		want := Event{ID: ev.ID, Date: ev.Date, Kind: ev.Kind, Name: ev.Name, Title: ev.Title, Accesses: ev.Accesses}
		if diff := cmp.Diff(want, got, cmpopts.EquateEmpty(), cmpopts.IgnoreUnexported(Event{})); diff != "" {
			t.Fatalf("ReadHead and Decode differ (-Decode +ReadHead):\n%s", diff)
		}
		if !bytes.Equal(ev.Raw(), data) {
			t.Fatalf("Raw is not the input")
		}
	})
}

// undecidable reports whether an access misses its action or resource:
// Decode accepts such an event, and ReadHead rejects it.
func undecidable(accesses []policy.Access) bool {
	for _, a := range accesses {
		if a.Action == "" || a.Resource == "" {
			return true
		}
	}
	return false
}

// FuzzStream splits arbitrary input into records: no panic, every record is
// an event or a problem with its place, and every event is a part of the
// input.
func FuzzStream(f *testing.F) {
	all := bytes.Join(addEvents(f), []byte("\n"))
	f.Add(all)
	f.Add([]byte(`[{"_id":"a"},{"_id":"b"}]` + "\n" + `{"items":[{"_id":"c"}]}`))
	f.Add([]byte("{\"_id\":\"a\"}{\"_id\":\"b\"}\n{\"_id\":\n{\"_id\":\"c\"}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		lines := bytes.Count(data, []byte("\n")) + 1
		s := NewStream(bytes.NewReader(data), "input")
		for s.Next() {
			r := s.Record()
			if (r.Err == nil) == (r.Data == nil) {
				t.Fatalf("%s: a record with both or neither of data and error: %q, %v", r.Source(), r.Data, r.Err)
			}
			if r.Line < 0 || r.Line > lines || r.Index < -1 || r.Line == 0 && r.Index < 0 {
				t.Fatalf("%s: line %d, index %d in an input of %d lines", r.Source(), r.Line, r.Index, lines)
			}
			if r.Data != nil && r.Line > 0 && !bytes.Contains(data, r.Data) {
				t.Fatalf("%s: event %q is not in the input", r.Source(), r.Data)
			}
			if r.Data != nil {
				var h Head
				_ = ReadHead(r.Data, &h)
			}
		}
	})
}
