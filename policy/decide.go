package policy

import (
	"encoding/json"
	"fmt"

	"github.com/ldpolicy/ldpolicy/match"
	"github.com/ldpolicy/ldpolicy/resource"
)

// Access is one access of an audit-log entry: an action on a resource.
type Access struct {
	Action   string `json:"action"`
	Resource string `json:"resource"`
}

// Decision is the outcome of deciding one access.
type Decision struct {
	Effect Effect // Allow or Deny
	// Statement is the index of the deciding statement: the first deny
	// statement that applies or, when none does, the first allow statement
	// that applies. It is -1 when no statement applies.
	Statement int
	// Indeterminate is set when Effect depends on tags, properties or views
	// that nobody supplied, as three-valued (Kleene) logic finds: each test
	// of unknown metadata is unknown, and unknowns propagate through AND, OR
	// and NOT. Effect is then the decision with that metadata taken as
	// absent. The logic is sound (a definite decision is the same whatever
	// the metadata is) but not complete: when two statements test the same
	// unknown tag in opposite ways, a decision can be marked indeterminate
	// although every value of the tag gives the same effect.
	Indeterminate bool
	reason        reason
}

type reason uint8

const (
	reasonNone reason = iota
	reasonDeny
	reasonAllow
	reasonNoFilter
	reasonRoleEmpty
	reasonBase        // a role's Reader base permissions allowed
	reasonUnpublished // a built-in role whose statements are not published
)

const unknownSuffix = "; tags, properties or views nobody supplied could change this"

var reasons = [...][2]string{
	reasonNone:      {"no statement applies, so the access is denied by default", "no statement applies, so the access is denied by default" + unknownSuffix},
	reasonDeny:      {"a deny statement applies, and deny overrides allow", "a deny statement applies, and deny overrides allow" + unknownSuffix},
	reasonAllow:     {"an allow statement applies and no deny statement does", "an allow statement applies and no deny statement does" + unknownSuffix},
	reasonNoFilter:  {"the policy has no statements: a webhook without a policy filter receives every event", ""},
	reasonRoleEmpty: {"the policy has no statements: a role without statements grants nothing", ""},
	reasonBase: {"the role's base permissions (reader) allow view actions, and no deny statement of the role applies",
		"the role's base permissions (reader) allow view actions, and no deny statement of the role applies" + unknownSuffix},
	reasonUnpublished: {"", "the built-in role publishes no statements: what it grants is outside the model"},
}

// Allowed reports whether the access is allowed.
func (d Decision) Allowed() bool { return d.Effect == Allow }

// Reason says in a few words why the decision is what it is.
func (d Decision) Reason() string {
	if d.Indeterminate {
		return reasons[d.reason][1]
	}
	return reasons[d.reason][0]
}

func (d Decision) String() string {
	s := string(d.Effect)
	if d.Indeterminate {
		s += " (indeterminate)"
	}
	if d.Statement >= 0 {
		s += fmt.Sprintf(" by statement %d", d.Statement)
	}
	return s + ": " + d.Reason()
}

// MarshalJSON writes the decision as
//
//	{"decision":"allow","indeterminate":false,"statement":0,"effect":"allow","reason":"…"}
//
// where statement and effect (the deciding statement's) are null when no
// statement applies.
func (d Decision) MarshalJSON() ([]byte, error) {
	type out struct {
		Decision      Effect  `json:"decision"`
		Indeterminate bool    `json:"indeterminate"`
		Statement     *int    `json:"statement"`
		Effect        *Effect `json:"effect"`
		Reason        string  `json:"reason"`
	}
	o := out{Decision: d.Effect, Indeterminate: d.Indeterminate, Reason: d.Reason()}
	if d.Statement >= 0 {
		o.Statement, o.Effect = &d.Statement, &d.Effect
	}
	return json.Marshal(o)
}

