package resource

import (
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"
)

// Concrete is a parsed concrete resource: the resource of an access, such as
// "proj/default:env/production:flag/dark-mode", with optional inline
// metadata.
//
// A segment written without ';' has unknown metadata; written with ';' (even
// ';' alone) it has exactly the tags, properties and views listed after it:
//
//	proj/p:env/qa;qa_test,{critical:true}:flag/f;beta,view:checkout
//
// [Concrete.Resolve] fills in the metadata of the segments that have none
// from a [Resolver]. A Concrete is a plain value owned by its user; it is
// safe for concurrent reads.
type Concrete struct {
	text string
	n    int
	// shape identifies the sequence of types, "acct" apart from
	// "acct/x": two resources with different shapes never match the same
	// specifier, which lets a matcher reject most of them with one compare.
	shape uint64 // the hash of a shape
	segs  [MaxSegments]concreteSeg
}

// concreteSeg locates one segment in the text: the type is text[start:slash]
// and the name text[slash+1:end]; a type alone, such as "acct", has
// slash == end.
type concreteSeg struct {
	start, slash, end uint16
	known             bool // written with ';' or supplied by a resolver
	inline            bool // written with ';'
	meta              Metadata
}

// ParseConcrete parses a concrete resource. It uses the grammar of [Parse],
// but names are literal keys, not patterns ("proj/*" is the project whose key
// is "*"), and the metadata after ';' lists tags, "{property:value}"
// selectors and "view:key" links, all literal (see [ParseMetadata]). The bare
// "*" is not a concrete resource. Unknown types and odd scoping parse, and
// so does a type alone ("acct", "ip-allowlist"), a segment without a key:
// no resource is rejected for its type.
//
// ParseConcrete does not allocate unless it fails.
func ParseConcrete(s string) (Concrete, error) {
	var c Concrete
	if err := c.parse(s); err != nil {
		return Concrete{}, err
	}
	return c, nil
}

// Parse is [ParseConcrete] into c, which it overwrites (and zeroes on
// error), so that a caller that parses many resources can reuse one
// Concrete rather than copy one out of each call. It does not allocate
// unless it fails.
func (c *Concrete) Parse(s string) error {
	if err := c.parse(s); err != nil {
		*c = Concrete{}
		return err
	}
	return nil
}

func (c *Concrete) parse(s string) *SyntaxError {
	if len(s) <= MaxLength && c.parseFast(s) {
		return nil
	}
	*c = Concrete{}
	return c.parseSlow(s)
}

// parseSlow parses s into a zero c, whatever its form.
func (c *Concrete) parseSlow(s string) *SyntaxError {
	if err := checkSize(s, "resource"); err != nil {
		return err
	}
	if s == "*" {
		return errorf(0, `"*" is a specifier, not a concrete resource`)
	}
	c.text = s
	for start := 0; ; {
		end, err := scanSegment(s, start)
		if err != nil {
			return err
		}
		if c.n == MaxSegments {
			return errorf(start, "more than %d segments", MaxSegments)
		}
		seg := &c.segs[c.n]
		if err := seg.parse(s, start, end); err != nil {
			return err
		}
		c.n++
		if end == len(s) {
			break
		}
		start = end + 1
	}
	c.shape = shapeKey(c.n, c.segType)
	return nil
}

// segType returns the type of segment i and whether it is written alone.
func (c *Concrete) segType(i int) (string, bool) {
	seg := &c.segs[i]
	return c.text[seg.start:seg.slash], seg.slash == seg.end
}

// parseFast parses, in one pass, the common form of a concrete resource:
// segments "type/key" whose keys hold no ';', brace, space, control or
// non-ASCII byte. It reports false for anything else, leaving c in a state
// parse then starts over from; parse reads everything, the common form
// included, the same way, only slower.
func (c *Concrete) parseFast(s string) bool {
	key, n, exact := uint64(exactKey), 0, true
	for i := 0; ; i++ {
		start := i
		if i == len(s) || s[i] < 'a' || s[i] > 'z' {
			return false
		}
		for i++; i < len(s) && typeByte[s[i]]; i++ {
		}
		if i == len(s) || s[i] != '/' {
			return false // "acct", a malformed type or no name
		}
		slash := i
		// The key ends at the first byte it cannot hold. A ':' is taken to
		// end it: if what follows does not start a segment after all (as in
		// "proj/a:b"), the next round finds no "type/" and gives up, and
		// parse reads the ':' as part of the key.
		for i++; i < len(s) && !stopsKey[s[i]]; i++ {
		}
		if i == slash+1 || i < len(s) && s[i] != ':' || n == MaxSegments {
			return false
		}
		c.segs[n] = concreteSeg{start: uint16(start), slash: uint16(slash), end: uint16(i)}
		code := typeCode(s[start:slash], false)
		exact = exact && code != 0
		key |= code << (codeBits * n)
		n++
		if i == len(s) {
			break
		}
	}
	c.text, c.n, c.shape = s, n, key
	if !exact {
		c.shape = hashKey(n, c.segType)
	}
	return true
}

