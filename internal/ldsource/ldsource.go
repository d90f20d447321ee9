// Package ldsource reads the policies that ld: arguments name in a
// LaunchDarkly account (see package internal/policysource) with the REST
// API of package ldapi: ld:webhook/ID, ld:webhooks, ld:role/KEY,
// ld:team/KEY and ld:member/ID-or-EMAIL. It is apart from policysource so
// that reading policy files and Terraform sources, as policy tests do,
// needs no HTTP client.
package ldsource

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/ldpolicy/ldpolicy/internal/policysource"
	"github.com/ldpolicy/ldpolicy/ldapi"
	"github.com/ldpolicy/ldpolicy/policy"
)

// Reader returns the function of policysource.Reader.Account that reads
// ld: arguments with the client that client returns for each.
func Reader(client func(arg string) (*ldapi.Client, error)) func(ctx context.Context, arg string) (*policysource.Account, error) {
	return func(ctx context.Context, arg string) (*policysource.Account, error) {
		if _, _, err := policysource.SplitAccount(arg); err != nil {
			return nil, err
		}
		c, err := client(arg)
		if err != nil {
			return nil, err
		}
		return open(ctx, arg, c)
	}
}

// account is what an ld: argument names.
type account struct {
	// Webhooks are the webhook of ld:webhook/ID, or every webhook of the
	// account for ld:webhooks, in the order the API lists them.
	Webhooks []*ldapi.Webhook
	// Role is the custom role of ld:role/KEY.
	Role *ldapi.Role
	// Holder is the team of ld:team/KEY or the member of
	// ld:member/ID-or-EMAIL.
	Holder *Holder
}

// Holder is a team or a member of a LaunchDarkly account: who holds roles,
// and decides accesses as a member who holds them.
type Holder struct {
	// Team is the key of a team; empty for a member.
	Team string
	// Member is the member; nil for a team.
	Member *ldapi.Member

	client *ldapi.Client
}

// Access builds the access of the team or the member, fetching their roles
// (and a member's teams) as ldapi.Client.TeamAccess and
// ldapi.Client.Access do: each role with the role attributes of its
// assignment, which replace opts.Attributes. The team of ld:team/KEY is
// fetched only then.
func (h *Holder) Access(ctx context.Context, opts policy.Options) (*ldapi.Access, error) {
	if h.Member != nil {
		return h.client.Access(ctx, h.Member, opts)
	}
	return h.client.TeamAccess(ctx, h.Team, opts)
}

// WebhookOf, RoleOf and HolderOf return the webhook, the custom role or
// the holder of roles that a policy of an ld: argument is; nil when it is
// not one.
func WebhookOf(p policysource.Policy) *ldapi.Webhook { w, _ := p.Object.(*ldapi.Webhook); return w }

// RoleOf: see WebhookOf.
func RoleOf(p policysource.Policy) *ldapi.Role { r, _ := p.Object.(*ldapi.Role); return r }

// HolderOf: see WebhookOf.
func HolderOf(p policysource.Policy) *Holder { h, _ := p.Object.(*Holder); return h }

// openAccount reads what an ld: argument names with the client of
// client.
func open(ctx context.Context, arg string, c *ldapi.Client) (*policysource.Account, error) {
	kind, ref, err := policysource.SplitAccount(arg)
	if err != nil {
		return nil, err
	}
	a := &account{}
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
	ps, err := a.policies(arg)
	if err != nil {
		return nil, err
	}
	return &policysource.Account{Policies: ps, Several: a.several(arg)}, nil
}

// policies returns the policies of an ld: argument: a policy for each
// webhook, named ld:webhook/ID, the custom role, named ld:role/KEY, or the
// team or the member, named as the argument names them.
func (a *account) policies(arg string) ([]policysource.Policy, error) {
	switch {
	case a.Role != nil:
		name := arg
		if a.Role.Key != "" {
			name = policysource.AccountPrefix + "role/" + a.Role.Key
		}
		return []policysource.Policy{{Name: name, Source: arg, Data: a.Role.Raw, Object: a.Role}}, nil
	case a.Holder != nil:
		return []policysource.Policy{{Name: arg, Source: arg, Object: a.Holder}}, nil
	case len(a.Webhooks) == 0:
		return nil, fmt.Errorf("%s: the account has no webhooks", arg)
	}
	out := make([]policysource.Policy, len(a.Webhooks))
	for i, w := range a.Webhooks {
		out[i] = policysource.Policy{Name: WebhookName(w), Source: arg, Data: w.Raw, Object: w}
	}
	return out, nil
}

// WebhookName is how a webhook of an account is named: ld:webhook/ID.
func WebhookName(w *ldapi.Webhook) string { return policysource.AccountPrefix + "webhook/" + w.ID }

// several is the error of Source.One for an account with several
// webhooks: it lists their IDs, and their names, to select one with. It is
// nil for one webhook or none.
func (a *account) several(arg string) error {
	if len(a.Webhooks) < 2 {
		return nil
	}
	ids := make([]string, len(a.Webhooks))
	for i, w := range a.Webhooks {
		ids[i] = w.ID
		if w.Name != "" {
			ids[i] += fmt.Sprintf(" (%q)", w.Name)
		}
	}
	return fmt.Errorf("%s: the account has %d webhooks: name one as %swebhook/ID, with the ID of one of %s", arg, len(ids), policysource.AccountPrefix, strings.Join(ids, ", "))
}
