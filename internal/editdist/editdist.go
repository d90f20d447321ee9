// Package editdist measures how far apart two strings are, for the "did you
// mean" suggestions of error messages.
package editdist

import "strings"

// Distance returns the Levenshtein distance between a and b, counting
// bytes.
func Distance(a, b string) int {
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

// Nearest returns the candidate nearest to s by edit distance, ignoring
// case, when it is near enough to be a typo: at most a third of the
// length of s, and at most 3 (at least 1). Ties go to the first candidate;
// "" when none is near.
func Nearest(s string, candidates []string) string {
	limit := min(max(len(s)/3, 1), 3)
	best, bestD := "", limit+1
	ls := strings.ToLower(s)
	for _, c := range candidates {
		if d := Distance(ls, strings.ToLower(c)); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}
