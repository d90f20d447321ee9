package fuzz

import (
	"sort"
	"strings"
)

// The universes that worlds draw unknown metadata from.
var (
	worldTags     = []string{"qa_test", "prod", "qa"}
	worldCritical = []string{"", "true", "false"} // "" is no critical property
	worldViews    = []string{"checkout"}
)

// maxWorlds bounds the worlds enumerated for one access.
const maxWorlds = 512

// assignments writes out the resource of access a in every world its
// unknown metadata could be in, drawn from small universes: every segment
// that some specifier of c tests a modifier of gets inline metadata, which
// keeps what is known and varies what is not. It reports false when there
// are more than maxWorlds worlds.
func assignments(c Case, a Access) ([]string, bool) {
	conc, err := parseConcrete(a.Resource, c.Meta)
	if err != nil {
		return nil, false
	}
	tested := make([]bool, len(conc.types))
	for _, st := range c.Stmts {
		for _, s := range append(append([]string(nil), st.Resources...), st.NotResources...) {
			sp, err := parseSpec(s)
			if err != nil || sp.any || len(sp.segs) != len(conc.types) {
				continue
			}
			for i, seg := range sp.segs {
				tested[i] = tested[i] || len(seg.mods) > 0
			}
		}
	}
	// options[i] are the metadata lists segment i can have.
	options := make([][]string, len(conc.types))
	total := 1
	for i, m := range conc.meta {
		head := conc.types[i]
		if !conc.bare[i] {
			head += "/" + conc.keys[i]
		}
		if !tested[i] {
			options[i] = []string{head}
			continue
		}
		for _, list := range worldLists(m) {
			options[i] = append(options[i], head+";"+list)
		}
		if total *= len(options[i]); total > maxWorlds {
			return nil, false
		}
	}
	worlds := []string{""}
	for i, opts := range options {
		var next []string
		for _, w := range worlds {
			for _, o := range opts {
				if i > 0 {
					o = w + ":" + o
				}
				next = append(next, o)
			}
		}
		worlds = next
	}
	return worlds, true
}

// worldLists returns every complete metadata list consistent with m (nil:
// nothing known), in the notation of inline metadata.
func worldLists(m *Meta) []string {
	known := m != nil
	if m == nil {
		m = &Meta{PartialTags: true, PartialProps: true, PartialViews: true}
	}
	tagSets := subsetsAdding(m.Tags, worldTags, m.PartialTags)
	viewSets := subsetsAdding(m.Views, worldViews, m.PartialViews)
	var fixedProps []string
	for k, v := range m.Props {
		fixedProps = append(fixedProps, "{"+k+":"+v+"}")
	}
	sort.Strings(fixedProps)
	criticals := []string{""}
	if _, listed := m.Props["critical"]; (!known || m.PartialProps) && !listed {
		criticals = worldCritical
	}
	var out []string
	for _, tags := range tagSets {
		for _, crit := range criticals {
			for _, views := range viewSets {
				items := append([]string(nil), tags...)
				items = append(items, fixedProps...)
				if crit != "" {
					items = append(items, "{critical:"+crit+"}")
				}
				for _, v := range views {
					items = append(items, "view:"+v)
				}
				out = append(out, strings.Join(items, ","))
			}
		}
	}
	return out
}

// subsetsAdding returns listed plus every subset of the universe's other
// members when the kind is partial, and listed alone when it is complete.
func subsetsAdding(listed, universe []string, partial bool) [][]string {
	if !partial {
		return [][]string{listed}
	}
	var others []string
	for _, u := range universe {
		if !contains(listed, u) {
			others = append(others, u)
		}
	}
	var out [][]string
	for mask := 0; mask < 1<<len(others); mask++ {
		set := append([]string(nil), listed...)
		for j, o := range others {
			if mask&(1<<j) != 0 {
				set = append(set, o)
			}
		}
		out = append(out, set)
	}
	return out
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
