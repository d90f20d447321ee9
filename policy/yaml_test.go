package policy

import (
	"strings"
	"testing"
)

// TestYAMLPolicy reads policy files written in YAML: the error says that
// policy files are JSON, rather than what the first byte is.
func TestYAMLPolicy(t *testing.T) {
	const hint = "found what looks like YAML: policy files are JSON"
	for _, tt := range []struct {
		data string
		yaml bool
	}{
		{"- effect: allow\n  actions: [\"*\"]\n", true},
		{"statements:\n- effect: allow\n", true},
		{"---\nstatements: []\n", true},
		{"# a role\npolicy: []\n", true},
		{"\"key\": qa\n", true},
		{"hello\n", false},
		{"-5\n", false},
		{"true", false},
		{"a b: c\n", false},
	} {
		_, err := ParseFile("p", []byte(tt.data))
		if err == nil {
			t.Errorf("%q: no error", tt.data)
			continue
		}
		if got := strings.Contains(err.Error(), hint); got != tt.yaml {
			t.Errorf("%q: %v; want the YAML hint: %v", tt.data, err, tt.yaml)
		}
	}
}
