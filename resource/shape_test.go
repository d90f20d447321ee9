package resource

import (
	"strings"
	"testing"

	"github.com/ldpolicy/ldpolicy/action"
	"github.com/ldpolicy/ldpolicy/match"
)

// catalogueTypes returns the types of the segments of a catalogue specifier
// such as "proj/*:env/*:flag/*", and whether each is written bare.
func catalogueTypes(spec string) (types []string, bare []bool) {
	for _, seg := range strings.Split(spec, ":") {
		typ, _, keyed := strings.Cut(seg, "/")
		types = append(types, typ)
		bare = append(bare, !keyed)
	}
	return types, bare
}

// TestTypeCodes checks that every type of the catalogue has a code, in the
// form the catalogue writes it and with a name, that the codes are distinct
// and fit their bits, and that a type written bare has a code only when
// the catalogue writes it so. It fails when a type is added to
// action/catalog.json without a code here.
func TestTypeCodes(t *testing.T) {
	seen := map[uint64]string{}
	add := func(name string, code uint64) {
		if code == 0 || code >= 1<<codeBits {
			t.Errorf("%s: code %d, want 1 to %d", name, code, 1<<codeBits-1)
			return
		}
		if prev, ok := seen[code]; ok {
			t.Errorf("%s and %s share code %d", name, prev, code)
		}
		seen[code] = name
	}
	types := action.Types()
	for _, typ := range types {
		add(typ.Name+"/", typeCode(typ.Name, false))
		if typ.Specifier == typ.Name {
			add(typ.Name, typeCode(typ.Name, true))
		} else if c := typeCode(typ.Name, true); c != 0 {
			t.Errorf("%s written bare: code %d, want 0 (the catalogue writes it %q)", typ.Name, c, typ.Specifier)
		}
	}
	if n := len(seen); n < len(types) {
		t.Errorf("%d codes for %d types", n, len(types))
	}
	for _, typ := range []string{"widget", "agent-graphs"} {
		if c := typeCode(typ, false); c != 0 {
			t.Errorf("%s: code %d, want 0", typ, c)
		}
	}
}

// TestCatalogueShapes checks that the scoping specifier of every catalogue
// type parses, has the shape the catalogue documents, with an exact key
// that no other type's shape has, and matches a resource of that shape.
// A bare type other than "acct" ("ip-allowlist") is checked at the level
// of its key for as long as Parse rejects it.
func TestCatalogueShapes(t *testing.T) {
	keys := map[uint64]string{}
	for _, typ := range action.Types() {
		types, bare := catalogueTypes(typ.Specifier)
		want := shapeKey(len(types), func(i int) (string, bool) { return types[i], bare[i] })
		if want&exactKey == 0 {
			t.Errorf("%s: the key of %q is not exact", typ.Name, typ.Specifier)
		}
		if prev, ok := keys[want]; ok {
			t.Errorf("%s and %s have the same shape key", typ.Name, prev)
		}
		keys[want] = typ.Name
		if bare[len(bare)-1] {
			// A bare type and the same type with a name differ in shape.
			keyed := shapeKey(len(types), func(i int) (string, bool) { return types[i], false })
			if keyed == want {
				t.Errorf("%s: %q and %q have the same shape key", typ.Name, typ.Specifier, typ.Specifier+"/x")
			}
		}

		sp, err := Parse(typ.Specifier)
		if err != nil {
			if len(types) == 1 && bare[0] && typ.Name != "acct" {
				t.Logf("%s: %v (bare types other than acct do not parse yet)", typ.Name, err)
				continue
			}
			t.Errorf("Parse(%q): %v", typ.Specifier, err)
			continue
		}
		segs := sp.Segments()
		for i, seg := range segs {
			if i < len(types) && (seg.Type != types[i] || seg.IsBare() != bare[i]) {
				t.Errorf("%s: segment %d of %q is %q (bare %v), want %q (bare %v)", typ.Name, i, typ.Specifier, seg.Type, seg.IsBare(), types[i], bare[i])
			}
		}
		if len(segs) != len(types) {
			t.Errorf("%s: %q has %d segments, want %d", typ.Name, typ.Specifier, len(segs), len(types))
		}
		m, err := Compile(sp, nil)
		if err != nil {
			t.Errorf("Compile(%q): %v", typ.Specifier, err)
			continue
		}
		sh := m.shape
		if sh.hash != want {
			t.Errorf("%s: shape key of %q is %#x, want %#x", typ.Name, typ.Specifier, sh.hash, want)
		}
		if got := sh.String(); got != typ.Specifier {
			t.Errorf("%s: shape of %q reads %q", typ.Name, typ.Specifier, got)
		}
		res := strings.ReplaceAll(typ.Specifier, "*", "x")
		c, err := ParseConcrete(res)
		if err != nil {
			t.Errorf("ParseConcrete(%q): %v", res, err)
			continue
		}
		if !c.hasShape(sh) || m.Match(&c) != match.True {
			t.Errorf("%s: %q does not match %q", typ.Name, typ.Specifier, res)
		}
	}
}

// TestShapeKeys checks which keys are exact, and that hasShape confirms an
// inexact key by the types.
func TestShapeKeys(t *testing.T) {
	for _, tt := range []struct {
		in    string
		exact bool
	}{
		{"proj/p:env/e:flag/f", true},
		{"acct", true},
		{"ip-allowlist/x", true},
		{"proj/p:release-policy/r", true},
		{"proj/p:env/e:flag/f:a/b:c/d:e/f:g/h:i/j", false},
		{"proj/p:widget/w", false},
	} {
		c, err := ParseConcrete(tt.in)
		if err != nil {
			t.Fatal(err)
		}
		if exact := c.shape&exactKey != 0; exact != tt.exact {
			t.Errorf("%s: exact key %v, want %v", tt.in, exact, tt.exact)
		}
	}
	c, err := ParseConcrete("proj/p:widget/w")
	if err != nil {
		t.Fatal(err)
	}
	// A shape whose key collides with c's but whose types differ.
	collision := shape{hash: c.shape, types: "proj/gadget/"}
	if c.hasShape(collision) {
		t.Errorf("hasShape(%q) with a colliding key: true, want false", collision.types)
	}
	if !c.hasShape(shape{hash: c.shape, types: "proj/widget/"}) {
		t.Errorf("hasShape of its own shape: false")
	}
}

// TestBareShapeKeys checks the keys of types written bare at the level of
// shapeKey, which is what a bare segment reaches whether or not Parse
// accepts it: the catalogue's bare types have exact keys apart from their
// named forms, and any other type written bare has a hashed key apart from
// its named form.
func TestBareShapeKeys(t *testing.T) {
	key := func(typ string, bare bool) uint64 {
		return shapeKey(1, func(int) (string, bool) { return typ, bare })
	}
	for _, tt := range []struct {
		typ   string
		exact bool
	}{
		{"acct", true},
		{"ip-allowlist", true},
		{"proj", false},
		{"widget", false},
	} {
		bare, named := key(tt.typ, true), key(tt.typ, false)
		if exact := bare&exactKey != 0; exact != tt.exact {
			t.Errorf("%s written bare: exact key %v, want %v", tt.typ, exact, tt.exact)
		}
		if bare == named {
			t.Errorf("%s written bare and %s/x: the same key %#x", tt.typ, tt.typ, bare)
		}
	}
	if s := (shape{types: "ip-allowlist;"}).String(); s != "ip-allowlist" {
		t.Errorf("shape of a bare ip-allowlist reads %q", s)
	}
}
