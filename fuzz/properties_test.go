package fuzz

import (
	"flag"
	"fmt"
	"math/rand"
	"reflect"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/gen"
	"github.com/leanovate/gopter/prop"

	"github.com/ldpolicy/ldpolicy/policy"
	"github.com/ldpolicy/ldpolicy/resource"
)

var (
	cases = flag.Int("cases", 2000, "successful cases each property test must run")
	seed  = flag.Int64("seed", 0, "replay the property tests with this seed (0: a new seed)")
)

// check runs one property with the test parameters of the command line.
// A failure prints the shrunk input and the seed that replays it
// (go test ./fuzz -run NAME -seed SEED).
func check(t *testing.T, p gopter.Prop) {
	t.Helper()
	checkCases(t, p, *cases)
}

// checkCases runs one property for n successful cases.
func checkCases(t *testing.T, p gopter.Prop, n int) {
	t.Helper()
	params := gopter.DefaultTestParameters()
	if *seed != 0 {
		params.SetSeed(*seed)
	}
	params.MinSuccessfulTests = n
	params.MaxSize = 160 // bytes of recipe
	params.Workers = runtime.GOMAXPROCS(0)
	props := gopter.NewProperties(params)
	props.Property(t.Name(), p)
	props.TestingRun(t)
}

// recipes generates recipes of bytes; they shrink toward shorter and
// smaller, and so toward simpler cases.
func recipes() gopter.Gen { return gen.SliceOf(gen.UInt8()) }

// caseGen generates cases that shrink with their recipes.
func caseGen() gopter.Gen {
	return gopter.DeriveGen(BuildCase, func(c Case) []byte { return c.Recipe }, recipes())
}

// compiled compiles a generated case, which is always valid.
func compiled(c Case) *policy.Set {
	set, err := c.Compile()
	if err != nil {
		panic(fmt.Sprintf("a generated policy does not compile: %v%v", err, c))
	}
	return set
}

// decisions decides every access of c with set.
func decisions(set *policy.Set, c Case) []policy.Decision {
	r := c.Resolver()
	out := make([]policy.Decision, len(c.Accesses))
	for i, a := range c.Accesses {
		d, err := decideEngine(set, a, r)
		if err != nil {
			panic(fmt.Sprintf("a generated resource does not parse: %v%v", err, c))
		}
		out[i] = d
	}
	return out
}

// outcome is what a decision means apart from which statement decided it.
type outcome struct {
	Allow, Indeterminate bool
}

func outcomes(ds []policy.Decision) []outcome {
	out := make([]outcome, len(ds))
	for i, d := range ds {
		out[i] = outcome{d.Allowed(), d.Indeterminate}
	}
	return out
}

// report is the result of a property: true, or false with a message that
// the failure report shows above the shrunk input.
func report(ok bool, format string, args ...any) *gopter.PropResult {
	if ok {
		return &gopter.PropResult{Status: gopter.PropTrue}
	}
	return &gopter.PropResult{Status: gopter.PropFalse, Labels: []string{fmt.Sprintf(format, args...)}}
}

func TestEngineDecidesAccessesAndEventsAsTheReference(t *testing.T) {
	check(t, prop.ForAll(func(c Case) *gopter.PropResult {
		err := CheckAgainstReference(c)
		return report(err == nil, "%v", err)
	}, caseGen()))
}

func TestSpecifierStringParsesBackToAnEqualTree(t *testing.T) {
	check(t, prop.ForAll(func(c Case) *gopter.PropResult {
		for _, st := range c.Stmts {
			for _, s := range append(append([]string(nil), st.Resources...), st.NotResources...) {
				sp, err := resource.Parse(s)
				if err != nil {
					return report(false, "%q: %v", s, err)
				}
				again, err := resource.Parse(sp.String())
				if err != nil {
					return report(false, "%q: String %q: %v", s, sp.String(), err)
				}
				if diff := cmp.Diff(sp.Segments(), again.Segments()); diff != "" || sp.IsAny() != again.IsAny() {
					return report(false, "%q: String %q parses to another tree (-first +again):\n%s", s, sp.String(), diff)
				}
				// The segments' own Strings rebuild the text.
				var parts []string
				for _, seg := range sp.Segments() {
					parts = append(parts, seg.String())
				}
				if rebuilt := strings.Join(parts, ":"); !sp.IsAny() && rebuilt != s {
					return report(false, "%q: segments rebuild %q", s, rebuilt)
				}
			}
		}
		return report(true, "")
	}, caseGen()))
}

