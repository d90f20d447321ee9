package main

import (
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/ldpolicy/ldpolicy/policy"
	"github.com/ldpolicy/ldpolicy/policytest"
)

const testUsage = `usage: ldpolicy test [flags] [PATH...]

Test runs policy tests: files that name a policy, or hold it inline, and
list accesses and events with the decision each must get.

A PATH is a test file, read whatever its name; "-", one test file read
from stdin, as YAML (JSON is YAML too); or a directory, searched
recursively and in name order (leaving out directories and files whose
names start with ".", and the symbolic links found) for the files named
NAME.ldtest.yaml, NAME.ldtest.yml or NAME.ldtest.json. The default is ".".
A file whose name ends in ".json" is read as JSON, any other as YAML. A
directory without test files is bad usage, and then nothing runs.

` + excludeUsage + `
	# webhook.ldtest.yaml
	policy: ../policies/webhook.json     # or the policy inline
	metadata: ../metadata.json           # optional
	cases:
	  - name: deleting a production flag is not delivered
	    action: deleteFlag
	    resource: proj/default:env/production:flag/dark-mode
	    expect: deny                     # allow or deny
	    statement: 1                     # optional: the deciding statement, or none
	  - event: ../events/flag-created.json
	    expect: delivered                # delivered or not delivered

Fields of a test file:

	policy         the path of a policy file, relative to the test file; or the
	               policy inline: a list of statements, or a webhook or role
	               object with "statements" or "policy" (required). The path
	               may name a Terraform source, with #ADDRESS for one of its
	               resources: ../infra/main.tf#launchdarkly_webhook.prod;
	               never an ld: source, so that a test decides the same
	               wherever it runs
	context        webhook (default) or role: what an empty policy means
	attributes     role attributes and their values, patterns: {projects: [alpha, "team-*"]}
	lenient        true reads the ":/flag/" typo as ":flag/", with a warning
	metadata       tags, properties and views of resources: the path of a
	               metadata file (the format of eval --metadata), or the same
	               object inline
	mode           for events: any (default) or all accesses must be allowed
	cases          the cases, at least one (required)

Fields of a case:

	name           a name, unique in the file (optional)
	action         an access: its action and resource; the resource may carry
	resource       metadata inline: "proj/p:env/qa;qa_test:flag/f"
	event          or an event: the path of a payload file, or the payload inline
	accesses       or an event given by its accesses: [{action: ..., resource: ...}]
	metadata       metadata for this case only, inline; it comes before the file's
	mode           for an event: any or all
	expect         allow or deny for an access; delivered or not delivered for
	               an event (required)
	statement      the index of the statement that must decide, or none when no
	               statement may apply (optional). For an event, the deciding
	               statement of the access that decided the delivery.
	indeterminate  true when the decision must depend on metadata nobody
	               supplied; by default such a decision fails the case

The paths of the files a test file names (policy, metadata, event) are
relative to the test file's directory; for the test file on stdin, to the
current directory. An unknown or duplicate field is an error, reported with
its line and column. A case passes when its decision is the expected one,
decided by the expected statement if one is given, and indeterminate only
if expected.

The text output shows each failing case (every case with -v) with the
explanation of its decision, as eval gives it, then a line per file (ok,
FAIL, or ERROR for a file that cannot be run) and a total. Problems with
test, policy, metadata and event files go to stderr. --format json writes
NDJSON: a "case" record per case, an "error" record per file that cannot be
run, a "coverage" record per policy with --coverage, and a "summary" record.
--format junit writes JUnit XML: a testsuite per file, a testcase per case,
with a failure element for each failing case and an error element for a
file that cannot be run.

Coverage (--coverage) counts, for each statement of each policy, the cases
it decided: the deciding statement of a case's decision. A statement that
applied but was overridden (an allow beside an applying deny) did not
decide. The coverage of a run is the share of the statements of all the
policies tested that decided at least one case; a policy tested by several
files counts once, with their cases together. The statements that decided
no case are listed. Percentages are cut, not rounded, to a tenth (2 of 3
statements are 66.6%), and --min-coverage compares that; JSON records give
them exact.

Exit status: 0 when every case passed (and the coverage is at least
--min-coverage); 1 when a case failed or the coverage is below
--min-coverage; 2 for bad usage, or a test file, or a file it names, that
cannot be read or is invalid.

Flags:
`