// truth returns "the access is allowed" as a three-valued truth.
func (d Decision) truth() match.Truth {
	t := match.False
	if d.Allowed() {
		t = match.True
	}
	if d.Indeterminate {
		t |= match.Unknown
	}
	return t
}

// Decide decides one access. The resource is parsed with
// [resource.ParseConcrete]; its only metadata is what it carries inline.
// Decide does not allocate unless the resource is malformed.
func (s *Set) Decide(action, res string) (Decision, error) {
	var c resource.Concrete
	if err := c.Parse(res); err != nil {
		return Decision{}, err
	}
	return s.DecideConcrete(action, &c), nil
}

// DecideConcrete decides one access to a parsed resource, whose metadata
// may have been resolved with [resource.Concrete.Resolve]:
//
//  1. if a deny statement applies, the access is denied (deny overrides
//     allow);
//  2. otherwise, if an allow statement applies, it is allowed;
//  3. otherwise it is denied (default deny).
//
// A statement applies when its action part and its resource part both hold.
// Statement order never matters. An empty policy allows every access in the
// [Webhook] context and denies it in the [Role] context.
//
// DecideConcrete does not allocate.
func (s *Set) DecideConcrete(action string, c *resource.Concrete) Decision {
	if d, empty := s.emptyDecision(); empty {
		return d
	}
	p := s.planFor(c)
	deny, denyAny := firstStep(p.denies, action, c)
	if denyAny == match.True {
		return Decision{Effect: Deny, Statement: deny, reason: reasonDeny}
	}
	allow, allowAny := firstStep(p.allows, action, c)
	return decision(deny, denyAny, allow, allowAny)
}

// emptyDecision is the decision of a policy without statements, and
// whether the policy has none.
func (s *Set) emptyDecision() (Decision, bool) {
	switch {
	case len(s.stmts) > 0:
		return Decision{}, false
	case s.ctx == Role:
		return Decision{Effect: Deny, Statement: -1, reason: reasonRoleEmpty}, true
	}
	return Decision{Effect: Allow, Statement: -1, reason: reasonNoFilter}, true
}

// decision is the decision given the first deny and allow statements that
// apply (-1 for none) and whether any does, in three-valued logic. The
// deciding statement is chosen in the world where unknown metadata is
// absent (each Truth's Value); whether the decision is indeterminate is the
// Kleene value of "no deny applies and some allow applies".
func decision(deny int, denyAny match.Truth, allow int, allowAny match.Truth) Decision {
	d := Decision{Effect: Deny, Statement: -1, Indeterminate: !denyAny.Not().And(allowAny).Known()}
	switch {
	case deny >= 0:
		d.Statement, d.reason = deny, reasonDeny
	case allow >= 0:
		d.Effect, d.Statement, d.reason = Allow, allow, reasonAllow
	}
	return d
}

// traceStatements evaluates every statement of one effect in index order,
// recording each in trace. It returns the index of the first that applies
// with unknown metadata taken as absent (-1 if none), and whether any
// applies, in three-valued logic: what firstStep finds from a plan.
func traceStatements(stmts []compiled, action string, c *resource.Concrete, trace *[]StatementTrace) (int, match.Truth) {
	first, any := -1, match.False
	for i := range stmts {
		st := &stmts[i]
		t := st.trace(action, c, trace)
		if t.Value() && first < 0 {
			first = st.index
		}
		any = any.Or(t)
	}
	return first, any
}

// trace reports whether the statement applies to the access, and records
// which of its actions and resources decided that.
func (st *compiled) trace(action string, c *resource.Concrete, trace *[]StatementTrace) match.Truth {
	act := st.matchAction(action)
	if (act >= 0) == st.notAct {
		*trace = append(*trace, StatementTrace{Statement: st.index, Effect: st.effect, Applies: match.False, Action: act, Resource: -1})
		return match.False
	}
	res, which := match.False, -1
	for i, m := range st.res {
		t := m.Match(c)
		if t == match.True || t != match.False && which < 0 {
			which = i // a definite match wins over an earlier possible one
		}
		if res = res.Or(t); res == match.True {
			break
		}
	}
	if st.notRes {
		res = res.Not()
	}
	*trace = append(*trace, StatementTrace{Statement: st.index, Effect: st.effect, Applies: res, Action: act, Resource: which})
	return res
}

