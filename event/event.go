package event

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/ldpolicy/ldpolicy/policy"
)

// Event is an audit-log entry, the body of a webhook delivery. Its fields
// are those of LaunchDarkly's webhook payload schema; every other field of
// the payload is in Extra, and the payload itself in Raw.
type Event struct {
	ID               string          `json:"_id"`
	Date             int64           `json:"date"` // Unix time in milliseconds
	Kind             string          `json:"kind"` // "flag", "project", ...; any value is accepted
	Name             string          `json:"name"`
	Description      string          `json:"description,omitempty"`
	ShortDescription string          `json:"shortDescription,omitempty"`
	Comment          string          `json:"comment,omitempty"`
	Accesses         []policy.Access `json:"accesses"`
	Member           *Member         `json:"member,omitempty"`
	TitleVerb        string          `json:"titleVerb,omitempty"`
	Title            string          `json:"title,omitempty"`
	Target           *Target         `json:"target,omitempty"`
	Links            map[string]Link `json:"_links,omitempty"`
	// Extra holds the fields outside the schema, such as _accountId,
	// currentVersion, previousVersion, parent, delta or subentries, as raw
	// JSON.
	Extra map[string]json.RawMessage `json:"-"`
	raw   []byte
}

// Member is the account member who made a change.
type Member struct {
	ID        string          `json:"_id"`
	Email     string          `json:"email,omitempty"`
	FirstName string          `json:"firstName,omitempty"`
	LastName  string          `json:"lastName,omitempty"`
	Links     map[string]Link `json:"_links,omitempty"`
}

// Target is the resource a change was made to.
type Target struct {
	Name      string          `json:"name,omitempty"`
	Resources []string        `json:"resources,omitempty"`
	Links     map[string]Link `json:"_links,omitempty"`
}

// Link is a hypermedia link.
type Link struct {
	Href string `json:"href"`
	Type string `json:"type,omitempty"`
}

// Decode decodes an event. It is lenient: fields may be missing (a member
// is absent from some entries), fields outside the schema go to Extra, and
// any kind is accepted. Field names match exactly, unlike encoding/json's
// case-insensitive matching, at every level, so that "Name" beside "name" is
// kept in Extra rather than lost, and an access's "Action" is not its action. A field of the schema with a value of the wrong JSON type
// is an error, as is anything but one JSON object.
func Decode(data []byte) (*Event, error) {
	const jsonSpace = " \t\r\n" // not \v, \f or Unicode spaces
	trimmed := bytes.Trim(data, jsonSpace)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return nil, errors.New("event: expected an event (a JSON object)")
	}
	var object json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	if err := dec.Decode(&object); err != nil {
		return nil, fmt.Errorf("event: malformed event: %v", err)
	}
	// Not dec.More: it is false before a stray '}' or ']'.
	if rest := bytes.Trim(trimmed[dec.InputOffset():], jsonSpace); len(rest) > 0 {
		return nil, errors.New("event: unexpected data after the event")
	}
	ev := &Event{raw: append([]byte(nil), data...)}
	var accesses []json.RawMessage
	extra, err := decodeObject(object, map[string]any{
		"_id": &ev.ID, "date": &ev.Date, "kind": &ev.Kind, "name": &ev.Name,
		"description": &ev.Description, "shortDescription": &ev.ShortDescription,
		"comment": &ev.Comment, "accesses": &accesses, "member": &ev.Member,
		"titleVerb": &ev.TitleVerb, "title": &ev.Title, "target": &ev.Target,
		"_links": &ev.Links,
	})
	if err != nil {
		return nil, fmt.Errorf("event: malformed event: %v", err)
	}
	if len(extra) > 0 {
		ev.Extra = extra
	}
	if accesses != nil {
		ev.Accesses = make([]policy.Access, len(accesses))
	}
	for i, raw := range accesses {
		a := &ev.Accesses[i]
		if _, err := decodeObject(raw, map[string]any{"action": &a.Action, "resource": &a.Resource}); err != nil {
			return nil, fmt.Errorf("event: malformed event: accesses[%d]: %v", i, err)
		}
	}
	return ev, nil
}

// decodeObject decodes a JSON object, or null, into the targets of the
// fields it names, matching names exactly, and returns the other fields.
// Fields are decoded in order of name, so that errors are deterministic.
func decodeObject(data []byte, targets map[string]any) (map[string]json.RawMessage, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		target, ok := targets[k]
		if !ok {
			continue
		}
		if err := json.Unmarshal(fields[k], target); err != nil {
			return nil, fmt.Errorf("%s: %v", k, err)
		}
		delete(fields, k)
	}
	return fields, nil
}

// UnmarshalJSON decodes a member, matching field names exactly.
func (m *Member) UnmarshalJSON(data []byte) error {
	var v Member
	_, err := decodeObject(data, map[string]any{
		"_id": &v.ID, "email": &v.Email, "firstName": &v.FirstName,
		"lastName": &v.LastName, "_links": &v.Links,
	})
	if err == nil {
		*m = v
	}
	return err
}

// UnmarshalJSON decodes a target, matching field names exactly.
func (t *Target) UnmarshalJSON(data []byte) error {
	var v Target
	_, err := decodeObject(data, map[string]any{
		"name": &v.Name, "resources": &v.Resources, "_links": &v.Links,
	})
	if err == nil {
		*t = v
	}
	return err
}

// UnmarshalJSON decodes a link, matching field names exactly.
func (l *Link) UnmarshalJSON(data []byte) error {
	var v Link
	_, err := decodeObject(data, map[string]any{"href": &v.Href, "type": &v.Type})
	if err == nil {
		*l = v
	}
	return err
}

// Raw returns the bytes the event was decoded from.
func (e *Event) Raw() []byte { return e.raw }

// Time returns the time of the change, from Date.
func (e *Event) Time() time.Time { return time.UnixMilli(e.Date).UTC() }
