package action

import (
	"fmt"
	"strings"

	"github.com/ldpolicy/ldpolicy/internal/editdist"
)

// SuggestAction returns the documented action nearest to an action that
// the catalogue does not know, as a typo of it ("updateOn" for
// "updateOnn"), or "" when none is near.
func SuggestAction(a string) string {
	var all []string
	seen := map[string]bool{}
	for _, t := range catalog.types {
		for _, x := range t.Actions {
			if !seen[x] {
				seen[x] = true
				all = append(all, x)
			}
		}
	}
	return editdist.Nearest(a, all)
}

// SuggestType returns the documented resource type that a type the
// catalogue does not know probably means: the nearest by edit distance, or
// one that the unknown type starts with or that starts with it ("env" for
// "environment", "proj" for "projects"); "" when none fits.
func SuggestType(typ string) string {
	var all []string
	for _, t := range catalog.types {
		all = append(all, t.Name)
	}
	if s := editdist.Nearest(typ, all); s != "" {
		return s
	}
	lower := strings.ToLower(typ)
	for _, t := range all {
		if len(t) >= 3 && (strings.HasPrefix(lower, t) || strings.HasPrefix(t, lower) && len(lower) >= 3) {
			return t
		}
	}
	return ""
}

// UnknownAction describes, for a warning, an action that the catalogue
// does not know: it names the documented action it probably means, which
// it returns too, or says that the action may be newer than the
// catalogue. It returns "" for an action that the catalogue knows.
func UnknownAction(a string) (msg, suggestion string) {
	if Known(a) {
		return "", ""
	}
	if sug := SuggestAction(a); sug != "" {
		return fmt.Sprintf("unknown action %q: did you mean %q?", a, sug), sug
	}
	return fmt.Sprintf("unknown action %q: the catalogue documents no such action (it may be newer than the catalogue)", a), ""
}

// UnknownType is UnknownAction for a resource type.
func UnknownType(typ string) (msg, suggestion string) {
	if _, ok := Lookup(typ); ok {
		return "", ""
	}
	if sug := SuggestType(typ); sug != "" {
		return fmt.Sprintf("unknown resource type %q: did you mean %q?", typ, sug), sug
	}
	return fmt.Sprintf("unknown resource type %q: the catalogue documents no such type (it may be newer than the catalogue)", typ), ""
}
