package policytest

import "github.com/ldpolicy/ldpolicy/policy"

// Coverage counts, for every statement of every policy that suites test,
// the cases it decided. A statement decided a case when it is the case's
// deciding statement (Result.Statement): an allow statement that applied
// to an access that a deny statement denied did not decide it.
//
// The coverage of a policy is the share of its statements that decided at
// least one case; a policy without statements is fully covered. Suites
// that test the same policy file add up.
type Coverage struct {
	policies []*PolicyCoverage
	byName   map[string]*PolicyCoverage
}

// PolicyCoverage is the coverage of one policy.
type PolicyCoverage struct {
	// Name names the policy, as Suite.PolicyName does.
	Name       string
	Statements []policy.Statement
	// Decided holds, for each statement, the number of cases it decided.
	Decided []int
}

// Add counts the results of running a suite.
func (c *Coverage) Add(s *Suite, results []Result) {
	p := c.policy(s)
	for _, r := range results {
		if r.Statement >= 0 && r.Statement < len(p.Decided) {
			p.Decided[r.Statement]++
		}
	}
}

// policy returns the coverage of the suite's policy, adding it when new.
func (c *Coverage) policy(s *Suite) *PolicyCoverage {
	if p := c.byName[s.PolicyName]; p != nil && len(p.Decided) == s.Policy.Len() {
		return p
	}
	p := &PolicyCoverage{Name: s.PolicyName, Decided: make([]int, s.Policy.Len())}
	for i := range p.Decided {
		p.Statements = append(p.Statements, s.Policy.Statement(i))
	}
	if c.byName == nil {
		c.byName = map[string]*PolicyCoverage{}
	}
	c.byName[s.PolicyName] = p
	c.policies = append(c.policies, p)
	return p
}

// Policies returns the coverage of each policy, in the order they were
// first added.
func (c *Coverage) Policies() []*PolicyCoverage { return c.policies }

// Covered returns the number of statements, over every policy, that
// decided at least one case, and the number of statements.
func (c *Coverage) Covered() (covered, total int) {
	for _, p := range c.policies {
		covered += p.Covered()
		total += len(p.Decided)
	}
	return covered, total
}

// Percent returns the share of the statements of every policy that decided
// at least one case, from 0 to 100; 100 when there are none.
func (c *Coverage) Percent() float64 { return percent(c.Covered()) }

// Covered returns the number of statements that decided at least one case.
func (p *PolicyCoverage) Covered() int {
	n := 0
	for _, d := range p.Decided {
		if d > 0 {
			n++
		}
	}
	return n
}

// Percent returns the share of statements that decided at least one case,
// from 0 to 100; 100 for a policy without statements.
func (p *PolicyCoverage) Percent() float64 { return percent(p.Covered(), len(p.Decided)) }

// Unexercised returns the indexes of the statements that decided no case.
func (p *PolicyCoverage) Unexercised() []int {
	var idx []int
	for i, d := range p.Decided {
		if d == 0 {
			idx = append(idx, i)
		}
	}
	return idx
}

func percent(covered, total int) float64 {
	if total == 0 {
		return 100
	}
	return 100 * float64(covered) / float64(total)
}
