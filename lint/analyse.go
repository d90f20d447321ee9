package lint

import (
	"fmt"
	"math/bits"
	"strings"

	"github.com/ldpolicy/ldpolicy/action"
	"github.com/ldpolicy/ldpolicy/internal/probe"
	"github.com/ldpolicy/ldpolicy/match"
	"github.com/ldpolicy/ldpolicy/policy"
	"github.com/ldpolicy/ldpolicy/resource"
)

// probed is the suffix of the messages of findings decided by probing.
const probed = " (found by trying representative accesses)"

// maxAnalysed bounds the statements the LDP2xx checks compare, pair by
// pair, and maxElements the elements of one list compared with each other
// (LDP206; repeats are found in any list).
const (
	maxAnalysed = 512
	maxElements = 256
)

// What LDP200 says was not checked.
const (
	uncheckedPairs = "statements that never apply, are redundant or overridden, and a policy that allows nothing (LDP201 to LDP204)"
	uncheckedAll   = "statements that never apply, are redundant or overridden, a policy that allows nothing and covered list elements (LDP201 to LDP204, LDP206)"
)

// DefaultBudget is the work the comparison of statements (LDP201 to
// LDP204, LDP206) may do when Options.Budget is not set, in the steps of
// match.Pattern.Cost: about a quarter of a second. Every policy of this
// repository's tests and examples is compared within a hundredth of it.
const DefaultBudget = probe.DefaultBudget

// costly is the cost beyond which LDP200 blames the pattern that costs the
// most for exhausting the budget: matching a name as long as the
// specifier costs it over ten thousand steps, where a typical pattern costs
// tens.
const costly = 10_000

// cutShort reports LDP200 for a comparison that ran out of budget before
// checking what. It points at the costliest specifier or action pattern of
// the policy, when one stands out, as what to simplify.
func (c *checker) cutShort(stmts []policy.Statement, what string) {
	type place struct {
		stmt  int
		field string
		index int
		value string
		cost  int64
	}
	var worst place
	for i, st := range stmts {
		for _, l := range []struct {
			field    string
			items    []string
			resource bool
		}{{"resources", st.Resources, true}, {"notResources", st.NotResources, true}, {"actions", st.Actions, false}, {"notActions", st.NotActions, false}} {
			for j, s := range l.items {
				cost := probe.ActionCost(s)
				if l.resource {
					cost = probe.SpecifierCost(s)
				}
				if n := cost.Of(len(s)); n > worst.cost {
					worst = place{i, l.field, j, s, n}
				}
			}
		}
	}
	steps := c.budget.Limit()
	if worst.cost < costly {
		c.add(Finding{Code: codeTooLarge, Location: wholePolicy(), Message: fmt.Sprintf("the policy is too large to compare its statements within the analysis budget of %d steps: %s were not checked; split it, or check its parts on their own", steps, what)})
		return
	}
	off := strings.IndexByte(worst.value, '{')
	if off < 0 {
		off = strings.IndexAny(worst.value, "?[\\*")
	}
	c.add(Finding{
		Code:     codeTooLarge,
		Location: policy.Location{Statement: worst.stmt, Field: worst.field, Index: worst.index, Value: worst.value, Offset: max(off, 0)},
		Message:  fmt.Sprintf("the policy's patterns are too complex to compare its statements within the analysis budget of %d steps: %s were not checked; this pattern costs the most, %d steps to match a name as long as itself: simplify its brace groups, stars and '?', or list its alternatives as separate elements", steps, what, worst.cost),
	})
}

