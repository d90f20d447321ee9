package policy

import (
	"github.com/ldpolicy/ldpolicy/match"
	"github.com/ldpolicy/ldpolicy/resource"
)

// A plan is what deciding an access to a resource of one shape needs: the
// statements that can apply to such a resource, in index order, each with
// its resource part reduced to the specifiers of that shape. Most
// statements name one or two shapes, so a plan holds few of them, and a
// resource's shape, found once, spares testing the types of every
// specifier against it.
type plan struct {
	shape  resource.Shape
	denies []step
	allows []step
}

// step is one statement of a plan.
type step struct {
	st *compiled
	// always is set when the resource part holds for every resource of the
	// plan's shape; otherwise it is decided by res.
	always bool
	// res are the specifiers of the plan's shape: the resource part holds
	// when one matches, or, for notResources, when none does.
	res []*resource.Matcher
}

// makePlans builds a plan for every shape the statements name, and the
// plan for resources of any other shape.
func makePlans(denies, allows []compiled) (plans []plan, other plan) {
	var shapes []resource.Shape
	seen := map[resource.Shape]bool{}
	for _, list := range [][]compiled{denies, allows} {
		for _, c := range list {
			for _, m := range c.res {
				if sh, ok := m.Shape(); ok && !seen[sh] {
					seen[sh] = true
					shapes = append(shapes, sh)
				}
			}
		}
	}
	// The steps and their specifiers of every plan, each in one array:
	// a plan has at most every statement, and each of its steps at most
	// every specifier of its statement.
	nsteps, nres := len(denies)+len(allows), 0
	for _, list := range [][]compiled{denies, allows} {
		for _, c := range list {
			nres += len(c.res)
		}
	}
	a := &planArena{
		steps: make([]step, 0, nsteps*(len(shapes)+1)),
		res:   make([]*resource.Matcher, 0, nres*(len(shapes)+1)),
	}
	plans = make([]plan, 0, len(shapes))
	for _, sh := range shapes {
		plans = append(plans, a.makePlan(sh, true, denies, allows))
	}
	return plans, a.makePlan(resource.Shape{}, false, denies, allows)
}

// planArena holds the steps of plans and their specifiers. Appends never
// outgrow the arrays makePlans sizes, so the slices of one plan are never
// moved by those of the next.
type planArena struct {
	steps []step
	res   []*resource.Matcher
}

// makePlan builds the plan for resources of shape sh or, when known is
// false, for resources of no shape the statements name.
func (a *planArena) makePlan(sh resource.Shape, known bool, denies, allows []compiled) plan {
	p := plan{shape: sh}
	for _, sides := range [...]struct {
		from []compiled
		to   *[]step
	}{{denies, &p.denies}, {allows, &p.allows}} {
		first := len(a.steps)
		for i := range sides.from {
			c := &sides.from[i]
			start := len(a.res)
			every := false // some specifier matches every resource of the shape
			for _, m := range c.res {
				msh, ok := m.Shape()
				if ok && (!known || msh != sh) {
					continue // another shape: it never matches
				}
				if m.MatchesShape() {
					every = true
					break
				}
				a.res = append(a.res, m)
			}
			res := a.res[start:len(a.res):len(a.res)]
			st := step{st: c, res: res}
			switch {
			case every && c.notRes, !every && !c.notRes && len(res) == 0:
				a.res = a.res[:start]
				continue // the statement never applies
			case every, c.notRes && len(res) == 0:
				a.res = a.res[:start]
				st.always, st.res = true, nil
			}
			a.steps = append(a.steps, st)
		}
		*sides.to = a.steps[first:len(a.steps):len(a.steps)]
	}
	return p
}

// planFor returns the plan for the shape of c.
func (s *Set) planFor(c *resource.Concrete) *plan {
	for i := range s.plans {
		if c.HasShape(s.plans[i].shape) {
			return &s.plans[i]
		}
	}
	return &s.other
}

// applies reports whether the step's statement applies to the access, for
// a resource of the plan's shape.
func (p *step) applies(action string, c *resource.Concrete) match.Truth {
	if !p.st.actionHolds(action) {
		return match.False
	}
	if p.always {
		return match.True
	}
	res := match.False
	for _, m := range p.res {
		if res = res.Or(m.MatchShaped(c)); res == match.True {
			break
		}
	}
	if p.st.notRes {
		res = res.Not()
	}
	return res
}

// firstStep evaluates the steps of one effect in index order. It returns
// the index of the first statement that applies with unknown metadata taken
// as absent (-1 if none), and whether any applies, in three-valued logic,
// stopping at the first that applies for certain.
func firstStep(steps []step, action string, c *resource.Concrete) (int, match.Truth) {
	first, any := -1, match.False
	for i := range steps {
		t := steps[i].applies(action, c)
		if t == match.False {
			continue
		}
		if first < 0 && t.Value() {
			first = steps[i].st.index
		}
		if any = any.Or(t); any == match.True {
			break
		}
	}
	return first, any
}
