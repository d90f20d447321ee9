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

func TestNearest(t *testing.T) {
	candidates := []string{"updateOn", "updateName", "env", "environments"}
	for _, tt := range []struct{ s, want string }{
		{"updateOnn", "updateOn"},
		{"UPDATEON", "updateOn"},
		{"updatename", "updateName"},
		{"evn", ""},        // a transposition is two edits: too many for 3 bytes
		{"deleteFlag", ""}, // nothing near
		{"updateNam", "updateName"},
	} {
		if have := Nearest(tt.s, candidates); have != tt.want {
			t.Errorf("Nearest(%q) = %q, want %q", tt.s, have, tt.want)
		}
	}
}
