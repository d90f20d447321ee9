package terraform

import (
	"fmt"
	"path"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// evaluator evaluates the expressions of one .tf file statically: without
// variables, and with no functions but jsonencode and file.
type evaluator struct {
	r   *reader
	src *srcFile
	dir string // the module directory in r.fsys, for file()
	// filePath allows path.module, which stands for the module directory
	// in the argument of file().
	filePath bool
}

func (e *evaluator) at(r hcl.Range) place { return place{e.src, r.Start.Byte} }

func (e *evaluator) errAt(r hcl.Range, format string, args ...any) *Error {
	return errorf(e.src.pos(r.Start.Byte), format, args...)
}

// unknown is the problem with an expression whose value Terraform knows
// only when it runs. what names the expression.
func (e *evaluator) unknown(r hcl.Range, what string) *Error {
	return e.errAt(r, "%s is not known without running Terraform: only literal values, jsonencode(…) of them and file(…) are read from .tf files; read the output of \"terraform show -json\" (a plan or the state) for resolved values", what)
}

// text returns the source of r, shortened to a few dozen bytes.
func (e *evaluator) text(r hcl.Range) string {
	s := string(e.src.data[r.Start.Byte:r.End.Byte])
	if i := strings.IndexAny(s, "\n("); i >= 0 {
		s = s[:i] + "…"
	}
	if len(s) > 60 {
		s = s[:57] + "…"
	}
	return s
}

// describe names an expression whose value is not known statically.
func (e *evaluator) describe(x hclsyntax.Expression) string {
	switch x := x.(type) {
	case *hclsyntax.ScopeTraversalExpr:
		name := e.text(x.SrcRange)
		switch x.Traversal.RootName() {
		case "var":
			return "the variable " + name
		case "local":
			return "the local value " + name
		case "module":
			return "the module output " + name
		case "data":
			return "the data source attribute " + name
		case "each", "count", "self":
			return name
		case "path", "terraform":
			return name + " (outside file(...))"
		}
		return "the reference " + name
	case *hclsyntax.FunctionCallExpr:
		return fmt.Sprintf("the function call %s(…)", x.Name)
	case *hclsyntax.ForExpr:
		return "the for expression " + e.text(x.SrcRange)
	case *hclsyntax.SplatExpr:
		return "the splat expression " + e.text(x.SrcRange)
	}
	return "the expression " + e.text(x.Range())
}

// eval evaluates x, nested depth deep in the value being read.
func (e *evaluator) eval(x hclsyntax.Expression, depth int) (value, *Error) {
	if depth > MaxDepth {
		return value{}, e.errAt(x.Range(), "expression nested more than %d deep", MaxDepth)
	}
	switch x := x.(type) {
	case *hclsyntax.LiteralValueExpr:
		v, ok := fromCty(x.Val, e.at(x.SrcRange))
		if !ok {
			return value{}, e.errAt(x.SrcRange, "unexpected literal %s", e.text(x.SrcRange))
		}
		return v, nil
	case *hclsyntax.TemplateExpr:
		return e.template(x, depth)
	case *hclsyntax.TemplateWrapExpr:
		v, err := e.eval(x.Wrapped, depth+1)
		if err != nil {
			return value{}, err
		}
		if v.kind == nullKind || v.kind == listKind || v.kind == objectKind {
			return value{}, e.errAt(x.SrcRange, "a template interpolates %s: expected a string", v.kind)
		}
		return value{kind: stringKind, at: e.at(x.SrcRange), str: v.str, spans: v.spans}, nil
	case *hclsyntax.ParenthesesExpr:
		return e.eval(x.Expression, depth+1)
	case *hclsyntax.TupleConsExpr:
		v := value{kind: listKind, at: e.at(x.SrcRange), elems: make([]value, 0, len(x.Exprs))}
		for _, el := range x.Exprs {
			ev, err := e.eval(el, depth+1)
			if err != nil {
				return value{}, err
			}
			v.elems = append(v.elems, ev)
		}
		return v, nil
	case *hclsyntax.ObjectConsExpr:
		v := value{kind: objectKind, at: e.at(x.SrcRange)}
		for _, item := range x.Items {
			k, err := e.key(item.KeyExpr, depth+1)
			if err != nil {
				return value{}, err
			}
			ev, err := e.eval(item.ValueExpr, depth+1)
			if err != nil {
				return value{}, err
			}
			v.keys = append(v.keys, k)
			v.elems = append(v.elems, ev)
		}
		return v, nil
	case *hclsyntax.FunctionCallExpr:
		return e.call(x, depth)
	case *hclsyntax.ScopeTraversalExpr:
		if e.filePath && len(x.Traversal) == 2 && x.Traversal.RootName() == "path" {
			if a, ok := x.Traversal[1].(hcl.TraverseAttr); ok && a.Name == "module" {
				return value{kind: stringKind, at: e.at(x.SrcRange), str: "."}, nil
			}
		}
		return value{}, e.unknown(x.SrcRange, e.describe(x))
	}
	return e.constant(x)
}

// constant evaluates an expression of another kind, such as a conditional
// or an operator, when it refers to nothing and calls no function: then
// HCL evaluates it alone. Its value is located at its start. A for
// expression is never evaluated: nested, it could make a value far larger
// than its source.
func (e *evaluator) constant(x hclsyntax.Expression) (v value, err *Error) {
	var bad hclsyntax.Expression
	hclsyntax.VisitAll(x, func(n hclsyntax.Node) hcl.Diagnostics {
		if bad != nil {
			return nil
		}
		switch n := n.(type) {
		case *hclsyntax.ScopeTraversalExpr, *hclsyntax.FunctionCallExpr, *hclsyntax.ForExpr, *hclsyntax.SplatExpr:
			bad = n.(hclsyntax.Expression)
		}
		return nil
	})
	if bad != nil {
		return value{}, e.unknown(bad.Range(), e.describe(bad))
	}
	defer func() {
		if p := recover(); p != nil {
			err = e.errAt(x.Range(), "HCL failed to evaluate %s: %v", e.text(x.Range()), p)
		}
	}()
	cv, diags := x.Value(nil)
	if diags.HasErrors() {
		return value{}, e.errAt(x.Range(), "%s", diagMessage(diags[0]))
	}
	v, ok := fromCty(cv, e.at(x.Range()))
	if !ok {
		return value{}, e.unknown(x.Range(), e.describe(x))
	}
	return v, nil
}

// fromCty converts a value that HCL evaluated, located at p.
func fromCty(cv cty.Value, p place) (value, bool) {
	switch {
	case !cv.IsWhollyKnown():
		return value{}, false
	case cv.IsNull():
		return value{kind: nullKind, at: p}, true
	}
	t := cv.Type()
	switch {
	case t == cty.String:
		return value{kind: stringKind, at: p, str: cv.AsString()}, true
	case t == cty.Number:
		return value{kind: numberKind, at: p, str: cv.AsBigFloat().Text('g', -1)}, true
	case t == cty.Bool:
		return value{kind: boolKind, at: p, str: strconv.FormatBool(cv.True())}, true
	case t.IsTupleType() || t.IsListType() || t.IsSetType():
		v := value{kind: listKind, at: p}
		for it := cv.ElementIterator(); it.Next(); {
			_, ev := it.Element()
			el, ok := fromCty(ev, p)
			if !ok {
				return value{}, false
			}
			v.elems = append(v.elems, el)
		}
		return v, true
	case t.IsObjectType() || t.IsMapType():
		v := value{kind: objectKind, at: p}
		for it := cv.ElementIterator(); it.Next(); {
			k, ev := it.Element()
			el, ok := fromCty(ev, p)
			if !ok {
				return value{}, false
			}
			v.keys = append(v.keys, value{kind: stringKind, at: p, str: k.AsString()})
			v.elems = append(v.elems, el)
		}
		return v, true
	}
	return value{}, false
}

// key evaluates the key of an object: a bare name, or an expression in
// parentheses or quotes.
func (e *evaluator) key(x hclsyntax.Expression, depth int) (value, *Error) {
	if k, ok := x.(*hclsyntax.ObjectConsKeyExpr); ok {
		if !k.ForceNonLiteral {
			if name := hcl.ExprAsKeyword(k.Wrapped); name != "" {
				return value{kind: stringKind, at: e.at(k.Range()), str: name, spans: []span{{src: e.src, off: k.Range().Start.Byte}}}, nil
			}
		}
		x = k.Wrapped
	}
	v, err := e.eval(x, depth)
	if err != nil {
		return value{}, err
	}
	switch v.kind {
	case stringKind, numberKind, boolKind:
		v.kind = stringKind
		return v, nil
	}
	return value{}, e.errAt(x.Range(), "an object key is %s: expected a string", v.kind)
}

// template evaluates a quoted string or a heredoc, and finds where each of
// its bytes came from.
func (e *evaluator) template(x *hclsyntax.TemplateExpr, depth int) (value, *Error) {
	quoted := e.src.data[x.SrcRange.Start.Byte] == '"'
	var b builder
	for _, p := range x.Parts {
		if lit, ok := p.(*hclsyntax.LiteralValueExpr); ok && lit.Val.Type() == cty.String && lit.Val.IsKnown() && !lit.Val.IsNull() {
			s := lit.Val.AsString()
			v := value{kind: stringKind, at: e.at(lit.SrcRange), str: s, spans: e.literalSpans(lit.SrcRange, quoted, s)}
			b.addString(&v, 0, len(s))
			continue
		}
		v, err := e.eval(p, depth+1)
		if err != nil {
			return value{}, err
		}
		switch v.kind {
		case stringKind, numberKind, boolKind:
			b.addString(&v, 0, len(v.str))
		default:
			return value{}, e.errAt(p.Range(), "a template interpolates %s: expected a string", v.kind)
		}
		if len(b.b) > MaxFileSize {
			return value{}, e.errAt(x.SrcRange, "string longer than %d bytes", MaxFileSize)
		}
	}
	v := b.value(e.at(x.SrcRange))
	if len(v.str) == 0 && quoted {
		// "": its end is just past the opening quote.
		v.spans = []span{{src: e.src, off: x.SrcRange.Start.Byte + 1}}
	}
	return v, nil
}

// literalSpans returns where each byte of val, the value HCL decoded from
// the literal part r of a template, is in the source: HCL's escapes
// (backslash escapes in quoted strings; "$${" and "%%{" everywhere) are
// decoded again here, and the lines of the result aligned with those of
// val, which a flush heredoc ("<<-") strips of their indentation. When
// they cannot be aligned, every byte is located at the start of r.
func (e *evaluator) literalSpans(r hcl.Range, quoted bool, val string) []span {
	start := r.Start.Byte
	dec, offs := decodeLiteral(e.src.data[start:r.End.Byte], quoted)
	at := make([]int, len(val)) // offsets in the source of the bytes of val
	if string(dec) == val {
		copy(at, offs)
	} else if !alignLines(val, string(dec), offs, at) {
		return []span{{src: e.src, off: start, fixed: true}}
	}
	var spans []span
	for i, off := range at {
		if n := len(spans); n > 0 && spans[n-1].off+i-spans[n-1].at == start+off {
			continue
		}
		spans = append(spans, span{at: i, src: e.src, off: start + off})
	}
	if len(spans) == 0 {
		spans = []span{{src: e.src, off: start}} // the empty string
	}
	return spans
}

// alignLines sets at[i] to the offset of byte i of val, given the offsets
// offs of the bytes of dec, when each line of val is a suffix or a prefix
// of the same line of dec (a flush heredoc strips a prefix of blanks).
func alignLines(val, dec string, offs, at []int) bool {
	if strings.Count(val, "\n") != strings.Count(dec, "\n") {
		return false
	}
	vi, di := 0, 0
	for vi <= len(val) {
		vl, dl := lineAt(val, vi), lineAt(dec, di)
		shift := 0
		switch {
		case strings.HasSuffix(dl, vl):
			shift = len(dl) - len(vl)
		case strings.HasPrefix(dl, vl):
		default:
			return false
		}
		for k := 0; k < len(vl); k++ {
			at[vi+k] = offs[di+shift+k]
		}
		vi += len(vl)
		di += len(dl)
		if vi == len(val) {
			return true
		}
		at[vi] = offs[di] // the newline
		vi++
		di++
	}
	return true
}

// lineAt returns the line of s that starts at i, without its newline.
func lineAt(s string, i int) string {
	if j := strings.IndexByte(s[i:], '\n'); j >= 0 {
		return s[i : i+j]
	}
	return s[i:]
}

// decodeLiteral decodes the source of a literal part of a template, and
// returns the offset in raw of each byte decoded: every byte that an escape
// decodes to is at the escape's backslash, but for "$${", whose "$" and
// "{" are at their own.
func decodeLiteral(raw []byte, quoted bool) ([]byte, []int) {
	dec := make([]byte, 0, len(raw))
	offs := make([]int, 0, len(raw))
	for i := 0; i < len(raw); {
		c := raw[i]
		switch {
		case quoted && c == '\\' && i+1 < len(raw):
			switch e := raw[i+1]; e {
			case 'n', 'r', 't', '"', '\\':
				dec = append(dec, unescape(e))
				offs = append(offs, i)
				i += 2
				continue
			case 'u', 'U':
				n := 4
				if e == 'U' {
					n = 8
				}
				if i+2+n <= len(raw) {
					if r, err := strconv.ParseUint(string(raw[i+2:i+2+n]), 16, 32); err == nil && utf8.ValidRune(rune(r)) {
						dec = utf8.AppendRune(dec, rune(r))
						for len(offs) < len(dec) {
							offs = append(offs, i)
						}
						i += 2 + n
						continue
					}
				}
			}
		case (c == '$' || c == '%') && i+2 < len(raw) && raw[i+1] == c && raw[i+2] == '{':
			dec = append(dec, c, '{')
			offs = append(offs, i, i+2)
			i += 3
			continue
		}
		dec = append(dec, c)
		offs = append(offs, i)
		i++
	}
	return dec, offs
}

// unescape returns the byte that a backslash escape of one letter stands
// for.
func unescape(e byte) byte {
	switch e {
	case 'n':
		return '\n'
	case 'r':
		return '\r'
	case 't':
		return '\t'
	}
	return e
}

// call evaluates jsonencode(...) and file(...); other functions are not
// known statically.
func (e *evaluator) call(x *hclsyntax.FunctionCallExpr, depth int) (value, *Error) {
	if x.Name != "jsonencode" && x.Name != "file" {
		return value{}, e.unknown(x.Range(), e.describe(x))
	}
	if len(x.Args) != 1 || x.ExpandFinal {
		return value{}, e.errAt(x.Range(), "%s(…) takes one argument", x.Name)
	}
	if x.Name == "jsonencode" {
		arg, err := e.eval(x.Args[0], depth+1)
		if err != nil {
			return value{}, err
		}
		var b builder
		if !writeJSON(&b, &arg, MaxFileSize) {
			return value{}, e.errAt(x.Range(), "jsonencode(…) is longer than %d bytes", MaxFileSize)
		}
		if err := e.r.charge(len(b.b), e.src.pos(x.Range().Start.Byte)); err != nil {
			return value{}, err
		}
		return b.value(e.at(x.Range())), nil
	}
	fe := *e
	fe.filePath = true
	arg, err := fe.eval(x.Args[0], depth+1)
	if err != nil {
		return value{}, err
	}
	if arg.kind != stringKind {
		return value{}, e.errAt(x.Args[0].Range(), "file(…) takes a path, found %s", arg.kind)
	}
	rel := path.Clean(arg.str)
	if path.IsAbs(rel) || rel == ".." || strings.HasPrefix(rel, "../") || strings.Contains(arg.str, `\`) {
		return value{}, e.errAt(x.Args[0].Range(), "file(%q): only files inside the module directory are read, by a relative path", arg.str)
	}
	name := path.Join(e.dir, rel)
	f, ferr := e.r.readFile(name, MaxFileSize)
	if ferr != nil {
		return value{}, e.errAt(x.Args[0].Range(), "file(%q): %v", arg.str, ferr)
	}
	if !utf8.Valid(f.data) {
		return value{}, e.errAt(x.Args[0].Range(), "file(%q): the file is not valid UTF-8, as file(…) requires", arg.str)
	}
	return value{kind: stringKind, at: e.at(x.Range()), str: f.text, spans: []span{{src: f}}}, nil
}

// sortedAttributes returns the attributes of a body in source order.
func sortedAttributes(b *hclsyntax.Body) []*hclsyntax.Attribute {
	attrs := make([]*hclsyntax.Attribute, 0, len(b.Attributes))
	for _, a := range b.Attributes {
		attrs = append(attrs, a)
	}
	sort.Slice(attrs, func(i, j int) bool { return attrs[i].SrcRange.Start.Byte < attrs[j].SrcRange.Start.Byte })
	return attrs
}
