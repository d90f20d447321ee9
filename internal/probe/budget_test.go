package probe

import (
	"strings"
	"testing"

	"github.com/ldpolicy/ldpolicy/policy"
)

// slack is the work done before a spending is found to exceed the budget.
const slack = 1 << 14

// TestBudget checks that generation stops within its budget and says the
// accesses are incomplete, and that ordinary policies need a sliver of it.
func TestBudget(t *testing.T) {
	braces := strings.Repeat("{*a,*b}", 580)
	tests := []struct {
		name     string
		in       []policy.Statement
		complete bool
		most     int64 // the steps it may spend
	}{
		{"production flags", policy.ProductionFlags(), true, DefaultBudget / 1000},
		{"a deny and tags", []policy.Statement{
			allow(acts("*"), "proj/*:env/production:flag/*"),
			allow(acts("update*"), "proj/mobile:env/*:flag/*;beta"),
			deny(acts("deleteFlag"), "proj/*:env/*:flag/*"),
		}, true, DefaultBudget / 1000},
		{"4 KB of brace groups", []policy.Statement{allow(acts("*"), "proj/"+braces+":env/*:flag/*")}, false, DefaultBudget + slack},
		{"brace groups in an action", []policy.Statement{allow(acts(braces[:252]), "proj/*:env/*:flag/*")}, false, DefaultBudget + slack},
		{"star and question mark", []policy.Statement{allow(acts("*"), "proj/"+strings.Repeat("*?a", 1300))}, false, DefaultBudget + slack},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := NewBudget(DefaultBudget)
			_, complete := Accesses(Options{Budget: b}, tt.in)
			if complete != tt.complete || b.Exhausted() == tt.complete {
				t.Errorf("have complete %v, exhausted %v, want complete %v", complete, b.Exhausted(), tt.complete)
			}
			if b.Used() > tt.most {
				t.Errorf("spent %d steps, want at most %d", b.Used(), tt.most)
			}
		})
	}
}

// TestBudgetSpend checks the accounting: a spending the budget cannot hold
// is refused and exhausts it for good; a nil budget has no limit.
func TestBudgetSpend(t *testing.T) {
	b := NewBudget(10)
	if !b.Spend(6) || b.Used() != 6 {
		t.Fatalf("have Spend(6) refused or Used %d, want 6 spent", b.Used())
	}
	if b.Spend(5) || b.Used() != 6 || !b.Exhausted() {
		t.Errorf("have Spend(5) beyond 10 accepted, or Used %d, want it refused and the budget exhausted", b.Used())
	}
	if b.Spend(1) {
		t.Errorf("have Spend(1) accepted after exhaustion, want it refused")
	}
	var none *Budget
	if !none.Spend(1<<62) || none.Exhausted() {
		t.Errorf("have a nil budget limited, want no limit")
	}
}
