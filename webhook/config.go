package webhook

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/ldpolicy/ldpolicy/internal/jsonscan"
	"github.com/ldpolicy/ldpolicy/internal/redact"
	"github.com/ldpolicy/ldpolicy/policy"
)

// Config is a webhook as LaunchDarkly's REST API represents it: where it
// delivers, whether it signs, whether it is on, and its policy.
type Config struct {
	Index  int    // its place among the webhooks read, from 0
	ID     string // _id
	Name   string
	URL    string
	Secret string
	Sign   bool
	On     bool // a webhook object without "on" is on
	Tags   []string
	// Start and End are the offsets of the webhook's object in the data it
	// was read from: policy.LoadAt(name, data, c.Start, c.End, opts)
	// compiles its statements with their positions in that data.
	Start, End int
}

// Label names the webhook in messages: "webhook 2", or "webhook 2 (name)",
// with the name's control characters escaped as in a Go string.
func (c *Config) Label() string {
	if c.Name == "" {
		return fmt.Sprintf("webhook %d", c.Index)
	}
	q := strconv.Quote(c.Name)
	return fmt.Sprintf("webhook %d (%s)", c.Index, q[1:len(q)-1])
}

// ShownURL is the webhook's URL as it may be shown: without the userinfo,
// query and fragment, where credentials and tokens are.
func (c *Config) ShownURL() string { return redact.URL(c.URL) }

// ReadConfigs reads webhooks in the shapes of LaunchDarkly's REST API: one
// webhook object, a JSON array of them, or a list response
// ({"items": [...]}). It reads _id, name, url, secret, sign, on and tags,
// and checks what delivering needs: a webhook that is on has an http or
// https URL, and one that signs has a secret. Its errors never quote a
// URL's userinfo, query or fragment.
func ReadConfigs(data []byte) ([]Config, error) {
	spans, err := objectSpans(data)
	if err != nil {
		return nil, errors.New(redact.URLs(err.Error()))
	}
	if len(spans) == 0 {
		return nil, errors.New("no webhooks")
	}
	configs := make([]Config, len(spans))
	for i, span := range spans {
		c := &configs[i]
		if err := c.decode(i, data[span[0]:span[1]]); err != nil {
			return nil, errors.New(redact.URLs(err.Error()))
		}
		c.Start, c.End = span[0], span[1]
	}
	return configs, nil
}

// decode decodes and checks webhook i.
func (c *Config) decode(i int, raw []byte) error {
	var def struct {
		ID     string   `json:"_id"`
		Name   string   `json:"name"`
		URL    string   `json:"url"`
		Secret string   `json:"secret"`
		Sign   bool     `json:"sign"`
		On     *bool    `json:"on"`
		Tags   []string `json:"tags"`
	}
	if err := json.Unmarshal(raw, &def); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			want := map[string]string{"_id": "a string", "name": "a string", "url": "a string", "secret": "a string", "sign": "a boolean", "on": "a boolean", "tags": "an array of strings"}[te.Field]
			return fmt.Errorf("webhook %d: %q: expected %s, found %s", i, te.Field, want, jsonKind(te.Value))
		}
		return fmt.Errorf("webhook %d: %v", i, err)
	}
	*c = Config{Index: i, ID: def.ID, Name: def.Name, URL: def.URL, Secret: def.Secret, Sign: def.Sign, On: def.On == nil || *def.On, Tags: def.Tags}
	return c.Check()
}

