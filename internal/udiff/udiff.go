// Package udiff writes the difference between two texts as a unified diff,
// the format of "diff -u" and of code review tools.
//
// The diff is anchored: lines that occur exactly once in each text and in
// the same relative order anchor the match, and runs of equal lines are
// grown around them. Anchored diffs do not pair unrelated blank lines or
// closing brackets, which makes them easier to read than minimal ones, and
// they take O(n log n) time where a minimal diff can take O(n²).
package udiff

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
)

// Context is the number of unchanged lines shown around each change.
const Context = 3

// Unified returns the unified diff that turns old into new, with the
// headers "--- oldName" and "+++ newName", or nil when they are equal. A
// last line without a newline is marked "\ No newline at end of file".
func Unified(oldName, newName string, old, new []byte) []byte {
	if bytes.Equal(old, new) {
		return nil
	}
	x, y := lines(old), lines(new)
	ops := edits(x, y)

	var out bytes.Buffer
	fmt.Fprintf(&out, "--- %s\n+++ %s\n", oldName, newName)
	// Each hunk runs from Context lines before a change to Context lines
	// after the last change that follows within 2*Context lines.
	for i := 0; i < len(ops); {
		if ops[i].kind == ' ' {
			i++
			continue
		}
		start := max(0, i-Context)
		end := i
		for j := i; j < len(ops); j++ {
			if ops[j].kind != ' ' {
				end = j + 1
			} else if j-end >= 2*Context {
				break
			}
		}
		end = min(len(ops), end+Context)
		writeHunk(&out, ops[start:end])
		i = end
	}
	return out.Bytes()
}

// op is one line of the edit script: kept (' '), removed ('-') or added
// ('+'), with its line numbers (from 0) in the old and new texts.
type op struct {
	kind byte
	line string
	x, y int
}

func writeHunk(out *bytes.Buffer, ops []op) {
	var nx, ny int
	x0, y0 := -1, -1
	for _, o := range ops {
		if o.kind != '+' {
			nx++
			if x0 < 0 {
				x0 = o.x
			}
		}
		if o.kind != '-' {
			ny++
			if y0 < 0 {
				y0 = o.y
			}
		}
	}
	// A range of no lines names the line before it.
	if x0 < 0 {
		x0 = ops[0].x - 1
	}
	if y0 < 0 {
		y0 = ops[0].y - 1
	}
	fmt.Fprintf(out, "@@ -%s +%s @@\n", hunkRange(x0, nx), hunkRange(y0, ny))
	for _, o := range ops {
		out.WriteByte(o.kind)
		out.WriteString(o.line)
		if !strings.HasSuffix(o.line, "\n") {
			out.WriteString("\n\\ No newline at end of file\n")
		}
	}
}

// hunkRange writes a range of n lines from line start (from 0) as unified
// diffs do: "3" for one line, "3,2" for two, "2,0" for none after line 2.
func hunkRange(start, n int) string {
	switch n {
	case 0:
		return fmt.Sprintf("%d,0", start+1)
	case 1:
		return fmt.Sprintf("%d", start+1)
	}
	return fmt.Sprintf("%d,%d", start+1, n)
}

// lines splits text after each newline.
func lines(text []byte) []string {
	s := strings.SplitAfter(string(text), "\n")
	if s[len(s)-1] == "" {
		s = s[:len(s)-1]
	}
	return s
}

// edits returns the edit script from x to y: the anchors, each grown
// forward and backward over equal lines, are kept; what lies between is
// removed from x and added from y.
func edits(x, y []string) []op {
	var ops []op
	px, py := 0, 0 // x[:px] and y[:py] are done
	for _, a := range append(anchors(x, y), [2]int{len(x), len(y)}) {
		ax, ay := a[0], a[1]
		if ax < px || ay < py {
			continue // inside a run already grown from an earlier anchor
		}
		// Grow the previous run forward, and this one backward.
		for px < ax && py < ay && x[px] == y[py] {
			ops = append(ops, op{' ', x[px], px, py})
			px, py = px+1, py+1
		}
		bx, by := ax, ay
		for bx > px && by > py && x[bx-1] == y[by-1] {
			bx, by = bx-1, by-1
		}
		for ; px < bx; px++ {
			ops = append(ops, op{'-', x[px], px, py})
		}
		for ; py < by; py++ {
			ops = append(ops, op{'+', y[py], px, py})
		}
		for px < ax {
			ops = append(ops, op{' ', x[px], px, py})
			px, py = px+1, py+1
		}
	}
	return ops
}

// anchors returns the pairs (i, j) with x[i] == y[j] where the line occurs
// once in x and once in y, the longest sequence of them increasing in both
// i and j.
func anchors(x, y []string) [][2]int {
	type count struct{ nx, ny, ix, iy int }
	counts := map[string]*count{}
	for i, l := range x {
		c := counts[l]
		if c == nil {
			c = &count{}
			counts[l] = c
		}
		c.nx++
		c.ix = i
	}
	for j, l := range y {
		if c := counts[l]; c != nil {
			c.ny++
			c.iy = j
		}
	}
	var pairs [][2]int // in order of i
	for i, l := range x {
		if c := counts[l]; c.nx == 1 && c.ny == 1 {
			pairs = append(pairs, [2]int{i, c.iy})
		}
	}
	return increasing(pairs)
}

// increasing returns the longest subsequence of pairs whose second
// elements increase (the first already do), by patience sorting.
func increasing(pairs [][2]int) [][2]int {
	var tops []int // tops[k]: index in pairs of the smallest end of a run of k+1
	prev := make([]int, len(pairs))
	for i, p := range pairs {
		k := sort.Search(len(tops), func(k int) bool { return pairs[tops[k]][1] > p[1] })
		prev[i] = -1
		if k > 0 {
			prev[i] = tops[k-1]
		}
		if k == len(tops) {
			tops = append(tops, i)
		} else {
			tops[k] = i
		}
	}
	out := make([][2]int, len(tops))
	if len(tops) == 0 {
		return out
	}
	for k, i := len(tops)-1, tops[len(tops)-1]; k >= 0; k-- {
		out[k] = pairs[i]
		i = prev[i]
	}
	return out
}