// matchAction returns the index of the first of the statement's action
// patterns that matches the action, or -1.
func (st *compiled) matchAction(action string) int {
	for i, p := range st.acts {
		if p.Match(action) {
			return i
		}
	}
	return -1
}

// actionHolds reports whether the action part of the statement holds.
func (st *compiled) actionHolds(action string) bool {
	if st.anyAct {
		return !st.notAct
	}
	return (st.matchAction(action) >= 0) != st.notAct
}

// StatementTrace records how one statement fared against an access.
type StatementTrace struct {
	Statement int
	Effect    Effect
	Applies   match.Truth
	// Action is the index in the statement's actions (or notActions) of the
	// first pattern that matches the action; -1 when none does.
	Action int
	// Resource is the index in the statement's resources (or notResources)
	// of the first specifier that matches the resource or, when none does
	// for certain, of the first that would with metadata nobody supplied;
	// -1 when none does or the action part already failed.
	Resource int
}

// Explanation is a decision with the trace of every statement.
type Explanation struct {
	Decision   Decision
	Statements []StatementTrace // in statement order
}

// Explain decides one access like [Set.DecideConcrete] and records how
// every statement fared. Unlike DecideConcrete, it allocates.
func (s *Set) Explain(action string, c *resource.Concrete) Explanation {
	trace := make([]StatementTrace, 0, len(s.stmts))
	d, empty := s.emptyDecision()
	if !empty {
		deny, denyAny := traceStatements(s.denies, action, c, &trace)
		allow, allowAny := traceStatements(s.allows, action, c, &trace)
		d = decision(deny, denyAny, allow, allowAny)
	}
	ordered := make([]StatementTrace, len(s.stmts))
	for _, t := range trace {
		ordered[t.Statement] = t
	}
	return Explanation{Decision: d, Statements: ordered}
}

// Mode says how many accesses of an event must be allowed for it to be
// delivered.
type Mode uint8

const (
	// AnyAccess delivers an event when at least one access is allowed, as
	// LaunchDarkly does: a flag creation has one access per environment.
	AnyAccess Mode = iota
	// EveryAccess delivers an event only when every access is allowed.
	EveryAccess
)

func (m Mode) String() string {
	if m == EveryAccess {
		return "all"
	}
	return "any"
}

// Delivery is the outcome of deciding whether a webhook receives an event.
type Delivery struct {
	Delivered bool
	// Indeterminate is set when metadata nobody supplied could change
	// Delivered.
	Indeterminate bool
	// Access is the index of the access that decided: the first allowed
	// one when an event is delivered in AnyAccess mode, the first denied
	// one when it is not delivered in EveryAccess mode; -1 otherwise.
	Access int
	// Statement is the statement that decided the event: the deciding
	// statement of Access or, when no one access decided, of the first
	// access that a statement decided; -1 when none did.
	Statement int
	reason    deliveryReason
}

type deliveryReason uint8

const (
	deliveryNoFilter deliveryReason = iota
	deliveryNoAccesses
	deliveryOneAllowed
	deliveryNoneAllowed
	deliveryAllAllowed
	deliveryOneDenied
)

var deliveryReasons = [...][2]string{
	deliveryNoFilter:    {"the policy has no statements: a webhook without a policy filter receives every event", ""},
	deliveryNoAccesses:  {"the event has no accesses, and a policy filter delivers only events with an allowed access", ""},
	deliveryOneAllowed:  {"an access is allowed", "an access is allowed" + unknownSuffix},
	deliveryNoneAllowed: {"no access is allowed", "no access is allowed" + unknownSuffix},
	deliveryAllAllowed:  {"every access is allowed", "every access is allowed" + unknownSuffix},
	deliveryOneDenied:   {"an access is denied", "an access is denied" + unknownSuffix},
}

