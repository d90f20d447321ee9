package lint

import (
	"strings"
	"testing"

	"github.com/ldpolicy/ldpolicy/policy"
)

// fixed checks the source src and applies the fixes of its findings.
func fixed(t *testing.T, src string, opts Options) (string, []Edit, []Unfixed) {
	t.Helper()
	f, err := policy.ParseFile("p.json", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	findings, err := findingsOf(Check(f, opts))
	if err != nil {
		t.Fatal(err)
	}
	edits, unfixed := FixEdits(f, findings)
	return string(ApplyEdits([]byte(src), edits)), edits, unfixed
}

func codesOf(edits []Edit) string {
	var codes []string
	for _, e := range edits {
		codes = append(codes, e.Finding.Code)
	}
	return strings.Join(codes, " ")
}

// TestFixEdits checks that the fixes of LDP007 and LDP110 replace exactly
// the JSON string of their element, escapes and Terraform's spellings
// included, and that the other fixes are not applied.
func TestFixEdits(t *testing.T) {
	src := "[\n" +
		"  {\"effect\":  \"allow\", \"actions\": [\"updateOnn\"],\n" +
		"   \"resources\": [\"proj/*:env/*;qa_*:/flag/*\", \"proj/*:env/*:flag/*;view:Check\\u006Fut\", \"proj\"]},\n" +
		"  {\"effect\": \"deny\", \"actions\": [\"*\"], \"not_resources\": [\"proj/*:env/*:flag/*;view:Beta\"]}\n" +
		"]\n"
	want := "[\n" +
		"  {\"effect\":  \"allow\", \"actions\": [\"updateOnn\"],\n" +
		"   \"resources\": [\"proj/*:env/*;qa_*:flag/*\", \"proj/*:env/*:flag/*;view:checkout\", \"proj\"]},\n" +
		"  {\"effect\": \"deny\", \"actions\": [\"*\"], \"not_resources\": [\"proj/*:env/*:flag/*;view:beta\"]}\n" +
		"]\n"
	have, edits, unfixed := fixed(t, src, Options{})
	if codesOf(edits) != "LDP007 LDP110 LDP110" || len(unfixed) > 0 {
		t.Fatalf("edits %s, unfixed %v; want LDP007, then LDP110 twice", codesOf(edits), unfixed)
	}
	if have != want {
		t.Errorf("fixed file\n%s\nwant\n%s", have, want)
	}
	// What is left has suggestions only: LDP102 and LDP109 are not applied.
	again, edits, unfixed := fixed(t, have, Options{})
	if again != have || len(edits) > 0 || len(unfixed) > 0 {
		t.Errorf("fixing the fixed file: edits %s, unfixed %v", codesOf(edits), unfixed)
	}
	f, _ := policy.ParseFile("p.json", []byte(have))
	findings, _ := findingsOf(Check(f, Options{}))
	var codes []string
	for _, fd := range findings {
		codes = append(codes, fd.Code)
		if _, err := FixEdit(f, fd); err == nil {
			t.Errorf("%s: FixEdit makes an edit", fd)
		}
	}
	if !strings.Contains(strings.Join(codes, " "), "LDP102") || !strings.Contains(strings.Join(codes, " "), "LDP109") {
		t.Errorf("findings of the fixed file: %v, want LDP102 and LDP109 among them", codes)
	}
}

// TestFixEditsOneElement checks that two different fixes of one element
// are not both applied, and that the same fix twice is applied once.
func TestFixEditsOneElement(t *testing.T) {
	lenient := Options{Policy: policy.Options{Lenient: true}}

	// The typo (read as meant) and an upper-case view in one element: the
	// first finding's fix is applied, the second is reported.
	src := `[{"effect": "allow", "actions": ["*"], "resources": ["proj/*:/env/*:flag/*;view:Beta"]}]`
	have, edits, unfixed := fixed(t, src, lenient)
	if codesOf(edits) != "LDP007" || len(unfixed) != 1 || unfixed[0].Finding.Code != "LDP110" {
		t.Fatalf("edits %s, unfixed %v; want LDP007 applied, LDP110 not", codesOf(edits), unfixed)
	}
	if !strings.Contains(unfixed[0].Reason, "LDP007") {
		t.Errorf("unfixed reason %q does not name LDP007", unfixed[0].Reason)
	}
	if want := `[{"effect": "allow", "actions": ["*"], "resources": ["proj/*:env/*:flag/*;view:Beta"]}]`; have != want {
		t.Errorf("fixed file\n%s\nwant\n%s", have, want)
	}
	have, edits, _ = fixed(t, have, lenient)
	if codesOf(edits) != "LDP110" || !strings.Contains(have, `"proj/*:env/*:flag/*;view:beta"`) {
		t.Errorf("second pass: edits %s, file %s", codesOf(edits), have)
	}

	// Two typos in one element: two findings, one replacement.
	src = `[{"effect": "allow", "actions": ["*"], "resources": ["proj/*:/env/*:/flag/*"]}]`
	have, edits, unfixed = fixed(t, src, lenient)
	if codesOf(edits) != "LDP007 LDP007" || len(unfixed) > 0 {
		t.Fatalf("edits %s, unfixed %v; want LDP007 twice", codesOf(edits), unfixed)
	}
	if want := `[{"effect": "allow", "actions": ["*"], "resources": ["proj/*:env/*:flag/*"]}]`; have != want {
		t.Errorf("fixed file\n%s\nwant\n%s", have, want)
	}
}

// TestFixesDoWhatTheySay checks, for every rule test of a fixable code
// with a fix, that applying the fixes leaves no finding of that code at
// that path, and no error the file did not have.
func TestFixesDoWhatTheySay(t *testing.T) {
	n := 0
	for _, tt := range ruleTests {
		r, _ := LookupRule(tt.code)
		if !r.Fixable() || len(tt.want) == 0 {
			continue
		}
		f, err := policy.ParseFile("p.json", []byte(tt.in))
		if err != nil {
			t.Fatal(err)
		}
		before, _ := findingsOf(Check(f, tt.opts))
		withFix := false
		for _, fd := range before {
			withFix = withFix || fd.Code == tt.code && fd.Fix != ""
		}
		if !withFix {
			continue // such as a view bound to an upper-case value
		}
		n++
		edits, unfixed := FixEdits(f, before)
		if len(edits) == 0 || len(unfixed) > 0 {
			t.Errorf("%s %s: edits %s, unfixed %v", tt.code, tt.name, codesOf(edits), unfixed)
			continue
		}
		out := ApplyEdits([]byte(tt.in), edits)
		after, err := findingsOf(CheckSource("p.json", out, tt.opts))
		if err != nil {
			t.Fatal(err)
		}
		errors := 0
		for _, fd := range before {
			if fd.Severity == Error {
				errors++
			}
		}
		for _, fd := range after {
			if fd.Code == tt.code && fd.Path() == tt.want[0] {
				t.Errorf("%s %s: still reported after the fix:\n%s\n%s", tt.code, tt.name, out, fd)
			}
			if fd.Severity == Error && fd.Code != tt.code {
				errors--
				if errors < 0 {
					t.Errorf("%s %s: the fix adds an error: %s", tt.code, tt.name, fd)
				}
			}
		}
	}
	if n == 0 {
		t.Error("no rule test of a fixable code")
	}
}

func TestFixEditRefuses(t *testing.T) {
	src := `[{"effect": "allow", "actions": ["*"], "resources": ["proj/*:env/*:flag/*;view:Beta"]}]`
	f, err := policy.ParseFile("p.json", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	fd := Finding{Code: "LDP110", Fix: "proj/*:env/*:flag/*;view:beta", Location: policy.Location{Statement: 0, Field: "resources", Index: 0, Value: "proj/*:env/*:flag/*;view:Beta"}}
	if e, err := FixEdit(f, fd); err != nil || src[e.Start:e.End] != `"proj/*:env/*:flag/*;view:Beta"` || e.Text != `"proj/*:env/*:flag/*;view:beta"` {
		t.Errorf("FixEdit: %+v, %v", e, err)
	}
	for name, bad := range map[string]func(*Finding){
		"no fix":        func(fd *Finding) { fd.Fix = "" },
		"not fixable":   func(fd *Finding) { fd.Code = "LDP109" },
		"a whole field": func(fd *Finding) { fd.Index = -1 },
		"another value": func(fd *Finding) { fd.Value = "proj/*" },
		"no element":    func(fd *Finding) { fd.Index = 3 },
	} {
		g := fd
		bad(&g)
		if _, err := FixEdit(f, g); err == nil {
			t.Errorf("%s: FixEdit makes an edit", name)
		}
	}
	if _, err := FixEdit(nil, fd); err == nil {
		t.Error("FixEdit makes an edit without a file")
	}
}
