package policy

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/ldpolicy/ldpolicy/match"
	"github.com/ldpolicy/ldpolicy/resource"
)

// FileKind says what a policy file holds.
type FileKind uint8

const (
	// StatementList is a bare JSON array of statements.
	StatementList FileKind = iota
	// WebhookFile is a webhook as the REST API returns it: an object with
	// a "statements" array, or with a "url" and no statements.
	WebhookFile
	// RoleFile is a custom role as the REST API returns it: an object with
	// a "policy" array.
	RoleFile
)

func (k FileKind) String() string {
	switch k {
	case WebhookFile:
		return "webhook"
	case RoleFile:
		return "custom role"
	}
	return "list of statements"
}

// BasePermissions are what a custom role grants beyond its statements
// (LaunchDarkly's "basePermissions"; Terraform's "base_permissions").
type BasePermissions uint8

const (
	// NoAccess grants nothing: the role's statements are all it grants.
	NoAccess BasePermissions = iota + 1
	// Reader grants what the built-in Reader role does: every action whose
	// name starts with "view", on every resource, unless a deny statement
	// of the same role applies (a ruling: the custom role takes precedence
	// over the base role).
	Reader
	// Unpublished stands for the built-in roles whose statements
	// LaunchDarkly does not publish (writer, admin, owner): what they grant
	// is outside the model, so a decision that they could change is
	// indeterminate, never guessed.
	Unpublished
)

// ParseBasePermissions reads "reader" or "no_access".
func ParseBasePermissions(s string) (BasePermissions, error) {
	switch s {
	case "reader":
		return Reader, nil
	case "no_access":
		return NoAccess, nil
	}
	return 0, fmt.Errorf(`expected base permissions "reader" or "no_access", found %q`, s)
}

func (b BasePermissions) String() string {
	switch b {
	case NoAccess:
		return "no_access"
	case Reader:
		return "reader"
	case Unpublished:
		return "unpublished"
	}
	return fmt.Sprintf("BasePermissions(%d)", uint8(b))
}

// RoleBasePermissions returns the base permissions of the custom role in f,
// and whether they were assumed because the file does not give them: then
// they are NoAccess, the default of LaunchDarkly's REST API. (Terraform's
// default, Reader, applies to roles read from Terraform: package terraform
// sets it, as the provider documents it, so it is not assumed.)
func (f *File) RoleBasePermissions() (b BasePermissions, assumed bool) {
	if f.BasePermissions != 0 {
		return f.BasePermissions, false
	}
	return NoAccess, true
}

// A Grant is one role that a member or team holds, compiled: its policy,
// compiled in the [Role] context with the role attributes of the
// assignment, and its base permissions.
type Grant struct {
	// Role names the role in decisions: its key.
	Role   string
	Policy *Set
	Base   BasePermissions
}

// BuiltinGrant returns the grant of one of LaunchDarkly's built-in roles:
// "reader" (Reader base permissions), "no_access" (nothing), or "writer",
// "admin" and "owner", whose statements LaunchDarkly does not publish
// ([Unpublished]).
func BuiltinGrant(role string) (Grant, error) {
	var base BasePermissions
	switch role {
	case "reader":
		base = Reader
	case "no_access":
		base = NoAccess
	case "writer", "admin", "owner":
		base = Unpublished
	default:
		return Grant{}, fmt.Errorf(`policy: unknown built-in role %q: expected "reader", "writer", "admin", "owner" or "no_access"`, role)
	}
	empty, err := Compile(nil, Options{Context: Role})
	if err != nil {
		return Grant{}, err // an empty policy always compiles
	}
	return Grant{Role: role, Policy: empty, Base: base}, nil
}

