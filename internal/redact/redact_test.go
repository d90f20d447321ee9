package redact

import "testing"

func TestURL(t *testing.T) {
	for _, tt := range []struct {
		in, want string
	}{
		{"https://hooks.example.com/x", "https://hooks.example.com/x"},
		{"https://user:pass@hooks.example.com/x?token=abc", "https://xxxxx@hooks.example.com/x?REDACTED"},
		{"https://user@hooks.example.com/x", "https://xxxxx@hooks.example.com/x"},
		{"https://hooks.example.com/x?", "https://hooks.example.com/x?REDACTED"},
		{"https://hooks.example.com/x#a%20b", "https://hooks.example.com/x#REDACTED"},
		{"https://hooks.example.com:8443/x/y", "https://hooks.example.com:8443/x/y"},
		{"https:user:pass@hooks.example.com", "https:REDACTED"},
		{"https://u:p@hooks.example.com:port/x?token=abc", "https://xxxxx@hooks.example.com:port/x?REDACTED"},
		{"https://u:p@hooks.example.com:port#a?b", "https://xxxxx@hooks.example.com:port#REDACTED"},
		{"https://u:p@hooks.ex…", "https://xxxxx@hooks.ex%E2%80%A6"},
		{"https://u:p@hooks.ex ample", "https://xxxxx@hooks.ex ample"},
		{"https://hooks.example.com/a@b?c@d", "https://hooks.example.com/a@b?REDACTED"},
		{"https://u:p@h:1:2", "https://xxxxx@h:1:2"},
	} {
		if have := URL(tt.in); have != tt.want {
			t.Errorf("URL(%q):\nhave %q\nwant %q", tt.in, have, tt.want)
		}
	}
}
