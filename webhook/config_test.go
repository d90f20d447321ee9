package webhook

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ldpolicy/ldpolicy/policy"
)

func TestReadConfigs(t *testing.T) {
	one := `{"_id":"w1","name":"prod","url":"https://a.example/x","sign":true,"secret":"s","tags":["t"],"statements":[]}`
	off := `{"url":"","on":false}`
	for _, tt := range []struct {
		name string
		data string
		want []string // Label, ShownURL and On of each
	}{
		{"one object", one, []string{"webhook 0 (prod) https://a.example/x true"}},
		{"an array", "[" + one + ",\n" + off + "]", []string{"webhook 0 (prod) https://a.example/x true", "webhook 1  false"}},
		{"a list response", `{"_links":{},"items":[` + off + `,` + one + `],"totalCount":2}`, []string{"webhook 0  false", "webhook 1 (prod) https://a.example/x true"}},
		{"a name with a control character", `{"name":"a\u001b[31m","url":"http://h/?token=abc"}`, []string{`webhook 0 (a\x1b[31m) http://h/?REDACTED true`}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			configs, err := ReadConfigs([]byte(tt.data))
			if err != nil {
				t.Fatal(err)
			}
			var have []string
			for _, c := range configs {
				have = append(have, strings.Join([]string{c.Label(), c.ShownURL(), map[bool]string{true: "true", false: "false"}[c.On]}, " "))
				if got := tt.data[c.Start:c.End]; got[0] != '{' || got[len(got)-1] != '}' {
					t.Errorf("%s: the span %d:%d holds %q, not the object", c.Label(), c.Start, c.End, got)
				}
			}
			if diff := cmp.Diff(tt.want, have); diff != "" {
				t.Errorf("ReadConfigs (-want +have):\n%s", diff)
			}
		})
	}
}

func TestReadConfigsErrors(t *testing.T) {
	for _, tt := range []struct {
		data, want string
	}{
		{``, "expected a webhook object, an array of webhooks or {\"items\": [...]}, found an empty file"},
		{`[]`, "no webhooks"},
		{`[{"name":"n"}]`, `webhook 0 (n): no "url"`},
		{`[{"url":"ftp://u:p@h/x?k=v"}]`, `webhook 0: "url" must be an http or https URL, not "ftp://xxxxx@h/x?REDACTED"`},
		{`[{"url":"http://h"},{"url":"http://h","sign":true}]`, `webhook 1: "sign" is true but there is no "secret" to sign with`},
		{`[{"url":"http://h","sign":"yes"}]`, `webhook 0: "sign": expected a boolean, found a string`},
		{`[{"url":"http://h","tags":"a"}]`, `webhook 0: "tags": expected an array of strings, found a string`},
		{`{"items":["https://u:secret@h/x"]}`, `items 0: expected a webhook object, found a string`},
		{`[{"url":"http://u:secret@h:port/x"}]`, `webhook 0: "url" is not a URL: invalid port ":port" after host`},
	} {
		_, err := ReadConfigs([]byte(tt.data))
		if err == nil || err.Error() != tt.want {
			t.Errorf("ReadConfigs(%s):\nhave %v\nwant %s", tt.data, err, tt.want)
		}
		if err != nil && strings.Contains(err.Error(), "secret") && !strings.Contains(tt.want, "secret") {
			t.Errorf("ReadConfigs(%s): the error quotes a credential: %v", tt.data, err)
		}
	}
}

// TestConfigLoadPolicy compiles the policy of the second webhook of a
// file: its problems are located in the file.
func TestConfigLoadPolicy(t *testing.T) {
	data := []byte(`[
  {"url": "https://a.example", "statements": []},
  {"url": "https://b.example", "statements": [
    {"effect": "allow", "actions": ["*"], "resources": ["proj/*:/flag/*"]}
  ]}
]`)
	configs, err := ReadConfigs(data)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := configs[0].LoadPolicy("hooks.json", data, policy.Options{}); err != nil {
		t.Errorf("webhook 0: %v", err)
	}
	_, err = configs[1].LoadPolicy("hooks.json", data, policy.Options{})
	if err == nil || !strings.HasPrefix(err.Error(), "hooks.json:4:65: statements[0].resources[0]") {
		t.Errorf("webhook 1: %v, want the problem at hooks.json:4:65", err)
	}
}