// Check reports what delivering to the webhook needs and it lacks: a
// webhook that is on has an http or https URL, and one that signs has a
// secret. ReadConfigs checks the webhooks it reads; Check is for a Config
// made otherwise, such as from a Terraform resource. Its error never
// quotes the URL's userinfo, query or fragment.
func (c *Config) Check() error {
	if c.On {
		u, err := url.Parse(c.URL)
		switch {
		case c.URL == "":
			return fmt.Errorf("%s: no \"url\"", c.Label())
		case err != nil:
			// A *url.Error quotes the URL whole.
			var ue *url.Error
			if errors.As(err, &ue) {
				err = ue.Err
			}
			return fmt.Errorf("%s: \"url\" is not a URL: %s", c.Label(), redact.Replacer(c.URL).Replace(err.Error()))
		case u.Scheme != "http" && u.Scheme != "https" || u.Host == "":
			return fmt.Errorf("%s: \"url\" must be an http or https URL, not %q", c.Label(), c.ShownURL())
		}
	}
	if c.Sign && c.Secret == "" {
		return fmt.Errorf("%s: \"sign\" is true but there is no \"secret\" to sign with", c.Label())
	}
	return nil
}

// objectSpans finds the webhook objects of data: one object, a JSON array
// of them, or a list response {"items": [...]}. It returns the start and
// end offset of each.
func objectSpans(data []byte) ([][2]int, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	// value decodes the next value, returning its span.
	value := func() ([2]int, json.RawMessage, error) {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return [2]int{}, nil, err
		}
		end := int(dec.InputOffset())
		return [2]int{end - len(raw), end}, raw, nil
	}
	// array reads the rest of an array of objects.
	array := func(what string) ([][2]int, error) {
		var spans [][2]int
		for dec.More() {
			span, raw, err := value()
			if err != nil {
				return nil, err
			}
			if raw[0] != '{' {
				return nil, fmt.Errorf("%s %d: expected a webhook object, found %s", what, len(spans), describeStart(raw))
			}
			spans = append(spans, span)
		}
		_, err := dec.Token() // ']'
		return spans, err
	}
	trimmed := bytes.TrimSpace(data)
	switch {
	case bytes.HasPrefix(trimmed, []byte("[")):
		dec.Token()
		spans, err := array("element")
		if err != nil {
			return nil, err
		}
		if dec.More() {
			return nil, errors.New("expected one JSON value, found more after the array")
		}
		return spans, nil
	case bytes.HasPrefix(trimmed, []byte("{")):
		// A list response, or one webhook: which one is known only when
		// an "items" array is found, so check the object whole first.
		if !json.Valid(trimmed) {
			var v any
			return nil, json.Unmarshal(trimmed, &v)
		}
		var list struct {
			Items json.RawMessage `json:"items"`
		}
		if err := json.Unmarshal(trimmed, &list); err != nil {
			return nil, err
		}
		if len(list.Items) == 0 || list.Items[0] != '[' {
			span, _, err := value()
			return [][2]int{span}, err
		}
		dec.Token() // '{'
		for dec.More() {
			key, err := dec.Token()
			if err != nil {
				return nil, err
			}
			if key != "items" {
				if _, _, err := value(); err != nil {
					return nil, err
				}
				continue
			}
			dec.Token() // '['
			return array("items")
		}
	}
	return nil, fmt.Errorf("expected a webhook object, an array of webhooks or {\"items\": [...]}, found %s", describeStart(trimmed))
}

// jsonKind names a kind of JSON value as encoding/json's type errors give
// it.
func jsonKind(v string) string {
	kind, _, _ := strings.Cut(v, " ") // "number -5"
	switch kind {
	case "bool":
		return "a boolean"
	case "array", "object":
		return "an " + kind
	}
	return "a " + kind
}

// describeStart describes what a value is, for an error: its kind, not
// its text, which may be a URL with credentials cut short where redaction
// cannot tell them.
func describeStart(data []byte) string {
	if len(data) == 0 {
		return "an empty file"
	}
	return (&jsonscan.Scanner{Data: data}).Found(0)
}

// LoadPolicy compiles the statements of the webhook c, read from data by
// [ReadConfigs], with positions in data, which is called name.
func (c *Config) LoadPolicy(name string, data []byte, opts policy.Options) (*policy.Set, error) {
	return policy.LoadAt(name, data, c.Start, c.End, opts)
}