// analyse runs the rules about statements together (LDP2xx) on a policy
// that compiles.
//
// Except for the ones they prove from the text (notActions ["*"], a
// policy without allow statements), they decide by probing: the accesses
// of internal/probe exercise every name, tag, property, view and action
// of the policy, and the analyses look only at the plausible ones, where
// the action is documented for the resource's type, or either is not in
// the catalogue (a flag action on a project is no access LaunchDarkly
// makes). A statement "seems" redundant when every such access it
// applies to is covered by others; the generated accesses tell apart
// almost every pair of statements that differ, but not provably all.
func (c *checker) analyse(set *policy.Set) {
	stmts := c.f.Statements
	if len(stmts) == 0 {
		switch {
		case !c.role():
			c.add(Finding{Code: codeEmpty, Location: wholePolicy(), Message: "no statements: the webhook has no filter and receives every event"})
		case c.base == policy.NoAccess:
			c.add(Finding{Code: codeNothing, Location: wholePolicy(), Message: fmt.Sprintf("the role has no statements and its base permissions are %s, so it grants nothing on its own", c.basePhrase())})
		default:
			c.add(Finding{Code: codeEmpty, Location: wholePolicy(), Message: fmt.Sprintf("no statements: the role grants only its base permissions, %q", c.base)})
		}
		return
	}
	for i, st := range stmts {
		if st.Effect == policy.Allow {
			c.broad(i, st)
		}
	}

	if len(stmts) > maxAnalysed {
		c.add(Finding{Code: codeTooLarge, Location: wholePolicy(), Message: fmt.Sprintf("the policy has %d statements, more than the %d whose pairs can be compared: %s were not checked", len(stmts), maxAnalysed, uncheckedAll)})
		return
	}
	attrs := c.attrs
	steps := c.opts.Budget
	if steps <= 0 {
		steps = DefaultBudget
	}
	budget := probe.NewBudget(steps)
	c.budget = budget
	accesses, complete := probe.Accesses(probe.Options{Attributes: attrs, Budget: budget}, stmts)
	switch {
	case budget.Exhausted():
		c.cutShort(stmts, uncheckedAll)
		return
	case !complete:
		c.add(Finding{Code: codeTooLarge, Location: wholePolicy(), Message: fmt.Sprintf("the policy names too many distinct resources and actions to compare its statements (more than %d representative accesses): %s were not checked", probe.Limit, uncheckedAll)})
		return
	}
	if done := c.elements(stmts, accesses, attrs, budget); done < len(stmts) {
		what := uncheckedAll
		if done > 0 {
			what = fmt.Sprintf("covered list elements (LDP206) of statements %d to %d, and %s", done, len(stmts)-1, uncheckedPairs)
		}
		c.cutShort(stmts, what)
		return
	}

	// applies[i] is the set of plausible accesses statement i applies to.
	n := len(stmts)
	words := (len(accesses) + 63) / 64
	applies := make([][]uint64, n)
	for i := range applies {
		applies[i] = make([]uint64, words)
	}
	// Each statement alone, as an allow: it allows exactly the accesses
	// the statement applies to. Deciding an access costs each statement's
	// patterns matched against it, then the policy's together once more.
	alone := make([]*policy.Set, n)
	var total probe.Cost
	for i, st := range stmts {
		sc := probe.StatementCost(st)
		total = total.Plus(sc).Plus(sc)
		st.Effect = policy.Allow
		s, err := policy.Compile([]policy.Statement{st}, policy.Options{Attributes: attrs, Lenient: c.opts.Policy.Lenient})
		if err != nil {
			return // cannot happen: the policy compiled with these options
		}
		alone[i] = s
	}
	allowed := false
	var res resource.Concrete
	for k, a := range accesses {
		if err := res.Parse(a.Resource); err != nil || !plausible(a.Action, &res) {
			continue
		}
		if !budget.Spend(total.Of(len(a.Action) + len(a.Resource))) {
			c.cutShort(stmts, uncheckedPairs)
			return
		}
		for i, s := range alone {
			if s.DecideConcrete(a.Action, &res).Allowed() {
				applies[i][k/64] |= 1 << (k % 64)
			}
		}
		allowed = allowed || set.DecideConcrete(a.Action, &res).Allowed()
	}

	never := make([]bool, n)
	for i := range stmts {
		if !isEmpty(applies[i]) {
			continue
		}
		never[i] = true
		if c.explained[i] {
			continue
		}
		c.never(i, stmts[i])
	}

	// Overridden allows: every access is denied by some deny statement.
	overridden := make([]bool, n)
	var denies []int
	for i, st := range stmts {
		if st.Effect == policy.Deny && !never[i] {
			denies = append(denies, i)
		}
	}
	for i, st := range stmts {
		if st.Effect != policy.Allow || never[i] {
			continue
		}
		by, ok := coveredBy(applies, i, denies, budget)
		if budget.Exhausted() {
			c.cutShort(stmts, fmt.Sprintf("overridden statements (LDP203) from statement %d on, redundant statements (LDP202) and a policy that allows nothing (LDP204)", i))
			return
		}
		if ok {
			overridden[i] = true
			c.add(Finding{Code: codeOverridden, Location: wholeStatement(i), Message: fmt.Sprintf("this allow statement seems overridden: %s every access it applies to, and deny overrides allow whatever the order, so it allows nothing%s; narrow the deny or remove this statement", denyPhrase(by), probed)})
		}
	}

	// Redundant statements: covered by others of the same effect. Later
	// statements go first, so that of two equal statements the later one
	// is reported, covered by the earlier.
	redundant := make([]bool, n)
	for i := n - 1; i >= 0; i-- {
		if never[i] || overridden[i] {
			continue
		}
		var others []int
		for k := range stmts {
			if k != i && !never[k] && !redundant[k] && !overridden[k] && stmts[k].Effect == stmts[i].Effect {
				others = append(others, k)
			}
		}
		by, ok := coveredBy(applies, i, others, budget)
		if budget.Exhausted() {
			c.cutShort(stmts, fmt.Sprintf("redundant statements (LDP202) from statement %d down to 0, and a policy that allows nothing (LDP204)", i))
			return
		}
		if ok {
			redundant[i] = true
			verb := "allow"
			if stmts[i].Effect == policy.Deny {
				verb = "deny"
			}
			c.add(Finding{Code: codeRedundant, Location: wholeStatement(i), Message: fmt.Sprintf("this statement seems redundant: %s already %s every access it applies to%s; remove it", statementsPhrase(by), verbFor(verb, len(by)), probed)})
		}
	}

	// A role with reader base permissions grants views whatever its
	// statements: only one with no_access can grant nothing.
	if !allowed && (!c.role() || c.base == policy.NoAccess) {
		c.nothing(stmts)
	}
}