// Member is the access of a member, or of a team, that holds several roles
// at once: the custom or preset roles assigned to the member, and those of
// each of the member's teams, each with its own role attributes. A member
// with custom roles has no built-in role beside them; one without has only
// the built-in role (see [BuiltinGrant]).
//
// Roles are cumulative, as LaunchDarkly's docs say: "If two different
// policies have conflicting permission levels, the more permissive level of
// access is applied". An access is allowed when at least one role allows
// it, even if another denies it: a deny statement takes away only what its
// own role grants. Within one role, decisions are those of [Set.Decide],
// plus the role's base permissions.
//
// A Member is immutable and safe for concurrent use.
type Member struct {
	grants []Grant
}

// NewMember returns the member that holds the grants. It fails when there
// is none, when a policy is missing or was compiled in the [Webhook]
// context (where an empty policy allows everything), or when base
// permissions are not set.
func NewMember(grants ...Grant) (*Member, error) {
	if len(grants) == 0 {
		return nil, errors.New("policy: a member holds at least one role (the built-in no_access role grants nothing)")
	}
	for i, g := range grants {
		switch {
		case g.Policy == nil:
			return nil, fmt.Errorf("policy: role %d (%q) has no policy", i, g.Role)
		case g.Policy.Context() != Role:
			return nil, fmt.Errorf("policy: role %d (%q): its policy is compiled in the webhook context, where an empty policy allows everything; compile it with Options.Context set to Role", i, g.Role)
		case g.Base < NoAccess || g.Base > Unpublished:
			return nil, fmt.Errorf("policy: role %d (%q): base permissions not set: expected NoAccess, Reader or Unpublished", i, g.Role)
		case g.Base == Unpublished && g.Policy.Len() > 0:
			return nil, fmt.Errorf("policy: role %d (%q): an Unpublished role stands for a built-in role without statements, but it has %d; give them a role of their own", i, g.Role, g.Policy.Len())
		}
	}
	return &Member{grants: append([]Grant(nil), grants...)}, nil
}

// Len returns the number of roles the member holds.
func (m *Member) Len() int { return len(m.grants) }

// Grant returns the member's role number i.
func (m *Member) Grant(i int) Grant { return m.grants[i] }

// MemberDecision decides one access for a member.
type MemberDecision struct {
	// Decision is the combined decision. Its Statement is the deciding
	// statement of the deciding role; -1 when that role's base
	// permissions decided, or when no role allows.
	Decision
	// Index is the index of the role that allowed the access: the first
	// that allows it for certain or, when none does, the first that allows
	// it with unknown metadata taken as absent. It is -1 when no role
	// allows: [Member.Explain] then gives each role's reason.
	Index int
	// Role is the key of that role; empty when Index is -1.
	Role string
	// unpublished is set when a built-in role without published
	// statements makes the decision indeterminate.
	unpublished bool
}

func (d MemberDecision) String() string {
	s := string(d.Effect)
	if d.Index >= 0 {
		s += " by role " + d.Role
		if d.Statement >= 0 {
			s += fmt.Sprintf(", statement %d", d.Statement)
		}
	}
	if d.Indeterminate {
		s += " (indeterminate)"
	}
	return s + ": " + d.Reason()
}

// Reason says in a few words why the decision is what it is.
func (d MemberDecision) Reason() string {
	switch {
	case d.Index >= 0:
		return d.Decision.Reason()
	case d.unpublished:
		return "no role allows the access for certain: a built-in role whose statements LaunchDarkly does not publish (writer, admin, owner) may"
	case d.Indeterminate:
		return "no role allows the access" + unknownSuffix
	}
	return "no role allows the access"
}

// MarshalJSON writes the decision as
//
//	{"decision":"allow","indeterminate":false,"role":"ops","statement":0,"reason":"…"}
//
// where role is null when no role allows, and statement is null when no
// statement decided (base permissions, or no role).
func (d MemberDecision) MarshalJSON() ([]byte, error) {
	type out struct {
		Decision      Effect  `json:"decision"`
		Indeterminate bool    `json:"indeterminate"`
		Role          *string `json:"role"`
		Statement     *int    `json:"statement"`
		Reason        string  `json:"reason"`
	}
	o := out{Decision: d.Effect, Indeterminate: d.Indeterminate, Reason: d.Reason()}
	if d.Index >= 0 {
		o.Role = &d.Role
		if d.Statement >= 0 {
			o.Statement = &d.Statement
		}
	}
	return json.Marshal(o)
}

