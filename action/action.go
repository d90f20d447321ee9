// Package action parses the action specifiers of policy statements and
// holds the catalogue of LaunchDarkly's resource types and the actions
// documented for each.
//
// An action specifier is a glob pattern over action names, such as
// "updateOn", "update*" or "*", matched case-sensitively against the action
// of an access. The catalogue is a snapshot: LaunchDarkly adds resource
// types and actions over time, so an action or type missing from it is a
// matter for a warning, never an error.
package action

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"sort"
	"unicode"
	"unicode/utf8"

	"github.com/ldpolicy/ldpolicy/match"
)

// MaxLength is the longest action specifier, in bytes.
const MaxLength = 256

// Parse parses an action specifier: a glob pattern as in [match.Compile]
// that is not empty, has no whitespace, is valid UTF-8 and is at most
// [MaxLength] bytes. Errors are [*match.SyntaxError]s.
func Parse(s string) (*match.Pattern, error) {
	if s == "" {
		return nil, &match.SyntaxError{Offset: 0, Msg: "empty action"}
	}
	if len(s) > MaxLength {
		return nil, &match.SyntaxError{Offset: MaxLength, Msg: fmt.Sprintf("action is %d bytes, longer than the limit of %d", len(s), MaxLength)}
	}
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			return nil, &match.SyntaxError{Offset: i, Msg: "invalid UTF-8"}
		case unicode.IsSpace(r):
			return nil, &match.SyntaxError{Offset: i, Msg: fmt.Sprintf("unexpected whitespace %q", r)}
		}
		i += n
	}
	return match.Compile(s)
}

// catalogJSON holds the resource types, their scoping and their actions,
// from LaunchDarkly's documentation and its Terraform provider. It began as a
// copy of the project's specification catalogue (spec/catalog.json) and is
// refreshed against LaunchDarkly's docs as README.md in this directory says:
// "refreshed" is the date of the last refresh, "sources" what was read, and
// each type's "added" which of its actions came from which source.
//
//go:embed catalog.json
var catalogJSON []byte

// Type is a resource type of the catalogue.
type Type struct {
	Name string // the type as written in specifiers: "flag"
	// Specifier shows how the type is scoped, with every name "*":
	// "proj/*:env/*:flag/*"; "acct" for the account.
	Specifier string
	Note      string   // a remark from the documentation; may be empty
	Actions   []string // the documented actions, sorted
}

var catalog = loadCatalog()

type catalogue struct {
	refreshed string // "2006-01-02"
	types     []Type
	byName    map[string]int      // type name -> index in types
	byAct     map[string][]string // action -> types that document it, in catalogue order
}

func loadCatalog() catalogue {
	var raw struct {
		Refreshed string
		Types     []struct {
			Type, Specifier, Note string
			Actions               []string
		}
	}
	if err := json.Unmarshal(catalogJSON, &raw); err != nil {
		panic("action: malformed embedded catalog.json: " + err.Error())
	}
	c := catalogue{refreshed: raw.Refreshed, byName: map[string]int{}, byAct: map[string][]string{}}
	for _, t := range raw.Types {
		acts := append([]string(nil), t.Actions...)
		sort.Strings(acts)
		c.byName[t.Type] = len(c.types)
		c.types = append(c.types, Type{Name: t.Type, Specifier: t.Specifier, Note: t.Note, Actions: acts})
		for _, a := range acts {
			c.byAct[a] = append(c.byAct[a], t.Type)
		}
	}
	return c
}

// Refreshed returns the date, as "2006-01-02", on which the catalogue was
// last compared with LaunchDarkly's documentation: it knows the types and
// actions documented then, and none added since.
func Refreshed() string { return catalog.refreshed }

// Types returns every resource type of the catalogue, in catalogue order.
func Types() []Type {
	out := make([]Type, len(catalog.types))
	for i, t := range catalog.types {
		t.Actions = append([]string(nil), t.Actions...)
		out[i] = t
	}
	return out
}

// Lookup returns the catalogue entry of a resource type.
func Lookup(typ string) (Type, bool) {
	i, ok := catalog.byName[typ]
	if !ok {
		return Type{}, false
	}
	t := catalog.types[i]
	t.Actions = append([]string(nil), t.Actions...)
	return t, true
}

// TypesOf returns the resource types for which action is documented, in
// catalogue order; nil for an action the catalogue does not know.
func TypesOf(action string) []string {
	return append([]string(nil), catalog.byAct[action]...)
}

// Known reports whether the catalogue documents action for some type.
func Known(action string) bool {
	return len(catalog.byAct[action]) > 0
}
