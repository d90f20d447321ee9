package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// testFixtures are test files with cases that pass and fail, an event, an
// invalid file and a name that needs escaping in XML.
var testFixtures = map[string]string{
	"policy.json": `[
  {"effect": "allow", "actions": ["*"], "resources": ["proj/*:env/production:flag/*"]},
  {"effect": "deny", "actions": ["deleteFlag"], "resources": ["proj/*:env/*:flag/*"]},
  {"effect": "allow", "actions": ["*"], "resources": ["member/*"]}
]`,
	"a.ldtest.yaml": `policy: policy.json
cases:
  - {name: "passes <&> \"quoted\"", action: updateOn, resource: "proj/p:env/production:flag/f", expect: allow}
  - {name: fails, action: deleteFlag, resource: "proj/p:env/production:flag/f", expect: allow}
  - {name: "control \u0001 character", action: deleteFlag, resource: "proj/p:env/production:flag/f", expect: allow, statement: 0}
`,
	"b.ldtest.json": `{"policy": "policy.json", "cases": [
  {"accesses": [{"action": "updateOn", "resource": "proj/p:env/test:flag/f"}], "expect": "not delivered"},
  {"accesses": [{"action": "updateOn", "resource": "proj/p:env/production:flag/f"}], "expect": "not delivered"}
]}`,
	"c.ldtest.yaml": "policy: missing.json\ncases: [{action: a, resource: proj/p, expect: maybe}]\n",
}

// runTestCommand runs "ldpolicy test" with args in a directory holding
// testFixtures.
func runTestCommand(t *testing.T, args ...string) (stdout []byte, code int) {
	t.Helper()
	dir := t.TempDir()
	for name, data := range testFixtures {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o666); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)
	var out, errOut bytes.Buffer
	code = exitCode(run(append([]string{"test"}, args...), nil, &out, &errOut), &errOut)
	return out.Bytes(), code
}