// basePhrase names the base permissions of a role, saying whether they
// were assumed.
func (c *checker) basePhrase() string {
	if c.assumed {
		return fmt.Sprintf("%q (assumed: the file does not give them)", c.base)
	}
	return fmt.Sprintf("%q", c.base)
}

// plausible reports whether LaunchDarkly could make an access: its action
// is documented for the resource's type, or the catalogue does not know
// the action or the type.
func plausible(act string, r *resource.Concrete) bool {
	typ := r.Type(r.Len() - 1)
	t, ok := action.Lookup(typ)
	if !ok || !action.Known(act) {
		return true
	}
	for _, a := range t.Actions {
		if a == act {
			return true
		}
	}
	return false
}

func isEmpty(set []uint64) bool {
	for _, w := range set {
		if w != 0 {
			return false
		}
	}
	return true
}

// coveredBy reports whether the accesses of statement i are all among
// those of the statements others, and returns the fewest of them that
// cover it, found greedily: the one that covers most first. It spends a
// step a word of the sets it compares, and gives up once the budget is
// exhausted.
func coveredBy(applies [][]uint64, i int, others []int, budget *probe.Budget) ([]int, bool) {
	// Only the statements that share an access with i can help; their
	// union must hold all of i's.
	if !budget.Spend(int64(len(others)+1) * int64(len(applies[i])+1)) {
		return nil, false
	}
	union := make([]uint64, len(applies[i]))
	var near []int
	for _, k := range others {
		shared := false
		for w := range union {
			shared = shared || applies[i][w]&applies[k][w] != 0
			union[w] |= applies[k][w]
		}
		if shared {
			near = append(near, k)
		}
	}
	for w := range union {
		if applies[i][w]&^union[w] != 0 {
			return nil, false
		}
	}
	others = near
	left := append([]uint64{}, applies[i]...)
	var used []int
	for !isEmpty(left) {
		if !budget.Spend(int64(len(others)+1) * int64(len(left)+1)) {
			return nil, false
		}
		best, bestN := -1, 0
		for _, k := range others {
			n := 0
			for w := range left {
				n += bits.OnesCount64(left[w] & applies[k][w])
			}
			if n > bestN {
				best, bestN = k, n
			}
		}
		if best < 0 {
			return nil, false
		}
		used = append(used, best)
		for w := range left {
			left[w] &^= applies[best][w]
		}
	}
	sortInts(used)
	return used, true
}

