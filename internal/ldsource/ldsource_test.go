package ldsource

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ldpolicy/ldpolicy/internal/policysource"
	"github.com/ldpolicy/ldpolicy/ldapi"
	"github.com/ldpolicy/ldpolicy/policy"
)

// accountServer serves a few objects of an account, as the REST API
// shapes them, and counts the requests.
func accountServer(t *testing.T, requests *[]string) *ldapi.Client {
	objects := map[string]string{
		"/api/v2/webhooks":    `{"items":[{"_id":"w1","name":"prod","url":"https://h.example.com","on":true,"statements":[{"effect":"allow","actions":["*"],"resources":["proj/*"]}]},{"_id":"w2","url":"https://h.example.com/2"}],"_links":{}}`,
		"/api/v2/webhooks/w1": `{"_id":"w1","name":"prod","url":"https://h.example.com","on":true,"statements":[{"effect":"allow","actions":["*"],"resources":["proj/*"]}]}`,
		"/api/v2/roles/r9":    `{"_id":"r9","key":"ops","name":"Ops","basePermissions":"reader","policy":[]}`,
		"/api/v2/members/m1":  `{"_id":"m1","email":"jane@example.com","role":"reader","customRoles":[],"teams":[]}`,
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		*requests = append(*requests, r.URL.Path)
		w.Header().Set("Content-Type", "application/json")
		if body, ok := objects[r.URL.Path]; ok {
			fmt.Fprint(w, body)
			return
		}
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `{"code":"not_found","message":"Unknown resource identifier"}`)
	}))
	t.Cleanup(srv.Close)
	c, err := ldapi.New("api-test", ldapi.Options{Host: srv.URL, MaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestOpenAccount(t *testing.T) {
	var requests []string
	c := accountServer(t, &requests)
	r := policysource.Reader{Account: Reader(func(string) (*ldapi.Client, error) { return c, nil })}
	ctx := context.Background()
	for _, tt := range []struct {
		arg  string
		want []string
		err  string // a part of the error
	}{
		{arg: "ld:webhook/w1", want: []string{"ld:webhook/w1"}},
		{arg: "ld:webhooks", want: []string{"ld:webhook/w1", "ld:webhook/w2"}},
		// A role is named by its key, whatever names it.
		{arg: "ld:role/r9", want: []string{"ld:role/ops"}},
		{arg: "ld:member/m1", want: []string{"ld:member/m1"}},
		{arg: "ld:team/qa", want: []string{"ld:team/qa"}},
		{arg: "ld:webhook/w9", err: "ld:webhook/w9: the account has no such webhook: ldapi: GET /api/v2/webhooks/w9"},
	} {
		var names []string
		s, err := policysource.Open(ctx, tt.arg, r)
		if err == nil {
			var ps []policysource.Policy
			ps, err = s.Policies()
			for _, p := range ps {
				names = append(names, p.Name)
			}
		}
		switch {
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("%s: have error %v, want one with %q", tt.arg, err, tt.err)
		case tt.err == "" && err != nil:
			t.Errorf("%s: %v", tt.arg, err)
		case strings.Join(names, " ") != strings.Join(tt.want, " "):
			t.Errorf("%s: have %q\nwant %q", tt.arg, names, tt.want)
		}
	}

	// The webhook is a policy file of its JSON.
	s, _ := policysource.Open(ctx, "ld:webhook/w1", r)
	p, err := s.One()
	if w := WebhookOf(p); err != nil || w == nil || w.ID != "w1" || string(p.Data) != string(w.Raw) {
		t.Errorf("One() = %+v, %v", p, err)
	}
	if set, err := policy.Load(p.Name, p.Data, policy.Options{}); err != nil || set.Len() != 1 {
		t.Errorf("the webhook's policy: %v, %v", set, err)
	}
	// Several webhooks are one only when one is selected.
	s, _ = policysource.Open(ctx, "ld:webhooks", r)
	if _, err := s.One(); err == nil || err.Error() != `ld:webhooks: the account has 2 webhooks: name one as ld:webhook/ID, with the ID of one of w1 ("prod"), w2` {
		t.Errorf("One() of two webhooks: %v", err)
	}

	// A team is fetched when its access is built.
	requests = nil
	s, _ = policysource.Open(ctx, "ld:team/qa", r)
	p, _ = s.One()
	h := HolderOf(p)
	if len(requests) != 0 || h == nil || h.Team != "qa" {
		t.Errorf("opening a team: requests %q, %+v", requests, h)
	}
	if _, err := h.Access(ctx, policy.Options{}); err == nil || !errors.Is(err, ldapi.ErrNotFound) {
		t.Errorf("the access of a team the account does not have: %v", err)
	}
	// A member's is built from their roles.
	s, _ = policysource.Open(ctx, "ld:member/m1", r)
	p, _ = s.One()
	a, err := HolderOf(p).Access(ctx, policy.Options{})
	if err != nil || len(a.Assignments) != 1 || a.Assignments[0].Role != "reader" || !a.Assignments[0].Builtin {
		t.Errorf("the access of a reader: %+v, %v", a, err)
	}

	// A malformed ld: argument is an error before any client is asked for.
	asked := false
	_, err = policysource.Open(ctx, "ld:hook/w1", policysource.Reader{Account: Reader(func(string) (*ldapi.Client, error) { asked = true; return c, nil })})
	if err == nil || asked {
		t.Errorf("a malformed ld: argument: %v, client asked for: %v", err, asked)
	}
}
