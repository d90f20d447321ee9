package ldapi_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"time"

	"github.com/ldpolicy/ldpolicy/event"
	"github.com/ldpolicy/ldpolicy/ldapi"
	"github.com/ldpolicy/ldpolicy/policy"
)

// exampleLD stands in for LaunchDarkly: it serves the JSON of each path,
// and an audit log of three entries, newest first, honoring "before" and
// "limit".
func exampleLD(objects map[string]string) *httptest.Server {
	type entry struct {
		id   string
		date int64
		flag string
	}
	log := []entry{{"c3", 1700000300000, "checkout"}, {"b2", 1700000200000, "dark-mode"}, {"a1", 1700000100000, "dark-mode"}}
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "api-example" {
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"code":"unauthorized","message":"Invalid access token"}`)
			return
		}
		if r.URL.Path == "/api/v2/auditlog" {
			before, _ := strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
			limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
			var items []string
			for _, e := range log {
				if e.date < before && len(items) < limit {
					items = append(items, fmt.Sprintf(`{"_id":%q,"date":%d,"kind":"flag","accesses":[{"action":"updateOn","resource":"proj/default:env/production:flag/%s"}]}`, e.id, e.date, e.flag))
				}
			}
			fmt.Fprintf(w, `{"items":[%s],"_links":{}}`, strings.Join(items, ","))
			return
		}
		if body, ok := objects[r.URL.Path]; ok {
			fmt.Fprint(w, body)
			return
		}
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `{"code":"not_found","message":"Invalid resource identifier"}`)
	}))
}

func ExampleClient_AuditLog() {
	srv := exampleLD(nil)
	defer srv.Close()
	client, err := ldapi.New("api-example", ldapi.Options{Host: srv.URL})
	if err != nil {
		fmt.Println(err)
		return
	}
	q := ldapi.AuditLogQuery{Since: time.UnixMilli(1700000000000), Until: time.UnixMilli(1700001000000), PageSize: 2}
	var head event.Head
	for e, err := range client.AuditLog(context.Background(), q) {
		if err != nil {
			fmt.Println(err)
			return
		}
		if err := event.ReadHead(e.Raw, &head); err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(e.ID, e.Time().UTC().Format(time.RFC3339), head.Accesses[0].Resource)
	}
	// Output:
	// a1 2023-11-14T22:15:00Z proj/default:env/production:flag/dark-mode
	// b2 2023-11-14T22:16:40Z proj/default:env/production:flag/dark-mode
	// c3 2023-11-14T22:18:20Z proj/default:env/production:flag/checkout
}

func ExampleClient_Access() {
	srv := exampleLD(map[string]string{
		"/api/v2/members/507f1f77bcf86cd799439011": `{"_id":"507f1f77bcf86cd799439011","email":"ariel@acme.com","role":"reader",
			"customRoles":["flag-toggler"],"roleAttributes":{"projects":["mobile"]},"teams":[]}`,
		"/api/v2/roles/flag-toggler": `{"_id":"1234a56b7c89d012345e678f","key":"flag-toggler","name":"Flag toggler","basePermissions":"reader",
			"policy":[{"effect":"allow","actions":["updateOn"],"resources":["proj/${roleAttribute/projects}:env/*:flag/*"]}]}`,
	})
	defer srv.Close()
	client, err := ldapi.New("api-example", ldapi.Options{Host: srv.URL})
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	member, err := client.Member(ctx, "507f1f77bcf86cd799439011")
	if err != nil {
		fmt.Println(err)
		return
	}
	access, err := client.Access(ctx, member, policy.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, res := range []string{"proj/mobile:env/production:flag/dark-mode", "proj/web:env/production:flag/dark-mode"} {
		d, err := access.Member.Decide("updateOn", res)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("updateOn %s: %s\n", res, d.Effect)
	}
	d, _ := access.Member.Decide("viewProject", "proj/web")
	fmt.Println("viewProject proj/web:", d)
	// Output:
	// updateOn proj/mobile:env/production:flag/dark-mode: allow
	// updateOn proj/web:env/production:flag/dark-mode: deny
	// viewProject proj/web: allow by role flag-toggler: the role's base permissions (reader) allow view actions, and no deny statement of the role applies
}

// An answer that is not a success is a *StatusError with LaunchDarkly's
// error, and for 401 and 403 what to check.
func ExampleStatusError() {
	srv := exampleLD(nil)
	defer srv.Close()
	client, err := ldapi.New("api-wrong", ldapi.Options{Host: srv.URL})
	if err != nil {
		fmt.Println(err)
		return
	}
	_, err = client.Webhooks(context.Background())
	var se *ldapi.StatusError
	if errors.As(err, &se) {
		fmt.Println(se.StatusCode, se.Code, se.Message)
		fmt.Println(strings.Contains(se.Hint(), ldapi.EUHost))
	}
	// Output:
	// 401 unauthorized Invalid access token
	// true
}

func ExampleNewFromEnv() {
	env := map[string]string{
		"LAUNCHDARKLY_ACCESS_TOKEN": "api-example",
		"LAUNCHDARKLY_API_HOST":     "https://app.eu.launchdarkly.com",
	}
	client, err := ldapi.NewFromEnv(func(k string) string { return env[k] }, ldapi.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(client)

	env["LAUNCHDARKLY_API_HOST"] = "http://app.launchdarkly.com"
	_, err = ldapi.NewFromEnv(func(k string) string { return env[k] }, ldapi.Options{})
	fmt.Println(err)
	// Output:
	// ldapi.Client(app.eu.launchdarkly.com)
	// ldapi: host app.launchdarkly.com: plain http would send the access token unencrypted: use https (plain http is for loopback test servers only) (from LAUNCHDARKLY_API_HOST)
}
