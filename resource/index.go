package resource

import (
	"cmp"
	"slices"

	"github.com/ldpolicy/ldpolicy/match"
)

// An Index sorts the matchers of many lists by shape, so that one resource
// can be tested against every list quickly. A list matches a resource when
// one of its matchers does, as the resources of a policy statement do.
//
// The shape of a resource is the sequence of its segment types, a type
// alone ("acct") apart from the type with a key ("acct/key"). A specifier
// other than the bare "*" matches only resources of its own shape, so for a
// resource of a given shape most lists cannot match at all, and the rest
// need test only their matchers of that shape. An Index numbers the shapes
// its matchers name, and [Index.Find] finds the number of a resource's
// shape in a few instructions; [Index.List] reduces a list to the resources
// of one shape. A caller that tests many resources against the same lists
// prepares, for every shape, the lists that can match a resource of that
// shape, then finds each resource's shape once.
//
// An Index is immutable and safe for concurrent use by multiple goroutines.
type Index struct {
	shapes []shape
	lists  []indexList
}

// indexList is one list of an index without the matchers that match
// nothing, its matchers grouped by shape: those of one shape are adjacent,
// in the list's order.
type indexList struct {
	any    bool       // the list has the bare "*"
	ms     []*Matcher // the others
	shapes []int      // the number of the shape of each of ms
}

// NewIndex returns an index of the lists, which it copies: list i of the
// index is lists[i]. Shapes are numbered in the order in which the lists'
// matchers first name them.
func NewIndex(lists [][]*Matcher) *Index {
	n := 0
	for _, l := range lists {
		n += len(l)
	}
	x := &Index{lists: make([]indexList, len(lists))}
	// The matchers of every list, and their shapes, each in one array.
	ms, shapes := make([]*Matcher, 0, n), make([]int, 0, n)
	number := map[shape]int{}
	for i, l := range lists {
		start := len(ms)
		for _, m := range l {
			switch {
			case m.any:
				x.lists[i].any = true
				continue
			case m.never:
				continue
			}
			k, ok := number[m.shape]
			if !ok {
				k = len(x.shapes)
				number[m.shape] = k
				x.shapes = append(x.shapes, m.shape)
			}
			ms, shapes = append(ms, m), append(shapes, k)
		}
		il := &x.lists[i]
		il.ms, il.shapes = ms[start:len(ms):len(ms)], shapes[start:len(shapes):len(shapes)]
		groupByShape(il.ms, il.shapes)
	}
	return x
}

// groupByShape sorts ms by their shape numbers, keeping the order of the
// matchers of each shape.
func groupByShape(ms []*Matcher, shapes []int) {
	type entry struct {
		m     *Matcher
		shape int
	}
	es := make([]entry, len(ms))
	for i := range ms {
		es[i] = entry{ms[i], shapes[i]}
	}
	slices.SortStableFunc(es, func(a, b entry) int { return cmp.Compare(a.shape, b.shape) })
	for i, e := range es {
		ms[i], shapes[i] = e.m, e.shape
	}
}

// Shapes returns the number of shapes the index's matchers name. They are
// numbered from 0 to Shapes()-1, and Shapes() stands for every other shape.
func (x *Index) Shapes() int { return len(x.shapes) }

// Lists returns the number of lists of the index.
func (x *Index) Lists() int { return len(x.lists) }

// Find returns the number of the shape of c: from 0 to Shapes()-1 for a
// shape the index's matchers name, Shapes() for any other. It takes a few
// instructions a shape, in the order of their numbers, and does not
// allocate.
func (x *Index) Find(c *Concrete) int {
	for i := range x.shapes {
		if c.hasShape(x.shapes[i]) {
			return i
		}
	}
	return len(x.shapes)
}

// List returns list i reduced to the resources of shape s, a number from 0
// to Shapes(): the matchers of the list that can match such a resource.
func (x *Index) List(s, i int) Sublist {
	l := &x.lists[i]
	sub := Sublist{any: l.any, slow: true}
	if s == len(x.shapes) {
		return sub // only the bare "*" matches a resource of another shape
	}
	sub.shape = x.shapes[s]
	a := 0
	for a < len(l.ms) && l.shapes[a] != s {
		a++
	}
	b := a
	for b < len(l.ms) && l.shapes[b] == s {
		sub.all = sub.all || len(l.ms[b].tests) == 0
		b++
	}
	if !sub.any && !sub.all {
		sub.ms = l.ms[a:b:b]
	}
	sub.slow = sub.any || sub.all || sub.shape.hash&exactKey == 0
	return sub
}

// A Sublist is a list of an [Index] reduced to the resources of one shape:
// the list's matchers that can match a resource of that shape. It matches
// a resource when one of them does. The zero Sublist matches nothing.
type Sublist struct {
	shape shape
	// slow is set when Match takes more than the comparison of c's key with
	// the shape's to tell whether c has the shape and the testing of ms:
	// when any or all is set, or the shape's key is not exact.
	slow bool
	any  bool // the list has the bare "*": it matches every resource
	all  bool // a matcher without tests matches every resource of the shape
	// ms are the matchers of the shape, each with something to test, when
	// neither any nor all is set.
	ms []*Matcher
}

// Match reports whether l matches c: whether one of the list's matchers
// that can match a resource of l's shape matches c. Like [Matcher.Match],
// it answers [match.Unknown] when the answer depends on metadata c lacks,
// and it does not allocate.
func (l *Sublist) Match(c *Concrete) match.Truth {
	// Most often c has l's shape, which Index.Find has told apart, the
	// shape's key is exact, and there are matchers to test: then one
	// comparison of keys shows that c has the shape.
	if l.slow || c.shape != l.shape.hash {
		if t, ok := l.decideUntested(c); ok {
			return t
		}
	}
	// The tests of each matcher are those of Matcher.matchTests, written
	// out rather than called: testing a list takes one call, however many
	// matchers it has. TestIndex holds the two to the same answers.
	res := match.False
matchers:
	for _, m := range l.ms {
		t := match.True
		for i := range m.tests {
			sm := &m.tests[i]
			cs := &c.segs[sm.index]
			if !sm.bare && !sm.name.match(c.text[cs.slash+1:cs.end]) {
				continue matchers
			}
			for j := range sm.mods {
				if !cs.known {
					t = match.Unknown
					continue
				}
				switch sm.mods[j].holds(cs.meta) {
				case match.False:
					continue matchers
				case match.Unknown:
					t = match.Unknown
				}
			}
		}
		if t == match.True {
			return match.True
		}
		res = match.Unknown
	}
	return res
}

// decideUntested decides whether l matches c when that takes no test of
// its matchers, and reports whether it does.
func (l *Sublist) decideUntested(c *Concrete) (match.Truth, bool) {
	switch {
	case l.any:
		return match.True, true
	case !c.hasShape(l.shape):
		return match.False, true
	case l.all:
		return match.True, true
	}
	return match.False, false
}

// Every reports whether l matches every resource of its shape: the list
// has the bare "*", or a matcher of l's shape whose keys are all "*",
// without modifiers.
func (l *Sublist) Every() bool { return l.any || l.all }

// Empty reports whether l matches no resource: the list has no matcher
// that can match a resource of l's shape.
func (l *Sublist) Empty() bool { return !l.any && !l.all && len(l.ms) == 0 }
