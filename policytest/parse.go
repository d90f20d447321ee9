package policytest

import (
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/ldpolicy/ldpolicy/internal/editdist"
	"github.com/ldpolicy/ldpolicy/policy"
	"github.com/ldpolicy/ldpolicy/resource"
)

// Size limits for test files. Each has its own error.
const (
	MaxFileSize = 16 << 20 // bytes in a test file
	MaxCases    = 10_000   // cases in a test file
)

// Test files are found by these suffixes of their names.
var suffixes = []string{".ldtest.yaml", ".ldtest.yml", ".ldtest.json"}

// IsTestFile reports whether name is the name of a test file:
// NAME.ldtest.yaml, NAME.ldtest.yml or NAME.ldtest.json.
func IsTestFile(name string) bool {
	base := filepath.Base(name)
	for _, s := range suffixes {
		if len(base) > len(s) && strings.HasSuffix(base, s) {
			return true
		}
	}
	return false
}

// Outcome is what a case expects, or what a decision was: Allow or Deny for
// an access, Delivered or NotDelivered for an event.
type Outcome string

const (
	Allow        Outcome = "allow"
	Deny         Outcome = "deny"
	Delivered    Outcome = "delivered"
	NotDelivered Outcome = "not delivered"
)

// File is a test file as decoded: a policy and the cases that pin what it
// must and must not let through.
type File struct {
	Name string
	// Policy is the path of the policy file as the test file gives it,
	// relative to the test file's directory; empty when the policy is
	// inline.
	Policy     string
	Context    policy.Context
	Attributes map[string][]string
	Lenient    bool
	// Metadata is the path of the metadata file, relative to the test
	// file's directory; empty when there is none or it is inline.
	Metadata string
	Cases    []Case

	src      *source
	policy   *node // the "policy" value
	metadata *node // the "metadata" value, or nil
}

// Case is one case of a test file: an access with the decision it must
// get, or an event with whether it must be delivered.
type Case struct {
	Index int    // in the file's cases, from 0
	Name  string // empty when the case has none
	Pos   policy.Position

	// An access: Action on Resource, whose segments may carry metadata
	// inline ("proj/p:env/qa;qa_test:flag/f").
	Action, Resource string
	// An event: the path of a payload file (Event, relative to the test
	// file's directory), a payload inline (Event empty), or the accesses
	// of an event inline (Accesses, with HasAccesses set).
	Event       string
	Accesses    []policy.Access
	HasAccesses bool
	Mode        policy.Mode

	// Expect is the outcome the case expects.
	Expect Outcome
	// Statement is the index of the statement expected to decide, -1 for
	// "none" (no statement applies); nil when the case does not say.
	Statement *int
	// Indeterminate is whether the decision is expected to depend on
	// metadata nobody supplied.
	Indeterminate bool

	n        *node // the case
	event    *node // the "event" value, or nil
	accesses *node // the "accesses" value, or nil
	metadata *node // the "metadata" value, or nil
	stmt     *node // the "statement" value, or nil
}

// IsEvent reports whether the case is an event rather than an access.
func (c *Case) IsEvent() bool { return c.Action == "" }

// Title names the case for people: its name or, without one, what it
// decides, such as "updateOn on proj/p:env/e:flag/f" or
// "event ../events/flag-created.json".
func (c *Case) Title() string {
	switch {
	case c.Name != "":
		return c.Name
	case !c.IsEvent():
		return c.Action + " on " + c.Resource
	case c.Event != "":
		return "event " + c.Event
	case c.HasAccesses && len(c.Accesses) == 0:
		return "event without accesses"
	case c.HasAccesses:
		s := "event with " + c.Accesses[0].Action + " on " + c.Accesses[0].Resource
		if len(c.Accesses) > 1 {
			s += fmt.Sprintf(" and %d more", len(c.Accesses)-1)
		}
		return s
	}
	return fmt.Sprintf("cases[%d]: inline event", c.Index)
}