// stopsKey marks the bytes parseFast stops at in a key: those scanSegment
// looks at, and ';'.
var stopsKey = func() (t [256]bool) {
	t = special
	t[';'] = true
	return t
}()

// typeByte marks the bytes a type holds after its first letter.
var typeByte = func() (t [256]bool) {
	for c := range t {
		t[c] = c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-'
	}
	return t
}()

func (seg *concreteSeg) parse(s string, a, b int) *SyntaxError {
	text := s[a:b]
	if text == "" {
		return errorf(a, "empty segment: expected %s", segmentForms)
	}
	head := text
	if i := strings.IndexByte(text, ';'); i >= 0 {
		head = text[:i]
		meta := text[i+1:]
		if err := checkMetadata(meta, a+i+1); err != nil {
			return err
		}
		seg.known, seg.inline, seg.meta = true, true, Metadata{text: meta}
	}
	if err := checkHead(s, a, head); err != nil {
		return err
	}
	seg.start = uint16(a)
	slash := strings.IndexByte(head, '/')
	if slash < 0 {
		// A type alone, such as "acct".
		seg.slash, seg.end = uint16(a+len(head)), uint16(a+len(head))
		return nil
	}
	if slash == len(head)-1 {
		return errorf(a+slash+1, "empty name after %q", head)
	}
	seg.slash, seg.end = uint16(a+slash), uint16(a+len(head))
	return nil
}

// String returns the text c was parsed from.
func (c *Concrete) String() string { return c.text }

// hasShape reports whether c has the shape s: the same segment types in
// the same order, a type alone ("acct") apart from the type with a key
// ("acct/key").
func (c *Concrete) hasShape(s shape) bool {
	// An exact key is the shape; an inexact one is confirmed by the types,
	// against a collision.
	return c.shape == s.hash && (s.hash&exactKey != 0 || c.hasTypes(s.types))
}

// hasTypes reports whether the types of c's segments, each followed by '/'
// or, for a type alone, by ';', make up types.
func (c *Concrete) hasTypes(types string) bool {
	rest := types
	for i := 0; i < c.n; i++ {
		seg := &c.segs[i]
		typ := c.text[seg.start:seg.slash]
		sep := byte('/')
		if seg.slash == seg.end {
			sep = ';'
		}
		if len(rest) <= len(typ) || rest[len(typ)] != sep {
			return false
		}
		// Types are short: a loop beats a call to compare them.
		for j := 0; j < len(typ); j++ {
			if rest[j] != typ[j] {
				return false
			}
		}
		rest = rest[len(typ)+1:]
	}
	return rest == ""
}

// Len returns the number of segments of c.
func (c *Concrete) Len() int { return c.n }

// Type returns the type of segment i: "proj", "env", ..., "acct".
func (c *Concrete) Type(i int) string {
	seg := &c.segs[i]
	return c.text[seg.start:seg.slash]
}

// Key returns the key of segment i; "" for a type alone, such as "acct".
func (c *Concrete) Key(i int) string {
	seg := &c.segs[i]
	if seg.slash == seg.end {
		return ""
	}
	return c.text[seg.slash+1 : seg.end]
}

// Metadata returns the metadata of segment i and whether it is known.
func (c *Concrete) Metadata(i int) (Metadata, bool) {
	seg := &c.segs[i]
	return seg.meta, seg.known
}

// Path returns the first i+1 segments of c without their metadata, such as
// "proj/default:env/production" for segment 1 of
// "proj/default:env/production;critical:flag/f". It allocates only when a
// segment before i carries inline metadata.
func (c *Concrete) Path(i int) string {
	inline := false
	for j := 0; j < i; j++ {
		inline = inline || c.segs[j].inline
	}
	if !inline {
		return c.text[:c.segs[i].end]
	}
	var b strings.Builder
	for j := 0; j <= i; j++ {
		if j > 0 {
			b.WriteByte(':')
		}
		b.WriteString(c.text[c.segs[j].start:c.segs[j].end])
	}
	return b.String()
}

