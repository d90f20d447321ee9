package policysource

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/ldpolicy/ldpolicy/ldapi"
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

// openAccount reads what an ld: argument names with the client of
// client.
func openAccount(ctx context.Context, arg string, client func(string) (*ldapi.Client, error)) (*Source, error) {
	kind, ref, err := SplitAccount(arg)
	if err != nil {
		return nil, err
	}
	if client == nil {
		return nil, fmt.Errorf("%s names an object of a LaunchDarkly account, which is not read here: name a policy file, or a Terraform source", arg)
	}
	c, err := client(arg)
	if err != nil {
		return nil, err
	}
	s := &Source{Name: arg, path: arg, Account: &Account{}}
	a := s.Account
	switch kind {
	case "webhooks":
		a.Webhooks, err = c.Webhooks(ctx)
	case "webhook":
		var w *ldapi.Webhook
		if w, err = c.Webhook(ctx, ref); err == nil {
			a.Webhooks = []*ldapi.Webhook{w}
		}
	case "role":
		a.Role, err = c.Role(ctx, ref)
	case "team":
		a.Holder = &Holder{Team: ref, client: c}
	case "member":
		var m *ldapi.Member
		if m, err = c.Member(ctx, ref); err == nil {
			a.Holder = &Holder{Member: m, client: c}
		}
	}
	if errors.Is(err, ldapi.ErrNotFound) {
		return nil, fmt.Errorf("%s: the account has no such %s: %w", arg, kind, err)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", arg, err)
	}
	return s, nil
}

// accountPolicies returns the policies of an ld: source: a policy for
// each webhook, named ld:webhook/ID, the custom role, named
// ld:role/KEY, or the team or the member, named as the argument names
// them.
func (s *Source) accountPolicies() ([]Policy, error) {
	a := s.Account
	switch {
	case a.Role != nil:
		name := s.Name
		if a.Role.Key != "" {
			name = AccountPrefix + "role/" + a.Role.Key
		}
		return []Policy{{Name: name, Source: s.Name, Data: a.Role.Raw, Role: a.Role}}, nil
	case a.Holder != nil:
		return []Policy{{Name: s.Name, Source: s.Name, Holder: a.Holder}}, nil
	case len(a.Webhooks) == 0:
		return nil, fmt.Errorf("%s: the account has no webhooks", s.Name)
	}
	out := make([]Policy, len(a.Webhooks))
	for i, w := range a.Webhooks {
		out[i] = Policy{Name: WebhookName(w), Source: s.Name, Data: w.Raw, Webhook: w}
	}
	return out, nil
}

// WebhookName is how a webhook of an account is named: ld:webhook/ID.
func WebhookName(w *ldapi.Webhook) string { return AccountPrefix + "webhook/" + w.ID }

// oneWebhookError is the error of Source.One for an account with several
// webhooks: it lists their IDs, and their names, to select one with.
func (s *Source) oneWebhookError() error {
	ids := make([]string, len(s.Account.Webhooks))
	for i, w := range s.Account.Webhooks {
		ids[i] = w.ID
		if w.Name != "" {
			ids[i] += fmt.Sprintf(" (%q)", w.Name)
		}
	}
	return fmt.Errorf("%s: the account has %d webhooks: name one as %swebhook/ID, with the ID of one of %s", s.Name, len(ids), AccountPrefix, strings.Join(ids, ", "))
}
