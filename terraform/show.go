package terraform

import (
	"unicode/utf8"

	"github.com/ldpolicy/ldpolicy/internal/jsonscan"
)

// readShow reads the output of terraform show -json: a plan, whose
// resources are in planned_values and resource_changes, or the state,
// whose resources are in values. Modules nest in child_modules.
//
// A plan lists a resource in both: planned_values holds the values that
// the resource will have, and resource_changes the change, with
// after_unknown marking the values known only after apply. A resource is
// read from planned_values, and from resource_changes[].change.after when
// planned_values does not list it; one whose change deletes it (after is
// null) will not exist, and is not read. prior_state and configuration
// are not read.
func (r *reader) readShow(src *srcFile) ([]*Resource, ErrorList) {
	p := &jsonReader{Scanner: jsonscan.Scanner{Data: src.data}, src: src}
	var planned, state []value
	var changes []value
	found := false
	p.WS()
	if p.Peek() != '{' {
		p.Fail(p.Pos, "expected the output of terraform show -json, an object, found %s", p.Found(p.Pos))
	} else {
		p.Object(func(k []byte, _ int) {
			switch string(k) {
			case "planned_values":
				found = true
				planned = p.module(planned, 0)
			case "values":
				found = true
				state = p.module(state, 0)
			case "resource_changes":
				found = true
				if p.Peek() != '[' {
					p.Skip()
					return
				}
				p.Array(func(int) { changes = append(changes, p.value(0)) })
			case "format_version":
				found = true
				p.Skip()
			default:
				p.Skip() // prior_state, configuration, …
			}
		})
		p.WS()
		if p.Err == nil && !p.AtEnd() {
			p.Fail(p.Pos, "expected the end of the JSON, found %s", p.Found(p.Pos))
		}
	}
	if p.Err != nil {
		return nil, ErrorList{errorf(src.pos(p.Err.Offset), "%s", p.Err.Msg)}
	}
	if !found {
		return nil, ErrorList{errorf(src.pos(0), "expected the output of terraform show -json: an object with format_version, values (the state) or planned_values and resource_changes (a plan)")}
	}
	if planned == nil {
		planned = state
	}

	// The changes, by address: their after_unknown, and the resources
	// that planned_values does not list.
	type change struct {
		c, after, unknown value
		used              bool
	}
	byAddr := map[string]*change{}
	var order []string
	for _, c := range changes {
		addr := field(c, "address")
		ch, _ := fieldValue(c, "change")
		after, _ := fieldValue(ch, "after")
		unknown, _ := fieldValue(ch, "after_unknown")
		if addr.kind != stringKind || field(c, "mode").str != "managed" || !isPolicyType(field(c, "type").str) {
			continue
		}
		byAddr[addr.str] = &change{c: c, after: after, unknown: unknown}
		order = append(order, addr.str)
	}
	var res []*Resource
	add := func(rv, values, unknown value) {
		addr, typ := field(rv, "address"), field(rv, "type")
		r0 := &Resource{Address: addr.str, Type: typ.str, Pos: rv.at.pos()}
		res = append(res, r.readResource(r0, &jsonAttrs{values: values, unknown: unknown}, src.name))
	}
	for _, rv := range planned {
		if field(rv, "mode").str != "managed" || !isPolicyType(field(rv, "type").str) || field(rv, "address").kind != stringKind {
			continue
		}
		values, _ := fieldValue(rv, "values")
		var unknown value
		if ch := byAddr[field(rv, "address").str]; ch != nil {
			ch.used = true
			unknown = ch.unknown
		}
		add(rv, values, unknown)
	}
	for _, addr := range order {
		ch := byAddr[addr]
		if !ch.used && ch.after.kind == objectKind {
			add(ch.c, ch.after, ch.unknown)
		}
	}
	resolve(res)
	return res, nil
}

// field returns the value of an object's field, or null.
func field(o value, name string) value {
	v, _ := fieldValue(o, name)
	return v
}

// fieldValue returns the value of an object's field; ok is false when the
// object has none.
func fieldValue(o value, name string) (value, bool) {
	if o.kind == objectKind {
		for i, k := range o.keys {
			if k.str == name {
				return o.elems[i], true
			}
		}
	}
	return value{kind: nullKind, at: o.at}, false
}

// jsonAttrs are the values of a resource in the output of terraform show
// -json; unknown is its after_unknown in a plan, which marks the values
// known only after apply.
type jsonAttrs struct {
	values, unknown value
}

