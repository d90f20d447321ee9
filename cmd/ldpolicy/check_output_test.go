package main

import "testing"

// TestGitHubEscaping checks the escapes of GitHub workflow commands: in
// the message, '%' and line breaks; in properties, also ':' and ','.
func TestGitHubEscaping(t *testing.T) {
	tests := []struct {
		in, data, property string
	}{
		{"plain", "plain", "plain"},
		{"100%", "100%25", "100%25"},
		{"a\nb\r", "a%0Ab%0D", "a%0Ab%0D"},
		{"dir/a,b:c.json", "dir/a,b:c.json", "dir/a%2Cb%3Ac.json"},
	}
	for _, tt := range tests {
		if have := ghData(tt.in); have != tt.data {
			t.Errorf("ghData(%q) = %q, want %q", tt.in, have, tt.data)
		}
		if have := ghProperty(tt.in); have != tt.property {
			t.Errorf("ghProperty(%q) = %q, want %q", tt.in, have, tt.property)
		}
	}
}
