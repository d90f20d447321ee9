package lint

import (
	"strings"

	"github.com/ldpolicy/ldpolicy/action"
	"github.com/ldpolicy/ldpolicy/internal/editdist"
)

// suggestAction returns the documented action nearest to an unknown one,
// or "" when none is near.
func suggestAction(a string) string {
	var all []string
	seen := map[string]bool{}
	for _, t := range action.Types() {
		for _, x := range t.Actions {
			if !seen[x] {
				seen[x] = true
				all = append(all, x)
			}
		}
	}
	return nearest(a, all)
}

// suggestType returns the documented type an unknown one probably means:
// the nearest by edit distance, or one the unknown type starts with or
// that starts with it ("environment" for "env", "projects" for "proj").
func suggestType(typ string) string {
	var all []string
	for _, t := range action.Types() {
		all = append(all, t.Name)
	}
	if s := nearest(typ, all); s != "" {
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

// nearest returns the candidate nearest to s by edit distance, ignoring
// case, when it is near enough to be a typo: at most a third of the
// length of s, and at most 3. Ties go to the first candidate.
func nearest(s string, candidates []string) string {
	limit := len(s) / 3
	if limit > 3 {
		limit = 3
	}
	if limit < 1 {
		limit = 1
	}
	best, bestD := "", limit+1
	ls := strings.ToLower(s)
	for _, c := range candidates {
		if d := editdist.Distance(ls, strings.ToLower(c)); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}
