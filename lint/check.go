package lint

import (
	"errors"
	"fmt"
	"sort"

	"github.com/ldpolicy/ldpolicy/internal/probe"
	"github.com/ldpolicy/ldpolicy/match"
	"github.com/ldpolicy/ldpolicy/policy"
	"github.com/ldpolicy/ldpolicy/resource"
)

// Options control a check.
type Options struct {
	// Policy are the options the policy is compiled with: its context
	// (an empty webhook policy is no filter, an empty role grants nothing),
	// the role attributes bound, and whether the ":/flag/" typo is accepted.
	Policy policy.Options
	// Suppress leaves out the findings that these suppressions match.
	Suppress []Suppression
	// Budget bounds the work of comparing the statements (LDP201 to
	// LDP204, LDP206), in the steps of match.Pattern.Cost; 0 stands for
	// DefaultBudget. A comparison that exhausts it stops, and LDP200 says
	// what was not checked.
	Budget int64
	// MaxFindings, when positive, bounds the findings kept: a hostile file
	// can have one for every few bytes. The most severe are kept, the
	// earliest first; the others are only counted ([Report.Counts]). The
	// memory a check holds is then proportional to MaxFindings, beside
	// the decoded policy, which policy.MaxFileSize bounds.
	MaxFindings int
}

// Report is what a check found in one file.
type Report struct {
	// Findings are in file order, with the suppressed ones left out: all
	// of them, or at most Options.MaxFindings.
	Findings []Finding
	// Counts counts the findings by severity (Counts[Error], ...), those
	// that MaxFindings left out of Findings included.
	Counts [Error + 1]int
}

// Omitted returns how many findings were counted but left out of
// Findings.
func (r *Report) Omitted() int {
	return r.Counts[Info] + r.Counts[Warning] + r.Counts[Error] - len(r.Findings)
}

// CheckSource decodes a policy file and checks it. A file that does not
// decode gets the findings of its decoding and validation problems only
// (codes LDP001 to LDP007); one that does is checked by [Check]. The
// error is for options that are not valid, such as a role attribute bound
// to a value that is not a key.
func CheckSource(name string, data []byte, opts Options) (*Report, error) {
	if err := checkOptions(opts); err != nil {
		return nil, err
	}
	f, err := policy.ParseFile(name, data)
	if err == nil {
		return Check(f, opts)
	}
	var decodeErrs policy.ErrorList
	if !errors.As(err, &decodeErrs) {
		return nil, err
	}
	// Load reports the decoding problems together with the validation
	// problems of what did decode; tell them apart to give them codes.
	decoded := map[string]bool{}
	for _, e := range decodeErrs {
		decoded[e.Error()] = true
	}
	_, err = policy.Load(name, data, opts.Policy)
	var all policy.ErrorList
	if !errors.As(err, &all) {
		all = decodeErrs
	}
	c := newChecker(nil, opts)
	for _, e := range all {
		c.fromError(e, decoded[e.Error()])
	}
	return c.finish(), nil
}

// Check checks a decoded policy file: it validates it as
// [policy.File.Compile] does, reporting each problem as a finding, and
// then runs every rule of [Rules] that applies. Findings are in file
// order, with the suppressed ones left out. The error is for options that
// are not valid.
func Check(f *policy.File, opts Options) (*Report, error) {
	if err := checkOptions(opts); err != nil {
		return nil, err
	}
	c := newChecker(f, opts)
	c.run()
	return c.finish(), nil
}

// checkOptions checks the names of the role attributes bound, which
// policy.Compile would report as problems of the policy. A malformed
// value is a finding (LDP111) where a specifier names the attribute.
func checkOptions(opts Options) error {
	for name := range opts.Policy.Attributes {
		if !resource.IsKey(name) {
			return fmt.Errorf("lint: role attribute name %q is not a key", name)
		}
	}
	return nil
}

// checker collects the findings of one file.
type checker struct {
	f    *policy.File
	opts Options
	// findings are those kept: all of them, or the best of them by
	// severity and position once there are more than opts.MaxFindings
	// (see keep); counts counts them all, and used marks the suppressions
	// that matched one.
	findings []Finding
	counts   [Error + 1]int
	used     []bool
	// about marks the statements that have a finding, suppressed or not.
	about map[int]bool
	// unbound lists the role attributes that specifiers name and opts do
	// not bind; the analyses bind each to a key of its own.
	unbound map[string]bool
	attrs   map[string][]string // the bindings the analyses use
	// explained marks the statements that a finding already says never
	// apply (LDP101 on every resource, LDP107), so LDP201 does not repeat
	// it.
	explained map[int]bool
	budget    *probe.Budget // spent by the comparison of the statements
	// base are the base permissions of a policy checked as a custom role,
	// and assumed says that the file does not give them.
	base    policy.BasePermissions
	assumed bool
}