// A Resolver supplies the metadata of concrete resources, for the segments
// that carry none inline. Metadata is called with a path as returned by
// [Concrete.Path] and reports false when it does not know that resource.
type Resolver interface {
	Metadata(path string) (Metadata, bool)
}

// Resolve asks r for the metadata of every segment of c whose metadata is
// unknown. Segments with inline metadata keep it. Resolve allocates only
// when [Concrete.Path] does: for a segment after one with inline metadata.
func (c *Concrete) Resolve(r Resolver) {
	for i := 0; i < c.n; i++ {
		seg := &c.segs[i]
		if seg.known {
			continue
		}
		if m, ok := r.Metadata(c.Path(i)); ok {
			seg.known, seg.meta = true, m
		}
	}
}

// MetadataMap is a [Resolver] that looks paths up in a map.
type MetadataMap map[string]Metadata

// Metadata returns m[path].
func (m MetadataMap) Metadata(path string) (Metadata, bool) {
	md, ok := m[path]
	return md, ok
}

// Chain is a [Resolver] that asks each of its resolvers in turn and merges
// their answers, earlier ones first (see [Metadata.Merge]). It stops when
// the metadata it has is complete.
type Chain []Resolver

// Metadata returns what the resolvers of c know of path, merged.
func (c Chain) Metadata(path string) (Metadata, bool) {
	var m Metadata
	found := false
	for _, r := range c {
		if r == nil {
			continue
		}
		md, ok := r.Metadata(path)
		switch {
		case !ok:
			continue
		case found:
			m = m.Merge(md)
		default:
			m, found = md, true
		}
		if m.partial == 0 {
			break
		}
	}
	return m, found
}

// Metadata is the known metadata of one resource: its tags, its properties
// (such as critical: true for an environment) and the views it is linked to.
//
// Each kind of metadata is complete or partial. Complete, it is listed in
// full: a tag that is not listed is absent. Partial, what is listed holds
// and anything else is unknown: a source that knows a flag's tags but not
// its views gives metadata whose views are partial. Metadata that is parsed
// or built is complete; [Metadata.Partial] marks kinds partial. The zero
// Metadata is complete and empty.
type Metadata struct {
	text    string // validated list, see ParseMetadata
	partial Kinds
}

// Kinds is a set of kinds of metadata.
type Kinds uint8

const (
	Tags Kinds = 1 << iota
	Properties
	Views
)

// Partial returns m with the kinds k marked partial.
func (m Metadata) Partial(k Kinds) Metadata {
	m.partial |= k
	return m
}

// PartialKinds returns the kinds of m that are partial.
func (m Metadata) PartialKinds() Kinds { return m.partial }

// Merge returns what m and other know together, m taking precedence. For
// each kind of metadata: when m has it complete, m's list stands; otherwise
// the lists add up, a property that both list keeping m's value, and the
// kind is complete when other has it complete. So an event's own word that
// an environment is critical stands against an older metadata file, and the
// file still tells the environment's other properties.
func (m Metadata) Merge(other Metadata) Metadata {
	var items []string
	var partial Kinds
	for _, k := range [...]Kinds{Tags, Properties, Views} {
		items = appendKind(items, m.text, k, "")
		if m.partial&k == 0 {
			continue
		}
		items = appendKind(items, other.text, k, m.text)
		partial |= other.partial & k
	}
	return Metadata{text: strings.Join(items, ","), partial: partial}
}

// appendKind appends the entries of kind k of the metadata list meta to
// items, leaving out those that the list prior already has (for a
// property: already names).
func appendKind(items []string, meta string, k Kinds, prior string) []string {
	for meta != "" {
		var e string
		e, meta = nextEntry(meta)
		if entryKind(e) != k {
			continue
		}
		if k == Properties {
			name := e[1:strings.IndexByte(e, ':')]
			if _, dup := property(prior, name); dup {
				continue
			}
		} else if hasEntry(prior, e) {
			continue
		}
		items = append(items, e)
	}
	return items
}

func entryKind(e string) Kinds {
	switch {
	case e[0] == '{':
		return Properties
	case strings.HasPrefix(e, "view:"):
		return Views
	}
	return Tags
}