// testFlags are the flags of ldpolicy test.
type testFlags struct {
	format      string
	coverage    bool
	minCoverage float64
	minSet      bool // --min-coverage was given
	runRE       string
	run         *regexp.Regexp // runRE compiled
	verbose     bool
	exclude     excludeFlag
}

func (tf *testFlags) register(fs *flag.FlagSet) {
	fs.Var(newFormatFlag(&tf.format, "text", "json", "junit"), "format", "output `format`: text, json or junit")
	fs.BoolVar(&tf.coverage, "coverage", false, "report how many cases each statement decided, and the statements that decided none")
	fs.Float64Var(&tf.minCoverage, "min-coverage", 0, "fail when less than `PCT` percent of the statements decided a case (implies --coverage)")
	fs.StringVar(&tf.runRE, "run", "", "run only the cases whose name (or, without one, title) matches `REGEXP`")
	fs.BoolVar(&tf.verbose, "v", false, "show the cases that pass too")
	tf.exclude.register(fs)
}

// check reports bad usage, and completes the flags: --min-coverage
// implies --coverage, and --run is compiled.
func (tf *testFlags) check(fs *flag.FlagSet, paths []string) error {
	if stdinReaders(paths) > 1 {
		return usagef("test", "stdin can be read only once")
	}
	tf.minSet = flagGiven(fs, "min-coverage")
	if tf.minCoverage < 0 || tf.minCoverage > 100 {
		return usagef("test", "--min-coverage must be a percentage from 0 to 100, not %v", tf.minCoverage)
	}
	tf.coverage = tf.coverage || tf.minSet
	if tf.runRE != "" {
		var err error
		if tf.run, err = regexp.Compile(tf.runRE); err != nil {
			return usagef("test", "--run: %v", err)
		}
	}
	return nil
}

func runTest(tf *testFlags, paths []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(paths) == 0 {
		paths = []string{"."}
	}
	files, err := testWalker(tf.exclude).find(paths, stderr)
	if err != nil {
		return err
	}
	runs, cov := runTestFiles(files, tf.run, stdin, stderr)
	t := tally(runs)
	if tf.run != nil && t.cases == 0 && t.errors == 0 {
		fmt.Fprintf(stderr, "ldpolicy: test: warning: no case matches --run %q\n", tf.runRE)
	}
	below := tf.coverage && shownPercent(cov.Percent()) < tf.minCoverage
	if below {
		fmt.Fprintf(stderr, "ldpolicy: test: coverage %s is below --min-coverage %v%%\n", formatPercent(cov.Percent()), tf.minCoverage)
	}
	if err := writeTestRuns(stdout, runs, t, cov, *tf, !below); err != nil {
		return err
	}
	switch {
	case t.errors > 0:
		return &exitError{code: exitUsage}
	case below || t.failed > 0:
		return &exitError{code: exitNo}
	}
	return nil
}

// runTestFiles runs the cases of the test files found (those whose title
// run matches, when run is not nil), "-" read from stdin, writing the
// problems of the files to stderr, and returns the runs and the coverage
// of their policies.
func runTestFiles(files []found, run *regexp.Regexp, stdin io.Reader, stderr io.Writer) ([]fileRun, *policytest.Coverage) {
	var runs []fileRun
	var cov policytest.Coverage
	var keep func(*policytest.Case) bool
	if run != nil {
		keep = func(c *policytest.Case) bool { return run.MatchString(c.Title()) }
	}
	for _, in := range files {
		r := fileRun{name: displayName(in.path), err: in.err}
		if r.err == nil {
			r.suite, r.err = loadTestFile(in.path, stdin)
		}
		if r.err != nil {
			writeTestProblems(stderr, r.err)
			runs = append(runs, r)
			continue
		}
		writeTestProblems(stderr, r.suite.Warnings())
		r.results = r.suite.Run(keep)
		cov.Add(r.suite, r.results)
		runs = append(runs, r)
	}
	return runs, &cov
}

