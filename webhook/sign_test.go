package webhook

import (
	"errors"
	"strings"
	"testing"
)

// TestSignRFC4231 checks Sign against test case 2 of RFC 4231, the
// HMAC-SHA256 test vectors.
func TestSignRFC4231(t *testing.T) {
	const want = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
	if have := Sign("Jefe", []byte("what do ya want for nothing?")); have != want {
		t.Errorf("have %s\nwant %s", have, want)
	}
}

func TestVerify(t *testing.T) {
	body := []byte(`{"_id":"a","accesses":[]}`)
	good := Sign("new", body)
	tests := []struct {
		name    string
		secrets []string
		body    string
		header  string
		want    error // nil, or the sentinel
	}{
		{"good", []string{"new"}, string(body), good, nil},
		{"upper-case hex", []string{"new"}, string(body), strings.ToUpper(good), nil},
		{"old secret while rotating", []string{"old", "new"}, string(body), good, nil},
		{"new secret while rotating", []string{"new", "old"}, string(body), good, nil},
		{"no secrets", nil, string(body), good, ErrNoSecret},
		{"empty secret", []string{"new", ""}, string(body), good, ErrNoSecret},
		{"no header", []string{"new"}, string(body), "", ErrNoSignature},
		{"short", []string{"new"}, string(body), good[:63], ErrMalformedSignature},
		{"prefixed", []string{"new"}, string(body), "sha256=" + good, ErrMalformedSignature},
		{"not hex", []string{"new"}, string(body), "g" + good[1:], ErrMalformedSignature},
		{"wrong secret", []string{"other"}, string(body), good, ErrSignatureMismatch},
		{"secret with a space", []string{"new "}, string(body), good, ErrSignatureMismatch},
		{"body re-encoded", []string{"new"}, `{"_id": "a", "accesses": []}`, good, ErrSignatureMismatch},
		{"body with a newline", []string{"new"}, string(body) + "\n", good, ErrSignatureMismatch},
		{"empty body", []string{"new"}, "", good, ErrSignatureMismatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Verify(tt.secrets, []byte(tt.body), tt.header)
			if !errors.Is(err, tt.want) || (err == nil) != (tt.want == nil) {
				t.Fatalf("have %v, want %v", err, tt.want)
			}
			if err == nil {
				return
			}
			for _, s := range tt.secrets {
				if s == "" {
					continue
				}
				if expected := Sign(s, []byte(tt.body)); strings.Contains(strings.ToLower(err.Error()), expected) {
					t.Errorf("the error gives away the expected signature: %v", err)
				}
			}
		})
	}
}

func TestVerifyMessages(t *testing.T) {
	body := []byte("{}")
	tests := []struct {
		header, want string
	}{
		{"", "webhook: no X-LD-Signature header"},
		{"abc", "webhook: malformed X-LD-Signature header: expected 64 hexadecimal digits, found 3 characters"},
		{strings.Repeat("a", 63) + "\xff", `webhook: malformed X-LD-Signature header: expected hexadecimal digits, found "\xff"`},
		{strings.Repeat("0", 64), "webhook: X-LD-Signature does not match the body"},
	}
	for _, tt := range tests {
		if have := Verify([]string{"k"}, body, tt.header).Error(); have != tt.want {
			t.Errorf("Verify(%q):\nhave %s\nwant %s", tt.header, have, tt.want)
		}
	}
	if have, want := Verify([]string{"k", ""}, body, "x").Error(), "webhook: no secret to verify the signature with: secret 1 is empty"; have != want {
		t.Errorf("have %s\nwant %s", have, want)
	}
}

func TestSignVerifyRoundTrip(t *testing.T) {
	for _, body := range []string{"", "{}", "\x00\xff binary", strings.Repeat("é", 1000)} {
		for _, secret := range []string{"k", " padded ", "\x00", strings.Repeat("long", 100)} {
			if err := Verify([]string{secret}, []byte(body), Sign(secret, []byte(body))); err != nil {
				t.Errorf("secret %q, body %q: %v", secret, body, err)
			}
		}
	}
}
