package event

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/ldpolicy/ldpolicy/policy"
	"github.com/ldpolicy/ldpolicy/resource"
)

func TestDecode(t *testing.T) {
	data, err := os.ReadFile("../testdata/events/environment-renamed.json")
	if err != nil {
		t.Fatal(err)
	}
	e, err := Decode(data)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	if e.ID != "57c0a8e29969090743529965" || e.Date != 1472243938774 || e.Kind != "environment" || e.Name != "Testing" {
		t.Errorf("Decode: %+v", e)
	}
	if diff := cmp.Diff([]policy.Access{{Action: "updateName", Resource: "proj/alexis:env/test"}}, e.Accesses); diff != "" {
		t.Errorf("accesses (-want +have):\n%s", diff)
	}
	if e.Member == nil || e.Member.Email != "ariel@acme.com" || e.Target == nil || e.Target.Resources[0] != "proj/alexis:env/test" {
		t.Errorf("member %+v, target %+v", e.Member, e.Target)
	}
	if e.Links["self"].Href != "/api/v2/auditlog/57c0a8e29969090743529965" {
		t.Errorf("links: %v", e.Links)
	}
	if string(e.Raw()) != string(data) {
		t.Errorf("Raw differs from the input")
	}
	if have := e.Time().Format("2006-01-02T15:04:05.000Z"); have != "2016-08-26T20:38:58.774Z" {
		t.Errorf("Time = %s", have)
	}
	if e.Extra != nil {
		t.Errorf("Extra = %v, want none", e.Extra)
	}
}

func TestDecodeKeepsEveryField(t *testing.T) {
	const in = `{"_id":"a","date":1,"kind":"holdout","name":"x","accesses":[],
		"_accountId":"acc","currentVersion":{"key":"f","tags":["beta"]},"subentries":[],"delta":null}`
	e, err := Decode([]byte(in))
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	if e.Kind != "holdout" || e.Member != nil {
		t.Errorf("kind %q, member %v", e.Kind, e.Member)
	}
	want := map[string]string{
		"_accountId":     `"acc"`,
		"currentVersion": `{"key":"f","tags":["beta"]}`,
		"subentries":     `[]`,
		"delta":          `null`,
	}
	have := map[string]string{}
	for k, v := range e.Extra {
		have[k] = string(v)
	}
	if diff := cmp.Diff(want, have); diff != "" {
		t.Errorf("Extra (-want +have):\n%s", diff)
	}
}

// TestDecodeExactNames keeps fields whose names differ from the schema's only
// in case: encoding/json would read them into the schema's fields.
func TestDecodeExactNames(t *testing.T) {
	e, err := Decode([]byte(`{"name":"real","Name":"other","_ID":"x","Accesses":[]}`))
	if err != nil {
		t.Fatal(err)
	}
	if e.Name != "real" || e.ID != "" || e.Accesses != nil {
		t.Errorf("Name %q, ID %q, Accesses %v", e.Name, e.ID, e.Accesses)
	}
	want := map[string]string{"Name": `"other"`, "_ID": `"x"`, "Accesses": `[]`}
	have := map[string]string{}
	for k, v := range e.Extra {
		have[k] = string(v)
	}
	if diff := cmp.Diff(want, have); diff != "" {
		t.Errorf("Extra (-want +have):\n%s", diff)
	}
}