// Parse decodes a test file. A name ending in ".json" is read as JSON; any
// other as YAML. Parse checks the syntax and the schema of the file, and
// the syntax of the resources of its cases; [File.Compile] reads the files
// it names and compiles its policy. Errors are an [ErrorList] of every
// problem, each with its position.
func Parse(name string, data []byte) (*File, error) {
	f, errs := parse(name, data)
	if len(errs) > 0 {
		return nil, errs
	}
	return f, nil
}

// parse decodes a test file. With problems other than syntax errors, it
// returns them with what it could decode, so that Load can report the
// problems of the policy too; with a syntax error, it returns no File.
func parse(name string, data []byte) (*File, ErrorList) {
	if len(data) > MaxFileSize {
		return nil, ErrorList{{Pos: policy.Position{Filename: name}, Offset: -1,
			Err: fmt.Errorf("test file is %d bytes, longer than the limit of %d", len(data), MaxFileSize)}}
	}
	src := newSource(name, data)
	var root *node
	var errs ErrorList
	if strings.HasSuffix(strings.ToLower(name), ".json") {
		root, errs = parseJSON(src)
	} else {
		root, errs = parseYAML(src)
	}
	if root == nil {
		return nil, errs
	}
	d := &decoder{src: src, errs: errs}
	f := d.file(root)
	sortErrors(d.errs)
	return f, d.errs
}

// decoder checks the schema of a test file's tree, collecting every
// problem.
type decoder struct {
	src  *source
	errs ErrorList
}

func (d *decoder) errorf(n *node, path, format string, args ...any) {
	d.errs = append(d.errs, &Error{Pos: d.src.pos(n.off), Path: path, Offset: -1, Err: fmt.Errorf(format, args...)})
}

func join(path, field string) string {
	if path == "" {
		return field
	}
	return path + "." + field
}

// hints are the fields that unknown ones probably mean, beyond misspellings.
var hints = map[string]string{
	"want":       "expect",
	"expected":   "expect",
	"decision":   "expect",
	"effect":     "expect",
	"result":     "expect",
	"statements": "policy",
	"tests":      "cases",
	"payload":    "event",
	"role":       "context",
}

// suggest returns the field of known that key probably means, or "".
func suggest(key string, known []string) string {
	if h, ok := hints[key]; ok {
		for _, k := range known {
			if k == h {
				return h
			}
		}
	}
	best, bestDist := "", 3
	for _, k := range known {
		if strings.EqualFold(k, key) {
			return k
		}
		if dist := editdist.Distance(strings.ToLower(key), k); dist < bestDist {
			best, bestDist = k, dist
		}
	}
	return best
}

// object checks that n is an object whose fields are among known, each
// once, and returns the values by field name; nil when n is not an object.
// what describes the object for the message when it is not one.
func (d *decoder) object(n *node, path, what string, known []string) map[string]*node {
	if n.kind != objectNode {
		d.errorf(n, path, "expected %s, found %s", what, n.kind)
		return nil
	}
	fields := make(map[string]*node, len(n.keys))
	first := map[string]*node{}
	for i, k := range n.keys {
		if k0, dup := first[k.value]; dup {
			d.errorf(k, join(path, k.value), "duplicate field %q (the first is at line %d)", k.value, d.src.pos(k0.off).Line)
			continue
		}
		first[k.value] = k
		if !contains(known, k.value) {
			msg := fmt.Sprintf("unknown field %q", k.value)
			if s := suggest(k.value, known); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			}
			d.errs = append(d.errs, &Error{Pos: d.src.pos(k.off), Path: join(path, k.value), Offset: -1, Err: errors.New(msg)})
			continue
		}
		fields[k.value] = n.elems[i]
	}
	return fields
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

