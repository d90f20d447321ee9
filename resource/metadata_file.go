package resource

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"unicode/utf8"
)

// ParseMetadataMap decodes a metadata file: a JSON object whose keys are
// paths of concrete resources without metadata and whose values are either a
// metadata list in inline notation, complete like inline metadata, or an
// object with any of "tags" (a list of strings), "properties" (an object of
// strings, numbers or booleans) and "views" (a list of strings). An object
// lists in full the kinds it has; a kind it leaves out is unknown
// (see [Metadata.Partial]):
//
//	{
//	  "proj/default:env/production": {"tags": ["prod"], "properties": {"critical": true}},
//	  "proj/default:env/production:flag/dark-mode": "beta,view:checkout"
//	}
//
// Here the views of the production environment are unknown; those of the
// flag are known: it is linked to the checkout view only.
func ParseMetadataMap(data []byte) (MetadataMap, error) {
	if !utf8.Valid(data) {
		return nil, fmt.Errorf("resource: metadata file is not valid UTF-8 (at byte %d)", invalidUTF8(data))
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var raw map[string]json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("resource: metadata file: %v", err)
	}
	if raw == nil {
		return nil, fmt.Errorf("resource: metadata file: expected an object of resource paths, found null")
	}
	if dec.More() {
		return nil, fmt.Errorf("resource: metadata file: unexpected data after the object")
	}
	paths := make([]string, 0, len(raw))
	for p := range raw {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	m := make(MetadataMap, len(raw))
	for _, path := range paths {
		md, err := parseMetadataValue(path, raw[path])
		if err != nil {
			return nil, fmt.Errorf("resource: metadata file: %q: %w", path, err)
		}
		m[path] = md
	}
	return m, nil
}

func parseMetadataValue(path string, v json.RawMessage) (Metadata, error) {
	c, err := ParseConcrete(path)
	if err != nil {
		return Metadata{}, err
	}
	for i := 0; i < c.Len(); i++ {
		if c.segs[i].inline {
			return Metadata{}, fmt.Errorf("a path has no metadata of its own: write %q", c.Path(c.Len()-1))
		}
	}
	var s string
	if err := json.Unmarshal(v, &s); err == nil {
		return ParseMetadata(s)
	}
	var obj struct {
		Tags       *[]string
		Properties *map[string]json.RawMessage
		Views      *[]string
	}
	dec := json.NewDecoder(bytes.NewReader(v))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&obj); err != nil {
		return Metadata{}, fmt.Errorf(`expected a metadata list or an object with "tags", "properties" and "views": %v`, err)
	}
	var partial Kinds
	var tags, views []string
	raw := map[string]json.RawMessage{}
	if obj.Tags == nil {
		partial |= Tags
	} else {
		tags = *obj.Tags
	}
	if obj.Properties == nil {
		partial |= Properties
	} else {
		raw = *obj.Properties
	}
	if obj.Views == nil {
		partial |= Views
	} else {
		views = *obj.Views
	}
	props := make(map[string]string, len(raw))
	for name, raw := range raw {
		var val any
		if err := json.Unmarshal(raw, &val); err != nil {
			return Metadata{}, err
		}
		switch val := val.(type) {
		case string:
			props[name] = val
		case bool:
			props[name] = strconv.FormatBool(val)
		case float64:
			props[name] = string(raw)
		default:
			return Metadata{}, fmt.Errorf("property %q: expected a string, number or boolean, found %s", name, raw)
		}
	}
	m, err := NewMetadata(tags, props, views)
	return m.Partial(partial), err
}

func invalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			return i
		}
		i += n
	}
	return -1
}
