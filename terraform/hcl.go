package terraform

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/ldpolicy/ldpolicy/policy"
)

// maxSyntaxErrors bounds the syntax errors reported for one file.
const maxSyntaxErrors = 20

// readHCLFiles reads the .tf files of the module directory dir, names in
// the order given.
func (r *reader) readHCLFiles(dir string, names []string) ([]*Resource, ErrorList) {
	var res []*Resource
	var errs ErrorList
	seen := map[string]*Resource{}
	for _, name := range names {
		src, err := r.readFile(name, MaxHCLSize)
		if err != nil {
			errs = append(errs, errorf(policy.Position{Filename: r.show(name)}, "%v", err))
			continue
		}
		if e := checkNesting(src); e != nil {
			errs = append(errs, e)
			continue
		}
		file, diags, e := parse(src)
		if e != nil {
			errs = append(errs, e)
			continue
		}
		if diags.HasErrors() {
			errs = append(errs, syntaxErrors(src, diags)...)
			continue
		}
		ev := &evaluator{r: r, src: src, dir: dir}
		for _, b := range file.Body.(*hclsyntax.Body).Blocks {
			if b.Type != "resource" || len(b.Labels) != 2 || !isPolicyType(b.Labels[0]) {
				continue
			}
			res0 := &Resource{Address: b.Labels[0] + "." + b.Labels[1], Type: b.Labels[0], Pos: src.pos(b.DefRange().Start.Byte)}
			if first := seen[res0.Address]; first != nil {
				errs = append(errs, &Error{Pos: res0.Pos, Address: res0.Address, Err: fmt.Errorf("duplicate resource: %s is declared at %s already", res0.Address, first.Pos)})
				continue
			}
			seen[res0.Address] = res0
			res = append(res, r.readResource(res0, &hclAttrs{ev: ev, body: b.Body}, src.name))
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	checkRefs(res)
	resolve(res)
	return res, nil
}

// parse parses a .tf file with HCL's parser; a panic of the parser is a
// problem with the file rather than one that crosses into the caller.
func parse(src *srcFile) (file *hcl.File, diags hcl.Diagnostics, err *Error) {
	defer func() {
		if p := recover(); p != nil {
			err = errorf(policy.Position{Filename: src.name}, "HCL's parser failed: %v", p)
		}
	}()
	file, diags = hclsyntax.ParseConfig(src.data, src.name, hcl.InitialPos)
	return file, diags, nil
}

// syntaxErrors turns HCL's diagnostics into located problems.
func syntaxErrors(src *srcFile, diags hcl.Diagnostics) ErrorList {
	var errs ErrorList
	for _, d := range diags {
		if d.Severity != hcl.DiagError {
			continue
		}
		if len(errs) == maxSyntaxErrors {
			errs = append(errs, errorf(policy.Position{Filename: src.name}, "more syntax errors"))
			break
		}
		p := policy.Position{Filename: src.name}
		if d.Subject != nil {
			p = src.pos(d.Subject.Start.Byte)
		}
		errs = append(errs, errorf(p, "%s", diagMessage(d)))
	}
	return errs
}

// diagMessage returns the message of a diagnostic of HCL, its summary in
// lower case as error strings are ("invalid expression", but "JSON").
func diagMessage(d *hcl.Diagnostic) string {
	msg := d.Summary
	if r, n := utf8.DecodeRuneInString(msg); n > 0 && !(len(msg) > n && unicode.IsUpper(rune(msg[n]))) {
		msg = string(unicode.ToLower(r)) + msg[n:]
	}
	if d.Detail != "" {
		msg += ": " + d.Detail
	}
	return msg
}

// maxMeldWork bounds the work of HCL's parser on the literal pieces of
// templates: it joins the consecutive pieces of a string or heredoc (its
// lines, and the text around each "$${" escape) one at a time, in time that
// grows with the square of their number. The sum of those squares over a
// file is bounded; 10 000 lines in one heredoc take about 0.2 s.
const maxMeldWork = 10000 * 10000

// checkNesting checks, before HCL parses a file, that HCL's parser can
// parse it in bounded stack and time. Its expressions and blocks must nest
// at most MaxDepth deep: the parser recurses for every bracket, brace,
// block, template, directive, unary operator and conditional, without a
// bound, and a deep enough nesting would overflow the stack, which no
// recover catches. The depth is counted on the tokens, conservatively: an
// operator counts until the end of the list element, argument or line it
// is in. And its strings and heredocs must not have too many pieces (see
// maxMeldWork).
func checkNesting(src *srcFile) (err *Error) {
	defer func() {
		if p := recover(); p != nil {
			err = errorf(policy.Position{Filename: src.name}, "HCL's scanner failed: %v", p)
		}
	}()
	tokens, _ := hclsyntax.LexConfig(src.data, src.name, hcl.InitialPos)
	type frame struct {
		open hclsyntax.TokenType
		ops  int // unary operators, conditionals and directives in the current item
	}
	stack := []frame{{open: hclsyntax.TokenNil}}
	depth := 0
	prev := hclsyntax.TokenNil
	run, work := 0, 0 // literal pieces in a row, and the parser's work on them
	for _, t := range tokens {
		top := &stack[len(stack)-1]
		if t.Type == hclsyntax.TokenStringLit || t.Type == hclsyntax.TokenQuotedLit {
			run++
			work += 2*run - 1 // the sum of the squares of the runs, so far
			if work > maxMeldWork {
				return errorf(src.pos(t.Range.Start.Byte), "too many lines and escapes in the strings and heredocs of the file for HCL's parser, whose time grows with the square of their number in each: read a long policy with file(…)")
			}
		} else {
			run = 0
		}
		switch t.Type {
		case hclsyntax.TokenOBrace, hclsyntax.TokenOBrack, hclsyntax.TokenOParen,
			hclsyntax.TokenTemplateInterp, hclsyntax.TokenTemplateControl,
			hclsyntax.TokenOQuote, hclsyntax.TokenOHeredoc:
			stack = append(stack, frame{open: t.Type})
			depth++
		case hclsyntax.TokenCBrace, hclsyntax.TokenCBrack, hclsyntax.TokenCParen,
			hclsyntax.TokenTemplateSeqEnd, hclsyntax.TokenCQuote, hclsyntax.TokenCHeredoc:
			if len(stack) > 1 {
				depth -= 1 + top.ops
				stack = stack[:len(stack)-1]
			}
		case hclsyntax.TokenQuestion, hclsyntax.TokenBang:
			top.ops++
			depth++
		case hclsyntax.TokenMinus:
			switch prev {
			case hclsyntax.TokenNumberLit, hclsyntax.TokenIdent, hclsyntax.TokenCBrack, hclsyntax.TokenCParen,
				hclsyntax.TokenCBrace, hclsyntax.TokenCQuote, hclsyntax.TokenCHeredoc:
				// a binary operator: HCL parses a chain of them in a loop
			default:
				top.ops++
				depth++
			}
		case hclsyntax.TokenComma:
			depth -= top.ops
			top.ops = 0
		case hclsyntax.TokenNewline:
			// A newline ends an item in a body or an object, not inside
			// brackets or parentheses.
			if top.open == hclsyntax.TokenNil || top.open == hclsyntax.TokenOBrace {
				depth -= top.ops
				top.ops = 0
			}
		case hclsyntax.TokenIdent:
			// %{if} and %{for} nest in the string around them until
			// %{endif} and %{endfor}.
			if prev == hclsyntax.TokenTemplateControl && len(stack) > 2 {
				around := &stack[len(stack)-2]
				switch string(t.Bytes) {
				case "if", "for":
					around.ops++
					depth++
				case "endif", "endfor":
					if around.ops > 0 {
						around.ops--
						depth--
					}
				}
			}
		}
		if depth > MaxDepth {
			return errorf(src.pos(t.Range.Start.Byte), "nested more than %d deep (brackets, braces, blocks, templates and operators)", MaxDepth)
		}
		if t.Type != hclsyntax.TokenComment {
			prev = t.Type
		}
	}
	return nil
}

// hclAttrs are the attributes and blocks of a resource in a .tf file.
type hclAttrs struct {
	ev   *evaluator
	body *hclsyntax.Body
}

func (a *hclAttrs) resolved() bool { return false }

func (a *hclAttrs) get(name string) (value, bool, *Error) {
	attr := a.body.Attributes[name]
	var blocks []*hclsyntax.Block
	for _, b := range a.body.Blocks {
		switch {
		case b.Type == name:
			blocks = append(blocks, b)
		case b.Type == "dynamic" && len(b.Labels) == 1 && b.Labels[0] == name:
			return value{}, false, a.ev.errAt(b.DefRange(), "the dynamic block %q is not known without running Terraform: only literal values, jsonencode(…) of them and file(…) are read from .tf files; read the output of \"terraform show -json\" (a plan or the state) for resolved values", name)
		}
	}
	switch {
	case attr != nil && len(blocks) > 0:
		return value{}, false, a.ev.errAt(blocks[0].DefRange(), "both an attribute %s and %s blocks: give one", name, name)
	case attr != nil:
		ev := a.ev
		if name == "custom_role_keys" {
			if v, ok, err := a.roleKeys(attr.Expr); ok || err != nil {
				return v, ok, err
			}
		}
		v, err := ev.eval(attr.Expr, 1)
		if err != nil {
			return value{}, false, err
		}
		return v, v.kind != nullKind, nil
	case len(blocks) > 0:
		list := value{kind: listKind, at: a.ev.at(blocks[0].DefRange())}
		for _, b := range blocks {
			o, err := a.block(b)
			if err != nil {
				return value{}, false, err
			}
			list.elems = append(list.elems, o)
		}
		return list, true, nil
	}
	return value{}, false, nil
}

// block reads a block with attributes only, such as statements { … }, as
// an object.
func (a *hclAttrs) block(b *hclsyntax.Block) (value, *Error) {
	if len(b.Labels) > 0 {
		return value{}, a.ev.errAt(b.LabelRanges[0], "unexpected label on a %s block", b.Type)
	}
	if len(b.Body.Blocks) > 0 {
		nb := b.Body.Blocks[0]
		return value{}, a.ev.errAt(nb.DefRange(), "unexpected block %q in a %s block", nb.Type, b.Type)
	}
	o := value{kind: objectKind, at: a.ev.at(b.DefRange())}
	for _, attr := range sortedAttributes(b.Body) {
		v, err := a.ev.eval(attr.Expr, 2)
		if err != nil {
			return value{}, err
		}
		o.keys = append(o.keys, value{kind: stringKind, at: a.ev.at(attr.NameRange), str: attr.Name, spans: []span{{src: a.ev.src, off: attr.NameRange.Start.Byte}}})
		o.elems = append(o.elems, v)
	}
	return o, nil
}

// roleKeys reads custom_role_keys when it is a list that references the
// keys of custom roles of the module; ok is false when it is not a list.
func (a *hclAttrs) roleKeys(x hclsyntax.Expression) (value, bool, *Error) {
	tuple, ok := x.(*hclsyntax.TupleConsExpr)
	if !ok {
		return value{}, false, nil
	}
	list := value{kind: listKind, at: a.ev.at(tuple.SrcRange)}
	for _, el := range tuple.Exprs {
		if addr, ok := roleKeyRef(el); ok {
			list.elems = append(list.elems, value{kind: refKind, at: a.ev.at(el.Range()), str: addr})
			continue
		}
		v, err := a.ev.eval(el, 2)
		if err != nil {
			return value{}, false, err
		}
		list.elems = append(list.elems, v)
	}
	return list, true, nil
}

// roleKeyRef returns the address of the custom role whose key x refers to,
// as launchdarkly_custom_role.NAME.key.
func roleKeyRef(x hclsyntax.Expression) (string, bool) {
	st, ok := x.(*hclsyntax.ScopeTraversalExpr)
	if !ok || len(st.Traversal) != 3 || st.Traversal.RootName() != CustomRole {
		return "", false
	}
	name, ok1 := st.Traversal[1].(hcl.TraverseAttr)
	key, ok2 := st.Traversal[2].(hcl.TraverseAttr)
	if !ok1 || !ok2 || key.Name != "key" {
		return "", false
	}
	return strings.Join([]string{CustomRole, name.Name}, "."), true
}
