package terraform

import (
	"errors"
	"fmt"
	"strings"

	"github.com/ldpolicy/ldpolicy/policy"
	"github.com/ldpolicy/ldpolicy/resource"
)

// attrs are the attributes of one resource: of its block in a .tf file, or
// of its values in the output of terraform show -json.
type attrs interface {
	// get returns the value of the attribute name, or of the blocks of
	// that name as a list of objects; ok is false when it has neither, or
	// when the value is null. In custom_role_keys, a reference to a
	// custom role's key is a value of refKind.
	get(name string) (v value, ok bool, err *Error)
	// resolved reports whether the values are those that Terraform
	// resolved (terraform show -json), where an unset list may be empty
	// rather than null.
	resolved() bool
}

// refKind is a reference to the key of a custom role resource of the
// module, "launchdarkly_custom_role.shared.key": its str is the address of
// the resource.
const refKind kind = 255

// isPolicyType reports whether resources of type t bear policies.
func isPolicyType(t string) bool {
	switch t {
	case Webhook, CustomRole, TeamRoleMapping, Team:
		return true
	}
	return false
}

// resourceReader reads one resource, collecting its problems.
type resourceReader struct {
	r    *reader
	res  *Resource
	a    attrs
	errs ErrorList
}

func (rr *resourceReader) fail(e *Error) {
	e.Address = rr.res.Address
	rr.errs = append(rr.errs, e)
}

// readResource reads the policy or the roles of a resource from its
// attributes; file names the file that the statements' positions are in.
func (r *reader) readResource(res *Resource, a attrs, file string) *Resource {
	rr := &resourceReader{r: r, res: res, a: a}
	switch res.Type {
	case Webhook:
		// policy_statements is the name of provider versions before 2.
		if f := rr.statements(file, "statements", "policy_statements"); f != nil {
			f.Kind = policy.WebhookFile
			res.Policy = f
		}
		res.hook, res.hookErrs = rr.webhookSettings()
	case CustomRole:
		rr.customRole(file)
	case TeamRoleMapping:
		rr.team("team_key")
	case Team:
		rr.team("key")
	}
	if len(rr.errs) > 0 {
		res.Policy, res.Team, res.Err = nil, nil, rr.errs
	}
	return res
}

// str reads a string attribute; required says whether its absence is a
// problem.
func (rr *resourceReader) str(name string, required bool) (value, bool) {
	v, ok, err := rr.a.get(name)
	switch {
	case err != nil:
		rr.fail(err)
		return value{}, false
	case !ok:
		if required {
			rr.fail(errorf(rr.res.Pos, "missing %s: a %s needs one", name, rr.res.Type))
		}
		return value{}, false
	case v.kind != stringKind:
		rr.fail(errorf(v.at.pos(), "%s is %s: expected a string", name, v.kind))
		return value{}, false
	}
	return v, true
}

// customRole reads a custom role: its key, name, base permissions and
// policy, given as statements (attribute or blocks) or as JSON.
func (rr *resourceReader) customRole(file string) {
	key, hasKey := rr.str("key", true)
	var name string
	// The name is descriptive: when it is not a literal, it is left out
	// rather than stopping the role from being read.
	if v, ok, err := rr.a.get("name"); err == nil && ok && v.kind == stringKind {
		name = v.str
	}
	base := policy.Reader // the provider's default
	if v, ok := rr.str("base_permissions", false); ok {
		b, err := policy.ParseBasePermissions(v.str)
		if err != nil {
			rr.fail(errorf(v.at.pos(), "base_permissions: %v", err))
		}
		base = b
	}
	// policy is the name of provider versions before 2.
	f := rr.statements(file, "policy_statements", "policy", "policy_statements_json")
	if hasKey {
		rr.res.key = key.str
	}
	if f == nil || len(rr.errs) > 0 {
		return
	}
	f.Kind, f.RoleKey, f.RoleName, f.BasePermissions = policy.RoleFile, key.str, name, base
	rr.res.Policy = f
}

