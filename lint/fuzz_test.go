package lint

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/ldpolicy/ldpolicy/policy"
)

// FuzzCheckSource checks that any input gets findings, never a panic, and
// that every finding has a known code, its rule's severity (LDP007 apart,
// a warning when lenient) and a position inside the input.
func FuzzCheckSource(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.json")
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, false)
	}
	for _, tt := range ruleTests {
		f.Add([]byte(tt.in), tt.opts.Policy.Lenient)
	}
	f.Fuzz(func(t *testing.T, data []byte, lenient bool) {
		findings, err := findingsOf(CheckSource("f.json", data, Options{Policy: policy.Options{Lenient: lenient}}))
		if err != nil {
			t.Fatal(err)
		}
		for _, fd := range findings {
			r, ok := LookupRule(fd.Code)
			if !ok {
				t.Fatalf("unknown code: %s", fd)
			}
			if fd.Severity != r.Severity && !(fd.Code == codeTypo && lenient) {
				t.Errorf("severity %s, rule's %s: %s", fd.Severity, r.Severity, fd)
			}
			if fd.Pos.IsValid() && (fd.Pos.Offset < 0 || fd.Pos.Offset > len(data)) {
				t.Errorf("position %+v outside the %d bytes of input: %s", fd.Pos, len(data), fd)
			}
			if fd.Value != "" && (fd.Offset < -1 || fd.Offset > len(fd.Value)) {
				t.Errorf("offset %d outside %q: %s", fd.Offset, fd.Value, fd)
			}
		}
	})
}

// FuzzCheckStatements checks any specifiers and actions, in statements of
// both effects and both forms, for panics and offsets outside the value.
func FuzzCheckStatements(f *testing.F) {
	for _, s := range []string{
		"proj/*:env/production", "proj/{a,b}:env/*;{critcal:true},view:x:flag/*", "acct/x", "proj/a,b", "flag/x;[a-",
		"proj/${roleAttribute/p}:env/*;qa_*:/flag/*", "member/*:token/*", "*",
	} {
		f.Add(s, "updateOn", s)
	}
	f.Fuzz(func(t *testing.T, res, act, other string) {
		stmts := []policy.Statement{
			{Effect: policy.Allow, Actions: []string{act}, Resources: []string{res, other}},
			{Effect: policy.Deny, NotActions: []string{act, "update*"}, NotResources: []string{other}},
			{Effect: policy.Allow, Actions: []string{"*", act}, NotResources: []string{res}},
		}
		for _, lenient := range []bool{false, true} {
			findings, err := findingsOf(Check(&policy.File{Name: "f.json", Statements: stmts}, Options{Policy: policy.Options{Lenient: lenient}}))
			if err != nil {
				t.Fatal(err)
			}
			for _, fd := range findings {
				if fd.Value != "" && (fd.Offset < -1 || fd.Offset > len(fd.Value)) {
					t.Errorf("offset %d outside %q: %s", fd.Offset, fd.Value, fd)
				}
			}
		}
	})
}
