package policy

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"
)

// FuzzLoad loads arbitrary bytes as a policy file: no panic; a file that
// fails is reported as an ErrorList of errors positioned inside it; and a
// file that loads means what its statements, written out again, mean.
func FuzzLoad(f *testing.F) {
	for _, s := range []string{
		`[{"effect":"allow","actions":["*"],"resources":["proj/*:env/production:flag/*"]}]`,
		`{"url":"https://example.com","statements":[{"effect":"deny","notActions":["updateOn"],"not_resources":["proj/*"]}]}`,
		`{"key":"qa","policy":[{"effect":"allow","actions":["update*"],"resources":["proj/*:env/*;qa_*:/flag/*"]}]}`,
		`[{"effect":"Allow","actions":[],"resources":["proj/ x"],"extra":1}]`,
		`[{"effect":"allow","actions":["*"],"resources":["proj/*"],"effect":"deny"}]`,
		`{"statements":null}`, `[]`, `{`, "[\"\xff\"]", ``,
	} {
		f.Add([]byte(s), false)
	}
	f.Fuzz(func(t *testing.T, data []byte, lenient bool) {
		set, err := Load("policy.json", data, Options{Lenient: lenient})
		if err != nil {
			var list ErrorList
			if !errors.As(err, &list) || len(list) == 0 {
				t.Fatalf("error %v is not an ErrorList", err)
			}
			for _, e := range list {
				if e.Pos.IsValid() && (e.Pos.Offset < 0 || e.Pos.Offset > len(data) || e.Pos.Line < 1 || e.Pos.Column < 1) {
					t.Fatalf("error %v at %+v, outside the %d bytes of the file", e, e.Pos, len(data))
				}
				if e.Offset > len(e.Value) {
					t.Fatalf("error %v at offset %d of %q", e, e.Offset, e.Value)
				}
				_ = e.Error()
			}
			return
		}
		// The statements, written out, load again into a set that
		// decides the same.
		stmts := make([]Statement, set.Len())
		for i := range stmts {
			stmts[i] = set.Statement(i)
		}
		out, err := json.Marshal(stmts)
		if err != nil {
			t.Fatalf("writing the statements: %v", err)
		}
		again, err := Load("again.json", out, Options{Lenient: lenient, Context: set.Context()})
		if err != nil {
			t.Fatalf("%s loads, its statements written out do not:\n%s\n%v", data, out, err)
		}
		for _, a := range []Access{
			{"updateOn", "proj/default:env/production:flag/dark-mode"},
			{"deleteFlag", "proj/p:env/qa;qa_test:flag/f;beta"},
			{"createProject", "proj/mobile"},
			{"updateName", "member/m:token/t"},
		} {
			d1, err1 := set.Decide(a.Action, a.Resource)
			d2, err2 := again.Decide(a.Action, a.Resource)
			if err1 != nil || err2 != nil || d1 != d2 {
				t.Fatalf("%v: %v (%v) from the file, %v (%v) from its statements written out", a, d1, err1, d2, err2)
			}
		}
		if !bytes.Equal(out, mustMarshal(t, again)) {
			t.Fatalf("statements change when written out twice")
		}
	})
}

func mustMarshal(t *testing.T, s *Set) []byte {
	stmts := make([]Statement, s.Len())
	for i := range stmts {
		stmts[i] = s.Statement(i)
	}
	out, err := json.Marshal(stmts)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
