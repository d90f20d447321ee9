package action

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/ldpolicy/ldpolicy/match"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in    string
		shape match.Shape
		yes   []string
		no    []string
	}{
		{"updateOn", match.Exact, []string{"updateOn"}, []string{"updateon", "updateOnX", "update"}},
		{"*", match.Any, []string{"updateOn", "createFlag", ""}, nil},
		{"update*", match.Prefix, []string{"updateOn", "updateTargets"}, []string{"createFlag", "Update"}},
		{"*Flag", match.Suffix, []string{"createFlag", "deleteFlag"}, []string{"createFlags"}},
		{"update*Rule*", match.Stars, []string{"updateRules", "updateFallthroughRule"}, []string{"updateOn"}},
		{"{create,delete}Flag", match.Glob, []string{"createFlag", "deleteFlag"}, []string{"cloneFlag"}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			p, err := Parse(tt.in)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.in, err)
			}
			if p.Shape() != tt.shape {
				t.Errorf("Parse(%q).Shape():\nhave %v\nwant %v", tt.in, p.Shape(), tt.shape)
			}
			for _, a := range tt.yes {
				if !p.Match(a) {
					t.Errorf("%q does not match %q", tt.in, a)
				}
			}
			for _, a := range tt.no {
				if p.Match(a) {
					t.Errorf("%q matches %q", tt.in, a)
				}
			}
		})
	}
}

func TestParseError(t *testing.T) {
	tests := []struct {
		in     string
		offset int
		msg    string
	}{
		{"", 0, "empty action"},
		{"update On", 6, "unexpected whitespace ' '"},
		{"updateOn\n", 8, `unexpected whitespace '\n'`},
		{"update\xffOn", 6, "invalid UTF-8"},
		{"update[", 7, "unexpected end of input"},
		{strings.Repeat("a", MaxLength+1), MaxLength, "action is 257 bytes, longer than the limit of 256"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			_, err := Parse(tt.in)
			se, ok := err.(*match.SyntaxError)
			if !ok || se.Offset != tt.offset || se.Msg != tt.msg {
				t.Errorf("Parse(%q) error:\nhave %v\nwant offset %d: %s", tt.in, err, tt.offset, tt.msg)
			}
		})
	}
	if _, err := Parse(strings.Repeat("a", MaxLength)); err != nil {
		t.Errorf("Parse of %d bytes: %v", MaxLength, err)
	}
}

func TestCatalog(t *testing.T) {
	flag, ok := Lookup("flag")
	if !ok {
		t.Fatal(`Lookup("flag"): not found`)
	}
	if flag.Specifier != "proj/*:env/*:flag/*" {
		t.Errorf("flag specifier = %q", flag.Specifier)
	}
	for _, a := range []string{"updateOn", "createFlag", "updateTargets"} {
		if !contains(flag.Actions, a) {
			t.Errorf("flag actions lack %q", a)
		}
	}
	if _, ok := Lookup("widget"); ok {
		t.Errorf(`Lookup("widget") found a type`)
	}
	acct, _ := Lookup("acct")
	if acct.Specifier != "acct" {
		t.Errorf("acct specifier = %q", acct.Specifier)
	}
	// The IP allowlist is written bare too.
	if ip, _ := Lookup("ip-allowlist"); ip.Specifier != "ip-allowlist" {
		t.Errorf("ip-allowlist specifier = %q", ip.Specifier)
	}

	typesOf := []struct {
		action string
		want   []string
	}{
		{"updateOn", []string{"flag", "destination", "metric", "webhook", "integration"}},
		{"updateName", []string{"env", "flag", "segment", "destination", "metric", "role", "webhook", "integration"}},
		{"createProject", []string{"proj"}},
		{"applyApprovalRequest", []string{"flag", "segment", "aiconfig"}},
		{"createReleasePolicy", []string{"release-policy"}},
		{"viewIpAllowlist", []string{"ip-allowlist"}},
	}
	for _, tt := range typesOf {
		if diff := cmp.Diff(tt.want, TypesOf(tt.action)); diff != "" {
			t.Errorf("TypesOf(%q) (-want +have):\n%s", tt.action, diff)
		}
	}
	if !Known("createProject") || Known("frobnicate") {
		t.Errorf("Known: createProject %v, frobnicate %v", Known("createProject"), Known("frobnicate"))
	}
	if TypesOf("frobnicate") != nil {
		t.Errorf("TypesOf(frobnicate) = %v, want nil", TypesOf("frobnicate"))
	}

	// Every type of the catalogue is a well-formed type whose scoping
	// specifier ends in it, and lists its actions sorted without repeats.
	for _, typ := range Types() {
		last := typ.Specifier
		if i := strings.LastIndexByte(last, ':'); i >= 0 {
			last = last[i+1:]
		}
		if last != typ.Name && last != typ.Name+"/*" {
			t.Errorf("type %q: specifier %q does not end in it", typ.Name, typ.Specifier)
		}
		for i := 1; i < len(typ.Actions); i++ {
			if typ.Actions[i-1] >= typ.Actions[i] {
				t.Errorf("type %q: actions not sorted or repeated at %q", typ.Name, typ.Actions[i])
			}
		}
	}

	// The results are copies.
	flag.Actions[0] = "changed"
	if again, _ := Lookup("flag"); again.Actions[0] == "changed" {
		t.Errorf("Lookup returns the catalogue's own slice")
	}
}