// statements reads the statements of a policy from the first of names
// that the resource has: a list of statement objects, or, for a name that
// ends in "_json", a string of JSON. A resource with none of them has an
// empty policy. In a .tf file, giving two is a problem; in resolved values,
// where the provider may fill in both, the first that is not empty is read.
func (rr *resourceReader) statements(file string, names ...string) *policy.File {
	var found string
	var v value
	for _, name := range names {
		nv, ok, err := rr.a.get(name)
		switch {
		case err != nil:
			rr.fail(err)
			return nil
		case !ok:
			continue
		case rr.a.resolved() && (nv.kind == listKind && len(nv.elems) == 0 || nv.kind == stringKind && nv.str == ""):
			continue // unset
		case found == "":
			found, v = name, nv
			continue
		case !rr.a.resolved():
			rr.fail(errorf(nv.at.pos(), "both %s and %s: give the statements once", found, name))
			return nil
		}
	}
	if found == "" {
		v = value{kind: listKind, at: place{}, elems: nil}
		return rr.decode(file, v, "", rr.res.Pos)
	}
	if strings.HasSuffix(found, "_json") {
		if v.kind != stringKind {
			rr.fail(errorf(v.at.pos(), "%s is %s: expected a string of JSON", found, v.kind))
			return nil
		}
		return rr.decodeJSON(file, v, found)
	}
	if v.kind != listKind {
		rr.fail(errorf(v.at.pos(), "%s is %s: expected a list of statements", found, v.kind))
		return nil
	}
	if rr.a.resolved() {
		v = unsetEmpty(v)
	}
	return rr.decode(file, v, found, v.at.pos())
}

// unsetEmpty drops the fields of resolved statements that are null or
// empty lists: the provider writes unset lists either way.
func unsetEmpty(list value) value {
	out := list
	out.elems = make([]value, len(list.elems))
	for i, st := range list.elems {
		if st.kind != objectKind {
			out.elems[i] = st
			continue
		}
		o := st
		o.keys, o.elems = nil, nil
		for j, fv := range st.elems {
			if fv.kind == nullKind || fv.kind == listKind && len(fv.elems) == 0 {
				continue
			}
			o.keys = append(o.keys, st.keys[j])
			o.elems = append(o.elems, fv)
		}
		out.elems[i] = o
	}
	return out
}

// decode decodes a list of statements, written as JSON, with package
// policy's decoder. whole is the position of the policy as a whole, when
// the list has none of its own.
func (rr *resourceReader) decode(file string, v value, name string, whole policy.Position) *policy.File {
	var b builder
	if !writeJSON(&b, &v, MaxFileSize) {
		rr.fail(errorf(v.at.pos(), "%s: the statements are longer than %d bytes", name, MaxFileSize))
		return nil
	}
	if err := rr.r.charge(len(b.b), rr.res.Pos); err != nil {
		rr.fail(err)
		return nil
	}
	pos := positions(b.spans, v.at)
	if v.at.src == nil {
		pos = func(int) policy.Position { return whole }
	}
	f, err := policy.ParseDerived(file, b.b, pos)
	if err != nil {
		for _, e := range fromPolicy(rr.res.Address, err) {
			rr.fail(e)
		}
		return nil
	}
	return f
}

// decodeJSON decodes the JSON of policy_statements_json: its positions are
// those of the bytes of the string, escapes and all.
func (rr *resourceReader) decodeJSON(file string, v value, name string) *policy.File {
	if err := rr.r.charge(len(v.str), v.at.pos()); err != nil {
		rr.fail(err)
		return nil
	}
	f, err := policy.ParseDerived(file, []byte(v.str), positions(v.spans, v.at))
	if err != nil {
		for _, e := range fromPolicy(rr.res.Address, err) {
			rr.fail(e)
		}
		return nil
	}
	if f.Kind != policy.StatementList {
		rr.fail(errorf(v.at.pos(), "%s holds a %s: expected a JSON array of statements", name, f.Kind))
		return nil
	}
	return f
}

// team reads the roles of a team role mapping or a team: its key, the
// keys of its custom roles and its role attributes.
func (rr *resourceReader) team(keyName string) {
	key, _ := rr.str(keyName, true)
	t := &TeamRoles{Key: key.str, address: rr.res.Address}
	if v, ok, err := rr.a.get("custom_role_keys"); err != nil {
		rr.fail(err)
	} else if ok {
		if v.kind != listKind {
			rr.fail(errorf(v.at.pos(), "custom_role_keys is %s: expected a list of keys", v.kind))
		}
		for _, el := range v.elems {
			switch el.kind {
			case stringKind:
				t.Roles = append(t.Roles, RoleRef{Key: el.str, Pos: el.at.pos()})
			case refKind:
				t.Roles = append(t.Roles, RoleRef{Pos: el.at.pos(), ref: el.str})
			default:
				rr.fail(errorf(el.at.pos(), "a custom role key is %s: expected a string", el.kind))
			}
		}
	}
	if v, ok, err := rr.a.get("role_attributes"); err != nil {
		rr.fail(err)
	} else if ok {
		t.Attributes = rr.roleAttributes(v)
	}
	if len(rr.errs) == 0 {
		rr.res.Team = t
	}
}

