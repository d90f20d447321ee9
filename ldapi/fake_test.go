package ldapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ldpolicy/ldpolicy/ldapi"
)

// testToken is the access token of the tests: no error may show it.
const testToken = "api-0123abcd-SECRET-4567-efgh"

// fakeLD serves the documented shapes of LaunchDarkly's REST API, from
// data the test gives it, and records the requests it gets.
type fakeLD struct {
	t   *testing.T
	srv *httptest.Server

	mu       sync.Mutex
	requests []recorded
	faults   map[string][]fault // by path; "*" for any

	entries []fakeEntry // the audit log, in no particular order
	// sloppy makes each audit-log page start with this many entries
	// newer than "before" asked for: pages that overlap more than at
	// their edge.
	sloppy int
	// nextLinks adds LaunchDarkly's "next" link to audit-log pages that
	// have more after them.
	nextLinks bool
	// searchHits are the _ids of the entries that a POST selects.
	searchHits map[string]bool

	// pageCap is the largest page the server gives, whatever the limit
	// asked for; 0: no cap.
	pageCap int

	members  []string // raw member objects, in listing order
	roles    []string // raw role objects, in listing order
	teams    map[string]fakeTeam
	webhooks []string
}

type fakeEntry struct {
	id   string
	date int64
}

type fakeTeam struct {
	name  string
	roles []string
	attrs map[string][]string
	// expandedRoles is how many roles the expanded team holds; the rest
	// are on /teams/{key}/roles. -1: all.
	expandedRoles int
}

type recorded struct {
	method, path string
	query        url.Values
	header       http.Header
	body         string
}

// fault is an answer served instead of the real one. block makes the
// handler wait until the request is canceled.
type fault struct {
	status int
	header map[string]string
	body   string
	block  bool
}

// newFakeLD returns a server that starts with its first client, once the
// test has given it its data. Afterwards, change the data under f.mu.
func newFakeLD(t *testing.T) *fakeLD {
	return &fakeLD{t: t, faults: map[string][]fault{}, teams: map[string]fakeTeam{}}
}

// url starts the server if need be and returns its URL.
func (f *fakeLD) url() string {
	if f.srv == nil {
		f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
		f.t.Cleanup(f.srv.Close)
	}
	return f.srv.URL
}

// client returns a client of the server, with a fake clock.
func (f *fakeLD) client(opts ldapi.Options) (*ldapi.Client, *fakeClock) {
	f.t.Helper()
	clock := &fakeClock{now: time.UnixMilli(1_700_000_000_000)}
	if opts.Clock == nil {
		opts.Clock = clock
	}
	if opts.Host == "" {
		opts.Host = f.url()
	}
	c, err := ldapi.New(testToken, opts)
	if err != nil {
		f.t.Fatal(err)
	}
	return c, clock
}

func (f *fakeLD) fail(path string, fs ...fault) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faults[path] = append(f.faults[path], fs...)
}

func (f *fakeLD) recorded() []recorded {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]recorded(nil), f.requests...)
}

func (f *fakeLD) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.requests = append(f.requests, recorded{r.Method, r.URL.Path, r.URL.Query(), r.Header.Clone(), string(body)})
	var ft *fault
	for _, key := range []string{r.URL.Path, "*"} {
		if q := f.faults[key]; len(q) > 0 {
			ft, f.faults[key] = &q[0], q[1:]
			break
		}
	}
	f.mu.Unlock()

	w.Header().Set("Content-Type", "application/json")
	if ft != nil && ft.block {
		<-r.Context().Done()
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if ft != nil {
		for k, v := range ft.header {
			w.Header().Set(k, v)
		}
		w.WriteHeader(ft.status)
		io.WriteString(w, ft.body)
		return
	}
	if r.Header.Get("Authorization") != testToken {
		w.WriteHeader(http.StatusUnauthorized)
		io.WriteString(w, `{"code":"unauthorized","message":"Invalid access token"}`)
		return
	}
	p := r.URL.Path
	switch {
	case p == "/api/v2/auditlog":
		f.auditLog(w, r, body)
	case strings.HasPrefix(p, "/api/v2/auditlog/"):
		f.auditLogEntry(w, strings.TrimPrefix(p, "/api/v2/auditlog/"))
	case p == "/api/v2/members" && r.URL.Query().Get("filter") != "":
		f.membersByEmail(w, r)
	case p == "/api/v2/members":
		f.page(w, r, f.members)
	case strings.HasPrefix(p, "/api/v2/members/"):
		f.one(w, f.members, "_id", strings.TrimPrefix(p, "/api/v2/members/"))
	case p == "/api/v2/roles":
		f.page(w, r, f.roles)
	case strings.HasPrefix(p, "/api/v2/roles/"):
		f.one(w, f.roles, "key", strings.TrimPrefix(p, "/api/v2/roles/"))
	case strings.HasPrefix(p, "/api/v2/teams/") && strings.HasSuffix(p, "/roles"):
		key := strings.TrimSuffix(strings.TrimPrefix(p, "/api/v2/teams/"), "/roles")
		t, ok := f.teams[key]
		if !ok {
			notFound(w)
			return
		}
		var items []string
		for _, rk := range t.roles {
			items = append(items, fmt.Sprintf(`{"key":%q,"name":%q,"appliedOn":1700000000000}`, rk, rk))
		}
		f.page(w, r, items)
	case strings.HasPrefix(p, "/api/v2/teams/"):
		f.team(w, r, strings.TrimPrefix(p, "/api/v2/teams/"))
	case p == "/api/v2/webhooks":
		fmt.Fprintf(w, `{"_links":{"self":{"href":"/api/v2/webhooks","type":"application/json"}},"items":[%s]}`, strings.Join(f.webhooks, ","))
	case strings.HasPrefix(p, "/api/v2/webhooks/"):
		f.one(w, f.webhooks, "_id", strings.TrimPrefix(p, "/api/v2/webhooks/"))
	default:
		notFound(w)
	}
}

