package policytest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/ldpolicy/ldpolicy/event"
	"github.com/ldpolicy/ldpolicy/internal/policysource"
	"github.com/ldpolicy/ldpolicy/policy"
	"github.com/ldpolicy/ldpolicy/resource"
	"github.com/ldpolicy/ldpolicy/terraform"
)

// maxNamedFile bounds what Load reads of a file that a test file names.
const maxNamedFile = 64 << 20

// Suite is a test file ready to run: its policy compiled, and the metadata
// and events it names read. A Suite is immutable and safe for concurrent
// use.
type Suite struct {
	File   *File
	Policy *policy.Set
	// PolicyName names the policy: the path of its file, joined to the
	// test file's directory, or the test file's name for an inline policy.
	PolicyName string

	warnings ErrorList
	cases    []compiledCase
}

// compiledCase is what running a case needs: its accesses, with their
// resources parsed and their metadata resolved.
type compiledCase struct {
	accesses []policy.Access
	event    policy.Event // the accesses, their resources parsed and resolved
}

// Warnings returns the problems that compiling the policy accepted, such as
// the typos that lenient reads.
func (s *Suite) Warnings() ErrorList { return s.warnings }

// Load reads the test file name and the files it names, and compiles its
// policy: [Parse] then [File.Compile].
func Load(name string) (*Suite, error) {
	data, err := readFile(name)
	if err != nil {
		return nil, err
	}
	return LoadSource(name, data)
}

// LoadSource is [Load] for a test file already read, such as one read from
// stdin: name is what its problems call it, and decides its syntax as in
// [Parse]; the files it names are read relative to the directory of name,
// which for a name without one, such as "<stdin>", is the current
// directory.
func LoadSource(name string, data []byte) (*Suite, error) {
	f, errs := parse(name, data)
	if f == nil {
		return nil, errs
	}
	// A file with problems of its own still has its policy and metadata
	// checked, so that every problem is reported at once.
	s, cerrs := f.compile(readFile, errs == nil)
	if errs = append(errs, cerrs...); len(errs) > 0 {
		sortErrors(errs)
		return nil, errs
	}
	return s, nil
}

