package lint

import (
	"strings"

	"github.com/ldpolicy/ldpolicy/action"
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
		if d := distance(ls, strings.ToLower(c)); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// distance returns the Levenshtein distance between a and b, counting
// bytes.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
