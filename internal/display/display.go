// Package display makes untrusted text safe and short enough to show on a
// terminal: event data, receivers' answers, names from files.
package display

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Printable replaces the characters that a terminal would act on (escape
// sequences, other controls) and invalid UTF-8 with '·'.
func Printable(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == utf8.RuneError {
			return '·'
		}
		return r
	}, s)
}

// Clip shortens s to n characters, marking the cut with '…'.
func Clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