// TestDecodeExactNestedNames matches names exactly inside accesses, member,
// target and links too: an access's "Action" is not its action, as it is
// not for ReadHead.
func TestDecodeExactNestedNames(t *testing.T) {
	e, err := Decode([]byte(`{
		"accesses": [{"Action": "deleteFlag", "resource": "proj/p"}, null],
		"member": {"_ID": "m", "email": "a@b.c"},
		"target": {"Name": "n", "resources": ["proj/p"]},
		"_links": {"self": {"HREF": "/x", "type": "t"}}
	}`))
	if err != nil {
		t.Fatal(err)
	}
	want := &Event{
		Accesses: []policy.Access{{Resource: "proj/p"}, {}},
		Member:   &Member{Email: "a@b.c"},
		Target:   &Target{Resources: []string{"proj/p"}},
		Links:    map[string]Link{"self": {Type: "t"}},
	}
	if diff := cmp.Diff(want, e, cmpopts.IgnoreUnexported(Event{})); diff != "" {
		t.Errorf("Decode (-want +have):\n%s", diff)
	}
	for _, in := range []string{`{"accesses":[{"action":1}]}`, `{"member":[]}`, `{"_links":{"self":{"href":2}}}`} {
		if _, err := Decode([]byte(in)); err == nil {
			t.Errorf("Decode(%s) succeeded; want a type error", in)
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{``, "event: expected an event (a JSON object)"},
		{`[{}]`, "event: expected an event (a JSON object)"},
		{`{"_id": 1}`, "event: malformed event: _id: json: cannot unmarshal number into Go value of type string"},
		{`{"date": "yesterday"}`, "event: malformed event: date: json: cannot unmarshal string into Go value of type int64"},
		{`{} {}`, "event: unexpected data after the event"},
		{"\v{}", "event: expected an event (a JSON object)"},
		{`{}}`, "event: unexpected data after the event"},
		{`{} ]`, "event: unexpected data after the event"},
		{`{"a":`, "event: malformed event: unexpected EOF"},
	}
	for _, tt := range tests {
		_, err := Decode([]byte(tt.in))
		if err == nil || err.Error() != tt.want {
			t.Errorf("Decode(%s):\nhave %v\nwant %s", tt.in, err, tt.want)
		}
	}
}

func TestReadHead(t *testing.T) {
	const in = `{
		"_links": {"self": {"href": "/x"}},
		"_id": "6560f2a9c8e4b3001f9d2a11",
		"date": 1700852393000,
		"kind": "flag",
		"name": "New checkout",
		"title": "Jane created the flag",
		"description": "ignored \"text\"",
		"accesses": [
			{"action": "createFlag", "resource": "proj/default:env/test:flag/new-checkout"},
			{"resource": "proj/default:env/production:flag/new-checkout", "action": "createFlag", "extra": [1]}
		],
		"currentVersion": {"key": "new-checkout", "tags": ["beta", "checkout"], "variations": [{"value": true}]},
		"previousVersion": null
	}`
	var h Head
	if err := ReadHead([]byte(in), &h); err != nil {
		t.Fatalf("ReadHead: %v", err)
	}
	want := Head{
		ID: "6560f2a9c8e4b3001f9d2a11", Date: 1700852393000, Kind: "flag", Name: "New checkout", Title: "Jane created the flag",
		Accesses: []policy.Access{
			{Action: "createFlag", Resource: "proj/default:env/test:flag/new-checkout"},
			{Action: "createFlag", Resource: "proj/default:env/production:flag/new-checkout"},
		},
		HasAccesses: true,
		Current:     Version{Key: "new-checkout", Tags: []string{"beta", "checkout"}, HasTags: true},
	}
	if diff := cmp.Diff(want, h, cmp.AllowUnexported(Head{}), cmp.FilterPath(func(p cmp.Path) bool {
		f := p.Last().String()
		return f == ".scan" || f == ".meta" || f == ".metaType"
	}, cmp.Ignore())); diff != "" {
		t.Errorf("ReadHead (-want +have):\n%s", diff)
	}

	// h is reused: a second event leaves nothing of the first.
	if err := ReadHead([]byte(`{"_id":"b","kind":"member","accesses":[]}`), &h); err != nil {
		t.Fatal(err)
	}
	if h.Date != 0 || h.Name != "" || len(h.Accesses) != 0 || !h.HasAccesses || h.Current.Key != "" || len(h.Current.Tags) != 0 {
		t.Errorf("ReadHead kept data of the previous event: %+v", h)
	}
	if err := ReadHead([]byte(`{"_id":"c","accesses":null}`), &h); err != nil || h.HasAccesses {
		t.Errorf("accesses null: HasAccesses = %v, err %v", h.HasAccesses, err)
	}
	if err := ReadHead([]byte(`{"_id":"c"}`), &h); err != nil || h.HasAccesses {
		t.Errorf("no accesses: HasAccesses = %v, err %v", h.HasAccesses, err)
	}
}

// TestReadHeadAsEncodingJSON holds ReadHead to encoding/json where the two
// could differ: repeated keys, invalid UTF-8, and fields of currentVersion
// with types it does not use.
func TestReadHeadAsEncodingJSON(t *testing.T) {
	tests := []struct {
		name, in string
		want     Head
	}{
		{"a repeated key replaces", `{"accesses":[{"action":"updateOn","resource":"proj/p:env/e:flag/f"}],"accesses":[{"action":"deleteFlag","resource":"proj/p:env/e:flag/g"}]}`,
			Head{Accesses: []policy.Access{{Action: "deleteFlag", Resource: "proj/p:env/e:flag/g"}}, HasAccesses: true}},
		{"a repeated currentVersion replaces", `{"currentVersion":{"key":"f","tags":["a"]},"currentVersion":{"tags":["b"],"tags":["c"]}}`,
			Head{Current: Version{Tags: []string{"c"}, HasTags: true}}},
		{"invalid UTF-8 reads as U+FFFD", "{\"name\":\"a\xffb\",\"description\":\"\xfe\"}", Head{Name: "a\uFFFDb"}},
		{"currentVersion fields of other types are unknown", `{"currentVersion":{"key":1,"tags":"beta","critical":"yes"}}`, Head{}},
		{"tags that are not all strings are unknown", `{"currentVersion":{"key":"f","tags":["a",1]}}`, Head{Current: Version{Key: "f"}}},
	}
	ignore := cmp.FilterPath(func(p cmp.Path) bool {
		f := p.Last().String()
		return f == ".scan" || f == ".meta" || f == ".metaType"
	}, cmp.Ignore())
	for _, tt := range tests {
		var h Head
		if err := ReadHead([]byte(tt.in), &h); err != nil {
			t.Errorf("%s: ReadHead: %v", tt.name, err)
			continue
		}
		if diff := cmp.Diff(tt.want, h, cmp.AllowUnexported(Head{}), ignore, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("%s (-want +have):\n%s", tt.name, diff)
		}
		// encoding/json reads the same accesses and name.
		var e Event
		json.Unmarshal([]byte(tt.in), &e)
		if diff := cmp.Diff(e.Accesses, h.Accesses, cmpopts.EquateEmpty()); diff != "" || e.Name != h.Name {
			t.Errorf("%s: encoding/json reads %v %q, ReadHead %v %q", tt.name, e.Accesses, e.Name, h.Accesses, h.Name)
		}
	}
}

func TestReadHeadErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{``, "event: byte 0: empty event: expected a JSON object"},
		{`  [1]`, "event: byte 2: expected an event (a JSON object), found an array"},
		{`{"_id": 5}`, "event: byte 8: _id: expected a string, found a number"},
		{`{"date": "x"}`, `event: byte 9: date: expected an integer, found a string`},
		{`{"date": 1.5}`, "event: byte 9: date: expected an integer, found 1.5"},
		{`{"accesses": {}}`, "event: byte 13: accesses: expected an array, found an object"},
		{`{"accesses": [1]}`, "event: byte 14: accesses[0]: expected an object, found a number"},
		{`{"accesses": [{"action": "updateOn"}]}`, "event: byte 14: accesses[0]: missing resource"},
		{`{"accesses": [{"resource": "proj/p"}]}`, "event: byte 14: accesses[0]: missing action"},
		{`{"accesses": [{"action": 1, "resource": "proj/p"}]}`, "event: byte 25: action: expected a string, found a number"},
		{`{"_id": "a"`, `event: byte 11: expected "," or "}" after field "_id", found end of input`},
		{`{"_id": "a"} x`, `event: byte 13: expected the end of the event, found 'x'`},
	}
	for _, tt := range tests {
		var h Head
		err := ReadHead([]byte(tt.in), &h)
		if err == nil || err.Error() != tt.want {
			t.Errorf("ReadHead(%s):\nhave %v\nwant %s", tt.in, err, tt.want)
		}
	}
}

