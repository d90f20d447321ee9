package display

import "testing"

func TestPrintable(t *testing.T) {
	for in, want := range map[string]string{
		"plain":             "plain",
		"a\x1b[31mred":      "a·[31mred",
		"tab\tand\nline":    "tab·and·line",
		"bad \xff utf-8":    "bad · utf-8",
		"ünïcödé stays, 日本": "ünïcödé stays, 日本",
	} {
		if have := Printable(in); have != want {
			t.Errorf("Printable(%q) = %q, want %q", in, have, want)
		}
	}
}

func TestClip(t *testing.T) {
	for _, tt := range []struct {
		in   string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"exactly10!", 10, "exactly10!"},
		{"eleven char", 10, "eleven ch…"},
		{"日本語のテキスト", 4, "日本語…"},
	} {
		if have := Clip(tt.in, tt.n); have != tt.want {
			t.Errorf("Clip(%q, %d) = %q, want %q", tt.in, tt.n, have, tt.want)
		}
	}
}
