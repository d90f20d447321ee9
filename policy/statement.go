package policy

import (
	"bytes"
	"encoding/json"
	"errors"
)

// Effect is what a statement does to the accesses it applies to.
type Effect string

const (
	Allow Effect = "allow"
	Deny  Effect = "deny"
)

// The JSON fields of a statement.
const (
	fieldEffect       = "effect"
	fieldResources    = "resources"
	fieldNotResources = "notResources"
	fieldActions      = "actions"
	fieldNotActions   = "notActions"
)

// Statement is one policy statement as LaunchDarkly's REST API writes it.
//
// A nil list is an absent field; a non-nil empty list is a field present
// with no elements (an error). Exactly one of Resources and NotResources,
// and exactly one of Actions and NotActions, must be present; [Compile]
// checks this and everything else.
type Statement struct {
	Effect       Effect   `json:"effect"`
	Actions      []string `json:"actions,omitempty"`
	NotActions   []string `json:"notActions,omitempty"`
	Resources    []string `json:"resources,omitempty"`
	NotResources []string `json:"notResources,omitempty"`
}

// String returns the statement as one line of JSON.
func (s Statement) String() string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		return "<" + err.Error() + ">"
	}
	return string(bytes.TrimSuffix(b.Bytes(), []byte("\n")))
}

// UnmarshalJSON decodes a statement strictly: an unknown field is an error
// rather than ignored, and the snake_case spellings of LaunchDarkly's
// Terraform provider ("not_resources", "not_actions") are read as aliases.
// It checks the shape of the JSON only; [Compile] validates the values.
func (s *Statement) UnmarshalJSON(data []byte) error {
	d := newDecoder(data, "")
	d.WS()
	st, _ := d.statement(-1)
	if d.Err == nil {
		d.end()
	}
	if err := d.err(); err != nil {
		// Positions inside the statement's own bytes would mislead.
		var errs ErrorList
		if errors.As(err, &errs) {
			for _, e := range errs {
				e.Pos = Position{}
			}
		}
		return err
	}
	*s = st
	return nil
}
