package action_test

import (
	"fmt"

	"github.com/ldpolicy/ldpolicy/action"
)

func ExampleParse() {
	p, err := action.Parse("update*")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(p.Match("updateOn"), p.Match("createFlag"))
	// Output: true false
}

func ExampleLookup() {
	env, _ := action.Lookup("env")
	fmt.Println(env.Specifier)
	fmt.Println(action.TypesOf("updateOn"))
	// Output:
	// proj/*:env/*
	// [flag destination metric webhook integration]
}
