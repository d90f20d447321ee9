package terraform

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestWebhookSettings(t *testing.T) {
	for _, tt := range []struct {
		source, address string
		want            *WebhookSettings
		err             string
	}{
		{source: "testdata/module", address: "launchdarkly_webhook.audit", want: &WebhookSettings{URL: "https://audit.example.com/launchdarkly"}},
		{source: "testdata/module", address: "launchdarkly_webhook.prod_flags", err: "testdata/module/main.tf:17:10: launchdarkly_webhook.prod_flags: the variable var.hook_url is not known without running Terraform"},
		{source: "testdata/module", address: "launchdarkly_custom_role.ops", err: "terraform: launchdarkly_custom_role.ops is a launchdarkly_custom_role, not a launchdarkly_webhook"},
		{source: "testdata/show/plan.json", address: "launchdarkly_webhook.prod", want: &WebhookSettings{URL: "https://hooks.example.com/prod", On: true, Name: "Production flag changes"}},
	} {
		t.Run(tt.address, func(t *testing.T) {
			r, err := mustRead(t, tt.source).Resource(tt.address)
			if err != nil {
				t.Fatal(err)
			}
			have, err := r.Webhook()
			switch {
			case tt.err != "" && (err == nil || !strings.HasPrefix(err.Error(), tt.err)):
				t.Errorf("have error %v\nwant %s...", err, tt.err)
			case tt.err == "" && err != nil:
				t.Error(err)
			case tt.err == "":
				if diff := cmp.Diff(tt.want, have); diff != "" {
					t.Errorf("settings (-want +have):\n%s", diff)
				}
			}
		})
	}
}

// TestWebhookSettingsForms reads every setting, in the forms a .tf file
// gives them, and their problems, which are not the resource's.
func TestWebhookSettingsForms(t *testing.T) {
	src, err := ParseJSON("state.json", []byte(`{"format_version": "1.0", "values": {"root_module": {"resources": [
		{"address": "launchdarkly_webhook.a", "mode": "managed", "type": "launchdarkly_webhook", "name": "a",
		 "values": {"url": "https://a.example.com", "secret": "s3cret", "on": true, "name": "A", "tags": ["x", "y"], "statements": []}},
		{"address": "launchdarkly_webhook.b", "mode": "managed", "type": "launchdarkly_webhook", "name": "b",
		 "values": {"on": "yes", "tags": "x", "statements": null}}
	]}}}`))
	if err != nil {
		t.Fatal(err)
	}
	a, err := src.Resources[0].Webhook()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(&WebhookSettings{URL: "https://a.example.com", Secret: "s3cret", On: true, Name: "A", Tags: []string{"x", "y"}}, a); diff != "" {
		t.Errorf("settings (-want +have):\n%s", diff)
	}
	b := src.Resources[1]
	if b.Err != nil || b.Policy == nil {
		t.Fatalf("the policy of b does not need its settings: %v", b.Err)
	}
	_, err = b.Webhook()
	want := []string{
		"state.json:4:3: launchdarkly_webhook.b: missing url: a launchdarkly_webhook needs one",
		"state.json:5:21: launchdarkly_webhook.b: on is a string: expected a boolean",
		"state.json:5:36: launchdarkly_webhook.b: tags is a string: expected a list of strings",
	}
	var have []string
	if l, ok := err.(ErrorList); ok {
		for _, e := range l {
			have = append(have, e.Error())
		}
	}
	if diff := cmp.Diff(want, have); diff != "" {
		t.Errorf("problems (-want +have):\n%s\n%v", diff, err)
	}
}