// newChecker returns the checker of f. The context of the check is the
// file's own when it says what it is, a webhook or a custom role object,
// and the caller's for a bare list of statements (a webhook by default).
func newChecker(f *policy.File, opts Options) *checker {
	c := &checker{f: f, opts: opts, used: make([]bool, len(opts.Suppress)), about: map[int]bool{}}
	if f == nil {
		return c
	}
	switch f.Kind {
	case policy.RoleFile:
		c.opts.Policy.Context = policy.Role
	case policy.WebhookFile:
		c.opts.Policy.Context = policy.Webhook
	}
	if c.role() {
		c.base, c.assumed = f.RoleBasePermissions()
	}
	return c
}

// role reports whether the policy is checked as a custom role.
func (c *checker) role() bool { return c.opts.Policy.Context == policy.Role }

func (c *checker) run() {
	if c.role() && c.assumed {
		if c.f.Kind == policy.RoleFile {
			c.add(Finding{Code: codeBase, Location: wholePolicy(), Message: "the custom role gives no \"basePermissions\": checked as \"no_access\", the default of LaunchDarkly's REST API (Terraform's default is \"reader\"); add \"basePermissions\" to say which"})
		} else {
			c.add(Finding{Code: codeBase, Location: wholePolicy(), Message: "a list of statements has no base permissions: checked as a custom role with \"no_access\", the default of LaunchDarkly's REST API; a custom role object, with \"policy\" and \"basePermissions\", says which"})
		}
	}
	popts := c.analysisOptions()
	c.attrs = popts.Attributes
	set, err := c.f.Compile(popts)
	var errs policy.ErrorList
	switch {
	case errors.As(err, &errs):
		for _, e := range errs {
			c.fromError(e, false)
		}
	case err == nil:
		for _, e := range set.Warnings() {
			c.fromError(e, false)
		}
	}
	c.explained = map[int]bool{}
	for i, st := range c.f.Statements {
		c.checkStatement(i, st)
	}
	if err == nil {
		c.analyse(set)
	}
}

// analysisOptions are the options the policy is compiled with: the
// caller's, with every unbound role attribute bound to a key of its own,
// so that the analyses judge a policy with role attributes as a member
// with some value would have it (LDP107 reports them unbound).
func (c *checker) analysisOptions() policy.Options {
	opts := c.opts.Policy
	c.unbound = map[string]bool{}
	for _, st := range c.f.Statements {
		for _, l := range [][]string{st.Resources, st.NotResources} {
			for _, s := range l {
				spec, err := parseSpecifier(s, opts.Lenient)
				if err != nil {
					continue
				}
				for _, n := range names(spec) {
					if _, ok := opts.Attributes[n.Attribute]; n.Attribute != "" && !ok {
						c.unbound[n.Attribute] = true
					}
				}
			}
		}
	}
	// Malformed values, which LDP111 reports, are left out: policy.Compile
	// would reject the policy for them.
	malformed := false
	for name, values := range opts.Attributes {
		for _, v := range values {
			malformed = malformed || resource.CheckValue(name, v) != nil
		}
	}
	if len(c.unbound) == 0 && !malformed {
		return opts
	}
	attrs := make(map[string][]string, len(opts.Attributes)+len(c.unbound))
	for k, values := range opts.Attributes {
		attrs[k] = []string{}
		for _, v := range values {
			if resource.CheckValue(k, v) == nil {
				attrs[k] = append(attrs[k], v)
			}
		}
		if len(values) > 0 && len(attrs[k]) == 0 {
			// Every value is malformed: judge the policy as a member
			// with some well-formed value would have it.
			attrs[k] = []string{"value-of-" + k}
		}
	}
	for name := range c.unbound {
		attrs[name] = []string{"value-of-" + name}
	}
	opts.Attributes = attrs
	return opts
}

// fromError turns a decoding or validation problem into a finding.
func (c *checker) fromError(e *policy.Error, decoding bool) {
	c.keep(errorFinding(e, decoding))
}

// SourceProblem returns the finding of a problem that stopped a policy from
// being read from a source other than a policy file, as package terraform
// reports them: a problem decoding its statements, a *policy.Error that err
// wraps, has the code that CheckSource gives it (LDP001 or LDP002), at its
// own position; any other, such as a value of a Terraform source known
// only when Terraform runs, is LDP009, at pos.
func SourceProblem(pos policy.Position, err error) Finding {
	var pe *policy.Error
	if errors.As(err, &pe) {
		return errorFinding(pe, true)
	}
	loc := wholePolicy()
	loc.Pos = pos
	return Finding{Code: codeSource, Severity: Error, Message: err.Error(), Location: loc}
}