func sortInts(s []int) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// statementsPhrase names statements: "statement 2", "statements 0 and 2
// together".
func statementsPhrase(idx []int) string {
	if len(idx) == 1 {
		return fmt.Sprintf("statement %d", idx[0])
	}
	s := make([]string, len(idx))
	for k, i := range idx {
		s[k] = fmt.Sprint(i)
	}
	return "statements " + strings.Join(s[:len(s)-1], ", ") + " and " + s[len(s)-1] + " together"
}

func verbFor(verb string, n int) string {
	switch {
	case n != 1:
		return verb
	case verb == "deny":
		return "denies"
	}
	return verb + "s"
}

func denyPhrase(idx []int) string {
	return statementsPhrase(idx) + " " + verbFor("deny", len(idx))
}

// never reports LDP201 for statement i, with a proof when the text gives
// one.
func (c *checker) never(i int, st policy.Statement) {
	for j, a := range st.NotActions {
		if a == "*" {
			c.add(Finding{Code: codeNever, Location: policy.Location{Statement: i, Field: "notActions", Index: j, Value: a, Offset: 0}, Message: "this statement never applies: notActions lists \"*\", which leaves no action"})
			return
		}
	}
	for j, r := range st.NotResources {
		if r == "*" {
			c.add(Finding{Code: codeNever, Location: policy.Location{Statement: i, Field: "notResources", Index: j, Value: r, Offset: 0}, Message: "this statement never applies: notResources lists \"*\", which leaves no resource"})
			return
		}
	}
	hint := ""
	if c.about[i] {
		hint = "; see the other findings of this statement"
	}
	c.add(Finding{Code: codeNever, Location: wholeStatement(i), Message: fmt.Sprintf("this statement seems never to apply: no access falls under both its actions and its resources%s%s", probed, hint)})
}

// nothing reports LDP204: no access is allowed. For a webhook, it
// receives no event; for a role with no_access base permissions, it grants
// nothing on its own, and since a member's roles are cumulative its deny
// statements take nothing away from the member's other roles.
func (c *checker) nothing(stmts []policy.Statement) {
	hasAllow := false
	for _, st := range stmts {
		hasAllow = hasAllow || st.Effect == policy.Allow
	}
	if c.role() {
		if hasAllow {
			c.add(Finding{Code: codeNothing, Location: wholePolicy(), Message: fmt.Sprintf("the role seems to grant nothing on its own: every allow statement is overridden or never applies, and its base permissions are %s%s", c.basePhrase(), probed)})
			return
		}
		c.add(Finding{Code: codeNothing, Location: wholePolicy(), Message: fmt.Sprintf("the role has no allow statement and its base permissions are %s, so it grants nothing on its own, and its deny statements take nothing away from a member's other roles (roles are cumulative: one role's deny does not override another's allow); add the allow statements the denies are meant to restrict, or give the role \"reader\" base permissions", c.basePhrase())})
		return
	}
	if hasAllow {
		c.add(Finding{Code: codeNothing, Location: wholePolicy(), Message: fmt.Sprintf("the policy seems to allow nothing, so the webhook receives no event: every allow statement is overridden or never applies%s", probed)})
		return
	}
	c.add(Finding{Code: codeNothing, Location: wholePolicy(), Message: "the policy has no allow statement, so every access is denied by default and the webhook receives no event; deny statements only take away what allow statements give: add an allow statement, such as allow \"*\" on \"proj/*:env/*:flag/*\""})
}