// readFile reads a file of up to maxNamedFile bytes.
func readFile(name string) ([]byte, error) {
	fh, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	data, err := io.ReadAll(io.LimitReader(fh, maxNamedFile+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	if len(data) > maxNamedFile {
		return nil, fmt.Errorf("%s: more than %d bytes", name, maxNamedFile)
	}
	return data, nil
}

// Path returns the path of a file that the test file names: p itself when
// absolute, otherwise p joined to the directory of the test file.
func (f *File) Path(p string) string {
	p = filepath.FromSlash(p)
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(filepath.Dir(f.Name), p)
}

// Compile reads the policy, metadata and event files that f names, with
// read (a function like [os.ReadFile]; nil reads files of up to 64 MiB),
// compiles the policy, and checks what needs the policy: that an expected
// statement exists. Errors are an [ErrorList] of every problem: in f, with
// positions in it, and in the files it names, with positions in those.
// f must come from Parse.
func (f *File) Compile(read func(name string) ([]byte, error)) (*Suite, error) {
	if f.src == nil || f.policy == nil {
		return nil, errors.New("policytest: Compile needs a File that Parse returned")
	}
	if read == nil {
		read = readFile
	}
	s, errs := f.compile(read, true)
	if len(errs) > 0 {
		sortErrors(errs)
		return nil, errs
	}
	return s, nil
}

// compile compiles f, and its cases too when cases is set.
func (f *File) compile(read func(string) ([]byte, error), cases bool) (*Suite, ErrorList) {
	c := &compiler{File: f, read: read, d: &decoder{src: f.src}}
	s := &Suite{File: f}
	s.Policy, s.PolicyName = c.compilePolicy()
	fileMeta := c.readMetadata(f.metadata, "metadata")
	if cases {
		s.cases = make([]compiledCase, len(f.Cases))
		for i := range f.Cases {
			s.cases[i] = c.testCase(&f.Cases[i], fileMeta, s.Policy)
		}
	}
	if errs := append(c.errs, c.d.errs...); len(errs) > 0 {
		return nil, errs
	}
	s.warnings = c.warnings
	return s, nil
}

// compiler compiles a File.
type compiler struct {
	*File
	read     func(string) ([]byte, error)
	d        *decoder  // for problems in the test file
	errs     ErrorList // problems in the files it names
	warnings ErrorList
}

// compilePolicy reads and compiles the policy.
func (c *compiler) compilePolicy() (*policy.Set, string) {
	opts := policy.Options{Context: c.Context, Attributes: c.Attributes, Lenient: c.Lenient}
	if c.File.policy == nil {
		return nil, ""
	}
	if c.Policy == "" {
		set, err := policy.Load(c.Name, c.File.policy.appendJSON(nil), opts)
		var errs policy.ErrorList
		switch {
		case errors.As(err, &errs):
			for _, e := range errs {
				c.d.errs = append(c.d.errs, c.locate(e))
			}
			return nil, c.Name
		case err != nil:
			c.d.errorf(c.File.policy, "policy", "%v", err)
			return nil, c.Name
		}
		for _, w := range set.Warnings() {
			c.warnings = append(c.warnings, c.locate(w))
		}
		return set, c.Name
	}
	if policysource.IsAccount(c.Policy) {
		// A test decides the same wherever it runs: not on an account.
		c.d.errorf(c.File.policy, "policy", "%s names an object of a LaunchDarkly account: a test's policy is a policy file or a Terraform resource, which decide the same wherever the test runs (write it to a file with ldpolicy pull)", c.Policy)
		return nil, c.Policy
	}
	set, name, address, err := loadNamed(c.Path(c.Policy), c.read, opts)
	var tfErrs terraform.ErrorList
	var errs policy.ErrorList
	switch {
	case errors.As(err, &tfErrs):
		for _, e := range tfErrs {
			c.errs = append(c.errs, fromTerraform(e))
		}
	case errors.As(err, &errs):
		for _, e := range errs {
			c.errs = append(c.errs, fromResourcePolicy(address, e))
		}
	case err != nil:
		c.d.errorf(c.File.policy, "policy", "%v", err)
	}
	if err != nil {
		return nil, name
	}
	for _, w := range set.Warnings() {
		c.warnings = append(c.warnings, fromResourcePolicy(address, w))
	}
	return set, name
}

// loadNamed reads and compiles the policy at a path that a test file
// names: a policy file, or the one resource of a Terraform source that the
// path selects (policysource). A webhook's or a custom role's policy is
// compiled as the same policy in a policy file would be; a team has no
// policy of its own. It returns the name of the policy, and the address
// of its resource, if any.
func loadNamed(path string, read func(string) ([]byte, error), opts policy.Options) (set *policy.Set, name, address string, err error) {
	src, err := policysource.Open(context.Background(), path, policysource.Reader{File: read})
	switch {
	case err != nil:
		return nil, path, "", err
	case src.Terraform == nil:
		set, err := policy.Load(path, src.Data, opts)
		return set, path, "", err
	}
	p, err := src.One()
	if err != nil {
		return nil, path, "", err
	}
	r := p.Resource
	switch {
	case r.Err != nil:
		return nil, p.Name, r.Address, r.Err
	case r.Team != nil:
		return nil, p.Name, r.Address, fmt.Errorf("%s is a team, which has no policy of its own: name one of its custom roles (%s.NAME)", p.Name, terraform.CustomRole)
	}
	set, err = r.Policy.Compile(opts)
	return set, p.Name, r.Address, err
}

// aliases are the spellings of statement fields that LaunchDarkly's
// Terraform provider writes.
var aliases = map[string]string{"notResources": "not_resources", "notActions": "not_actions"}

// locate places a problem of the inline policy in the test file, by the
// statement, field and list index it names.
func (c *compiler) locate(pe *policy.Error) *Error {
	n, path := c.File.policy, "policy"
	if n.kind == objectNode {
		for _, key := range []string{"statements", "policy"} {
			if _, v := n.get(key); v != nil {
				n, path = v, path+"."+key
				break
			}
		}
	}
	off := -1
	if pe.Statement >= 0 && n.kind == listNode && pe.Statement < len(n.elems) {
		n = n.elems[pe.Statement]
		path += "[" + strconv.Itoa(pe.Statement) + "]"
		if pe.Field != "" && n.kind == objectNode {
			k, v := n.get(pe.Field)
			if k == nil {
				k, v = n.get(aliases[pe.Field])
			}
			switch {
			case k == nil:
				path += "." + pe.Field
			case !isStatementField(k.value):
				n, path = k, path+"."+k.value // an unknown field
			default:
				n, path = v, path+"."+k.value
				if pe.Index >= 0 && v.kind == listNode && pe.Index < len(v.elems) {
					n = v.elems[pe.Index]
					off = pe.Offset
				}
				if pe.Index >= 0 {
					path += "[" + strconv.Itoa(pe.Index) + "]"
				}
			}
		}
	}
	pos := c.src.posIn(n, off)
	pe.Pos = pos
	return &Error{Pos: pos, Path: path, Value: pe.Value, Offset: pe.Offset, Warning: pe.Warning, Err: pe}
}

func isStatementField(key string) bool {
	switch key {
	case "effect", "actions", "notActions", "resources", "notResources", "not_actions", "not_resources":
		return true
	}
	return false
}

// readMetadata reads the metadata of a "metadata" value: a metadata file, or
// metadata inline. It returns nil for nil, or when the metadata has a
// problem.
func (c *compiler) readMetadata(n *node, path string) resource.Resolver {
	if n == nil {
		return nil
	}
	if n.kind == stringNode {
		name := c.Path(n.value)
		data, err := c.read(name)
		if err == nil {
			var m resource.MetadataMap
			if m, err = resource.ParseMetadataMap(data); err == nil {
				return m
			}
			err = fmt.Errorf("%s: %v", name, err)
		}
		c.d.errorf(n, path, "%v", err)
		return nil
	}
	// Inline, each entry on its own, so that a problem points at its entry.
	m := resource.MetadataMap{}
	seen := map[string]bool{}
	for i, k := range n.keys {
		p := path + "[" + strconv.Quote(k.value) + "]"
		if seen[k.value] {
			c.d.errorf(k, p, "duplicate resource path %q", k.value)
			continue
		}
		seen[k.value] = true
		entry := &node{kind: objectNode, keys: []*node{k}, elems: []*node{n.elems[i]}}
		one, err := resource.ParseMetadataMap(entry.appendJSON(nil))
		if err != nil {
			msg := strings.TrimPrefix(err.Error(), "resource: metadata file: "+strconv.Quote(k.value)+": ")
			c.d.errorf(n.elems[i], p, "%s", msg)
			continue
		}
		m[k.value] = one[k.value]
	}
	return m
}

// testCase reads what a case names and parses its resources. set is nil
// when the policy could not be compiled.
func (c *compiler) testCase(tc *Case, fileMeta resource.Resolver, set *policy.Set) compiledCase {
	path := fmt.Sprintf("cases[%d]", tc.Index)
	if tc.stmt != nil && set != nil && *tc.Statement >= set.Len() {
		c.d.errorf(tc.stmt, path+".statement", "statement %d: the policy has %d statement%s", *tc.Statement, set.Len(), plural(set.Len()))
	}
	var chain resource.Chain
	var cc compiledCase
	// The event of a payload file, and the file's data, where a malformed
	// resource is located by line and column.
	var head *event.Head
	var payload []byte
	switch {
	case !tc.IsEvent():
		cc.accesses = []policy.Access{{Action: tc.Action, Resource: tc.Resource}}
	case tc.HasAccesses:
		cc.accesses = tc.Accesses
	default:
		h, data := c.event(tc, path+".event")
		if h == nil {
			return cc
		}
		head, payload = h, data
		cc.accesses = h.Accesses
		chain = append(chain, h) // the event's own word on the changed resource comes first
	}
	if m := c.readMetadata(tc.metadata, path+".metadata"); m != nil {
		chain = append(chain, m)
	}
	if fileMeta != nil {
		chain = append(chain, fileMeta)
	}
	var resolver resource.Resolver
	if len(chain) > 0 {
		resolver = chain
	}
	if err := cc.event.Parse(cc.accesses, resolver); err != nil {
		// Only the accesses of a payload file can be malformed here:
		// Parse checked the others.
		where := c.Path(tc.Event)
		if payload != nil {
			if off, ok := head.ResourceErrorOffset(payload); ok {
				where = eventPosition(where, payload, off)
			}
		}
		c.d.errorf(tc.event, path+".event", "%s: %v", where, err)
		return compiledCase{}
	}
	return cc
}

// event reads the payload of an event case, from its file or inline. It
// returns the data of the payload file, nil for an inline event.
func (c *compiler) event(tc *Case, path string) (*event.Head, []byte) {
	n := tc.event
	data, where := n.appendJSON(nil), "inline event"
	if tc.Event != "" {
		where = c.Path(tc.Event)
		var err error
		if data, err = c.read(where); err != nil {
			c.d.errorf(n, path, "%v", err)
			return nil, nil
		}
	}
	h := &event.Head{}
	if err := event.ReadHead(data, h); err != nil {
		var de *event.DecodeError
		switch {
		case errors.As(err, &de) && tc.Event != "":
			err = fmt.Errorf("%s: %s", eventPosition(where, data, de.Offset), de.Msg)
		case errors.As(err, &de):
			err = fmt.Errorf("%s: %s", where, de.Msg)
		}
		c.d.errorf(n, path, "%v", err)
		return nil, nil
	}
	if !h.HasAccesses {
		c.d.errorf(n, path, `%s has no "accesses"`, where)
		return nil, nil
	}
	if tc.Event == "" {
		return h, nil
	}
	return h, data
}

// eventPosition locates byte off of the data of the event file name as
// compilers do, "name:line:col".
func eventPosition(name string, data []byte, off int) string {
	line, col := event.Position(data, off)
	return fmt.Sprintf("%s:%d:%d", name, line, col)
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
