package resource

import (
	"testing"

	"github.com/ldpolicy/ldpolicy/match"
)

// indexLists are lists of specifiers that name shapes several times over,
// in different orders, with the bare "*", matchers without tests, and a
// role attribute bound to nothing.
var indexLists = [][]string{
	{"proj/*:env/production:flag/*", "proj/*:env/*:segment/*", "proj/*:env/*;qa_*:flag/*"},
	{"proj/web"},
	{"proj/*:env/*:flag/*-internal", "member/*", "proj/*:env/staging:flag/*"},
	{"*"},
	{"proj/*:env/*:flag/*", "proj/x:env/*:flag/*"},
	{"acct", "acct/*;beta"},
	{"proj/${roleAttribute/none}:env/*:flag/*"},
	{"proj/*:widget/w*", "gizmo/*:env/*", "proj/p:widget/*"},
	{"member/m", "*", "proj/*"},
}

var indexResources = []string{
	"proj/p:env/production:flag/f",
	"proj/p:env/qa;qa_1:flag/f-internal",
	"proj/p:env/dev:flag/f",
	"proj/x:env/dev:flag/f",
	"proj/p:env/staging:segment/s",
	"proj/web",
	"proj/p",
	"member/m",
	"member/n",
	"acct",
	"acct/a;beta",
	"acct/a",
	"proj/p:widget/w1",
	"proj/q:widget/x",
	"gizmo/g:env/e",
	"role/r",
	"proj/p:env/e:flag/f:x/y",
}

func compileIndexLists(t *testing.T) [][]*Matcher {
	t.Helper()
	lists := make([][]*Matcher, len(indexLists))
	for i, l := range indexLists {
		for _, spec := range l {
			s, err := Parse(spec)
			if err != nil {
				t.Fatal(err)
			}
			m, err := Compile(s, map[string][]string{"none": nil})
			if err != nil {
				t.Fatal(err)
			}
			lists[i] = append(lists[i], m)
		}
	}
	return lists
}

// TestIndex checks every list of an index, reduced to every shape, against
// its matchers one by one.
func TestIndex(t *testing.T) {
	lists := compileIndexLists(t)
	x := NewIndex(lists)
	// proj/*:env/*:flag/*, proj/*:env/*:segment/*, proj/*, member/*, acct,
	// acct/*, proj/*:widget/*, gizmo/*:env/*; not the shape of the
	// specifier that matches nothing.
	if x.Shapes() != 8 || x.Lists() != len(lists) {
		t.Fatalf("%d shapes and %d lists, want 8 and %d", x.Shapes(), x.Lists(), len(lists))
	}
	if sh := x.shapes[0].String(); sh != "proj/*:env/*:flag/*" {
		t.Errorf("shape 0 is %q, want the first named", sh)
	}
	for _, r := range indexResources {
		c, err := ParseConcrete(r)
		if err != nil {
			t.Fatal(err)
		}
		found := x.Find(&c)
		if found < x.Shapes() && !c.hasShape(x.shapes[found]) || found == x.Shapes() && c.hasShape(x.shapes[0]) {
			t.Errorf("%s: Find %d", r, found)
		}
		for s := 0; s <= x.Shapes(); s++ {
			for i, l := range lists {
				sub := x.List(s, i)
				// The list's matchers of shape s, and the bare "*".
				want, every, some := match.False, false, false
				for _, m := range l {
					if !m.any && (s == x.Shapes() || m.shape != x.shapes[s]) {
						continue
					}
					want = want.Or(m.Match(&c))
					every = every || m.any || !m.never && len(m.tests) == 0
					some = some || !m.never
				}
				if have := sub.Match(&c); have != want {
					t.Errorf("%s: list %d %q, shape %d: Match %v, want %v", r, i, indexLists[i], s, have, want)
				}
				if sub.Every() != every || sub.Empty() == some {
					t.Errorf("list %d %q, shape %d: Every %v, Empty %v; want %v, %v", i, indexLists[i], s, sub.Every(), sub.Empty(), every, !some)
				}
			}
		}
	}
	var zero Sublist
	c, _ := ParseConcrete("proj/p")
	if zero.Match(&c) != match.False || !zero.Empty() || zero.Every() {
		t.Errorf("the zero Sublist matches")
	}
}

// TestIndexCopies checks that an index keeps its own copy of the lists.
func TestIndexCopies(t *testing.T) {
	lists := compileIndexLists(t)
	x := NewIndex(lists)
	lists[1][0] = mustCompile(t, "proj/other")
	c, _ := ParseConcrete("proj/web")
	sub := x.List(x.Find(&c), 1)
	if sub.Match(&c) != match.True {
		t.Errorf("a change to the lists after NewIndex changed the index")
	}
}

func TestIndexDoesNotAllocate(t *testing.T) {
	x := NewIndex(compileIndexLists(t))
	c, _ := ParseConcrete("proj/p:env/qa;qa_1:flag/f-internal")
	subs := make([]Sublist, x.Lists())
	for i := range subs {
		subs[i] = x.List(x.Find(&c), i)
	}
	if n := testing.AllocsPerRun(100, func() {
		x.Find(&c)
		for i := range subs {
			subs[i].Match(&c)
		}
	}); n != 0 {
		t.Errorf("Find and Match allocate %v times, want 0", n)
	}
}