// loadTestFile loads a test file, or for "-" the one on stdin, whose
// files are named relative to the current directory.
func loadTestFile(name string, stdin io.Reader) (*policytest.Suite, error) {
	if name != "-" {
		return policytest.Load(name)
	}
	data, err := readInput(name, stdin)
	if err != nil {
		return nil, errors.Unwrap(err)
	}
	return policytest.LoadSource(displayName(name), data)
}

// writeTestRuns writes the results of the runs in the format of the flags;
// covOK says whether the coverage is enough.
func writeTestRuns(stdout io.Writer, runs []fileRun, t totals, cov *policytest.Coverage, tf testFlags, covOK bool) error {
	var out []byte
	var err error
	switch tf.format {
	case "json":
		out, err = testJSON(runs, t, cov, tf, covOK)
	case "junit":
		out, err = testJUnit(runs, t, cov, tf)
	default:
		out = testText(runs, t, cov, tf, covOK)
	}
	if err != nil {
		return err
	}
	_, err = stdout.Write(out)
	return err
}

// shownPercent is a percentage as ldpolicy test shows it and compares it
// with --min-coverage: cut, not rounded, to a tenth, so that it never
// shows more coverage than there is (2 of 3 statements are 66.6%).
func shownPercent(p float64) float64 { return math.Floor(p*10+1e-9) / 10 }

func formatPercent(p float64) string { return strconv.FormatFloat(shownPercent(p), 'f', 1, 64) + "%" }

// fileRun is what running one test file gave.
type fileRun struct {
	name    string
	suite   *policytest.Suite
	results []policytest.Result
	err     error // why the file could not be run
}

func (r *fileRun) failed() int {
	n := 0
	for i := range r.results {
		if !r.results[i].Passed() {
			n++
		}
	}
	return n
}

// totals are the counts of a run.
type totals struct {
	files, cases, passed, failed, errors int
}

func tally(runs []fileRun) totals {
	var t totals
	for i := range runs {
		r := &runs[i]
		t.files++
		if r.err != nil {
			t.errors++
			continue
		}
		f := r.failed()
		t.cases += len(r.results)
		t.failed += f
		t.passed += len(r.results) - f
	}
	return t
}

// problems returns the problems of an error as a list.
func problems(err error) policytest.ErrorList {
	var errs policytest.ErrorList
	if errors.As(err, &errs) {
		return errs
	}
	return policytest.ErrorList{{Offset: -1, Err: err}}
}

// writeTestProblems writes problems for people, with a caret under the
// byte at fault in a resource or specifier.
func writeTestProblems(w io.Writer, err error) {
	if err == nil {
		return
	}
	var errs policytest.ErrorList
	if !errors.As(err, &errs) {
		fmt.Fprintf(w, "ldpolicy: %v\n", err)
		return
	}
	var b strings.Builder
	srcs := sources{}
	for _, e := range errs {
		b.WriteString(e.Error())
		b.WriteString("\n")
		b.WriteString(srcs.caret(e.Pos, e.Value, e.Offset))
	}
	io.WriteString(w, b.String())
}

// --- text

func testText(runs []fileRun, t totals, cov *policytest.Coverage, tf testFlags, covOK bool) []byte {
	var b strings.Builder
	width := 0
	for _, r := range runs {
		width = max(width, len(r.name))
	}
	for i := range runs {
		r := &runs[i]
		for j := range r.results {
			res := &r.results[j]
			if res.Passed() && !tf.verbose {
				continue
			}
			writeCase(&b, r, res)
		}
		status, detail := "ok", ""
		switch f := r.failed(); {
		case r.err != nil:
			n := len(problems(r.err))
			status, detail = "ERROR", fmt.Sprintf("%d problem%s", n, plural(n))
		case f > 0:
			status, detail = "FAIL", fmt.Sprintf("%d passed, %d failed", len(r.results)-f, f)
		case len(r.results) == 0:
			detail = "no cases run"
		default:
			detail = fmt.Sprintf("%d passed", len(r.results))
		}
		fmt.Fprintf(&b, "%-5s  %-*s  %s\n", status, width, r.name, detail)
	}
	if tf.coverage {
		writeCoverage(&b, cov)
	}
	status := "ok"
	if t.failed > 0 || t.errors > 0 || !covOK {
		status = "FAIL"
	}
	fmt.Fprintf(&b, "%s: %d case%s in %d file%s: %d passed, %d failed", status, t.cases, plural(t.cases), t.files, plural(t.files), t.passed, t.failed)
	if t.errors > 0 {
		fmt.Fprintf(&b, "; %d file%s could not be run", t.errors, plural(t.errors))
	}
	if tf.coverage {
		covered, total := cov.Covered()
		fmt.Fprintf(&b, "; coverage %s (%d of %d statement%s)", formatPercent(cov.Percent()), covered, total, plural(total))
		if !covOK {
			fmt.Fprintf(&b, ", below %v%%", tf.minCoverage)
		}
	}
	b.WriteString("\n")
	return []byte(b.String())
}