func notFound(w http.ResponseWriter) {
	w.WriteHeader(http.StatusNotFound)
	io.WriteString(w, `{"code":"not_found","message":"Invalid resource identifier","id":"30ce6058-87da-11e4-b116-123b93f75cba"}`)
}

func entryJSON(id string, date int64) string {
	return fmt.Sprintf(`{"_links":{"canonical":{"href":"/api/v2/flags/default/f-%[1]s","type":"application/json"},"site":{"href":"/default/production/features/f-%[1]s","type":"text/html"}},`+
		`"_id":%[1]q,"_accountId":"5f0000000000000000000001","date":%[2]d,`+
		`"accesses":[{"action":"updateOn","resource":"proj/default:env/production:flag/f-%[1]s"}],`+
		`"kind":"flag","name":"F %[1]s","description":"- Turned on the flag","shortDescription":"",`+
		`"member":{"_links":{"parent":{"href":"/api/v2/members","type":"application/json"}},"_id":"507f1f77bcf86cd799439011","email":"ariel@acme.com","firstName":"Ariel","lastName":"Flores"},`+
		`"titleVerb":"turned on the flag","title":"Ariel Flores turned on the flag F %[1]s","target":{"_links":{},"name":"F %[1]s","resources":["proj/default:env/production:flag/f-%[1]s"]}}`, id, date)
}

func (f *fakeLD) auditLog(w http.ResponseWriter, r *http.Request, body []byte) {
	q := r.URL.Query()
	before, after := int64(1<<62), int64(-1)
	if v := q.Get("before"); v != "" {
		before, _ = strconv.ParseInt(v, 10, 64)
	}
	if v := q.Get("after"); v != "" {
		after, _ = strconv.ParseInt(v, 10, 64)
	}
	limit := 10
	if v := q.Get("limit"); v != "" {
		limit, _ = strconv.Atoi(v)
	}
	if limit < 1 || limit > 20 {
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, `{"code":"invalid_request","message":"limit must be between 1 and 20"}`)
		return
	}
	if r.Method == "POST" {
		var stmts []map[string]any
		if err := json.Unmarshal(body, &stmts); err != nil {
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `{"code":"invalid_request","message":"body must be a list of statements"}`)
			return
		}
	}
	all := append([]fakeEntry(nil), f.entries...)
	sort.SliceStable(all, func(i, j int) bool { return all[i].date > all[j].date })
	var page, newer []fakeEntry
	for _, e := range all {
		if r.Method == "POST" && !f.searchHits[e.id] {
			continue
		}
		switch {
		case e.date >= before:
			newer = append(newer, e)
		case e.date > after && len(page) < limit:
			page = append(page, e)
		}
	}
	if n := min(f.sloppy, len(newer)); n > 0 {
		page = append(append([]fakeEntry(nil), newer[len(newer)-n:]...), page...)
	}
	items := make([]string, len(page))
	for i, e := range page {
		items[i] = entryJSON(e.id, e.date)
	}
	links := `"self":{"href":"/api/v2/auditlog","type":"application/json"}`
	if f.nextLinks && len(page) > 0 {
		// LaunchDarkly's link carries "before" and "limit" only.
		links += fmt.Sprintf(`,"next":{"href":"/api/v2/auditlog?before=%d&limit=%d","type":"application/json"}`, page[len(page)-1].date, limit)
	}
	fmt.Fprintf(w, `{"items":[%s],"_links":{%s}}`, strings.Join(items, ","), links)
}

