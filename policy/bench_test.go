package policy

import (
	"strings"
	"testing"

	"github.com/ldpolicy/ldpolicy/resource"
)

// floorDecide is benchPolicy written by hand as plain string comparisons,
// with unknown tags and properties taken as absent: the floor that no
// general engine can beat, measured beside it.
func floorDecide(action, res string) Effect {
	var typ, name [3]string
	n := 0
	for rest := res; ; {
		seg, after, more := strings.Cut(rest, ":")
		if n == len(typ) {
			return Deny
		}
		seg, _, _ = strings.Cut(seg, ";")
		typ[n], name[n], _ = strings.Cut(seg, "/")
		n++
		if !more {
			break
		}
		rest = after
	}
	isProj := n == 1 && typ[0] == "proj"
	isMember := n == 1 && typ[0] == "member"
	isEnv := n == 2 && typ[0] == "proj" && typ[1] == "env"
	inEnv := n == 3 && typ[0] == "proj" && typ[1] == "env"
	isFlag := inEnv && typ[2] == "flag"
	isSegment := inEnv && typ[2] == "segment"
	// The deny statements.
	if action == "deleteFlag" && isFlag && name[1] == "production" ||
		isFlag && strings.HasSuffix(name[2], "-internal") ||
		!(isProj || isEnv || isFlag || isSegment || isMember) {
		return Deny
	}
	// The allow statements that can apply without tags or properties.
	if isFlag && name[1] == "production" ||
		(action == "createFlag" || action == "deleteFlag") && isFlag && name[0] == "web" && name[1] == "staging" ||
		action != "viewProject" && isProj ||
		(action == "updateName" || action == "updateTags") && isEnv ||
		strings.Contains(action, "Member") && isMember {
		return Allow
	}
	return Deny
}

// TestFloorParity holds the hand-written floor to the engine, so that the
// benchmarks compare the same work.
func TestFloorParity(t *testing.T) {
	set := load(t, benchPolicy, Options{})
	probes := []Access{
		{"updateOn", "proj/p:env/production:flag/f"},
		{"deleteFlag", "proj/p:env/production:flag/f"},
		{"updateOn", "proj/p:env/dev:flag/f"},
		{"updateOn", "proj/p:env/production:flag/x-internal"},
		{"deleteFlag", "proj/web:env/staging:flag/f"},
		{"updateName", "proj/p"},
		{"viewProject", "proj/p"},
		{"updateName", "proj/p:env/e"},
		{"updateOn", "proj/p:env/e"},
		{"updateMember", "member/m"},
		{"updateRole", "role/r"},
		{"updateOn", "proj/p:env/e:segment/s"},
		{"updateOn", "proj/p:env/e:flag/f:x/y"},
	}
	for _, p := range benchProbes {
		probes = append(probes, Access{p.action, p.resource})
	}
	for _, p := range probes {
		d, err := set.Decide(p.Action, p.Resource)
		if err != nil {
			t.Fatal(err)
		}
		if floor := floorDecide(p.Action, p.Resource); floor != d.Effect {
			t.Errorf("%v: floor %v, engine %v", p, floor, d)
		}
	}
}

func BenchmarkDecide(b *testing.B) {
	set := load(b, benchPolicy, Options{})
	for _, p := range benchProbes {
		b.Run(p.name+"/engine", func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				set.Decide(p.action, p.resource)
			}
		})
		b.Run(p.name+"/floor", func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				floorDecide(p.action, p.resource)
			}
		})
	}
}

func BenchmarkDecideConcrete(b *testing.B) {
	set := load(b, benchPolicy, Options{})
	for _, p := range benchProbes {
		c, _ := resource.ParseConcrete(p.resource)
		b.Run(p.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				set.DecideConcrete(p.action, &c)
			}
		})
	}
}

func BenchmarkDecideEvent(b *testing.B) {
	set := load(b, benchPolicy, Options{})
	accesses := []Access{
		{"createFlag", "proj/default:env/test:flag/new-checkout"},
		{"createFlag", "proj/default:env/staging:flag/new-checkout"},
		{"createFlag", "proj/default:env/production:flag/new-checkout"},
	}
	dst := make([]Decision, 0, len(accesses))
	var ev Event
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		ev.Parse(accesses, nil)
		set.DecideEvent(dst, &ev, AnyAccess)
	}
}

func BenchmarkCompile(b *testing.B) {
	b.Run("load", func(b *testing.B) {
		data := []byte(benchPolicy)
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, err := Load("bench.json", data, Options{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("statements", func(b *testing.B) {
		f, err := ParseFile("bench.json", []byte(benchPolicy))
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, err := Compile(f.Statements, Options{}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkMemberDecide decides for a member with three roles (the bench
// policy last, one with reader base permissions), beside the bench policy
// alone as a Set: the ratio is what the roles before it cost.
func BenchmarkMemberDecide(b *testing.B) {
	set := load(b, benchPolicy, Options{Context: Role})
	m, err := NewMember(
		grant(b, "deny-prod", `[{"effect":"deny","actions":["*"],"resources":["proj/*:env/production:flag/*"]}]`, NoAccess),
		grant(b, "qa", `[{"effect":"allow","actions":["update*"],"resources":["proj/*:env/*;qa_*:flag/*"]}]`, Reader),
		Grant{Role: "bench", Policy: set, Base: NoAccess},
	)
	if err != nil {
		b.Fatal(err)
	}
	for _, p := range benchProbes {
		b.Run(p.name+"/set", func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				set.Decide(p.action, p.resource)
			}
		})
		b.Run(p.name+"/member", func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				m.Decide(p.action, p.resource)
			}
		})
	}
}
