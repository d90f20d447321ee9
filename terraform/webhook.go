package terraform

import (
	"fmt"
	"slices"
)

// WebhookSettings are what a launchdarkly_webhook sets besides its
// policy: where and how LaunchDarkly delivers to it.
type WebhookSettings struct {
	// URL is where LaunchDarkly delivers (url).
	URL string
	// Secret is the key that signs deliveries (secret); empty when the
	// resource gives none, and LaunchDarkly then does not sign them.
	Secret string
	// On is whether the webhook delivers (on); false when the resource
	// does not say, the provider's default.
	On bool
	// Name and Tags describe the webhook (name, tags).
	Name string
	Tags []string
}

// Webhook returns the settings of a launchdarkly_webhook resource, read
// as its policy is. A policy does not need them: a problem with them,
// such as a url that a variable gives, is not a problem of the resource
// (Resource.Err), and Webhook returns it, as an [ErrorList] located at
// the expression. It is an error for a resource of another type, or one
// that could not be read.
func (r *Resource) Webhook() (*WebhookSettings, error) {
	switch {
	case r.Type != Webhook:
		return nil, fmt.Errorf("terraform: %s is a %s, not a %s", r.Address, r.Type, Webhook)
	case r.Err != nil:
		return nil, r.Err
	case len(r.hookErrs) > 0:
		return nil, r.hookErrs
	}
	w := *r.hook
	w.Tags = slices.Clone(w.Tags)
	return &w, nil
}

// webhookSettings reads the settings of a webhook, with problems of their
// own.
func (rr *resourceReader) webhookSettings() (*WebhookSettings, ErrorList) {
	hr := &resourceReader{r: rr.r, res: rr.res, a: rr.a}
	w := &WebhookSettings{}
	if v, ok := hr.str("url", true); ok {
		w.URL = v.str
	}
	if v, ok := hr.str("secret", false); ok {
		w.Secret = v.str
	}
	if v, ok := hr.str("name", false); ok {
		w.Name = v.str
	}
	if v, ok, err := hr.a.get("on"); err != nil {
		hr.fail(err)
	} else if ok && v.kind != boolKind {
		hr.fail(errorf(v.at.pos(), "on is %s: expected a boolean", v.kind))
	} else if ok {
		w.On = v.str == "true"
	}
	if v, ok, err := hr.a.get("tags"); err != nil {
		hr.fail(err)
	} else if ok && v.kind != listKind {
		hr.fail(errorf(v.at.pos(), "tags is %s: expected a list of strings", v.kind))
	} else if ok {
		for _, el := range v.elems {
			if el.kind != stringKind {
				hr.fail(errorf(el.at.pos(), "a tag is %s: expected a string", el.kind))
				continue
			}
			w.Tags = append(w.Tags, el.str)
		}
	}
	return w, hr.errs
}