// str returns the text of a string, reporting anything else, or an empty
// string.
func (d *decoder) str(n *node, path string) (string, bool) {
	if n.kind != stringNode {
		d.errorf(n, path, "expected a string, found %s", n.kind)
		return "", false
	}
	if n.value == "" {
		d.errorf(n, path, "expected a non-empty string")
		return "", false
	}
	return n.value, true
}

func (d *decoder) boolean(n *node, path string) bool {
	if n.kind != boolNode {
		d.errorf(n, path, "expected true or false, found %s", describe(n))
		return false
	}
	return n.value == "true"
}

// oneOf returns the text of n, which must be one of the strings in values.
func (d *decoder) oneOf(n *node, path string, values ...string) (string, bool) {
	if n.kind == stringNode && contains(values, n.value) {
		return n.value, true
	}
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = strconv.Quote(v)
	}
	d.errorf(n, path, "expected %s, found %s", orList(quoted), describe(n))
	return "", false
}

// describe describes a value for messages: a string by its text, anything
// else by its kind.
func describe(n *node) string {
	if n.kind == stringNode {
		return strconv.Quote(n.value)
	}
	return n.kind.String()
}

func orList(items []string) string {
	if len(items) <= 2 {
		return strings.Join(items, " or ")
	}
	return strings.Join(items[:len(items)-1], ", ") + " or " + items[len(items)-1]
}

var fileFields = []string{"policy", "context", "attributes", "lenient", "metadata", "mode", "cases"}

func (d *decoder) file(root *node) *File {
	f := &File{Name: d.src.name, src: d.src}
	fields := d.object(root, "", `an object with "policy" and "cases"`, fileFields)
	if fields == nil {
		return f
	}
	mode := policy.AnyAccess
	if n := fields["policy"]; n != nil {
		f.policy = n
		switch n.kind {
		case stringNode:
			f.Policy, _ = d.str(n, "policy")
		case listNode, objectNode:
		default:
			d.errorf(n, "policy", `expected the path of a policy file, or the policy inline: a list of statements, or an object with "statements" or "policy", found %s`, n.kind)
		}
	} else {
		d.errorf(root, "", `missing "policy": the path of a policy file, or the policy inline`)
	}
	if n := fields["context"]; n != nil {
		if v, _ := d.oneOf(n, "context", "webhook", "role"); v == "role" {
			f.Context = policy.Role
		}
	}
	if n := fields["attributes"]; n != nil {
		f.Attributes = d.attributes(n)
	}
	if n := fields["lenient"]; n != nil {
		f.Lenient = d.boolean(n, "lenient")
	}
	if n := fields["metadata"]; n != nil {
		f.Metadata = d.metadataRef(n, "metadata")
		f.metadata = n
	}
	if n := fields["mode"]; n != nil {
		mode = d.mode(n, "mode")
	}
	n := fields["cases"]
	switch {
	case n == nil:
		d.errorf(root, "", `missing "cases": a list of accesses and events with what each must get`)
	case n.kind != listNode:
		d.errorf(n, "cases", "expected a list of cases, found %s", n.kind)
	case len(n.elems) == 0:
		d.errorf(n, "cases", "no cases: expected at least one")
	case len(n.elems) > MaxCases:
		d.errorf(n.elems[MaxCases], "cases", "more than %d cases", MaxCases)
	default:
		names := map[string]int{}
		for i, e := range n.elems {
			c := d.testCase(e, i, mode)
			if c.Name != "" {
				if j, dup := names[c.Name]; dup {
					_, v := e.get("name")
					d.errorf(v, fmt.Sprintf("cases[%d].name", i), "duplicate case name %q (cases[%d] has it too)", c.Name, j)
				}
				names[c.Name] = i
			}
			f.Cases = append(f.Cases, c)
		}
	}
	return f
}

func (d *decoder) mode(n *node, path string) policy.Mode {
	if v, _ := d.oneOf(n, path, "any", "all"); v == "all" {
		return policy.EveryAccess
	}
	return policy.AnyAccess
}