// roleAttributes reads role attributes: a map of keys to lists of values
// (provider 3), or a list of objects with a key and values (the blocks of
// earlier versions). Names must be keys and values patterns, as
// policy.Options.Attributes wants them; each problem is located.
func (rr *resourceReader) roleAttributes(v value) map[string][]string {
	out := map[string][]string{}
	add := func(name, values value) {
		if name.kind != stringKind {
			rr.fail(errorf(name.at.pos(), "a role attribute key is %s: expected a string", name.kind))
			return
		}
		if !resource.IsKey(name.str) {
			rr.fail(errorf(name.at.pos(), "role attribute name %q is not a key", name.str))
			return
		}
		if _, dup := out[name.str]; dup {
			rr.fail(errorf(name.at.pos(), "role attribute %q given twice", name.str))
			return
		}
		if values.kind != listKind {
			rr.fail(errorf(values.at.pos(), "role attribute %q is %s: expected a list of values", name.str, values.kind))
			return
		}
		list := make([]string, 0, len(values.elems))
		for _, el := range values.elems {
			if el.kind != stringKind {
				rr.fail(errorf(el.at.pos(), "a value of role attribute %q is %s: expected a string", name.str, el.kind))
				continue
			}
			var ae *resource.AttributeError
			if err := resource.CheckValue(name.str, el.str); errors.As(err, &ae) {
				rr.fail(errorf(el.source(ae.Offset).pos(), "role attribute %q: malformed value %q at offset %d: %s", name.str, el.str, ae.Offset, ae.Msg))
				continue
			}
			list = append(list, el.str)
		}
		out[name.str] = list
	}
	switch v.kind {
	case objectKind:
		for i := range v.keys {
			add(v.keys[i], v.elems[i])
		}
	case listKind:
		for _, el := range v.elems {
			if el.kind != objectKind {
				rr.fail(errorf(el.at.pos(), "role_attributes holds %s: expected an object with a key and values", el.kind))
				continue
			}
			name, values := value{kind: nullKind, at: el.at}, value{kind: nullKind, at: el.at}
			for i, k := range el.keys {
				switch k.str {
				case "key":
					name = el.elems[i]
				case "values":
					values = el.elems[i]
				default:
					rr.fail(errorf(k.at.pos(), "unknown field %q in role_attributes: expected key and values", k.str))
				}
			}
			add(name, values)
		}
	default:
		rr.fail(errorf(v.at.pos(), "role_attributes is %s: expected a map of keys to lists of values", v.kind))
	}
	return out
}

// resolve resolves the custom roles that teams name, by reference to a
// resource of the source or by key, and reports a key that two custom
// roles have.
func resolve(res []*Resource) {
	byAddr := map[string]*Resource{}
	byKey := map[string]*Resource{}
	for _, r := range res {
		byAddr[r.Address] = r
		if r.Type != CustomRole || r.key == "" {
			continue
		}
		if first, dup := byKey[r.key]; dup {
			e := errorf(r.Pos, "custom role key %q is also the key of %s", r.key, first.Address)
			e.Address = r.Address
			var l ErrorList
			errors.As(r.Err, &l)
			r.Policy, r.Err = nil, append(l, e)
			continue
		}
		byKey[r.key] = r
	}
	for _, r := range res {
		if r.Team == nil {
			continue
		}
		for i := range r.Team.Roles {
			ref := &r.Team.Roles[i]
			if ref.ref != "" {
				ref.Role = byAddr[ref.ref] // the reader checked that it exists
				if ref.Role != nil {
					ref.Key = ref.Role.key
				}
				continue
			}
			ref.Role = byKey[ref.Key]
		}
	}
}

// checkRefs reports the references of teams to custom roles that the
// module does not have, as Terraform would.
func checkRefs(res []*Resource) {
	have := map[string]bool{}
	for _, r := range res {
		have[r.Address] = true
	}
	for _, r := range res {
		if r.Team == nil {
			continue
		}
		var errs ErrorList
		for _, ref := range r.Team.Roles {
			if ref.ref != "" && !have[ref.ref] {
				errs = append(errs, &Error{Pos: ref.Pos, Address: r.Address, Err: fmt.Errorf("reference to %s.key: the module has no resource %s", ref.ref, ref.ref)})
			}
		}
		if len(errs) > 0 {
			r.Team, r.Err = nil, errs
		}
	}
}