// Reason says in a few words why the event is or is not delivered.
func (d Delivery) Reason() string {
	if d.Indeterminate {
		return deliveryReasons[d.reason][1]
	}
	return deliveryReasons[d.reason][0]
}

// DecideEvent decides every access of an event, appending one Decision
// an access to dst, and whether a webhook with this policy receives the
// event.
//
// A webhook without statements receives every event. Otherwise an event
// with no accesses is not delivered, and one with accesses is delivered
// when at least one of them is allowed ([AnyAccess]) or, in [EveryAccess]
// mode, when all are.
//
// DecideEvent does not allocate when dst has room for the decisions.
func (s *Set) DecideEvent(dst []Decision, e *Event, mode Mode) ([]Decision, Delivery) {
	start := len(dst)
	for i := range e.res {
		dst = append(dst, s.DecideConcrete(e.accesses[i].Action, &e.res[i]))
	}
	return dst, s.deliver(dst[start:], mode)
}

// deliver decides the delivery of an event whose accesses have these
// decisions.
func (s *Set) deliver(decisions []Decision, mode Mode) Delivery {
	if d, done := s.deliverTrivially(len(decisions)); done {
		return *d
	}
	acc := newDelivery(mode)
	for i, d := range decisions {
		if acc.add(i, d) {
			break
		}
	}
	d := acc.result()
	d.Statement = -1
	if d.Access >= 0 {
		d.Statement = decisions[d.Access].Statement
	} else {
		for _, dec := range decisions {
			if dec.Statement >= 0 {
				d.Statement = dec.Statement
				break
			}
		}
	}
	return d
}

// deliverTrivially decides the events whose accesses do not matter: every
// event for a webhook without statements, and events without accesses.
// It returns nil and false for the others.
func (s *Set) deliverTrivially(accesses int) (*Delivery, bool) {
	switch {
	case len(s.stmts) == 0 && s.ctx == Webhook:
		return &deliveredUnfiltered, true
	case accesses == 0:
		return &notDeliveredNoAccesses, true
	}
	return nil, false
}

var (
	deliveredUnfiltered    = Delivery{Delivered: true, Access: -1, Statement: -1, reason: deliveryNoFilter}
	notDeliveredNoAccesses = Delivery{Access: -1, Statement: -1, reason: deliveryNoAccesses}
)

// deliveryAcc combines the decisions of an event's accesses. In AnyAccess
// mode the event is delivered when "some access is allowed", an OR; in
// EveryAccess mode when "every access is allowed", an AND, which is NOT(OR
// NOT): either way it computes an OR of "the access counts", in
// three-valued logic.
type deliveryAcc struct {
	every bool
	found int // the first access that counts, with unknown metadata taken as absent
	acc   match.Truth
}

func newDelivery(mode Mode) deliveryAcc {
	return deliveryAcc{every: mode == EveryAccess, found: -1}
}

// add adds the decision of access i, and reports whether the outcome is
// settled.
func (a *deliveryAcc) add(i int, d Decision) bool {
	t := d.truth()
	if a.every {
		t = t.Not() // "this access is denied"
	}
	if t.Value() && a.found < 0 {
		a.found = i
	}
	a.acc = a.acc.Or(t)
	return a.acc == match.True
}

func (a *deliveryAcc) result() Delivery {
	d := Delivery{Delivered: a.acc.Value() != a.every, Indeterminate: !a.acc.Known(), Access: a.found}
	switch {
	case !a.every && d.Delivered:
		d.reason = deliveryOneAllowed
	case !a.every:
		d.reason = deliveryNoneAllowed
	case d.Delivered:
		d.reason = deliveryAllAllowed
	default:
		d.reason = deliveryOneDenied
	}
	return d
}
