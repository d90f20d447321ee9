package policysource

import (
	"fmt"
	"strings"
)

// AccountPrefix starts the arguments that name objects of a LaunchDarkly
// account.
const AccountPrefix = "ld:"

// AccountForms lists the ld: arguments that name policies, for messages.
const AccountForms = "ld:webhook/ID, ld:webhooks, ld:role/KEY, ld:team/KEY or ld:member/ID-or-EMAIL"

// IsAccount reports whether arg names objects of a LaunchDarkly account:
// it starts with "ld:".
func IsAccount(arg string) bool { return strings.HasPrefix(arg, AccountPrefix) }

// SplitAccount splits an ld: argument into the kind of object it names
// and its reference: "webhook" and the ID, "webhooks" and "", "role",
// "team" and the key, "member" and the ID or email. Anything else is an
// error that says what is expected.
func SplitAccount(arg string) (kind, ref string, err error) {
	rest := strings.TrimPrefix(arg, AccountPrefix)
	if rest == "webhooks" {
		return rest, "", nil
	}
	kind, ref, slash := strings.Cut(rest, "/")
	switch {
	case kind == "auditlog" || strings.HasPrefix(kind, "auditlog?"):
		return "", "", fmt.Errorf("%s is the audit log, an input of events, not a policy: a policy is %s", arg, AccountForms)
	case kind != "webhook" && kind != "role" && kind != "team" && kind != "member":
		return "", "", fmt.Errorf("expected %s, found %q", AccountForms, arg)
	case !slash || ref == "":
		return "", "", fmt.Errorf("%s: expected %s%s/%s: the %s's %s after the slash", arg, AccountPrefix, kind, refName(kind), kind, refName(kind))
	case kind != "member" && strings.ContainsAny(ref, "/#?"):
		// Keys and IDs have none; an email might.
		return "", "", fmt.Errorf("%s: expected %s%s/%s, found %q after the slash, which has a %q", arg, AccountPrefix, kind, refName(kind), ref, string(ref[strings.IndexAny(ref, "/#?")]))
	}
	return kind, ref, nil
}

// refName names what an ld: argument of a kind gives after the slash.
func refName(kind string) string {
	switch kind {
	case "webhook":
		return "ID"
	case "member":
		return "ID-or-EMAIL"
	}
	return "KEY"
}

// Account is what an ld: argument names in a LaunchDarkly account, as the
// function of Reader.Account reads it (package internal/ldsource).
type Account struct {
	// Policies are the policies the argument names: a webhook's or a
	// custom role's, with their Data, or a team's or a member's, who hold
	// roles. Each Policy.Object is the object of the account.
	Policies []Policy
	// Several is the error of Source.One when Policies holds more than
	// one: it lists them, to select one with.
	Several error
}