func (f *fakeLD) auditLogEntry(w http.ResponseWriter, id string) {
	for _, e := range f.entries {
		if e.id == id {
			full := strings.TrimSuffix(entryJSON(e.id, e.date), "}") +
				fmt.Sprintf(`,"currentVersion":{"key":"f-%s","on":true,"tags":["beta"]},"previousVersion":{"key":"f-%s","on":false,"tags":["beta"]}}`, id, id)
			io.WriteString(w, full)
			return
		}
	}
	notFound(w)
}

// page serves a collection paged by offset and limit, with LaunchDarkly's
// links and totalCount.
func (f *fakeLD) page(w http.ResponseWriter, r *http.Request, all []string) {
	q := r.URL.Query()
	limit, offset := 20, 0
	if v := q.Get("limit"); v != "" {
		limit, _ = strconv.Atoi(v)
	}
	if v := q.Get("offset"); v != "" {
		offset, _ = strconv.Atoi(v)
	}
	if f.pageCap > 0 {
		limit = min(limit, f.pageCap)
	}
	end := min(offset+limit, len(all))
	var items []string
	if offset < len(all) {
		items = all[offset:end]
	}
	links := fmt.Sprintf(`"self":{"href":"%s?limit=%d&offset=%d","type":"application/json"}`, r.URL.Path, limit, offset)
	if end < len(all) {
		links += fmt.Sprintf(`,"next":{"href":"%s?limit=%d&offset=%d","type":"application/json"}`, r.URL.Path, limit, end)
	}
	fmt.Fprintf(w, `{"items":[%s],"_links":{%s},"totalCount":%d}`, strings.Join(items, ","), links, len(all))
}

func (f *fakeLD) one(w http.ResponseWriter, all []string, field, key string) {
	for _, raw := range all {
		var m map[string]any
		json.Unmarshal([]byte(raw), &m)
		if m[field] == key {
			io.WriteString(w, raw)
			return
		}
	}
	notFound(w)
}

func (f *fakeLD) membersByEmail(w http.ResponseWriter, r *http.Request) {
	filter := r.URL.Query().Get("filter")
	emails, ok := strings.CutPrefix(filter, "email:")
	if !ok {
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, `{"code":"invalid_request","message":"unsupported filter"}`)
		return
	}
	var items []string
	for _, raw := range f.members {
		var m struct {
			Email string `json:"email"`
		}
		json.Unmarshal([]byte(raw), &m)
		for _, e := range strings.Split(emails, "|") {
			if strings.EqualFold(m.Email, e) {
				items = append(items, raw)
			}
		}
	}
	fmt.Fprintf(w, `{"items":[%s],"_links":{},"totalCount":%d}`, strings.Join(items, ","), len(items))
}

func (f *fakeLD) team(w http.ResponseWriter, r *http.Request, key string) {
	t, ok := f.teams[key]
	if !ok {
		notFound(w)
		return
	}
	expand := r.URL.Query().Get("expand")
	var b strings.Builder
	fmt.Fprintf(&b, `{"key":%q,"name":%q,"_links":{"roles":{"href":"/api/v2/teams/%s/roles","type":"application/json"}},"_version":3`, key, t.name, key)
	if strings.Contains(expand, "roleAttributes") && t.attrs != nil {
		attrs, _ := json.Marshal(t.attrs)
		fmt.Fprintf(&b, `,"roleAttributes":%s`, attrs)
	}
	if strings.Contains(expand, "roles") {
		n := len(t.roles)
		if t.expandedRoles >= 0 && t.expandedRoles < n {
			n = t.expandedRoles
		}
		var items []string
		for _, rk := range t.roles[:n] {
			items = append(items, fmt.Sprintf(`{"key":%q,"name":%q}`, rk, rk))
		}
		fmt.Fprintf(&b, `,"roles":{"totalCount":%d,"items":[%s],"_links":{}}`, len(t.roles), strings.Join(items, ","))
	}
	b.WriteString("}")
	io.WriteString(w, b.String())
}

// fakeClock moves time only when slept, and records the sleeps.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sleeps = append(c.sleeps, d)
	c.now = c.now.Add(d)
	return nil
}

func (c *fakeClock) slept() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.sleeps...)
}