// writeCase writes a case's result, with the explanation of its decision.
func writeCase(b *strings.Builder, r *fileRun, res *policytest.Result) {
	c := res.Case
	status := "PASS"
	if !res.Passed() {
		status = "FAIL"
	}
	fmt.Fprintf(b, "--- %s: %s:%d: %s\n", status, r.name, c.Pos.Line, c.Title())
	indent(b, "    ", explainResult(r.suite.Policy, res))
}

// explainResult is the text that explains a result: what differs from the
// expectation, then the decision as eval explains it.
func explainResult(set *policy.Set, res *policytest.Result) string {
	var b strings.Builder
	c := res.Case
	if !c.IsEvent() && c.Name != "" {
		fmt.Fprintf(&b, "%s on %s\n", c.Action, c.Resource)
	}
	if c.Event != "" && c.Name != "" {
		fmt.Fprintf(&b, "event %s\n", c.Event)
	}
	for _, f := range res.Failures {
		b.WriteString(f)
		b.WriteString("\n")
	}
	o := &output{w: &b, set: set}
	if c.IsEvent() {
		o.event(res.Accesses, res.Explanations, res.Delivery)
	} else {
		o.access(c.Action, res.Explanations[0])
	}
	return b.String()
}

func indent(b *strings.Builder, prefix, text string) {
	for _, line := range strings.SplitAfter(text, "\n") {
		if line != "" {
			b.WriteString(prefix)
			b.WriteString(line)
		}
	}
}

func writeCoverage(b *strings.Builder, cov *policytest.Coverage) {
	for _, p := range cov.Policies() {
		fmt.Fprintf(b, "coverage of %s: %d of %d statement%s (%s)\n", p.Name, p.Covered(), len(p.Decided), plural(len(p.Decided)), formatPercent(p.Percent()))
		idxW, cntW := len(strconv.Itoa(len(p.Decided)-1)), 1
		for _, n := range p.Decided {
			cntW = max(cntW, len(strconv.Itoa(n)))
		}
		for i, n := range p.Decided {
			fmt.Fprintf(b, "  statement %-*d  %*d %-5s  %s\n", idxW, i, cntW, n, "case"+plural(n), p.Statements[i])
		}
		if un := p.Unexercised(); len(un) > 0 {
			list := make([]string, len(un))
			for i, s := range un {
				list[i] = strconv.Itoa(s)
			}
			fmt.Fprintf(b, "  not exercised: statement%s %s\n", plural(len(un)), strings.Join(list, ", "))
		}
	}
}

// --- JSON

// caseRecord is a case in --format json.
type caseRecord struct {
	Type            string       `json:"type"` // "case"
	File            string       `json:"file"`
	Line            int          `json:"line"`
	Case            int          `json:"case"` // index in the file's cases
	Name            string       `json:"name,omitempty"`
	Title           string       `json:"title"`
	Passed          bool         `json:"passed"`
	Failures        []string     `json:"failures"`
	Expect          string       `json:"expect"`
	Outcome         string       `json:"outcome"`
	Indeterminate   bool         `json:"indeterminate"`
	ExpectStatement any          `json:"expectStatement,omitempty"` // an index, "none", or absent
	Statement       *int         `json:"statement"`                 // null when no statement decided
	Event           string       `json:"event,omitempty"`
	Mode            string       `json:"mode,omitempty"` // for events
	Reason          string       `json:"reason"`
	Accesses        []accessJSON `json:"accesses"`
}