func TestStatementOrderNeverMatters(t *testing.T) {
	check(t, prop.ForAll(func(c Case, shuffle int64) *gopter.PropResult {
		before := decisions(compiled(c), c)
		perm := rand.New(rand.NewSource(shuffle)).Perm(len(c.Stmts))
		shuffled := c
		shuffled.Stmts = make([]policy.Statement, len(c.Stmts))
		for i, j := range perm {
			shuffled.Stmts[j] = c.Stmts[i]
		}
		after := decisions(compiled(shuffled), shuffled)
		for i := range before {
			b, a := before[i], after[i]
			if outcomes(before)[i] != outcomes(after)[i] {
				return report(false, "access %d: %v before, %v with statements in order %v", i, b, a, perm)
			}
			// The deciding statement, moved, has the same effect.
			if (b.Statement < 0) != (a.Statement < 0) ||
				b.Statement >= 0 && c.Stmts[b.Statement].Effect != shuffled.Stmts[a.Statement].Effect {
				return report(false, "access %d: decided by statement %d before, by %d after", i, b.Statement, a.Statement)
			}
		}
		return report(true, "")
	}, caseGen(), gen.Int64()))
}

func TestDuplicatedStatementChangesNothing(t *testing.T) {
	check(t, prop.ForAll(func(c Case, which, where uint8) *gopter.PropResult {
		if len(c.Stmts) == 0 {
			return report(true, "")
		}
		before := decisions(compiled(c), c)
		dup := c.Stmts[int(which)%len(c.Stmts)]
		// Appended, the duplicate changes not even the deciding statement.
		appended := c
		appended.Stmts = append(append([]policy.Statement(nil), c.Stmts...), dup)
		if after := decisions(compiled(appended), appended); !reflect.DeepEqual(before, after) {
			return report(false, "duplicating statement %d at the end: %v before, %v after", int(which)%len(c.Stmts), before, after)
		}
		// Inserted anywhere, it changes no outcome.
		at := int(where) % (len(c.Stmts) + 1)
		inserted := c
		inserted.Stmts = append(append(append([]policy.Statement(nil), c.Stmts[:at]...), dup), c.Stmts[at:]...)
		if after := decisions(compiled(inserted), inserted); !reflect.DeepEqual(outcomes(before), outcomes(after)) {
			return report(false, "duplicating statement %d at %d: %v before, %v after", int(which)%len(c.Stmts), at, before, after)
		}
		return report(true, "")
	}, caseGen(), gen.UInt8(), gen.UInt8()))
}

// neverTurns checks that adding a statement of effect e, taken from
// another case (with that case's role attributes), never turns a decision
// of effect e into the other: adding a deny never turns deny into allow,
// adding an allow never turns allow into deny.
func neverTurns(c, other Case, e policy.Effect) *gopter.PropResult {
	if len(other.Stmts) == 0 {
		return report(true, "")
	}
	// In the webhook context an empty policy allows everything and one
	// statement is a filter: that is the one case where adding an allow
	// statement narrows.
	if e == policy.Allow && len(c.Stmts) == 0 && !c.Role {
		return report(true, "")
	}
	st := other.Stmts[0]
	st.Effect = e
	c.Attrs = other.Attrs
	more := c
	more.Stmts = append(append([]policy.Statement(nil), c.Stmts...), st)
	before := decisions(compiled(c), c)
	after := decisions(compiled(more), more)
	keeps := e == policy.Allow // the decision that e must keep
	for i := range before {
		if before[i].Allowed() == keeps && after[i].Allowed() != keeps {
			return report(false, "access %d: %v before adding %v, %v after", i, before[i], st, after[i])
		}
	}
	return report(true, "")
}

func TestAddingADenyStatementNeverTurnsDenyIntoAllow(t *testing.T) {
	check(t, prop.ForAll(func(c, other Case) *gopter.PropResult {
		return neverTurns(c, other, policy.Deny)
	}, caseGen(), caseGen()))
}

func TestAddingAnAllowStatementNeverTurnsAllowIntoDeny(t *testing.T) {
	check(t, prop.ForAll(func(c, other Case) *gopter.PropResult {
		return neverTurns(c, other, policy.Allow)
	}, caseGen(), caseGen()))
}

// complementOf checks that, for a single allow statement, the negated form
// of a list decides exactly the complement of the plain form.
func complementOf(c Case, plain, negated policy.Statement) *gopter.PropResult {
	pc, nc := c, c
	pc.Stmts, nc.Stmts = []policy.Statement{plain}, []policy.Statement{negated}
	p := decisions(compiled(pc), pc)
	n := decisions(compiled(nc), nc)
	for i := range p {
		if p[i].Allowed() == n[i].Allowed() || p[i].Indeterminate != n[i].Indeterminate {
			return report(false, "access %d: %v under %v, %v under %v", i, p[i], plain, n[i], negated)
		}
	}
	return report(true, "")
}

func TestNotResourcesDecidesTheComplementOfResources(t *testing.T) {
	check(t, prop.ForAll(func(c Case) *gopter.PropResult {
		if len(c.Stmts) == 0 {
			return report(true, "")
		}
		res := append(append([]string(nil), c.Stmts[0].Resources...), c.Stmts[0].NotResources...)
		return complementOf(c,
			policy.Statement{Effect: policy.Allow, Actions: []string{"*"}, Resources: res},
			policy.Statement{Effect: policy.Allow, Actions: []string{"*"}, NotResources: res})
	}, caseGen()))
}