func TestHeadMetadata(t *testing.T) {
	access := func(resource string) string {
		return `"accesses":[{"action":"updateOn","resource":"` + resource + `"}]`
	}
	tests := []struct {
		name, event string
		path        string
		want        string // metadata; "-" when not known
		partial     resource.Kinds
	}{
		{"flag tags", `{"kind":"flag",` + access("proj/p:env/production:flag/f") + `,"currentVersion":{"key":"f","tags":["beta"]}}`, "proj/p:env/production:flag/f", "beta", resource.Properties | resource.Views},
		{"flag without tags", `{"kind":"flag",` + access("proj/p:env/e:flag/f") + `,"currentVersion":{"key":"f","tags":[]}}`, "proj/p:env/e:flag/f", "", resource.Properties | resource.Views},
		{"another flag", `{"kind":"flag",` + access("proj/p:env/e:flag/f") + `,"currentVersion":{"key":"f","tags":["beta"]}}`, "proj/p:env/e:flag/g", "-", 0},
		{"the flag, but not in an access", `{"kind":"flag",` + access("proj/p:env/e:flag/f") + `,"currentVersion":{"key":"f","tags":["beta"]}}`, "proj/q:env/e:flag/f", "-", 0},
		{"not the flag's environment", `{"kind":"flag",` + access("proj/p:env/e:flag/f") + `,"currentVersion":{"key":"f","tags":["beta"]}}`, "proj/p:env/e", "-", 0},
		{"critical environment", `{"kind":"environment",` + access("proj/p:env/production") + `,"currentVersion":{"key":"production","critical":true,"tags":["prod"]}}`, "proj/p:env/production", "prod,{critical:true}", resource.Properties | resource.Views},
		{"environment tags unknown", `{"kind":"environment",` + access("proj/p:env/production") + `,"currentVersion":{"key":"production","critical":false}}`, "proj/p:env/production", "{critical:false}", resource.Tags | resource.Properties | resource.Views},
		{"project", `{"kind":"project",` + access("proj/p") + `,"currentVersion":{"key":"p","tags":["mobile"]}}`, "proj/p", "mobile", resource.Properties | resource.Views},
		{"no key", `{"kind":"flag",` + access("proj/p:env/e:flag/f") + `,"currentVersion":{"tags":["beta"]}}`, "proj/p:env/e:flag/f", "-", 0},
		{"a kind without metadata", `{"kind":"member",` + access("member/m") + `,"currentVersion":{"key":"m","tags":["x"]}}`, "member/m", "-", 0},
		{"no current version", `{"kind":"flag",` + access("proj/p:env/e:flag/f") + `}`, "proj/p:env/e:flag/f", "-", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var h Head
			if err := ReadHead([]byte(tt.event), &h); err != nil {
				t.Fatal(err)
			}
			m, ok := h.Metadata(tt.path)
			have := "-"
			if ok {
				have = m.String()
			}
			if have != tt.want || ok && m.PartialKinds() != tt.partial {
				t.Errorf("Metadata(%q) = %q (partial %b), want %q (partial %b)", tt.path, have, m.PartialKinds(), tt.want, tt.partial)
			}
		})
	}
}