// attributes decodes role attribute bindings: NAME: [VALUE, ...], each
// value a pattern.
func (d *decoder) attributes(n *node) map[string][]string {
	if n.kind != objectNode {
		d.errorf(n, "attributes", "expected an object of role attributes and their values, such as {projects: [alpha, beta]}, found %s", n.kind)
		return nil
	}
	attrs := make(map[string][]string, len(n.keys))
	for i, k := range n.keys {
		path := "attributes." + k.value
		if _, dup := attrs[k.value]; dup {
			d.errorf(k, path, "duplicate role attribute %q", k.value)
			continue
		}
		if !resource.IsKey(k.value) {
			d.errorf(k, path, "role attribute %q is not a key: expected a letter or digit, then letters, digits, '_', '.' and '-'", k.value)
			continue
		}
		v := n.elems[i]
		keys := []string{}
		if v.kind != listNode {
			d.errorf(v, path, "expected a list of values, found %s", v.kind)
		}
		for j, e := range v.elems {
			p := fmt.Sprintf("%s[%d]", path, j)
			if s, ok := d.str(e, p); ok {
				var ae *resource.AttributeError
				if err := resource.CheckValue(k.value, s); errors.As(err, &ae) {
					d.errorf(e, p, "malformed value %q at offset %d: %s; a value is a pattern, such as a key or \"team-*\"", s, ae.Offset, ae.Msg)
					continue
				}
				keys = append(keys, s)
			}
		}
		attrs[k.value] = keys
	}
	return attrs
}

// metadataRef checks a "metadata" value: the path of a metadata file, which
// it returns, or an object of metadata inline.
func (d *decoder) metadataRef(n *node, path string) string {
	switch n.kind {
	case stringNode:
		s, _ := d.str(n, path)
		return s
	case objectNode:
	default:
		d.errorf(n, path, "expected the path of a metadata file, or an object of metadata by resource path, found %s", n.kind)
	}
	return ""
}

var caseFields = []string{"name", "action", "resource", "event", "accesses", "metadata", "mode", "expect", "statement", "indeterminate"}

func (d *decoder) testCase(n *node, i int, mode policy.Mode) Case {
	c := Case{Index: i, Pos: d.src.pos(n.off), Mode: mode, n: n}
	path := fmt.Sprintf("cases[%d]", i)
	fields := d.object(n, path, "a case: an object with an access or an event, and \"expect\"", caseFields)
	if fields == nil {
		return c
	}
	if v := fields["name"]; v != nil {
		c.Name, _ = d.str(v, path+".name")
	}

	// What the case decides: an access, or an event.
	var forms []string
	for _, f := range []string{"action", "event", "accesses"} {
		if fields[f] != nil || f == "action" && fields["resource"] != nil {
			forms = append(forms, f)
		}
	}
	switch {
	case len(forms) == 0:
		d.errorf(n, path, `expected an access ("action" and "resource"), or an event ("event" or "accesses")`)
		return c
	case len(forms) > 1:
		second := forms[1]
		if k, _ := n.get(second); k != nil {
			d.errorf(k, join(path, second), "a case decides one access or one event: found both %q and %q", forms[0], second)
		}
		return c
	}
	event := forms[0] != "action"
	switch forms[0] {
	case "action":
		if v := fields["action"]; v != nil {
			c.Action, _ = d.str(v, path+".action")
		} else {
			d.errorf(n, path, `missing "action", the action of the access`)
		}
		if v := fields["resource"]; v != nil {
			c.Resource, _ = d.resource(v, path+".resource")
		} else {
			d.errorf(n, path, `missing "resource", the resource of the access`)
		}
	case "event":
		v := fields["event"]
		c.event = v
		switch v.kind {
		case stringNode:
			c.Event, _ = d.str(v, path+".event")
		case objectNode:
		default:
			d.errorf(v, path+".event", "expected the path of a webhook payload file, or the payload inline, found %s", v.kind)
		}
	case "accesses":
		c.accesses = fields["accesses"]
		c.Accesses, c.HasAccesses = d.accessList(c.accesses, path+".accesses"), true
	}

	if v := fields["metadata"]; v != nil {
		c.metadata = v
		if s := d.metadataRef(v, path+".metadata"); s != "" {
			d.errorf(v, path+".metadata", "expected an object of metadata by resource path (a case gives its metadata inline; a metadata file is named at the top of the test file)")
		}
	}
	if v := fields["mode"]; v != nil {
		if event {
			c.Mode = d.mode(v, path+".mode")
		} else {
			d.errorf(v, path+".mode", "mode applies to events only")
		}
	}

	want := []string{string(Allow), string(Deny)}
	what := "an access"
	if event {
		want, what = []string{string(Delivered), string(NotDelivered)}, "an event"
	}
	if v := fields["expect"]; v != nil {
		if v.kind == stringNode && contains([]string{string(Allow), string(Deny), string(Delivered), string(NotDelivered)}, v.value) && !contains(want, v.value) {
			d.errorf(v, path+".expect", "expected %q or %q for %s, found %q", want[0], want[1], what, v.value)
		} else if s, ok := d.oneOf(v, path+".expect", want...); ok {
			c.Expect = Outcome(s)
		}
	} else {
		d.errorf(n, path, `missing "expect": %q or %q`, want[0], want[1])
	}
	if v := fields["statement"]; v != nil {
		c.stmt = v
		c.Statement = d.statement(v, path+".statement")
	}
	if v := fields["indeterminate"]; v != nil {
		c.Indeterminate = d.boolean(v, path+".indeterminate")
	}
	return c
}

