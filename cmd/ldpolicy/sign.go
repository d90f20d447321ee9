package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/ldpolicy/ldpolicy/webhook"
)

const signUsage = `usage: ldpolicy sign (--secret SECRET | --secret-env NAME) [FILE]

Sign prints the signature that LaunchDarkly sends in the X-LD-Signature
header of a delivery of FILE's bytes by a webhook with the secret: the
HMAC-SHA256 of the bytes exactly as they are in the file (no trailing
newline is added or removed), keyed with the secret, in lower-case
hexadecimal, followed by a newline. FILE "-", or no FILE, reads stdin.

The secret is used as it is, with no trimming or decoding. --secret-env
names an environment variable that holds it, so that the secret stays out of
the shell's history and the process list:

	LD_WEBHOOK_SECRET=... ldpolicy sign --secret-env LD_WEBHOOK_SECRET event.json

Note that "echo" adds a newline, which is part of what is signed; printf '%s'
does not.

Exit status: 0 when the signature was printed; 2 for bad usage or an
unreadable file.

Flags:
`

// secretFlags are --secret and --secret-env, each of which may be given
// more than once where several secrets are accepted.
type secretFlags struct {
	values, envs stringList
}

// stringList is a flag that can be repeated.
type stringList []string

func (l *stringList) String() string { return strings.Join(*l, ",") }

func (*stringList) repeatable() {}

func (l *stringList) Set(s string) error {
	*l = append(*l, s)
	return nil
}

func (f *secretFlags) register(fs *flag.FlagSet, many bool) {
	again := ""
	if many {
		again = "; repeat it to accept several, as while a secret is rotated"
	}
	fs.Var(&f.values, "secret", "the webhook's `SECRET`"+again)
	fs.Var(&f.envs, "secret-env", "the `NAME` of an environment variable that holds the secret, to keep it out of the shell's history"+again)
}

// secrets returns the secrets the flags give; an unset or empty variable,
// or an empty secret, is an error, since an empty key lets anyone sign.
func (f *secretFlags) secrets(cmd string) ([]string, error) {
	secrets := append([]string(nil), f.values...)
	for _, s := range secrets {
		if s == "" {
			return nil, usagef(cmd, "--secret is empty")
		}
	}
	for _, name := range f.envs {
		s, ok := os.LookupEnv(name)
		switch {
		case !ok:
			return nil, usagef(cmd, "--secret-env: the environment variable %s is not set", name)
		case s == "":
			return nil, usagef(cmd, "--secret-env: the environment variable %s is empty", name)
		}
		secrets = append(secrets, s)
	}
	return secrets, nil
}

func (f *secretFlags) given() bool { return len(f.values)+len(f.envs) > 0 }

// oneFile returns the single optional FILE argument of sign and verify.
func oneFile(cmd string, args []string) (string, error) {
	switch len(args) {
	case 0:
		return "-", nil
	case 1:
		return args[0], nil
	}
	return "", usagef(cmd, "expected at most one FILE, found %d arguments", len(args))
}

func runSign(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("sign", flag.ContinueOnError)
	var sf secretFlags
	sf.register(fs, false)
	rest, err := parseFlags(fs, args, stdout, signUsage)
	if err != nil {
		return helpIsDone(err)
	}
	name, err := oneFile("sign", rest)
	if err != nil {
		return err
	}
	secrets, err := sf.secrets("sign")
	switch {
	case err != nil:
		return err
	case len(secrets) == 0:
		return usagef("sign", "--secret or --secret-env is required")
	case len(secrets) > 1:
		return usagef("sign", "expected one secret, found %d", len(secrets))
	}
	body, err := readInput(name, stdin)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(stdout, webhook.Sign(secrets[0], body))
	return err
}