// TestCatalogRecords checks what the catalogue records about its refreshes:
// the date of the last one, the sources read, and for each action added
// from a source, which one, when it was read, and when LaunchDarkly says the
// action appeared. A field with a misspelt name is an error, so that a
// record cannot be lost to a typo.
func TestCatalogRecords(t *testing.T) {
	type added struct {
		Action, Source, Date, Introduced string
	}
	var raw struct {
		Note      string
		Refreshed string
		Sources   []struct{ URL, Read, Covers string }
		Types     []struct {
			Type, Specifier, Note string
			Actions               []string
			Added                 []added
		}
	}
	dec := json.NewDecoder(bytes.NewReader(catalogJSON))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&raw); err != nil {
		t.Fatalf("catalog.json: %v", err)
	}
	refreshed, err := time.Parse(time.DateOnly, raw.Refreshed)
	if err != nil {
		t.Fatalf("catalog.json: refreshed: %v", err)
	}
	if Refreshed() != raw.Refreshed {
		t.Errorf("Refreshed() = %q, want %q", Refreshed(), raw.Refreshed)
	}
	// notLater reports whether date is a date no later than the refresh.
	notLater := func(date string) bool {
		d, err := time.Parse(time.DateOnly, date)
		return err == nil && !d.After(refreshed)
	}
	sources := map[string]bool{}
	for _, s := range raw.Sources {
		if !strings.HasPrefix(s.URL, "https://") || s.Covers == "" || !notLater(s.Read) {
			t.Errorf("source %q: want an https URL, what it covers and the date it was read, no later than %s (have read %q)", s.URL, raw.Refreshed, s.Read)
		}
		if sources[s.URL] {
			t.Errorf("source %q listed twice", s.URL)
		}
		sources[s.URL] = true
	}
	if len(sources) == 0 {
		t.Errorf("catalog.json lists no sources")
	}
	for _, typ := range raw.Types {
		seen := map[string]bool{}
		for _, a := range typ.Added {
			switch {
			case !contains(typ.Actions, a.Action):
				t.Errorf("type %q: added action %q is not among its actions", typ.Type, a.Action)
			case seen[a.Action]:
				t.Errorf("type %q: action %q added twice", typ.Type, a.Action)
			case !sources[a.Source]:
				t.Errorf("type %q: action %q: source %q is not among the catalogue's sources", typ.Type, a.Action, a.Source)
			case !notLater(a.Date):
				t.Errorf("type %q: action %q: date %q is not a date no later than %s", typ.Type, a.Action, a.Date, raw.Refreshed)
			case a.Introduced == "":
				t.Errorf("type %q: action %q: no date of introduction", typ.Type, a.Action)
			}
			seen[a.Action] = true
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestSuggest(t *testing.T) {
	for _, tt := range []struct {
		name    string
		suggest func(string) string
		got     string
		want    string
	}{
		{"SuggestAction", SuggestAction, "updateOnn", "updateOn"},
		{"SuggestAction", SuggestAction, "updateon", "updateOn"},
		{"SuggestAction", SuggestAction, "deleteFlg", "deleteFlag"},
		{"SuggestAction", SuggestAction, "frobnicate", ""},
		{"SuggestType", SuggestType, "flg", "flag"},
		{"SuggestType", SuggestType, "environment", "env"},
		{"SuggestType", SuggestType, "projects", "proj"},
		{"SuggestType", SuggestType, "widget", ""},
	} {
		if have := tt.suggest(tt.got); have != tt.want {
			t.Errorf("%s(%q) = %q, want %q", tt.name, tt.got, have, tt.want)
		}
	}
}

func TestUnknown(t *testing.T) {
	if msg, sug := UnknownAction("updateOn"); msg != "" || sug != "" {
		t.Errorf("UnknownAction of a known action: %q, %q", msg, sug)
	}
	if msg, sug := UnknownAction("updateOnn"); msg != `unknown action "updateOnn": did you mean "updateOn"?` || sug != "updateOn" {
		t.Errorf("UnknownAction(updateOnn): %q, %q", msg, sug)
	}
	if msg, sug := UnknownAction("frobnicate"); !strings.Contains(msg, "may be newer than the catalogue") || sug != "" {
		t.Errorf("UnknownAction(frobnicate): %q, %q", msg, sug)
	}
	if msg, sug := UnknownType("env"); msg != "" || sug != "" {
		t.Errorf("UnknownType of a known type: %q, %q", msg, sug)
	}
	if msg, sug := UnknownType("environment"); msg != `unknown resource type "environment": did you mean "env"?` || sug != "env" {
		t.Errorf("UnknownType(environment): %q, %q", msg, sug)
	}
	if msg, sug := UnknownType("widget"); !strings.Contains(msg, "may be newer than the catalogue") || sug != "" {
		t.Errorf("UnknownType(widget): %q, %q", msg, sug)
	}
}
