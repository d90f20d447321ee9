package w1

import (
	"context"
	"sync"

	"github.com/ory/ladon"
	"github.com/ory/ladon/manager/memory"
)

// ladonSubject is the subject of every request and policy: W1Policy has no
// principal (it is the policy of whoever holds the role), so each policy
// names that one holder literally, which ladon compares as a plain string.
const ladonSubject = "w1-holder"

// Ladon patterns: ladon compiles a template such as "proj/<[^:]*>" into
// ^proj/([^:]*)$, quoting the text outside <...>. A resource specifier's
// '*' becomes <[^:]*>, so it stays within one segment; an action glob's '*'
// becomes <.*>; literal names stay literal. A list is ladon's list (any
// element matches). Deny statements are ladon's deny effect, which
// overrides allow, and ladon denies by default.
//
// Ladon has no notResources or notActions. Its documented extension point
// for this is a Condition, which sees the whole request: a statement with
// notResources becomes a policy on every resource (<.*>) with a
// NotResourceCondition holding the listed templates, fulfilled when the
// request's resource matches none of them (matched with ladon's own
// matcher); notActions likewise becomes every action with a
// NotActionCondition.
func ladonPolicies() []*ladon.DefaultPolicy {
	const (
		anyName   = "<[^:]*>"
		anyAction = "<.*>"
	)
	subjects := []string{ladonSubject}
	return []*ladon.DefaultPolicy{
		{ID: "0", Subjects: subjects, Effect: ladon.AllowAccess,
			Actions:   []string{anyAction},
			Resources: []string{"proj/" + anyName + ":env/production:flag/" + anyName}},
		{ID: "1", Subjects: subjects, Effect: ladon.AllowAccess,
			Actions:   []string{"update<.*>"},
			Resources: []string{"proj/mobile-" + anyName + ":env/" + anyName + ":flag/" + anyName}},
		{ID: "2", Subjects: subjects, Effect: ladon.AllowAccess,
			Actions:   []string{"createFlag", "deleteFlag"},
			Resources: []string{"proj/web:env/staging:flag/" + anyName}},
		{ID: "3", Subjects: subjects, Effect: ladon.DenyAccess,
			Actions:   []string{"deleteFlag"},
			Resources: []string{"proj/" + anyName + ":env/production:flag/" + anyName}},
		{ID: "4", Subjects: subjects, Effect: ladon.DenyAccess,
			Actions:   []string{anyAction},
			Resources: []string{"proj/" + anyName + ":env/" + anyName + ":flag/" + anyName + "-internal"}},
		{ID: "5", Subjects: subjects, Effect: ladon.DenyAccess,
			Actions:   []string{"updateOn", "updateOffVariation"},
			Resources: []string{"proj/legacy-" + anyName + ":env/" + anyName + ":flag/" + anyName}},
		{ID: "6", Subjects: subjects, Effect: ladon.DenyAccess,
			Actions:   []string{anyAction},
			Resources: []string{"<.*>"},
			Conditions: ladon.Conditions{"resource": &NotResourceCondition{Resources: []string{
				"proj/" + anyName,
				"proj/" + anyName + ":env/" + anyName,
				"proj/" + anyName + ":env/" + anyName + ":flag/" + anyName,
				"proj/" + anyName + ":env/" + anyName + ":segment/" + anyName,
				"member/" + anyName,
			}}}},
		{ID: "7", Subjects: subjects, Effect: ladon.AllowAccess,
			Actions:    []string{anyAction},
			Resources:  []string{"proj/" + anyName},
			Conditions: ladon.Conditions{"action": &NotActionCondition{Actions: []string{"viewProject"}}}},
		{ID: "8", Subjects: subjects, Effect: ladon.AllowAccess,
			Actions:   []string{"updateName", "updateTags"},
			Resources: []string{"proj/" + anyName + ":env/" + anyName}},
		{ID: "9", Subjects: subjects, Effect: ladon.AllowAccess,
			Actions:   []string{"<.*Member.*>"},
			Resources: []string{"member/" + anyName}},
	}
}

// ladonTemplates carries the default '<' '>' delimiters for matching a
// condition's templates with ladon's matcher.
var ladonTemplates = &ladon.DefaultPolicy{}

// NotResourceCondition is a ladon Condition fulfilled when the request's
// resource matches none of Resources (ladon templates): LaunchDarkly's
// notResources.
type NotResourceCondition struct {
	Resources []string `json:"resources"`
}

// GetName returns the condition's name, under which it is registered in
// ladon.ConditionFactories.
func (*NotResourceCondition) GetName() string { return "NotResourceCondition" }

// Fulfills reports whether r's resource matches none of c.Resources.
func (c *NotResourceCondition) Fulfills(_ context.Context, _ interface{}, r *ladon.Request) bool {
	matched, err := ladon.DefaultMatcher.Matches(ladonTemplates, c.Resources, r.Resource)
	return err == nil && !matched
}

// NotActionCondition is a ladon Condition fulfilled when the request's
// action matches none of Actions (ladon templates): LaunchDarkly's
// notActions.
type NotActionCondition struct {
	Actions []string `json:"actions"`
}

// GetName returns the condition's name, under which it is registered in
// ladon.ConditionFactories.
func (*NotActionCondition) GetName() string { return "NotActionCondition" }

// Fulfills reports whether r's action matches none of c.Actions.
func (c *NotActionCondition) Fulfills(_ context.Context, _ interface{}, r *ladon.Request) bool {
	matched, err := ladon.DefaultMatcher.Matches(ladonTemplates, c.Actions, r.Action)
	return err == nil && !matched
}

var registerLadonConditions sync.Once

type ladonEngine struct{ warden *ladon.Ladon }

func newLadon() (Engine, error) {
	// Registered so that policies stored as JSON can name the conditions;
	// the policies here are built in Go and would work without it.
	registerLadonConditions.Do(func() {
		ladon.ConditionFactories[new(NotResourceCondition).GetName()] = func() ladon.Condition { return new(NotResourceCondition) }
		ladon.ConditionFactories[new(NotActionCondition).GetName()] = func() ladon.Condition { return new(NotActionCondition) }
	})
	ctx := context.Background()
	m := memory.NewMemoryManager()
	for _, p := range ladonPolicies() {
		if err := m.Create(ctx, p); err != nil {
			return nil, err
		}
	}
	return &ladonEngine{&ladon.Ladon{Manager: m}}, nil
}

func (*ladonEngine) Name() string { return "ladon" }

func (e *ladonEngine) Allowed(action, resource string) bool {
	return e.warden.IsAllowed(context.Background(), &ladon.Request{
		Subject:  ladonSubject,
		Action:   action,
		Resource: resource,
	}) == nil
}
