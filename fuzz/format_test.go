package fuzz

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/gen"
	"github.com/leanovate/gopter/prop"

	"github.com/ldpolicy/ldpolicy/internal/policyfmt"
	"github.com/ldpolicy/ldpolicy/policy"
)

// scrambled writes the statements of c as a policy file on one line: a bare
// array, a webhook or a custom role (chosen by the recipe), with the fields
// of each statement in reverse canonical order, and some of them in
// Terraform's snake_case spelling.
func scrambled(c Case) []byte {
	var b bytes.Buffer
	shape := len(c.Recipe) % 3
	switch shape {
	case 1:
		b.WriteString(`{"tags":["t"],"statements":[`)
	case 2:
		b.WriteString(`{"policy":[`)
	default:
		b.WriteString(`[`)
	}
	field := func(name string, list []string) {
		if list != nil {
			v, _ := json.Marshal(list)
			fmt.Fprintf(&b, "%q:%s,", name, v)
		}
	}
	for i, st := range c.Stmts {
		if i > 0 {
			b.WriteByte(',')
		}
		notActions, notResources := "notActions", "notResources"
		if (i+len(c.Recipe))%2 == 1 {
			notActions, notResources = "not_actions", "not_resources"
		}
		b.WriteByte('{')
		field(notResources, st.NotResources)
		field("resources", st.Resources)
		field(notActions, st.NotActions)
		field("actions", st.Actions)
		fmt.Fprintf(&b, `"effect":%q}`, st.Effect)
	}
	b.WriteByte(']')
	switch shape {
	case 1:
		b.WriteString(`,"url":"https://example.com/hook"}`)
	case 2:
		b.WriteString(`,"key":"k"}`)
	}
	return b.Bytes()
}

func TestFormattedPolicyDecidesAsTheReference(t *testing.T) {
	check(t, prop.ForAll(func(c Case, camel bool) *gopter.PropResult {
		opts := policyfmt.Options{CamelCase: camel}
		in := scrambled(c)
		out, err := policyfmt.Format("policy.json", in, opts)
		if err != nil {
			return report(false, "Format(%s): %v", in, err)
		}
		if again, err := policyfmt.Format("policy.json", out, opts); err != nil || !bytes.Equal(again, out) {
			return report(false, "formatting\n%s\nagain gives (%v)\n%s", out, err, again)
		}
		popts := policy.Options{Attributes: c.Attrs}
		if c.Role {
			popts.Context = policy.Role
		}
		set, err := policy.Load("policy.json", out, popts)
		if err != nil {
			return report(false, "the formatted file\n%s\ndoes not load: %v", out, err)
		}
		ref, err := c.Reference()
		if err != nil {
			return report(false, "the reference rejects the policy: %v", err)
		}
		for i, d := range decisions(set, c) {
			a := c.Accesses[i]
			want, err := ref.Decide(a.Action, a.Resource, c.Meta)
			if err != nil {
				return report(false, "access %d: the reference: %v", i, err)
			}
			if have := (Outcome{Allow: d.Allowed(), Statement: d.Statement, Indeterminate: d.Indeterminate}); have != want {
				return report(false, "access %d %v: the formatted file decides %+v, the reference %+v\n%s", i, a, have, want, out)
			}
		}
		return report(true, "")
	}, caseGen(), gen.Bool()))
}
