package resource_test

import (
	"fmt"

	"github.com/ldpolicy/ldpolicy/resource"
)

func ExampleParse() {
	s, err := resource.Parse("proj/*:env/*;qa_*,{critical:true}:flag/*")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, seg := range s.Segments() {
		fmt.Printf("%-4s %q %d modifier(s)\n", seg.Type, seg.Name.Pattern, len(seg.Modifiers))
	}
	// Output:
	// proj "*" 0 modifier(s)
	// env  "*" 2 modifier(s)
	// flag "*" 0 modifier(s)
}

// A malformed specifier is reported with the byte offset of the problem and,
// for the ":/flag/" typo of LaunchDarkly's own API examples, the fix.
func ExampleParse_error() {
	const spec = "proj/*:env/*;qa_*:/flag/*"
	_, err := resource.Parse(spec)
	fmt.Println(err)
	if se, ok := err.(*resource.SyntaxError); ok {
		fmt.Println(spec)
		fmt.Printf("%*s^\n", se.Offset, "")
		fmt.Println("fix:", se.Fix)
	}
	// Output:
	// resource: syntax error at offset 18: stray "/" after ":": did you mean ":flag/*"?
	// proj/*:env/*;qa_*:/flag/*
	//                   ^
	// fix: proj/*:env/*;qa_*:flag/*
}

func ExampleMatcher_Match() {
	s, _ := resource.Parse("proj/*:env/*;{critical:true}:flag/*")
	m, _ := resource.Compile(s, nil)
	for _, r := range []string{
		"proj/default:env/production;{critical:true}:flag/dark-mode", // metadata inline
		"proj/default:env/test;:flag/dark-mode",                      // known: no tags or properties
		"proj/default:env/production:flag/dark-mode",                 // unknown metadata
		"proj/default:env/production",                                // another shape
	} {
		c, _ := resource.ParseConcrete(r)
		fmt.Println(m.Match(&c))
	}
	// Output:
	// true
	// false
	// unknown(false)
	// false
}

func ExampleConcrete_Resolve() {
	critical, _ := resource.ParseMetadata("{critical:true}")
	metadata := resource.MetadataMap{"proj/default:env/production": critical}

	c, _ := resource.ParseConcrete("proj/default:env/production:flag/dark-mode")
	c.Resolve(metadata)
	for i := 0; i < c.Len(); i++ {
		m, known := c.Metadata(i)
		fmt.Printf("%s known=%v %q\n", c.Path(i), known, m)
	}
	// Output:
	// proj/default known=false ""
	// proj/default:env/production known=true "{critical:true}"
	// proj/default:env/production:flag/dark-mode known=false ""
}

// A role attribute stands for a name or, as in LaunchDarkly's Terraform
// example of team role mappings, for a tag pattern. Each bound value is a
// pattern, and the attribute matches when one of them does.
func ExampleCompile_roleAttributes() {
	s, _ := resource.Parse("proj/*;${roleAttribute/domain}")
	m, _ := resource.Compile(s, map[string][]string{"domain": {"DomainX", "shared-*"}})
	for _, r := range []string{"proj/web;DomainX", "proj/web;beta,shared-ui", "proj/web;DomainY"} {
		c, _ := resource.ParseConcrete(r)
		fmt.Println(r, m.Match(&c))
	}
	_, err := resource.Compile(s, map[string][]string{"domain": {"team:x"}})
	fmt.Println(err)
	// Output:
	// proj/web;DomainX true
	// proj/web;beta,shared-ui true
	// proj/web;DomainY false
	// resource: role attribute "domain": malformed value "team:x" at offset 4: unexpected ':': a value stands for one name or tag pattern, and no key or tag has it
}

// A type written alone is a segment without a name, such as the account and
// LaunchDarkly's IP allowlist.
func ExampleParse_typeAlone() {
	for _, spec := range []string{"ip-allowlist", "proj/a:ip-allowlist", "proj/*:"} {
		s, err := resource.Parse(spec)
		if err != nil {
			fmt.Println(err)
			continue
		}
		for _, seg := range s.Segments() {
			fmt.Printf("%s: type %q, name %q, alone %v\n", spec, seg.Type, seg.Name.Pattern, seg.IsBare())
		}
	}
	// Output:
	// ip-allowlist: type "ip-allowlist", name "", alone true
	// proj/a:ip-allowlist: type "proj", name "a:ip-allowlist", alone false
	// resource: syntax error at offset 7: empty segment: expected "type/name" or a type alone, such as "acct"
}

// An Index tests a resource against many lists of specifiers, here the
// resources of three rules, finding the resource's shape once. Lists
// reduced to a shape are prepared once and reused for every resource of
// that shape.
func ExampleIndex() {
	var lists [][]*resource.Matcher
	for _, specs := range [][]string{
		{"proj/*:env/production:flag/*"},
		{"proj/*:env/*:segment/*", "proj/*:env/*:flag/beta-*"},
		{"member/*"},
	} {
		var list []*resource.Matcher
		for _, spec := range specs {
			s, _ := resource.Parse(spec)
			m, _ := resource.Compile(s, nil)
			list = append(list, m)
		}
		lists = append(lists, list)
	}
	x := resource.NewIndex(lists)

	c, _ := resource.ParseConcrete("proj/default:env/production:flag/beta-ui")
	shape := x.Find(&c)
	for i := 0; i < x.Lists(); i++ {
		sub := x.List(shape, i)
		if sub.Empty() {
			fmt.Printf("list %d: no specifier of the shape\n", i)
			continue
		}
		fmt.Printf("list %d: %v\n", i, sub.Match(&c))
	}
	// Output:
	// list 0: true
	// list 1: true
	// list 2: no specifier of the shape
}