// TestJUnitStructure decodes the JUnit XML of a run and checks that it has
// the structure JUnit readers expect: testsuites holding a testsuite per
// file holding a testcase per case, and counts that agree with the
// elements.
func TestJUnitStructure(t *testing.T) {
	out, code := runTestCommand(t, "--format", "junit", "--coverage", ".")
	if code != exitUsage {
		t.Errorf("exit status %d, want %d (a file cannot be run)", code, exitUsage)
	}
	type problem struct {
		Message string `xml:"message,attr"`
		Type    string `xml:"type,attr"`
		Text    string `xml:",chardata"`
	}
	type testcase struct {
		Name      string   `xml:"name,attr"`
		Classname string   `xml:"classname,attr"`
		Failure   *problem `xml:"failure"`
		Error     *problem `xml:"error"`
	}
	type property struct {
		Name  string `xml:"name,attr"`
		Value string `xml:"value,attr"`
	}
	type testsuite struct {
		Name       string     `xml:"name,attr"`
		Tests      int        `xml:"tests,attr"`
		Failures   int        `xml:"failures,attr"`
		Errors     int        `xml:"errors,attr"`
		Skipped    int        `xml:"skipped,attr"`
		Properties []property `xml:"properties>property"`
		Cases      []testcase `xml:"testcase"`
	}
	var doc struct {
		XMLName  xml.Name
		Tests    int         `xml:"tests,attr"`
		Failures int         `xml:"failures,attr"`
		Errors   int         `xml:"errors,attr"`
		Suites   []testsuite `xml:"testsuite"`
	}
	if !bytes.HasPrefix(out, []byte(`<?xml version="1.0" encoding="UTF-8"?>`+"\n")) {
		t.Errorf("no XML declaration:\n%s", out)
	}
	if err := xml.Unmarshal(out, &doc); err != nil {
		t.Fatalf("invalid XML: %v\n%s", err, out)
	}
	if doc.XMLName.Local != "testsuites" {
		t.Errorf("root element <%s>, want <testsuites>", doc.XMLName.Local)
	}
	var names []string
	tests, failures, errs := 0, 0, 0
	for _, s := range doc.Suites {
		names = append(names, s.Name)
		f, e := 0, 0
		for _, c := range s.Cases {
			if c.Name == "" || c.Classname != s.Name {
				t.Errorf("%s: testcase name %q, classname %q: want a name, and the suite's name as classname", s.Name, c.Name, c.Classname)
			}
			if c.Failure != nil {
				f++
				if c.Failure.Message == "" || !strings.Contains(c.Failure.Text, "reason:") {
					t.Errorf("%s: %s: failure without a message or an explanation: %+v", s.Name, c.Name, c.Failure)
				}
			}
			if c.Error != nil {
				e++
			}
		}
		if s.Tests != len(s.Cases) || s.Failures != f || s.Errors != e || s.Skipped != 0 {
			t.Errorf("%s: tests=%d failures=%d errors=%d skipped=%d, but %d testcases, %d failures, %d errors",
				s.Name, s.Tests, s.Failures, s.Errors, s.Skipped, len(s.Cases), f, e)
		}
		tests, failures, errs = tests+len(s.Cases), failures+f, errs+e
	}
	if doc.Tests != tests || doc.Failures != failures || doc.Errors != errs {
		t.Errorf("testsuites: tests=%d failures=%d errors=%d, but %d testcases, %d failures, %d errors",
			doc.Tests, doc.Failures, doc.Errors, tests, failures, errs)
	}
	// The fixtures: a.ldtest.yaml has 3 cases, 2 failing; b.ldtest.json 2,
	// 1 failing; c.ldtest.yaml cannot be run.
	if want := []string{"a.ldtest.yaml", "b.ldtest.json", "c.ldtest.yaml"}; strings.Join(names, " ") != strings.Join(want, " ") {
		t.Errorf("testsuites %q, want %q", names, want)
	}
	if tests != 6 || failures != 3 || errs != 1 {
		t.Errorf("%d testcases, %d failures, %d errors; want 6, 3, 1", tests, failures, errs)
	}
	if len(doc.Suites) == 3 {
		a := doc.Suites[0]
		if a.Cases[0].Name != `passes <&> "quoted"` {
			t.Errorf("testcase name %q, want the case's name", a.Cases[0].Name)
		}
		if a.Cases[2].Name != "control \uFFFD character" {
			t.Errorf("testcase name %q, want the control character replaced", a.Cases[2].Name)
		}
		props := map[string]string{}
		for _, p := range a.Properties {
			props[p.Name] = p.Value
		}
		if props["policy"] != "policy.json" || props["coverage.covered"] != "2" || props["coverage.unexercised"] != "2" {
			t.Errorf("properties %v, want the policy and its coverage", props)
		}
		if e := doc.Suites[2].Cases[0].Error; e == nil || !strings.Contains(e.Text, "missing.json") {
			t.Errorf("the invalid file's testcase has error %+v, want its problems", e)
		}
	}
}

// TestJSONRecords checks the records of --format json: one JSON object a
// line, a "case" record per case run, an "error" record per file that
// cannot be run, "coverage" records, and a "summary" record last whose
// counts agree with the others.
func TestJSONRecords(t *testing.T) {
	out, code := runTestCommand(t, "--format", "json", "--min-coverage", "10", ".")
	if code != exitUsage {
		t.Errorf("exit status %d, want %d", code, exitUsage)
	}
	var types []string
	passed, failed := 0, 0
	var summary struct {
		OK                                   bool
		Files, Cases, Passed, Failed, Errors int
		Coverage, MinCoverage                *float64
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		var rec map[string]any
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatalf("not a JSON object: %v\n%s", err, sc.Bytes())
		}
		typ, _ := rec["type"].(string)
		types = append(types, typ)
		switch typ {
		case "case":
			if rec["passed"] == true {
				passed++
			} else {
				failed++
			}
		case "summary":
			if err := json.Unmarshal(sc.Bytes(), &summary); err != nil {
				t.Fatal(err)
			}
		}
	}
	want := "case case case case case error coverage summary"
	if have := strings.Join(types, " "); have != want {
		t.Errorf("record types %q, want %q", have, want)
	}
	if summary.OK || summary.Files != 3 || summary.Cases != 5 || summary.Passed != passed || summary.Failed != failed || summary.Errors != 1 {
		t.Errorf("summary %+v, with %d cases passed and %d failed", summary, passed, failed)
	}
	if summary.Coverage == nil || *summary.Coverage != 200.0/3 || summary.MinCoverage == nil || *summary.MinCoverage != 10 {
		t.Errorf("summary coverage %v, minimum %v; want 66.67 and 10", summary.Coverage, summary.MinCoverage)
	}
}