// TestHeadMetadataDecides follows a flag event's tags into a decision: the
// flag's tags come from the body, and its views stay unknown.
func TestHeadMetadataDecides(t *testing.T) {
	set, err := policy.Compile([]policy.Statement{
		{Effect: policy.Allow, Actions: []string{"*"}, Resources: []string{"proj/*:env/*:flag/*;beta"}},
		{Effect: policy.Deny, Actions: []string{"*"}, Resources: []string{"proj/*:env/*:flag/*;view:internal"}},
	}, policy.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var h Head
	event := `{"kind":"flag","accesses":[{"action":"updateOn","resource":"proj/p:env/production:flag/f"}],"currentVersion":{"key":"f","tags":["beta"]}}`
	if err := ReadHead([]byte(event), &h); err != nil {
		t.Fatal(err)
	}
	var ev policy.Event
	if err := ev.Parse(h.Accesses, &h); err != nil {
		t.Fatal(err)
	}
	_, d := set.DecideEvent(nil, &ev, policy.AnyAccess)
	if !d.Delivered || !d.Indeterminate {
		t.Errorf("DecideEvent = %+v, want delivered and indeterminate (the views are unknown)", d)
	}
	views, _ := resource.ParseMetadata("view:checkout")
	// A metadata file that knows the flag's views settles it: the body's
	// tags and the file's views are merged.
	if err := ev.Parse(h.Accesses, resource.Chain{&h, resource.MetadataMap{"proj/p:env/production:flag/f": views}}); err != nil {
		t.Fatal(err)
	}
	_, d = set.DecideEvent(nil, &ev, policy.AnyAccess)
	if !d.Delivered || d.Indeterminate {
		t.Errorf("DecideEvent with a file = %+v, want delivered, definite", d)
	}
}

type streamed struct {
	Source string
	Data   string
	Err    string
}

func collect(t *testing.T, in string) []streamed {
	t.Helper()
	s := NewStream(strings.NewReader(in), "f")
	var out []streamed
	for s.Next() {
		r := s.Record()
		rec := streamed{Source: r.Source()}
		if r.Err != nil {
			rec.Err = r.Err.Error()
		} else {
			// The event's decoder checks the syntax inside an event: the
			// test notes what it would reject.
			var v any
			if err := json.Unmarshal(r.Data, &v); err != nil {
				rec.Data, rec.Err = string(r.Data), "not JSON"
			} else {
				b, _ := json.Marshal(v)
				rec.Data = string(b)
			}
		}
		out = append(out, rec)
		if len(out) > 1000 {
			t.Fatal("runaway stream")
		}
	}
	return out
}

func TestStream(t *testing.T) {
	const (
		a = `{"_id":"a"}`
		b = `{"_id":"b"}`
		c = `{"_id":"c"}`
	)
	tests := []struct {
		name string
		in   string
		want []streamed
	}{
		{"one event", a, []streamed{{"f:1", a, ""}}},
		{"one pretty event", "\n\n{\n  \"_id\": \"a\"\n}\n", []streamed{{"f:3", a, ""}}},
		{"ndjson", a + "\n" + b + "\n\n" + c + "\n", []streamed{{"f:1", a, ""}, {"f:2", b, ""}, {"f:4", c, ""}}},
		{"ndjson with CRLF", a + "\r\n" + b + "\r\n", []streamed{{"f:1", a, ""}, {"f:2", b, ""}}},
		{"ndjson without a final newline", a + "\n" + b, []streamed{{"f:1", a, ""}, {"f:2", b, ""}}},
		{"two values on a line", a + b + "\n" + c, []streamed{{"f:1", a, ""}, {"f:1", b, ""}, {"f:2", c, ""}}},
		{"a byte order mark", "\uFEFF" + a + "\n" + b, []streamed{{"f:1", a, ""}, {"f:2", b, ""}}},
		{"ndjson with a malformed and a truncated line", a + "\n{\"_id\": }\n" + b + "\n{\"_id\":\"c\"", []streamed{
			{"f:1", a, ""},
			{"f:2", `{"_id": }`, "not JSON"},
			{"f:3", b, ""},
			{"f:4", "", "unexpected end of input inside a value"},
		}},
		{"a truncated first line", "{\"_id\":\"x\",\"accesses\":[\n" + a + "\n" + b + "\n", []streamed{
			{"f:1", "", "a value is cut short by the next line"},
			{"f:2", a, ""},
			{"f:3", b, ""},
		}},
		{"a line cut inside a string", "{\"_id\":\"x\n" + a + "\n", []streamed{
			{"f:1", "", "line break inside a string: the value is cut short"},
			{"f:2", a, ""},
		}},
		{"mismatched brackets resync at the next value", "{\"x\": [}, 1,\n  2]\n" + a + "\n", []streamed{
			{"f:1", "", `unexpected '}'`},
			{"f:3", a, ""},
		}},
		{"ndjson line holding a non-object", a + "\n42\n" + b + "\n", []streamed{
			{"f:1", a, ""},
			{"f:2", "", "expected an event (a JSON object), found a number"},
			{"f:3", b, ""},
		}},
		{"one-line event, then a pretty one", a + "\n{\n  \"_id\": \"b\"\n}\n", []streamed{{"f:1", a, ""}, {"f:2", b, ""}}},
		{"array", "[\n  " + a + ",\n  " + b + "\n]\n", []streamed{{"f#0", a, ""}, {"f#1", b, ""}}},
		{"arrays number their elements across the input", "[" + a + "]\n[" + b + "," + c + "]\n", []streamed{{"f#0", a, ""}, {"f#1", b, ""}, {"f#2", c, ""}}},
		{"empty array", "[ ]", nil},
		{"array with non-objects", "[" + a + ", 7, " + b + ", 5]\n" + c, []streamed{
			{"f#0", a, ""}, {"f#1", "", "expected an event (a JSON object), found a number"}, {"f#2", b, ""},
			{"f#3", "", "expected an event (a JSON object), found a number"}, {"f:2", c, ""},
		}},
		{"array with mismatched brackets", "[" + a + ", {\"x\": [}, " + b + "]\n" + c + "\n", []streamed{
			{"f#0", a, ""}, {"f:1", "", `unexpected '}'`}, {"f:2", c, ""},
		}},
		{"array with a missing comma", "[" + a + " " + b + "]\n" + c + "\n", []streamed{
			{"f#0", a, ""}, {"f:1", "", `expected "," or "]" after an array element, found '{'`}, {"f:2", c, ""},
		}},
		{"unterminated array", "[" + a + ",\n" + b, []streamed{
			{"f#0", a, ""}, {"f#1", b, ""}, {"f:2", "", `unexpected end of input in an array: missing "]"`},
		}},
		{"list response", "{\n \"_links\": {},\n \"items\": [" + a + ", " + b + "],\n \"totalCount\": 2\n}", []streamed{
			{"f:1#0", a, ""}, {"f:1#1", b, ""},
		}},
		{"list responses on lines", `{"items":[` + a + `]}` + "\n" + `{"items":[]}` + "\n" + `{"items":[` + b + `]}` + "\n", []streamed{
			{"f:1#0", a, ""}, {"f:3#0", b, ""},
		}},
		{"items that are not an array", `{"_id":"x","items":5}`, []streamed{{"f:1", `{"_id":"x","items":5}`, ""}}},
		{"a list response with a syntax error", `{"items":[` + a + `, tru]}` + "\n" + b, []streamed{
			{"f:1#0", a, ""}, {"f:1", "", `invalid JSON literal: expected "true"`}, {"f:2", b, ""},
		}},
		{"pretty events one after another", "{\n\"_id\":\"a\"\n}\n{\n\"_id\":\"b\"\n}\n", []streamed{{"f:1", a, ""}, {"f:4", b, ""}}},
		{"strings with brackets and quotes", `{"_id":"a","t":"} ] [ { \" \\"}` + "\n" + b, []streamed{
			{"f:1", `{"_id":"a","t":"} ] [ { \" \\"}`, ""}, {"f:2", b, ""},
		}},
		{"empty input", "", nil},
		{"blank input", " \n\t\n", nil},
		{"garbage", "hello\n" + a, []streamed{{"f:1", "", "expected an event (a JSON object), found 'h'"}, {"f:2", a, ""}}},
		{"a stray bracket", "]\n" + a, []streamed{{"f:1", "", `unexpected ']'`}, {"f:2", a, ""}}},
		{"truncated pretty event", "{\n\"_id\": \"a\",\n", []streamed{{"f:1", "", "unexpected end of input inside a value"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, collect(t, tt.in)); diff != "" {
				t.Errorf("Stream (-want +have):\n%s", diff)
			}
		})
	}
}

// TestStreamManyEmptyValues reads millions of empty values: the stream
// loops rather than recurses.
func TestStreamManyEmptyValues(t *testing.T) {
	for _, unit := range []string{"[]\n", `{"items":[]}` + "\n"} {
		s := NewStream(strings.NewReader(strings.Repeat(unit, 1_000_000)), "f")
		for s.Next() {
			t.Fatalf("a record from %q: %+v", unit, s.Record())
		}
	}
}

func TestStreamLongLine(t *testing.T) {
	long := `{"_id":"x","pad":"` + strings.Repeat("a", MaxEventSize) + `"}`
	in := `{"_id":"a"}` + "\n" + long + "\n" + `{"_id":"b"}` + "\n"
	want := []streamed{
		{"f:1", `{"_id":"a"}`, ""},
		{"f:2", "", "value longer than 67108864 bytes"},
		{"f:3", `{"_id":"b"}`, ""},
	}
	if diff := cmp.Diff(want, collect(t, in)); diff != "" {
		t.Errorf("Stream (-want +have):\n%s", diff)
	}
}

// failingReader fails after its data.
type failingReader struct{ data string }

func (r *failingReader) Read(p []byte) (int, error) {
	if r.data == "" {
		return 0, os.ErrDeadlineExceeded
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

func TestStreamReadError(t *testing.T) {
	s := NewStream(&failingReader{`{"_id":"a"}` + "\n" + `{"_id":"b"}` + "\n"}, "f")
	var have []string
	for s.Next() {
		r := s.Record()
		if r.Err != nil {
			have = append(have, r.Source()+": "+r.Err.Error())
		} else {
			have = append(have, r.Source()+": "+string(r.Data))
		}
	}
	want := []string{`f:1: {"_id":"a"}`, `f:2: {"_id":"b"}`, "f:3: read error: i/o timeout"}
	if diff := cmp.Diff(want, have); diff != "" {
		t.Errorf("Stream (-want +have):\n%s", diff)
	}
}

// TestRecordPosition locates the "_id" of every event in inputs of every
// layout: Record.Position gives the line and column at which it is in the
// input, as counting the input's own lines does.
func TestRecordPosition(t *testing.T) {
	for name, in := range map[string]string{
		"ndjson":               `{"_id":"a"}` + "\n" + `{"_id":"b", "x":1}` + "\n",
		"several on a line":    `{"_id":"a"}  {"_id":"b"}` + "\n\t" + `{"k":1,"_id":"c"}`,
		"pretty array":         "[\n  {\n    \"_id\": \"a\"\n  },\n  {\"k\": [1,\n 2], \"_id\": \"b\"}\n]\n",
		"list response":        "{\"_links\": {},\n \"items\": [\n   {\"_id\": \"a\"},\n   {\n\"_id\": \"b\"}]}\n",
		"byte order mark":      "\uFEFF{\"_id\":\"a\"}\n",
		"after a bad line":     "{\"_id\": \n[1]\n  {\"_id\":\"b\"}\n",
		"crlf":                 "{\"_id\":\"a\"}\r\n {\r\n\"_id\":\"b\"}\r\n",
		"array after an event": `{"_id":"a"}` + "\n[" + `{"_id":"b"}, {"_id":"c"}]`,
	} {
		t.Run(name, func(t *testing.T) {
			s := NewStream(strings.NewReader(in), "f")
			found := 0
			for s.Next() {
				r := s.Record()
				if r.Err != nil {
					continue
				}
				off := strings.Index(string(r.Data), `"_id"`)
				if off < 0 {
					t.Fatalf("%s: no _id in %s", r.Source(), r.Data)
				}
				var id string
				json.Unmarshal(r.Data, &struct {
					ID *string `json:"_id"`
				}{&id})
				// Where the input has this _id: its own lines, from 1.
				at := strings.Index(in, `"_id":"`+id+`"`)
				if at < 0 {
					at = strings.Index(in, `"_id": "`+id+`"`)
				}
				wantLine := 1 + strings.Count(in[:at], "\n")
				wantCol := at - strings.LastIndex(in[:at], "\n")
				if strings.HasPrefix(in, "\uFEFF") && wantLine == 1 {
					wantCol -= len("\uFEFF")
				}
				line, col := r.Position(off)
				if line != wantLine || col != wantCol {
					t.Errorf("%s: _id %q at %d:%d, want %d:%d", r.Source(), id, line, col, wantLine, wantCol)
				}
				found++
			}
			if found == 0 {
				t.Fatal("no events")
			}
		})
	}
}