func (a *jsonAttrs) resolved() bool { return true }

func (a *jsonAttrs) get(name string) (value, bool, *Error) {
	if hasTrue(field(a.unknown, name)) {
		p := a.values.at
		if v, ok := fieldValue(a.values, name); ok {
			p = v.at
		}
		return value{}, false, errorf(p.pos(), "%s is known only after apply: the plan does not have its value; read the state after apply", name)
	}
	v, ok := fieldValue(a.values, name)
	return v, ok && v.kind != nullKind, nil
}

// hasTrue reports whether an after_unknown value marks some part unknown.
func hasTrue(u value) bool {
	switch u.kind {
	case boolKind:
		return u.str == "true"
	case listKind, objectKind:
		for i := range u.elems {
			if hasTrue(u.elems[i]) {
				return true
			}
		}
	}
	return false
}

// jsonReader reads JSON into values, located in the file.
type jsonReader struct {
	jsonscan.Scanner
	src *srcFile
}

// module reads a module of planned_values or values: its resources, and
// those of its child modules, appended to res in order.
func (p *jsonReader) module(res []value, depth int) []value {
	if p.Peek() != '{' {
		p.Skip()
		return res
	}
	if depth > MaxDepth {
		p.Fail(p.Pos, "modules nested more than %d deep", MaxDepth)
		return res
	}
	p.Object(func(k []byte, _ int) {
		switch string(k) {
		case "root_module":
			res = p.module(res, depth+1)
		case "resources":
			if p.Peek() != '[' {
				p.Skip()
				return
			}
			p.Array(func(int) { res = append(res, p.value(0)) })
		case "child_modules":
			if p.Peek() != '[' {
				p.Skip()
				return
			}
			p.Array(func(int) { res = p.module(res, depth+1) })
		default:
			p.Skip()
		}
	})
	return res
}

// value reads a JSON value, depth deep.
func (p *jsonReader) value(depth int) value {
	at := place{p.src, p.Pos}
	if depth > MaxDepth {
		p.Fail(p.Pos, "JSON nested more than %d deep", MaxDepth)
		return value{}
	}
	switch c := p.Peek(); {
	case c == '"':
		return p.str()
	case c == '[':
		v := value{kind: listKind, at: at}
		p.Array(func(int) { v.elems = append(v.elems, p.value(depth+1)) })
		return v
	case c == '{':
		v := value{kind: objectKind, at: at}
		p.Object(func(_ []byte, keyOff int) {
			save := p.Pos
			p.Pos = keyOff
			k := p.str()
			p.Pos = save
			p.WS()
			v.keys = append(v.keys, k)
			v.elems = append(v.elems, p.value(depth+1))
		})
		return v
	case c == 't' || c == 'f':
		start := p.Pos
		p.Skip()
		return value{kind: boolKind, at: at, str: string(p.Data[start:p.Pos])}
	case c == 'n':
		p.Skip()
		return value{kind: nullKind, at: at}
	default:
		start := p.Pos
		p.Skip()
		return value{kind: numberKind, at: at, str: string(p.Data[start:min(p.Pos, len(p.Data))])}
	}
}

// str reads a JSON string, with where each decoded byte is: a byte that
// an escape decodes to is at the escape's backslash.
func (p *jsonReader) str() value {
	start := p.Pos
	raw, escaped := p.RawString()
	if p.Err != nil {
		return value{}
	}
	at := place{p.src, start}
	if !escaped {
		return value{kind: stringKind, at: at, str: string(raw), spans: []span{{src: p.src, off: start + 1}}}
	}
	var b builder
	s := string(raw) // decoded
	i := start + 1   // in the raw string
	for j := 0; j < len(s); {
		if p.Data[i] != '\\' {
			n := 1
			for j+n < len(s) && p.Data[i+n] != '\\' {
				n++
			}
			b.add(s[j:j+n], place{p.src, i}, false)
			i, j = i+n, j+n
			continue
		}
		w, n := 2, 1
		if p.Data[i+1] == 'u' {
			r, size := utf8.DecodeRuneInString(s[j:])
			w, n = 6, size
			if r >= 0x10000 {
				w = 12 // a surrogate pair
			}
		}
		b.add(s[j:j+n], place{p.src, i}, true)
		i, j = i+w, j+n
	}
	return b.value(at)
}
