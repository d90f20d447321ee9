package editdist

import "testing"

func TestDistance(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"", "abc", 3},
		{"abc", "", 3},
		{"updateOn", "updateOn", 0},
		{"updateon", "updateOn", 1},
		{"kitten", "sitting", 3},
		{"flags", "flag", 1},
	} {
		if have := Distance(tt.a, tt.b); have != tt.want {
			t.Errorf("Distance(%q, %q): have %d, want %d", tt.a, tt.b, have, tt.want)
		}
	}
}
