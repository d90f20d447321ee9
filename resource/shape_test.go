package resource

import "testing"

// TestTypeCodes checks that the type codes are distinct, fit their bits,
// and tell the bare "acct" apart from "acct/key".
func TestTypeCodes(t *testing.T) {
	types := []string{"proj", "env", "flag", "segment", "member", "acct", "role", "team", "webhook",
		"integration", "token", "service-token", "destination", "experiment", "metric", "metric-group",
		"holdout", "release-pipeline", "relay-proxy-config", "context-kind", "layer", "aiconfig",
		"ai-model-config", "view", "user", "request", "pending-request", "product-analytics-dashboard",
		"code-reference-repository", "application", "domain-verification", "template"}
	seen := map[uint64]string{}
	add := func(name string, code uint64) {
		if code == 0 || code >= 1<<codeBits {
			t.Errorf("%s: code %d, want 1 to %d", name, code, 1<<codeBits-1)
		}
		if prev, ok := seen[code]; ok {
			t.Errorf("%s and %s share code %d", name, prev, code)
		}
		seen[code] = name
	}
	for _, typ := range types {
		add(typ+"/", typeCode(typ, false))
	}
	add("acct", typeCode("acct", true))
	if c := typeCode("widget", false); c != 0 {
		t.Errorf("widget: code %d, want 0", c)
	}
}

// TestShapeKeys checks which keys are exact, and that HasShape confirms an
// inexact key by the types.
func TestShapeKeys(t *testing.T) {
	for _, tt := range []struct {
		in    string
		exact bool
	}{
		{"proj/p:env/e:flag/f", true},
		{"acct", true},
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
	collision := Shape{hash: c.shape, types: "proj/gadget/"}
	if c.HasShape(collision) {
		t.Errorf("HasShape(%q) with a colliding key: true, want false", collision.types)
	}
	if !c.HasShape(Shape{hash: c.shape, types: "proj/widget/"}) {
		t.Errorf("HasShape of its own shape: false")
	}
}
