package udiff

import (
	"fmt"
	"math/rand"
	"os"
	"strconv"
	"strings"
	"testing"
)

func TestUnified(t *testing.T) {
	for _, tt := range []struct {
		name, old, new, want string
	}{
		{"equal", "a\nb\n", "a\nb\n", ""},
		{"change one line", "a\nb\nc\n", "a\nB\nc\n", `--- old
+++ new
@@ -1,3 +1,3 @@
 a
-b
+B
 c
`},
		{"add to empty", "", "a\nb\n", `--- old
+++ new
@@ -0,0 +1,2 @@
+a
+b
`},
		{"remove all", "a\n", "", `--- old
+++ new
@@ -1 +0,0 @@
-a
`},
		{"no newline at end", "a\nb", "a\nb\n", `--- old
+++ new
@@ -1,2 +1,2 @@
 a
-b
\ No newline at end of file
+b
`},
		{"one line to many", `[{"effect":"allow"}]` + "\n", "[\n  {\n    \"effect\": \"allow\"\n  }\n]\n", `--- old
+++ new
@@ -1 +1,5 @@
-[{"effect":"allow"}]
+[
+  {
+    "effect": "allow"
+  }
+]
`},
		// Changes more than 2*Context lines apart are two hunks; the
		// unique lines anchor the match, not the repeated "}".
		{"two hunks", "1\n}\n2\n}\n3\n}\n4\n}\n5\n}\n6\n}\n7\n", "1\n}\n2\n}\nthree\n}\n4\n}\n5\n}\n6\n}\nseven\n", `--- old
+++ new
@@ -2,7 +2,7 @@
 }
 2
 }
-3
+three
 }
 4
 }
@@ -10,4 +10,4 @@
 }
 6
 }
-7
+seven
`},
		{"changes close together are one hunk", "a\nb\nc\nd\ne\nf\ng\nh\n", "A\nb\nc\nd\ne\nf\ng\nH\n", `--- old
+++ new
@@ -1,8 +1,8 @@
-a
+A
 b
 c
 d
 e
 f
 g
-h
+H
`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			have := string(Unified("old", "new", []byte(tt.old), []byte(tt.new)))
			if have != tt.want {
				t.Errorf("have:\n%s\nwant:\n%s", have, tt.want)
			}
		})
	}
}

// TestUnifiedApplies applies the diffs of random texts made of a few
// distinct lines (so that most are repeated, and anchors are few) and
// checks that they turn the old text into the new one.
func TestUnifiedApplies(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	text := func() string {
		var b strings.Builder
		for range r.Intn(30) {
			b.WriteString(strconv.Itoa(r.Intn(6)) + "\n")
		}
		if r.Intn(4) == 0 {
			b.WriteString("end")
		}
		return b.String()
	}
	for i := range 2000 {
		old, new := text(), text()
		d := Unified("old", "new", []byte(old), []byte(new))
		have, err := apply(old, string(d))
		if err != nil || have != new {
			t.Fatalf("case %d: %v\nold:\n%q\nnew:\n%q\ndiff:\n%s\napplied:\n%q", i, err, old, new, d, have)
		}
	}
}

// apply applies a unified diff to old, checking every line it keeps or
// removes and every hunk header.
func apply(old, diff string) (string, error) {
	if diff == "" {
		return old, nil
	}
	x := lines([]byte(old))
	dl := lines([]byte(diff))
	if len(dl) < 2 || dl[0] != "--- old\n" || dl[1] != "+++ new\n" {
		return "", fmt.Errorf("bad header")
	}
	var out []string
	pos := 0 // lines of x done
	for i := 2; i < len(dl); {
		var x0, nx, y0, ny int
		h := strings.NewReplacer(",", " ", "-", "", "+", "").Replace(strings.Trim(dl[i], "@ \n"))
		f := strings.Fields(h)
		nums := make([]int, 0, 4)
		for _, s := range f {
			n, _ := strconv.Atoi(s)
			nums = append(nums, n)
		}
		switch len(nums) {
		case 2:
			x0, nx, y0, ny = nums[0], 1, nums[1], 1
		case 3:
			if strings.Contains(strings.Fields(dl[i])[1], ",") {
				x0, nx, y0, ny = nums[0], nums[1], nums[2], 1
			} else {
				x0, nx, y0, ny = nums[0], 1, nums[1], nums[2]
			}
		case 4:
			x0, nx, y0, ny = nums[0], nums[1], nums[2], nums[3]
		default:
			return "", fmt.Errorf("bad hunk header %q", dl[i])
		}
		start := x0 - 1
		if nx == 0 {
			start = x0
		}
		if start < pos {
			return "", fmt.Errorf("hunk %q overlaps", dl[i])
		}
		out = append(out, x[pos:start]...)
		pos = start
		if len(out)+1 != y0 && !(ny == 0 && len(out) == y0) {
			return "", fmt.Errorf("hunk %q: new text at line %d", dl[i], len(out)+1)
		}
		i++
		var sx, sy int
		for ; i < len(dl) && !strings.HasPrefix(dl[i], "@@"); i++ {
			l := dl[i]
			body := l[1:]
			if i+1 < len(dl) && dl[i+1] == "\\ No newline at end of file\n" {
				body = strings.TrimSuffix(body, "\n")
			}
			switch l[0] {
			case ' ', '-':
				if pos >= len(x) || x[pos] != body {
					return "", fmt.Errorf("line %d is %q, the diff says %q", pos+1, x[min(pos, len(x)-1)], body)
				}
				pos++
				sx++
				if l[0] == ' ' {
					out = append(out, body)
					sy++
				}
			case '+':
				out = append(out, body)
				sy++
			case '\\':
			default:
				return "", fmt.Errorf("bad line %q", l)
			}
		}
		if sx != nx || sy != ny {
			return "", fmt.Errorf("hunk counts %d,%d, header says %d,%d", sx, sy, nx, ny)
		}
	}
	out = append(out, x[pos:]...)
	return strings.Join(out, ""), nil
}

func ExampleUnified() {
	old := "[\n  {\n    \"effect\": \"allow\"\n  }\n]\n"
	new := "[\n  {\n    \"effect\": \"deny\"\n  }\n]\n"
	os.Stdout.Write(Unified("policy.json", "policy.json", []byte(old), []byte(new)))
	// Output:
	// --- policy.json
	// +++ policy.json
	// @@ -1,5 +1,5 @@
	//  [
	//    {
	// -    "effect": "allow"
	// +    "effect": "deny"
	//    }
	//  ]
}