// errorRecord is a file that cannot be run.
type errorRecord struct {
	Type     string          `json:"type"` // "error"
	File     string          `json:"file"`
	Problems []problemRecord `json:"problems"`
}

type problemRecord struct {
	Severity string `json:"severity"` // "error" or "warning"
	File     string `json:"file"`     // the test file, or a file it names
	Line     int    `json:"line"`     // 0 when not known
	Column   int    `json:"column"`   // 0 when not known
	Path     string `json:"path"`     // such as "cases[2].expect"
	Value    string `json:"value,omitempty"`
	Offset   int    `json:"offset"` // the byte offset in Value; -1 without one
	Message  string `json:"message"`
}

type coverageRecord struct {
	Type        string  `json:"type"` // "coverage"
	Policy      string  `json:"policy"`
	Statements  int     `json:"statements"`
	Covered     int     `json:"covered"`
	Percent     float64 `json:"percent"`
	Decided     []int   `json:"decided"` // cases decided, by statement
	Unexercised []int   `json:"unexercised"`
}

type summaryRecord struct {
	Type        string   `json:"type"` // "summary"
	OK          bool     `json:"ok"`
	Files       int      `json:"files"`
	Cases       int      `json:"cases"`
	Passed      int      `json:"passed"`
	Failed      int      `json:"failed"`
	Errors      int      `json:"errors"` // files that could not be run
	Coverage    *float64 `json:"coverage,omitempty"`
	MinCoverage *float64 `json:"minCoverage,omitempty"`
}

func newCaseRecord(r *fileRun, res *policytest.Result) caseRecord {
	c := res.Case
	rec := caseRecord{
		Type: "case", File: r.name, Line: c.Pos.Line, Case: c.Index, Name: c.Name, Title: c.Title(),
		Passed: res.Passed(), Failures: res.Failures, Expect: string(c.Expect), Outcome: string(res.Outcome),
		Indeterminate: res.Indeterminate, Event: c.Event, Accesses: make([]accessJSON, len(res.Accesses)),
	}
	if rec.Failures == nil {
		rec.Failures = []string{}
	}
	switch {
	case c.Statement == nil:
	case *c.Statement < 0:
		rec.ExpectStatement = "none"
	default:
		rec.ExpectStatement = *c.Statement
	}
	if res.Statement >= 0 {
		s := res.Statement
		rec.Statement = &s
	}
	for i, a := range res.Accesses {
		rec.Accesses[i] = accessJSON{a, res.Explanations[i].Decision}
	}
	if c.IsEvent() {
		rec.Mode = map[policy.Mode]string{policy.AnyAccess: "any", policy.EveryAccess: "all"}[c.Mode]
		rec.Reason = res.Delivery.Reason()
	} else {
		rec.Reason = res.Explanations[0].Decision.Reason()
	}
	return rec
}

func newProblemRecords(err error) []problemRecord {
	var recs []problemRecord
	for _, e := range problems(err) {
		severity := "error"
		if e.Warning {
			severity = "warning"
		}
		recs = append(recs, problemRecord{
			Severity: severity, File: e.Pos.Filename, Line: e.Pos.Line, Column: e.Pos.Column,
			Path: e.Path, Value: e.Value, Offset: e.Offset, Message: e.Message(),
		})
	}
	return recs
}

func testJSON(runs []fileRun, t totals, cov *policytest.Coverage, tf testFlags, covOK bool) ([]byte, error) {
	var b strings.Builder
	o := &output{w: &b}
	write := func(v any) error { return o.writeJSON(v) }
	for i := range runs {
		r := &runs[i]
		if r.err != nil {
			probs := newProblemRecords(r.err)
			for j := range probs {
				if probs[j].File == "" {
					probs[j].File = r.name
				}
			}
			if err := write(errorRecord{"error", r.name, probs}); err != nil {
				return nil, err
			}
			continue
		}
		for j := range r.results {
			if err := write(newCaseRecord(r, &r.results[j])); err != nil {
				return nil, err
			}
		}
	}
	sum := summaryRecord{Type: "summary", OK: t.failed == 0 && t.errors == 0 && covOK,
		Files: t.files, Cases: t.cases, Passed: t.passed, Failed: t.failed, Errors: t.errors}
	if tf.coverage {
		for _, p := range cov.Policies() {
			rec := coverageRecord{"coverage", p.Name, len(p.Decided), p.Covered(), p.Percent(), p.Decided, p.Unexercised()}
			if rec.Unexercised == nil {
				rec.Unexercised = []int{}
			}
			if err := write(rec); err != nil {
				return nil, err
			}
		}
		pct, min := cov.Percent(), tf.minCoverage
		sum.Coverage = &pct
		if tf.minSet {
			sum.MinCoverage = &min
		}
	}
	if err := write(sum); err != nil {
		return nil, err
	}
	return []byte(b.String()), nil
}

