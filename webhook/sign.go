package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
)

// SignatureHeader is the header in which LaunchDarkly sends a delivery's
// signature, when the webhook has a secret.
const SignatureHeader = "X-LD-Signature"

// The errors of Verify. Each error Verify returns is, or wraps, one of
// them, for errors.Is. None of their messages holds the signature the body
// should have had.
var (
	// ErrNoSecret is returned when there is no secret to verify with, or a
	// secret is empty: an empty key would let anyone sign.
	ErrNoSecret = errors.New("webhook: no secret to verify the signature with")
	// ErrNoSignature is returned for a missing or empty signature header.
	ErrNoSignature = errors.New("webhook: no " + SignatureHeader + " header")
	// ErrMalformedSignature is returned for a header that is not 64
	// hexadecimal digits.
	ErrMalformedSignature = errors.New("webhook: malformed " + SignatureHeader + " header")
	// ErrSignatureMismatch is returned for a well-formed signature that no
	// secret gives for the body.
	ErrSignatureMismatch = errors.New("webhook: " + SignatureHeader + " does not match the body")
)

// Sign returns the signature LaunchDarkly sends for a body in the
// X-LD-Signature header: the HMAC-SHA256 of the body's bytes, exactly as
// they are, keyed with the webhook's secret, in lower-case hexadecimal.
// The secret is used as it is: no trimming, no decoding.
func Sign(secret string, body []byte) string {
	return hex.EncodeToString(mac(secret, body))
}

func mac(secret string, body []byte) []byte {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return m.Sum(nil)
}

// Verify checks the X-LD-Signature header of a delivery against its body,
// the raw bytes as they came off the wire: verify before decoding, since
// JSON decoded and encoded again is rarely the same bytes. The header must
// be the 64 hexadecimal digits of an HMAC-SHA256 (either case); it is
// accepted when any of the secrets gives it, so that a receiver can accept
// the old and the new secret while a webhook's secret is rotated. The
// comparison takes the same time wherever the digests differ, and Verify
// tries every secret whichever matches.
//
// Verify returns nil for a good signature; otherwise an error that is, or
// wraps, ErrNoSecret (no secrets, or an empty one), ErrNoSignature,
// ErrMalformedSignature or ErrSignatureMismatch.
func Verify(secrets []string, body []byte, header string) error {
	if len(secrets) == 0 {
		return ErrNoSecret
	}
	for i, s := range secrets {
		if s == "" {
			return fmt.Errorf("%w: secret %d is empty", ErrNoSecret, i)
		}
	}
	if header == "" {
		return ErrNoSignature
	}
	if len(header) != hex.EncodedLen(sha256.Size) {
		return fmt.Errorf("%w: expected %d hexadecimal digits, found %d characters", ErrMalformedSignature, hex.EncodedLen(sha256.Size), len(header))
	}
	var sig [sha256.Size]byte
	if _, err := hex.Decode(sig[:], []byte(header)); err != nil {
		var bad hex.InvalidByteError
		if errors.As(err, &bad) {
			return fmt.Errorf("%w: expected hexadecimal digits, found %q", ErrMalformedSignature, string([]byte{byte(bad)}))
		}
		return fmt.Errorf("%w: %v", ErrMalformedSignature, err)
	}
	ok := false
	for _, s := range secrets {
		// hmac.Equal is constant-time, and it comes first so that every
		// secret is tried.
		ok = hmac.Equal(sig[:], mac(s, body)) || ok
	}
	if !ok {
		return ErrSignatureMismatch
	}
	return nil
}