// broad reports LDP205 for an allow statement with notResources or
// notActions, with examples of what it also allows.
func (c *checker) broad(i int, st policy.Statement) {
	if st.NotResources != nil {
		var excluded []*resource.Matcher
		for _, s := range st.NotResources {
			sp, err := parseSpecifier(s, c.opts.Policy.Lenient)
			if err != nil {
				continue
			}
			if m, err := resource.Compile(sp.Specifier, nil); err == nil {
				excluded = append(excluded, m)
			}
		}
		var examples []string
		for _, typ := range []string{"member", "role", "acct", "team", "webhook", "proj", "flag"} {
			t, _ := action.Lookup(typ)
			ex := strings.ReplaceAll(t.Specifier, "*", "x")
			cr, err := resource.ParseConcrete(ex)
			if err != nil {
				continue
			}
			hit := false
			for _, m := range excluded {
				hit = hit || m.Match(&cr) != match.False
			}
			if !hit && len(examples) < 3 {
				examples = append(examples, fmt.Sprintf("%q", t.Specifier))
			}
		}
		also := ""
		if len(examples) > 0 {
			also = ", such as " + joinAnd(examples)
		}
		c.add(Finding{Code: codeBroad, Location: wholeField(i, "notResources"), Message: fmt.Sprintf("allow with notResources applies to every resource of every type and depth that is not listed%s, not only to resources like the ones listed: list what to allow in \"resources\" instead", also)})
	}
	if st.NotActions != nil && !contains(st.NotActions, "*") {
		var pats []*match.Pattern
		for _, s := range st.NotActions {
			if p, err := action.Parse(s); err == nil {
				pats = append(pats, p)
			}
		}
		types := map[string]bool{}
		for _, s := range st.Resources {
			if sp, err := parseSpecifier(s, c.opts.Policy.Lenient); err == nil && !sp.IsAny() {
				types[segType(sp)] = true
			}
		}
		var examples []string
		for _, prefix := range []string{"delete", "update", ""} {
			for _, t := range action.Types() {
				if len(types) > 0 && !types[t.Name] {
					continue
				}
				for _, a := range t.Actions {
					if len(examples) == 2 || !strings.HasPrefix(a, prefix) || contains(examples, fmt.Sprintf("%q", a)) {
						continue
					}
					hit := false
					for _, p := range pats {
						hit = hit || p.Match(a)
					}
					if !hit {
						examples = append(examples, fmt.Sprintf("%q", a))
					}
				}
			}
		}
		also := ""
		if len(examples) > 0 {
			also = ", such as " + joinAnd(examples) + ","
		}
		c.add(Finding{Code: codeBroad, Location: wholeField(i, "notActions"), Message: fmt.Sprintf("allow with notActions allows every action that is not listed%s and any action LaunchDarkly adds later: list what to allow in \"actions\" instead", also)})
	}
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// elements reports LDP206: an element of a list that another element of
// the same list covers. A repeated element is proven; coverage otherwise
// is decided on the generated accesses: their resources for resources and
// notResources, their actions for actions and notActions. The matches
// spend the budget; it returns how many statements it checked, all of them
// unless the budget ran out.
func (c *checker) elements(stmts []policy.Statement, accesses []policy.Access, attrs map[string][]string, budget *probe.Budget) int {
	var resources, actions []string
	seenR, seenA := map[string]bool{}, map[string]bool{}
	for _, a := range accesses {
		if !seenR[a.Resource] {
			seenR[a.Resource] = true
			resources = append(resources, a.Resource)
		}
		if !seenA[a.Action] {
			seenA[a.Action] = true
			actions = append(actions, a.Action)
		}
	}
	concretes := make([]resource.Concrete, 0, len(resources))
	lengths := make([]int, 0, len(resources))
	for _, r := range resources {
		if cr, err := resource.ParseConcrete(r); err == nil {
			concretes = append(concretes, cr)
			lengths = append(lengths, len(r))
		}
	}
	for i, st := range stmts {
		if budget.Exhausted() {
			return i - 1 // statement i-1 was cut short
		}
		for _, l := range []struct {
			field string
			items []string
		}{{"resources", st.Resources}, {"notResources", st.NotResources}} {
			c.coveredElements(i, l.field, l.items, len(concretes), budget, func(s string) func(int) bool {
				sp, err := parseSpecifier(s, c.opts.Policy.Lenient)
				if err != nil {
					return nil
				}
				m, err := resource.Compile(sp.Specifier, attrs)
				if err != nil {
					return nil
				}
				cost := probe.SpecifierCost(s)
				return func(k int) bool {
					return budget.Spend(cost.Of(lengths[k])) && m.Match(&concretes[k]) == match.True
				}
			})
		}
		for _, l := range []struct {
			field string
			items []string
		}{{"actions", st.Actions}, {"notActions", st.NotActions}} {
			c.coveredElements(i, l.field, l.items, len(actions), budget, func(s string) func(int) bool {
				p, err := action.Parse(s)
				if err != nil {
					return nil
				}
				cost := probe.ActionCost(s)
				return func(k int) bool { return budget.Spend(cost.Of(len(actions[k]))) && p.Match(actions[k]) }
			})
		}
	}
	if budget.Exhausted() {
		return len(stmts) - 1 // the last one was cut short
	}
	return len(stmts)
}

// coveredElements reports the elements of a list that repeat another or
// that another covers, over a domain of n probes; matcher(s) returns the
// test of element s on probe k, which spends budget. Of two equal elements
// the later is reported; coverage is not, once the budget is exhausted.
func (c *checker) coveredElements(i int, field string, items []string, n int, budget *probe.Budget, matcher func(string) func(int) bool) {
	field = c.f.FieldName(i, field)
	dropped := make([]bool, len(items))
	first := map[string]int{}
	for j, s := range items {
		if k, ok := first[s]; ok {
			dropped[j] = true
			c.add(Finding{
				Code:     codeElement,
				Location: policy.Location{Statement: i, Field: field, Index: j, Value: s, Offset: 0},
				Message:  fmt.Sprintf("%q repeats element %d of %s: remove it", s, k, field),
			})
			continue
		}
		first[s] = j
	}
	if len(items) < 2 || len(items) > maxElements {
		return
	}
	words := (n + 63) / 64
	sets := make([][]uint64, len(items))
	for j, s := range items {
		m := matcher(s)
		if m == nil {
			return // an element that does not compile: no comparison
		}
		sets[j] = make([]uint64, words)
		for k := 0; k < n; k++ {
			if m(k) {
				sets[j][k/64] |= 1 << (k % 64)
			}
		}
		if budget.Exhausted() {
			return
		}
	}
	if !budget.Spend(int64(len(items)) * int64(len(items)) * int64(words+1)) {
		return // the sets are not complete
	}
	for j := len(items) - 1; j >= 0; j-- {
		if dropped[j] || isEmpty(sets[j]) {
			continue
		}
		for k := range items {
			if k == j || dropped[k] {
				continue
			}
			covered := true
			for w := range sets[j] {
				if sets[j][w]&^sets[k][w] != 0 {
					covered = false
					break
				}
			}
			if covered {
				dropped[j] = true
				verb, how := "seems covered", probed
				if items[k] == "*" {
					verb, how = "is covered", "" // "*" covers everything: no probing needed
				}
				c.add(Finding{
					Code:     codeElement,
					Location: policy.Location{Statement: i, Field: field, Index: j, Value: items[j], Offset: 0},
					Message:  fmt.Sprintf("%q %s by %q, element %d of %s%s: remove it", items[j], verb, items[k], k, field, how),
				})
				break
			}
		}
	}
}

// joinAnd joins words as "a, b and c".
func joinAnd(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}
