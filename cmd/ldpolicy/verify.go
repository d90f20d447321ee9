package main

import (
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/ldpolicy/ldpolicy/webhook"
)

const verifyUsage = `usage: ldpolicy verify (--secret SECRET | --secret-env NAME)... --signature HEX [FILE]

Verify checks that HEX, the X-LD-Signature header of a delivery, is the
signature of FILE's bytes, exactly as they are in the file, with the
webhook's secret, as a receiver checks it: the hexadecimal HMAC-SHA256 of
the bytes (64 digits, either case), compared in constant time. FILE "-", or
no FILE, reads stdin.

Several secrets may be given (repeat --secret or --secret-env), as while a
secret is rotated: the signature is accepted when any of them gives it.
--secret-env names an environment variable that holds a secret, so that it
stays out of the shell's history and the process list.

Verify prints nothing when the signature matches. When it does not, it says
so on stderr, without ever printing the signature the bytes should have had.

Exit status: 0 when the signature matches; 1 when it does not; 2 for bad
usage (no secret, no signature, a signature that is not 64 hexadecimal
digits) or an unreadable file.

Flags:
`

func runVerify(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	var sf secretFlags
	sf.register(fs, true)
	signature := fs.String("signature", "", "the `HEX` signature to check, as the X-LD-Signature header holds it (required)")
	rest, err := parseFlags(fs, args, stdout, verifyUsage)
	if err != nil {
		return helpIsDone(err)
	}
	name, err := oneFile("verify", rest)
	if err != nil {
		return err
	}
	secrets, err := sf.secrets("verify")
	switch {
	case err != nil:
		return err
	case len(secrets) == 0:
		return usagef("verify", "--secret or --secret-env is required")
	case *signature == "":
		return usagef("verify", "--signature is required")
	}
	body, err := readInput(name, stdin)
	if err != nil {
		return err
	}
	err = webhook.Verify(secrets, body, *signature)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, webhook.ErrMalformedSignature):
		return usagef("verify", "--signature must be 64 hexadecimal digits, found %d characters", len(*signature))
	case errors.Is(err, webhook.ErrSignatureMismatch):
		what := "the secret"
		if len(secrets) > 1 {
			what = "any of the secrets"
		}
		return &exitError{exitNo, fmt.Errorf("verify: %s: the signature does not match the bytes with %s", displayName(name), what)}
	}
	return &exitError{exitNo, fmt.Errorf("verify: %v", err)}
}