func TestNotActionsDecidesTheComplementOfActions(t *testing.T) {
	check(t, prop.ForAll(func(c Case) *gopter.PropResult {
		if len(c.Stmts) == 0 {
			return report(true, "")
		}
		acts := append(append([]string(nil), c.Stmts[0].Actions...), c.Stmts[0].NotActions...)
		return complementOf(c,
			policy.Statement{Effect: policy.Allow, Actions: acts, Resources: []string{"*"}},
			policy.Statement{Effect: policy.Allow, NotActions: acts, Resources: []string{"*"}})
	}, caseGen()))
}

func TestDefiniteDecisionsHoldForEveryValueOfUnknownMetadata(t *testing.T) {
	check(t, prop.ForAll(func(c Case) *gopter.PropResult {
		set := compiled(c)
		for i, d := range decisions(set, c) {
			if d.Indeterminate {
				continue
			}
			worlds, ok := assignments(c, c.Accesses[i])
			if !ok {
				continue // too many to enumerate
			}
			for _, res := range worlds {
				w, err := set.Decide(c.Accesses[i].Action, res)
				if err != nil {
					return report(false, "access %d: world %q: %v", i, res, err)
				}
				if w.Allowed() != d.Allowed() || w.Indeterminate {
					return report(false, "access %d: definite %v, but %v where the resource is %q", i, d, w, res)
				}
			}
		}
		return report(true, "")
	}, caseGen()))
}

func TestCompiledSetIsSafeToShare(t *testing.T) {
	check(t, prop.ForAll(func(c Case) *gopter.PropResult {
		set := compiled(c)
		want := decisions(set, c)
		var ev policy.Event
		if err := ev.Parse(c.PolicyAccesses(), c.Resolver()); err != nil {
			return report(false, "%v", err)
		}
		_, wantDelivery := set.DecideEvent(nil, &ev, policy.AnyAccess)
		var wg sync.WaitGroup
		errs := make(chan string, 4)
		for g := 0; g < 4; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for n := 0; n < 8; n++ {
					if got := decisions(set, c); !reflect.DeepEqual(got, want) {
						errs <- fmt.Sprintf("concurrent decisions %v, alone %v", got, want)
						return
					}
					if _, got := set.DecideEvent(nil, &ev, policy.AnyAccess); got != wantDelivery {
						errs <- fmt.Sprintf("concurrent delivery %v, alone %v", got, wantDelivery)
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		msg, failed := <-errs
		return report(!failed, "%s", msg)
	}, caseGen()))
}

// TestRoleAttributesDecideAsTheirValuesWrittenIn holds the ruling on
// bound values: a value is a pattern matched exactly as the text it
// stands for, and a list of values is an OR. So a policy decides as the
// same policy with every specifier that names role attributes replaced by
// one specifier for each choice of values, the values written in place of
// the attributes; an attribute that is unbound or bound to no value leaves
// no choice, and the element then matches nothing.
func TestRoleAttributesDecideAsTheirValuesWrittenIn(t *testing.T) {
	check(t, prop.ForAll(func(c Case) *gopter.PropResult {
		written := c
		written.Attrs = nil
		written.Stmts = make([]policy.Statement, len(c.Stmts))
		for i, st := range c.Stmts {
			st.Resources = substituteAll(st.Resources, c.Attrs)
			st.NotResources = substituteAll(st.NotResources, c.Attrs)
			written.Stmts[i] = st
		}
		before := decisions(compiled(c), c)
		after := decisions(compiled(written), written)
		for i := range before {
			if before[i] != after[i] {
				return report(false, "access %d: %v with role attributes bound, %v with their values written in %v", i, before[i], after[i], written.Stmts)
			}
		}
		return report(true, "")
	}, caseGen()))
}

var roleAttrRE = regexp.MustCompile(`\$\{roleAttribute/([^}]*)\}`)

// substituteAll replaces each element of a resource list by its
// substitutions, or by a specifier that matches no generated resource
// when it has none.
func substituteAll(list []string, attrs map[string][]string) []string {
	if list == nil {
		return nil
	}
	var out []string
	for _, s := range list {
		subs := substitute(s, attrs)
		if len(subs) == 0 {
			subs = []string{"never-type/never"}
		}
		out = append(out, subs...)
	}
	return out
}

// substitute returns s with each role attribute replaced by each of its
// values, every occurrence chosen independently.
func substitute(s string, attrs map[string][]string) []string {
	loc := roleAttrRE.FindStringSubmatchIndex(s)
	if loc == nil {
		return []string{s}
	}
	var out []string
	for _, v := range attrs[s[loc[2]:loc[3]]] {
		for _, rest := range substitute(s[loc[1]:], attrs) {
			out = append(out, s[:loc[0]]+v+rest)
		}
	}
	return out
}