// resource checks the syntax of a concrete resource.
func (d *decoder) resource(n *node, path string) (string, bool) {
	s, ok := d.str(n, path)
	if !ok {
		return "", false
	}
	if _, err := resource.ParseConcrete(s); err != nil {
		e := &Error{Pos: d.src.pos(n.off), Path: path, Value: s, Offset: -1, Err: err}
		var se *resource.SyntaxError
		if errors.As(err, &se) {
			e.Offset = se.Offset
			e.Pos = d.src.posIn(n, se.Offset)
		}
		d.errs = append(d.errs, e)
		return "", false
	}
	return s, true
}

var accessFields = []string{"action", "resource"}

func (d *decoder) accessList(n *node, path string) []policy.Access {
	if n.kind != listNode {
		d.errorf(n, path, `expected a list of accesses ({"action": ..., "resource": ...}), found %s`, n.kind)
		return nil
	}
	accesses := []policy.Access{}
	for i, e := range n.elems {
		p := fmt.Sprintf("%s[%d]", path, i)
		fields := d.object(e, p, `an access: an object with "action" and "resource"`, accessFields)
		if fields == nil {
			continue
		}
		var a policy.Access
		for _, f := range accessFields {
			v := fields[f]
			switch {
			case v == nil:
				d.errorf(e, p, "missing %q", f)
			case f == "action":
				a.Action, _ = d.str(v, p+".action")
			default:
				a.Resource, _ = d.resource(v, p+".resource")
			}
		}
		accesses = append(accesses, a)
	}
	return accesses
}

// statement decodes the expected deciding statement: an index, or "none".
func (d *decoder) statement(n *node, path string) *int {
	if n.kind == stringNode && n.value == "none" {
		none := -1
		return &none
	}
	if n.kind == numberNode {
		if i, err := strconv.Atoi(n.value); err == nil && i >= 0 {
			return &i
		}
	}
	d.errorf(n, path, `expected the index of a statement (0, 1, ...) or "none", found %s`, describeValue(n))
	return nil
}

// describeValue describes a scalar by its text, anything else by its kind.
func describeValue(n *node) string {
	switch n.kind {
	case stringNode:
		return strconv.Quote(n.value)
	case numberNode, boolNode:
		return n.value
	}
	return n.kind.String()
}
