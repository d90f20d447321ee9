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
	// when res matches, or, for notResources, when it does not.
	res resource.Sublist
}

// makePlans indexes the resource parts of the statements by shape, and
// builds the plan for every shape of the index: one for each shape the
// statements name, and last the one for resources of any other shape.
func makePlans(denies, allows []compiled) (*resource.Index, []plan) {
	lists := make([][]*resource.Matcher, 0, len(denies)+len(allows))
	for _, list := range [][]compiled{denies, allows} {
		for _, c := range list {
			lists = append(lists, c.res)
		}
	}
	index := resource.NewIndex(lists)
	// The steps of every plan, in one array: a plan has at most every
	// statement.
	steps := make([]step, 0, len(lists)*(index.Shapes()+1))
	plans := make([]plan, index.Shapes()+1)
	for sh := range plans {
		p := &plans[sh]
		for _, sides := range [...]struct {
			from  []compiled
			first int // the number of the first list of from in index
			to    *[]step
		}{{denies, 0, &p.denies}, {allows, len(denies), &p.allows}} {
			start := len(steps)
			for i := range sides.from {
				c := &sides.from[i]
				st := step{st: c, res: index.List(sh, sides.first+i)}
				switch every, none := st.res.Every(), st.res.Empty(); {
				case every && c.notRes, none && !c.notRes:
					continue // the statement never applies
				case every, none:
					st.always, st.res = true, resource.Sublist{}
				}
				steps = append(steps, st)
			}
			*sides.to = steps[start:len(steps):len(steps)]
		}
	}
	return index, plans
}

// planFor returns the plan for the shape of c.
func (s *Set) planFor(c *resource.Concrete) *plan {
	return &s.plans[s.index.Find(c)]
}

// firstStep evaluates the steps of one effect in index order. It returns
// the index of the first statement that applies with unknown metadata taken
// as absent (-1 if none), and whether any applies, in three-valued logic,
// stopping at the first that applies for certain.
func firstStep(steps []step, action string, c *resource.Concrete) (int, match.Truth) {
	first, any := -1, match.False
	for i := range steps {
		p := &steps[i]
		// Whether the statement applies, for a resource of the plan's
		// shape: its action part, then its resource part.
		if !p.st.actionHolds(action) {
			continue
		}
		t := match.True
		if !p.always {
			if t = p.res.Match(c); p.st.notRes {
				t = t.Not()
			}
			if t == match.False {
				continue
			}
		}
		if first < 0 && t.Value() {
			first = p.st.index
		}
		if any = any.Or(t); any == match.True {
			break
		}
	}
	return first, any
}