func hasEntry(meta, e string) bool {
	for meta != "" {
		var x string
		x, meta = nextEntry(meta)
		if x == e {
			return true
		}
	}
	return false
}

// ParseMetadata parses a metadata list in the notation of inline metadata:
// comma-separated tags, "{property:value}" selectors and "view:key" links,
// all literal, such as "qa_test,{critical:true},view:checkout". The empty
// string is the empty list.
func ParseMetadata(s string) (Metadata, error) {
	if len(s) > MaxLength {
		return Metadata{}, errorf(MaxLength, "metadata is %d bytes, longer than the limit of %d", len(s), MaxLength)
	}
	for i := 0; i < len(s); {
		n, err := checkChar(s, i)
		if err != nil {
			return Metadata{}, err
		}
		i += n
	}
	if err := checkMetadata(s, 0); err != nil {
		return Metadata{}, err
	}
	return Metadata{text: s}, nil
}

// NewMetadata builds the metadata with the given tags, properties and views.
// Each is a single literal: a tag or view key with a ',' in it is an error,
// not two entries.
func NewMetadata(tags []string, props map[string]string, views []string) (Metadata, error) {
	items := make([]string, 0, len(tags)+len(props)+len(views))
	for _, tag := range tags {
		if tag == "" || strings.ContainsAny(tag, ",:;{}") || !utf8.ValidString(tag) {
			return Metadata{}, fmt.Errorf("resource: malformed tag %q", tag)
		}
		items = append(items, tag)
	}
	names := make([]string, 0, len(props))
	for name := range props {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		value := props[name]
		if !isPropertyName(name) || value == "" || strings.ContainsAny(value, ",:;{}") {
			return Metadata{}, fmt.Errorf("resource: malformed property %q: %q", name, value)
		}
		items = append(items, "{"+name+":"+value+"}")
	}
	for _, v := range views {
		if v == "" || strings.ContainsAny(v, ",:;{}") {
			return Metadata{}, fmt.Errorf("resource: malformed view key %q", v)
		}
		items = append(items, "view:"+v)
	}
	return ParseMetadata(strings.Join(items, ","))
}

// String returns the metadata list in the notation of [ParseMetadata].
func (m Metadata) String() string { return m.text }

// checkMetadata validates the metadata list meta at offset off: entries
// separated by ',', each a literal tag, a "{property:value}" selector or a
// "view:key" link.
func checkMetadata(meta string, off int) *SyntaxError {
	if meta == "" {
		return nil
	}
	n, base := 0, off
	return splitItems(meta, off, func(item string, off int) *SyntaxError {
		if item == "" {
			return errorf(off, "empty metadata entry")
		}
		if n++; n > MaxMetadata {
			return errorf(off, "more than %d metadata entries", MaxMetadata)
		}
		if item[0] == '{' {
			name, _, err := parseProperty(item, off)
			if err == nil {
				// A property has one value. The entries before this one
				// start at meta's offset 0, which is base in the input.
				if _, dup := property(meta[:off-base], name); dup {
					err = errorf(off, "property %q listed twice", name)
				}
			}
			return err
		}
		key := item
		if strings.HasPrefix(item, "view:") {
			key = item[len("view:"):]
			if key == "" {
				return errorf(off+len(item), `empty view key after "view:"`)
			}
			off += len("view:")
		}
		if i := strings.IndexAny(key, ":;{}"); i >= 0 {
			return errorf(off+i, "unexpected %q in metadata entry %q", key[i], item)
		}
		return nil
	})
}

// The functions below test a validated metadata list, in which entries are
// separated by ',' and no ',' occurs inside an entry. They do not allocate.

// nextEntry splits the first entry off a metadata list.
func nextEntry(meta string) (entry, rest string) {
	if i := strings.IndexByte(meta, ','); i >= 0 {
		return meta[:i], meta[i+1:]
	}
	return meta, ""
}

func isPlainTag(e string) bool { return e[0] != '{' && !strings.HasPrefix(e, "view:") }

// property returns the value of property name in meta, if listed.
func property(meta, name string) (string, bool) {
	for meta != "" {
		var e string
		e, meta = nextEntry(meta)
		if len(e) > len(name)+2 && e[0] == '{' && e[1+len(name)] == ':' && e[1:1+len(name)] == name {
			return e[2+len(name) : len(e)-1], true
		}
	}
	return "", false
}
