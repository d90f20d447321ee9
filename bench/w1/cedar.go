package w1

import (
	"strings"

	"github.com/cedar-policy/cedar-go"
)

// cedarPolicies is W1Policy as a Cedar user writes it: each LaunchDarkly
// resource shape is an entity type whose attributes are the keys of its
// segments, so a specifier becomes a type test in the scope (`resource is
// Flag`) plus a test of each name that is not a bare '*' (`==` for a literal
// name, `like` for a glob; a key holds no ':', so `like`'s '*' cannot cross
// a segment). A literal action list becomes `action in [...]` in the scope;
// an action glob becomes `context.action like "..."`, since Cedar actions
// are entities and have no patterns. notResources becomes `unless` over the
// listed types; notActions becomes `unless { action == ... }`. Deny is
// forbid, and Cedar's own rule is deny-overrides with default deny.
const cedarPolicies = `
@id("0")
permit (principal, action, resource is Flag)
when { resource.env == "production" };

@id("1")
permit (principal, action, resource is Flag)
when { context.action like "update*" && resource.proj like "mobile-*" };

@id("2")
permit (principal, action in [Action::"createFlag", Action::"deleteFlag"], resource is Flag)
when { resource.proj == "web" && resource.env == "staging" };

@id("3")
forbid (principal, action == Action::"deleteFlag", resource is Flag)
when { resource.env == "production" };

@id("4")
forbid (principal, action, resource is Flag)
when { resource.flag like "*-internal" };

@id("5")
forbid (principal, action in [Action::"updateOn", Action::"updateOffVariation"], resource is Flag)
when { resource.proj like "legacy-*" };

@id("6")
forbid (principal, action, resource)
unless { resource is Project || resource is Environment || resource is Flag || resource is Segment || resource is Member };

@id("7")
permit (principal, action, resource is Project)
unless { action == Action::"viewProject" };

@id("8")
permit (principal, action in [Action::"updateName", Action::"updateTags"], resource is Environment);

@id("9")
permit (principal, action, resource is Member)
when { context.action like "*Member*" };
`

// cedarShape is a LaunchDarkly resource shape modelled as a Cedar entity
// type: the chain of segment types, and the attribute names its keys go in.
type cedarShape struct {
	types []string
	typ   cedar.EntityType
	attrs []cedar.String
}

var cedarShapes = []cedarShape{
	{[]string{"proj"}, "Project", []cedar.String{"proj"}},
	{[]string{"proj", "env"}, "Environment", []cedar.String{"proj", "env"}},
	{[]string{"proj", "env", "flag"}, "Flag", []cedar.String{"proj", "env", "flag"}},
	{[]string{"proj", "env", "segment"}, "Segment", []cedar.String{"proj", "env", "segment"}},
	{[]string{"member"}, "Member", []cedar.String{"member"}},
}

// cedarOther is the entity type of every resource of another shape; no
// policy reads its attributes, so it has none.
const cedarOther cedar.EntityType = "Resource"

type cedarEngine struct {
	policies  *cedar.PolicySet
	principal cedar.EntityUID
}

func newCedar() (Engine, error) {
	ps, err := cedar.NewPolicySetFromBytes("w1.cedar", []byte(cedarPolicies))
	if err != nil {
		return nil, err
	}
	return &cedarEngine{policies: ps, principal: cedar.NewEntityUID("User", "holder")}, nil
}

func (*cedarEngine) Name() string { return "cedar" }

// cedarEntity is an EntityGetter holding the one entity a request reads:
// its resource. A Cedar application looks entities up in its own store;
// here the resource entity is made from the resource string.
type cedarEntity struct{ e cedar.Entity }

func (g *cedarEntity) Get(uid cedar.EntityUID) (cedar.Entity, bool) {
	if uid == g.e.UID {
		return g.e, true
	}
	return cedar.Entity{}, false
}

// resourceEntity makes the Cedar entity for a LaunchDarkly resource: its
// shape's entity type, the resource string as its id, and its keys as
// attributes.
func resourceEntity(resource string) cedar.Entity {
	var typ, name [3]string
	n := 0
	for rest := resource; ; {
		seg, after, more := strings.Cut(rest, ":")
		if n == len(typ) {
			n++ // deeper than any shape
			break
		}
		typ[n], name[n], _ = strings.Cut(seg, "/")
		n++
		if !more {
			break
		}
		rest = after
	}
	uid := cedar.NewEntityUID(cedarOther, cedar.String(resource))
	for _, sh := range cedarShapes {
		if len(sh.types) != n {
			continue
		}
		match := true
		for i, t := range sh.types {
			match = match && typ[i] == t
		}
		if !match {
			continue
		}
		attrs := make(cedar.RecordMap, n)
		for i, a := range sh.attrs {
			attrs[a] = cedar.String(name[i])
		}
		uid.Type = sh.typ
		return cedar.Entity{UID: uid, Attributes: cedar.NewRecord(attrs)}
	}
	return cedar.Entity{UID: uid}
}

func (e *cedarEngine) Allowed(action, resource string) bool {
	ent := &cedarEntity{resourceEntity(resource)}
	req := cedar.Request{
		Principal: e.principal,
		Action:    cedar.NewEntityUID("Action", cedar.String(action)),
		Resource:  ent.e.UID,
		Context:   cedar.NewRecord(cedar.RecordMap{"action": cedar.String(action)}),
	}
	d, _ := cedar.Authorize(e.policies, ent, req)
	return d == cedar.Allow
}
