package main

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/ldpolicy/ldpolicy/policy"
)

// TestAppendEventJSON holds the hand-written record encoder to
// encoding/json, on strings that need escaping as on plain ones.
func TestAppendEventJSON(t *testing.T) {
	st := 3
	strs := []string{"", "plain", `quote " and \ backslash`, "tab\tnew\nline\r\b\f\x01\x1f\x7f",
		"<html> & co", "é ü 日本", "\u2028\u2029", "bad \xff utf-8", "emoji 🎉"}
	for _, s := range strs {
		for _, accesses := range [][]accessLine{nil, {}, {
			{Action: s, Resource: "proj/" + s, Decision: policy.Allow, Statement: &st},
			{Action: "a", Resource: s, Decision: policy.Deny, Indeterminate: true},
		}} {
			e := eventLine{Type: "event", Source: s, ID: s, Date: -12345, Kind: s, Delivered: true, Accesses: accesses}
			var want bytes.Buffer
			enc := json.NewEncoder(&want)
			enc.SetEscapeHTML(false)
			if err := enc.Encode(e); err != nil {
				t.Fatal(err)
			}
			if got := appendEventJSON(nil, &e); !bytes.Equal(got, want.Bytes()) {
				t.Errorf("%q:\n got %s\nwant %s", s, got, want.Bytes())
			}
		}
	}
	e := eventLine{Type: "event", Source: "s", ID: "i", Kind: "flag", Accesses: []accessLine{{Action: "a", Resource: "r", Decision: policy.Allow, Statement: &st}}}
	buf := make([]byte, 0, 512)
	if n := testing.AllocsPerRun(100, func() { buf = appendEventJSON(buf[:0], &e) }); n != 0 {
		t.Errorf("appendEventJSON allocates %v times, want 0", n)
	}
}
