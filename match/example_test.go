package match_test

import (
	"fmt"

	"github.com/ldpolicy/ldpolicy/match"
)

func ExampleCompile() {
	for _, pat := range []string{"production", "qa_*", "*-eu", "*", "prod*eu*", "qa_{test,dev}"} {
		p := match.MustCompile(pat)
		fmt.Printf("%-14s %-7v %v\n", pat, p.Shape(), p.Match("qa_test"))
	}
	// Output:
	// production     exact   false
	// qa_*           prefix  true
	// *-eu           suffix  false
	// *              any     true
	// prod*eu*       stars   false
	// qa_{test,dev}  glob    true
}

func ExampleTruth() {
	// A tag test on a resource whose tags nobody supplied is unknown; it
	// counts as false, but knowing the tags could make it true.
	tagged := match.Unknown
	fmt.Println(tagged.Value(), tagged.Known())
	fmt.Println(match.True.And(tagged))             // still depends on the tags
	fmt.Println(match.True.Or(tagged))              // settled
	fmt.Println(tagged.Not(), tagged.Not().Value()) // NOT keeps it unknown
	// Output:
	// false false
	// unknown(false)
	// true
	// unknown(true) true
}