// errorFinding is the finding of a decoding or validation problem.
func errorFinding(e *policy.Error, decoding bool) Finding {
	code := codeList
	var rs *resource.SyntaxError
	var ms *match.SyntaxError
	switch {
	case decoding && e.Statement < 0:
		code = codeFile
	case decoding:
		code = codeStatement
	case e.Statement < 0:
		code = codeFile
	case e.Field == "effect":
		code = codeEffect
	case errors.As(e.Err, &rs) && rs.Fix != "":
		code = codeTypo
	case errors.As(e.Err, &rs):
		code = codeResource
	case errors.As(e.Err, &ms):
		code = codeAction
	}
	sev := Error
	if e.Warning {
		sev = Warning
	}
	fd := Finding{Code: code, Severity: sev, Message: e.Message(), Location: e.Location}
	if rs != nil {
		fd.Fix = rs.Fix
	}
	if e.Value == "" {
		fd.Offset = -1
	}
	return fd
}

// add records a finding. The caller gives its Code, Message, Fix and
// Location: wholePolicy, wholeStatement or wholeField, or, for a finding
// about one element, the statement, field and index, the element as Value
// and the Offset of the byte at fault in it. add fills in the rest: the
// severity of the rule and, when the policy came from a file, the position
// in it and the field as the file spells it.
func (c *checker) add(fd Finding) {
	r, _ := LookupRule(fd.Code)
	fd.Severity = r.Severity
	if fd.Value == "" {
		fd.Offset = -1
	}
	if c.f != nil {
		if fd.Statement >= 0 {
			fd.Pos = c.f.Position(fd.Statement, fd.Field, fd.Index, fd.Offset)
			fd.Field = c.f.FieldName(fd.Statement, fd.Field)
		} else {
			fd.Pos = c.f.Position(-1, "", -1, -1)
		}
	}
	c.keep(fd)
}

// wholePolicy is the location of a finding about the policy as a whole.
func wholePolicy() policy.Location {
	return policy.Location{Statement: -1, Index: -1, Offset: -1}
}

// wholeStatement is the location of a finding about statement i as a
// whole.
func wholeStatement(i int) policy.Location {
	return policy.Location{Statement: i, Index: -1, Offset: -1}
}

// wholeField is the location of a finding about a field of statement i as
// a whole, such as "notResources".
func wholeField(i int, field string) policy.Location {
	return policy.Location{Statement: i, Field: field, Index: -1, Offset: -1}
}

// keep counts a finding and keeps it unless a suppression matches it. With
// opts.MaxFindings set, it keeps the findings that come first in the order
// of worse, and drops the others whenever twice as many are kept: memory
// stays proportional to MaxFindings.
func (c *checker) keep(fd Finding) {
	if fd.Statement >= 0 {
		c.about[fd.Statement] = true
	}
	suppressed := false
	for i, s := range c.opts.Suppress {
		if s.matches(fd) {
			c.used[i], suppressed = true, true
		}
	}
	if suppressed {
		return
	}
	c.counts[fd.Severity]++
	c.findings = append(c.findings, fd)
	if k := c.opts.MaxFindings; k > 0 && len(c.findings) >= 2*k {
		sort.SliceStable(c.findings, func(i, j int) bool { return worse(c.findings[i], c.findings[j]) })
		clear(c.findings[k:])
		c.findings = c.findings[:k]
	}
}

// worse orders findings by severity, the most severe first, then in file
// order.
func worse(a, b Finding) bool {
	if a.Severity != b.Severity {
		return a.Severity > b.Severity
	}
	return before(a, b)
}

// before orders findings in file order.
func before(a, b Finding) bool {
	if a.Pos.Filename != b.Pos.Filename {
		return a.Pos.Filename < b.Pos.Filename
	}
	if a.Pos.Offset != b.Pos.Offset {
		return a.Pos.Offset < b.Pos.Offset
	}
	if a.Statement != b.Statement {
		return a.Statement < b.Statement
	}
	return a.Code < b.Code
}

// finish reports the suppressions that matched nothing, keeps at most
// opts.MaxFindings findings, and sorts them in file order.
func (c *checker) finish() *Report {
	for i, s := range c.opts.Suppress {
		if !c.used[i] && s.Pos.IsValid() {
			what := s.Code
			if s.Path != "" {
				what += " at " + s.Path
			}
			c.counts[Info]++
			c.findings = append(c.findings, Finding{
				Code: codeSuppression, Severity: Info, Location: policy.Location{Pos: s.Pos, Statement: -1, Index: -1, Offset: -1},
				Message: fmt.Sprintf("suppression of %s matches no finding: remove it", what),
			})
		}
	}
	out := c.findings
	if k := c.opts.MaxFindings; k > 0 && len(out) > k {
		sort.SliceStable(out, func(i, j int) bool { return worse(out[i], out[j]) })
		out = out[:k]
	}
	sort.SliceStable(out, func(i, j int) bool { return before(out[i], out[j]) })
	return &Report{Findings: out, Counts: c.counts}
}