// Decide decides one access for the member. The resource is parsed with
// [resource.ParseConcrete]. Decide does not allocate unless the resource is
// malformed.
func (m *Member) Decide(action, res string) (MemberDecision, error) {
	var c resource.Concrete
	if err := c.Parse(res); err != nil {
		return MemberDecision{}, err
	}
	return m.DecideConcrete(action, &c), nil
}

// DecideConcrete decides one access to a parsed resource for the member: it
// is allowed when one of the member's roles allows it. DecideConcrete does
// not allocate.
func (m *Member) DecideConcrete(action string, c *resource.Concrete) MemberDecision {
	any, unpublished := match.False, false
	first, sure := -1, -1
	var firstD, sureD Decision
	for i := range m.grants {
		d := m.grants[i].decide(action, c)
		any = any.Or(d.truth())
		unpublished = unpublished || m.grants[i].Base == Unpublished
		if d.Allowed() {
			if first < 0 {
				first, firstD = i, d
			}
			if !d.Indeterminate && sure < 0 {
				sure, sureD = i, d
				break // a role allows for certain: nothing can change that
			}
		}
	}
	switch {
	case sure >= 0:
		return MemberDecision{Decision: sureD, Index: sure, Role: m.grants[sure].Role}
	case first >= 0:
		firstD.Indeterminate = !any.Known()
		return MemberDecision{Decision: firstD, Index: first, Role: m.grants[first].Role}
	}
	return MemberDecision{Decision: Decision{Effect: Deny, Statement: -1, Indeterminate: !any.Known()}, Index: -1, unpublished: unpublished && !any.Known()}
}

// decide decides an access under one role: its policy, then its base
// permissions.
func (g *Grant) decide(action string, c *resource.Concrete) Decision {
	switch {
	case g.Base == Unpublished:
		return Decision{Effect: Deny, Statement: -1, Indeterminate: true, reason: reasonUnpublished}
	case g.Base != Reader || !strings.HasPrefix(action, "view"):
		return g.Policy.DecideConcrete(action, c)
	}
	// The base permissions allow the access unless a deny statement of the
	// role applies: as an allow statement that always applies.
	if len(g.Policy.stmts) == 0 {
		return Decision{Effect: Allow, Statement: -1, reason: reasonBase}
	}
	deny, denyAny := firstStep(g.Policy.planFor(c).denies, action, c)
	d := decision(deny, denyAny, -1, match.True)
	if deny < 0 {
		d.Effect, d.reason = Allow, reasonBase
	}
	return d
}

// GrantExplanation is how one of a member's roles decided an access.
type GrantExplanation struct {
	Role string
	Base BasePermissions
	Explanation
}

// MemberExplanation is a member's decision with each role's own.
type MemberExplanation struct {
	Decision MemberDecision
	Grants   []GrantExplanation // in the member's order
}

// Explain decides one access for the member like [Member.DecideConcrete],
// and explains how each role decided it. Unlike DecideConcrete, it
// allocates.
func (m *Member) Explain(action string, c *resource.Concrete) MemberExplanation {
	e := MemberExplanation{Decision: m.DecideConcrete(action, c), Grants: make([]GrantExplanation, len(m.grants))}
	for i := range m.grants {
		g := &m.grants[i]
		x := g.Policy.Explain(action, c)
		x.Decision = g.decide(action, c)
		e.Grants[i] = GrantExplanation{Role: g.Role, Base: g.Base, Explanation: x}
	}
	return e
}
