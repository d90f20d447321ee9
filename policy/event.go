package policy

import (
	"fmt"

	"github.com/ldpolicy/ldpolicy/resource"
)

// Event is the accesses of an event made ready to decide: each resource
// parsed and its metadata resolved once, for any number of policies
// ([Set.DecideEvent]) and explanations ([Event.Resource]). Parse fills it,
// reusing its memory, so that one Event serves every event of a stream:
//
//	var ev policy.Event
//	for ... {
//		if err := ev.Parse(head.Accesses, resolver); err != nil { ... }
//		decisions, delivery = set.DecideEvent(decisions[:0], &ev, policy.AnyAccess)
//	}
//
// A parsed Event is only read: several goroutines can decide it at once.
type Event struct {
	accesses []Access
	res      []resource.Concrete
}

// Parse parses the resources of the accesses and resolves their metadata
// with r, which may be nil. The Head that package event reads an event into
// is a resolver of what the event's body says; chained before the caller's
// own metadata (resource.Chain{&head, metadata}), it gives both.
//
// A malformed resource in any access is an error, whatever the other
// accesses are; the Event then has no accesses. e keeps accesses: they must
// not change while it is used. Parse does not allocate once e has held as
// many accesses, unless a resolver is asked about a segment that follows
// inline metadata (see [resource.Concrete.Resolve]).
func (e *Event) Parse(accesses []Access, r resource.Resolver) error {
	e.accesses, e.res = nil, e.res[:0]
	for i, a := range accesses {
		if i < cap(e.res) {
			e.res = e.res[:i+1]
		} else {
			e.res = append(e.res, resource.Concrete{})
		}
		c := &e.res[i]
		if err := c.Parse(a.Resource); err != nil {
			e.res = e.res[:0]
			return fmt.Errorf("accesses[%d]: %w", i, err)
		}
		if r != nil {
			c.Resolve(r)
		}
	}
	e.accesses = accesses
	return nil
}

// Len returns the number of accesses.
func (e *Event) Len() int { return len(e.res) }

// Access returns access i.
func (e *Event) Access(i int) Access { return e.accesses[i] }

// Resource returns the resource of access i, parsed and resolved, as
// [Set.Explain] takes it. It must not be changed.
func (e *Event) Resource(i int) *resource.Concrete { return &e.res[i] }