// --- JUnit

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string           `xml:"name,attr"`
	Tests      int              `xml:"tests,attr"`
	Failures   int              `xml:"failures,attr"`
	Errors     int              `xml:"errors,attr"`
	Skipped    int              `xml:"skipped,attr"`
	Properties *junitProperties `xml:"properties,omitempty"`
	Cases      []junitCase      `xml:"testcase"`
}

type junitProperties struct {
	List []junitProperty `xml:"property"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	File      string        `xml:"file,attr,omitempty"`
	Line      int           `xml:"line,attr,omitempty"`
	Failure   *junitProblem `xml:"failure,omitempty"`
	Error     *junitProblem `xml:"error,omitempty"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",cdata"`
}

func testJUnit(runs []fileRun, t totals, cov *policytest.Coverage, tf testFlags) ([]byte, error) {
	doc := junitSuites{Name: "ldpolicy test", Tests: t.cases + t.errors, Failures: t.failed, Errors: t.errors}
	byName := map[string]*policytest.PolicyCoverage{}
	for _, p := range cov.Policies() {
		byName[p.Name] = p
	}
	for i := range runs {
		r := &runs[i]
		s := junitSuite{Name: r.name}
		if r.err != nil {
			var text strings.Builder
			writeTestProblems(&text, r.err)
			first := problems(r.err)[0]
			s.Tests, s.Errors = 1, 1
			s.Cases = []junitCase{{Name: "load " + r.name, Classname: r.name, File: r.name,
				Error: &junitProblem{Message: first.Error(), Type: "invalid", Text: xmlText(text.String())}}}
			doc.Suites = append(doc.Suites, s)
			continue
		}
		props := []junitProperty{{"policy", r.suite.PolicyName}}
		if p := byName[r.suite.PolicyName]; tf.coverage && p != nil {
			un := make([]string, 0, len(p.Unexercised()))
			for _, i := range p.Unexercised() {
				un = append(un, strconv.Itoa(i))
			}
			props = append(props,
				junitProperty{"coverage.statements", strconv.Itoa(len(p.Decided))},
				junitProperty{"coverage.covered", strconv.Itoa(p.Covered())},
				junitProperty{"coverage.percent", strconv.FormatFloat(shownPercent(p.Percent()), 'f', 1, 64)},
				junitProperty{"coverage.unexercised", strings.Join(un, ",")})
		}
		s.Properties = &junitProperties{props}
		s.Tests, s.Failures = len(r.results), r.failed()
		for j := range r.results {
			res := &r.results[j]
			c := junitCase{Name: res.Case.Title(), Classname: r.name, File: r.name, Line: res.Case.Pos.Line}
			if !res.Passed() {
				c.Failure = &junitProblem{Message: strings.Join(res.Failures, "; "), Type: "mismatch", Text: xmlText(explainResult(r.suite.Policy, res))}
			}
			s.Cases = append(s.Cases, c)
		}
		doc.Suites = append(doc.Suites, s)
	}
	out, err := xml.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, err
	}
	return append([]byte(xml.Header), append(out, '\n')...), nil
}

// xmlText replaces the characters that XML 1.0 does not allow, which a
// CDATA section cannot escape, with U+FFFD.
func xmlText(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r',
			r >= 0x20 && r <= 0xD7FF, r >= 0xE000 && r <= 0xFFFD, r >= 0x10000 && r <= 0x10FFFF:
			return r
		}
		return '\uFFFD'
	}, s)
}
