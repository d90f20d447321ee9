package terraform

import (
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// evalAttr evaluates the attribute a of src, a .tf file of module m.
func evalAttr(t *testing.T, src string) (value, *srcFile) {
	t.Helper()
	f := newSrcFile("m/main.tf", []byte(src))
	file, diags := hclsyntax.ParseConfig(f.data, f.name, hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatalf("%s: %v", src, diags)
	}
	ev := &evaluator{r: newReader(nil, func(p string) string { return p }), src: f, dir: "m"}
	v, err := ev.eval(file.Body.(*hclsyntax.Body).Attributes["a"].Expr, 1)
	if err != nil {
		t.Fatalf("%s: %v", src, err)
	}
	return v, f
}

// TestStringSources evaluates strings in every form HCL writes them, and
// checks where each byte came from: a byte of the source equal to it, or
// the start of the escape that stands for it. at lists some bytes of the
// value and the source they must come from, as "line:col".
func TestStringSources(t *testing.T) {
	for _, tt := range []struct {
		src  string
		want string
		at   map[int]string
	}{
		{src: `a = "plain"`, want: "plain", at: map[int]string{0: "1:6", 4: "1:10", 5: "1:11"}},
		{src: `a = ""`, want: "", at: map[int]string{0: "1:6"}},
		{src: `a = "q\"b\\c\nd\u00e9f\U0001F600g"`, want: "q\"b\\c\nd\u00e9f\U0001F600g",
			at: map[int]string{1: "1:7", 2: "1:9", 3: "1:10", 4: "1:12", 7: "1:16", 8: "1:16", 9: "1:22", 10: "1:23", 13: "1:23", 14: "1:33", 15: "1:34"}},
		{src: `a = "x$${roleAttribute/k}y%%{z}"`, want: "x${roleAttribute/k}y%{z}",
			at: map[int]string{1: "1:7", 2: "1:9", 3: "1:10", 20: "1:27", 21: "1:29"}},
		{src: "a = <<EOT\nline1\n  line2 $${x}\nEOT\n", want: "line1\n  line2 ${x}\n",
			at: map[int]string{0: "2:1", 6: "3:1", 14: "3:9", 15: "3:11"}},
		{src: "a = <<-EOT\n    [\n      \"q\"\n\n    ]\n    EOT\n", want: "[\n  \"q\"\n\n]\n",
			at: map[int]string{0: "2:5", 2: "3:5", 4: "3:7", 5: "3:8", 7: "3:10", 8: "4:1", 9: "5:5"}},
		{src: "a = <<-EOT\n\t\tA\n\t\t\tB\n\tEOT\n", want: "A\n\tB\n",
			at: map[int]string{0: "2:3", 2: "3:3", 3: "3:4"}},
		{src: `a = "a${"b"}c"`, want: "abc", at: map[int]string{0: "1:6", 1: "1:10", 2: "1:13"}},
		{src: `a = "${"x"}"`, want: "x", at: map[int]string{0: "1:9"}},
		{src: `a = "n${1}"`, want: "n1", at: map[int]string{1: "1:9"}},
		{src: `a = "a ${~ "b" ~} c"`, want: "abc", at: map[int]string{0: "1:6", 1: "1:13", 2: "1:19"}},
		{src: `a = "é ü"`, want: "é ü", at: map[int]string{3: "1:9"}},
		{src: `a = jsonencode(["q\"b"])`, want: `["q\"b"]`, at: map[int]string{0: "1:16", 1: "1:17", 2: "1:18", 3: "1:19", 4: "1:19", 5: "1:21", 6: "1:22"}},
		{src: `a = jsonencode({ k = "v", "l" = 1 })`, want: `{"k":"v","l":1}`, at: map[int]string{0: "1:16", 1: "1:18", 2: "1:18", 6: "1:23", 9: "1:27", 10: "1:28", 13: "1:33"}},
		{src: `a = true ? "yes" : "no"`, want: "yes", at: map[int]string{0: "1:5", 2: "1:5"}},
	} {
		t.Run(tt.src, func(t *testing.T) {
			v, f := evalAttr(t, tt.src)
			if v.kind != stringKind || v.str != tt.want {
				t.Fatalf("have %v %q, want %q", v.kind, v.str, tt.want)
			}
			for i := 0; i < len(v.str); i++ {
				p := v.source(i)
				if p.src != f {
					t.Fatalf("byte %d is in %v", i, p.src)
				}
				if c := f.data[p.off]; c != v.str[i] && c != '\\' && !strings.Contains(tt.src, "jsonencode") && !strings.Contains(tt.src, "?") {
					t.Errorf("byte %d (%q) is at %s, which is %q", i, v.str[i], p.pos(), c)
				}
			}
			for i, want := range tt.at {
				p := v.source(i).pos()
				if have := strings.TrimPrefix(p.String(), "m/main.tf:"); have != want {
					t.Errorf("byte %d is at %s, want %s", i, have, want)
				}
			}
		})
	}
}
