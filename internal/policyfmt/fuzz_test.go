package policyfmt

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/ldpolicy/ldpolicy/policy"
)

// FuzzFormat formats arbitrary bytes: Format fails exactly when
// policy.ParseFile does, with its ErrorList; otherwise formatting the output
// again changes nothing, and the output means what the input means (see
// SameMeaning). Its seeds are the policy files of the repository, the golden
// inputs, and the seed corpus of policy's FuzzLoad.
func FuzzFormat(f *testing.F) {
	for _, s := range []string{
		`[{"effect":"allow","actions":["*"],"resources":["proj/*:env/production:flag/*"]}]`,
		`{"url":"https://example.com","statements":[{"effect":"deny","notActions":["updateOn"],"not_resources":["proj/*"]}]}`,
		`{"key":"qa","policy":[{"effect":"allow","actions":["update*"],"resources":["proj/*:env/*;qa_*:/flag/*"]}]}`,
		`{"statements":null}`, `[]`, `{`, "[\"\xff\"]", ``,
	} {
		f.Add([]byte(s), false)
	}
	var files []string
	for _, pattern := range []string{"testdata/*.json", "../../testdata/policies/*.json"} {
		m, err := filepath.Glob(pattern)
		if err != nil {
			f.Fatal(err)
		}
		files = append(files, m...)
	}
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, false)
		f.Add(data, true)
	}
	corpus, err := readCorpus("../../policy/testdata/fuzz/FuzzLoad")
	if err != nil {
		f.Fatal(err)
	}
	if len(corpus) == 0 {
		f.Fatal("no seed corpus in policy/testdata/fuzz/FuzzLoad")
	}
	for _, data := range corpus {
		f.Add(data, false)
	}
	f.Fuzz(func(t *testing.T, data []byte, camel bool) {
		opts := Options{CamelCase: camel}
		out, err := Format("f.json", data, opts)
		_, perr := policy.ParseFile("f.json", data)
		if err != nil {
			var list policy.ErrorList
			if !errors.As(err, &list) || perr == nil || err.Error() != perr.Error() {
				t.Fatalf("Format fails with %v, ParseFile with %v", err, perr)
			}
			return
		}
		if perr != nil {
			t.Fatalf("Format succeeds, ParseFile fails with %v", perr)
		}
		if !bytes.HasSuffix(out, []byte("\n")) {
			t.Fatalf("the output does not end with a newline:\n%s", out)
		}
		again, err := Format("f.json", out, opts)
		if err != nil || !bytes.Equal(again, out) {
			t.Fatalf("formatting\n%s\nagain gives (%v)\n%s", out, err, again)
		}
		if err := SameMeaning(data, out, opts); err != nil {
			t.Fatalf("%s\nformats as\n%s\n%v", data, out, err)
		}
	})
}

// readCorpus reads the []byte values of a seed corpus directory of go test
// fuzz files, whose first value is a []byte.
func readCorpus(dir string) ([][]byte, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*"))
	if err != nil {
		return nil, err
	}
	var out [][]byte
	for _, name := range names {
		data, err := os.ReadFile(name)
		if err != nil {
			return nil, err
		}
		lines := strings.Split(string(data), "\n")
		if len(lines) < 2 || lines[0] != "go test fuzz v1" {
			continue // not a corpus file, such as README.md
		}
		lit, ok := strings.CutPrefix(lines[1], "[]byte(")
		if !ok || !strings.HasSuffix(lit, ")") {
			return nil, errors.New(name + ": the first value is not a []byte")
		}
		s, err := strconv.Unquote(strings.TrimSuffix(lit, ")"))
		if err != nil {
			return nil, errors.New(name + ": " + err.Error())
		}
		out = append(out, []byte(s))
	}
	return out, nil
}
