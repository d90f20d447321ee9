package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// ldToken is the access token of the tests: no output may show it.
const ldToken = "api-5e1f-TOKEN-NEVER-SHOWN-9a0c"

// account is a LaunchDarkly account as the REST API shows it, in the
// shapes of its reference (/work/shared/spec/launchdarkly/api-excerpt.yaml):
// what an ldServer serves.
type account struct {
	entries  []string          // audit-log list entries, in any order
	full     map[string]string // by _id: the entry in full; the list entry when absent
	selected map[string]bool   // the _ids that POST /api/v2/auditlog selects
	// searchOnly are entries that POST /api/v2/auditlog selects, although
	// GET does not list them.
	searchOnly []string
	webhooks   []string
	roles      []string
	members    []string
	teams      map[string]string // by key: the team, expanded with its roles and role attributes
}

// ldAnswer is an answer an ldServer gives instead of the real one: to the
// next request whose path starts with path.
type ldAnswer struct {
	path    string
	status  int
	body    string
	resetIn time.Duration // X-Ratelimit-Reset this long after the answer
	hold    bool          // answer nothing until the client gives up
}

// ldServer is the stand-in for LaunchDarkly in the tests of the commands
// that talk to it: an httptest.Server that serves an account, as the REST
// API does, to the holder of ldToken.
type ldServer struct {
	*httptest.Server
	mu      sync.Mutex
	acct    account
	answers []ldAnswer
	log     []string      // the requests, "METHOD PATH?QUERY", in order
	bodies  []string      // of the POSTs
	held    chan struct{} // receives when a held request arrives
}

func newLDServer(t *testing.T, acct account) *ldServer {
	s := &ldServer{acct: acct, held: make(chan struct{}, 10)}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	useToken(t)
	return s
}

// then queues answers.
func (s *ldServer) then(as ...ldAnswer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.answers = append(s.answers, as...)
}

// requests returns the requests so far that start with prefix, such as
// "GET /api/v2/auditlog?", each as "METHOD PATH?QUERY".
func (s *ldServer) requests(prefix string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var rs []string
	for _, r := range s.log {
		if strings.HasPrefix(r, prefix) {
			rs = append(rs, r)
		}
	}
	return rs
}

// take records a request, and takes the answer queued for it, if any.
func (s *ldServer) take(r *http.Request) *ldAnswer {
	var body bytes.Buffer
	body.ReadFrom(r.Body)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log = append(s.log, r.Method+" "+r.URL.RequestURI())
	if r.Method == "POST" {
		s.bodies = append(s.bodies, body.String())
	}
	for i, a := range s.answers {
		if strings.HasPrefix(r.URL.Path, a.path) {
			s.answers = slices.Delete(s.answers, i, i+1)
			return &a
		}
	}
	return nil
}

func (s *ldServer) serve(w http.ResponseWriter, r *http.Request) {
	a := s.take(r)
	w.Header().Set("Content-Type", "application/json")
	switch {
	case a != nil && a.hold:
		s.held <- struct{}{}
		<-r.Context().Done()
		return
	case a != nil:
		if a.resetIn > 0 {
			w.Header().Set("X-Ratelimit-Reset", strconv.FormatInt(time.Now().Add(a.resetIn).UnixMilli(), 10))
		}
		w.WriteHeader(a.status)
		fmt.Fprint(w, a.body)
		return
	case r.Header.Get("Authorization") != ldToken:
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprint(w, `{"code":"unauthorized","message":"Invalid access token"}`)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	q := r.URL.Query()
	switch p := r.URL.Path; {
	case p == "/api/v2/auditlog":
		s.auditLog(w, r.Method == "POST", q)
	case strings.HasPrefix(p, "/api/v2/auditlog/"):
		id := strings.TrimPrefix(p, "/api/v2/auditlog/")
		if e, ok := s.acct.full[id]; ok {
			fmt.Fprint(w, e)
		} else {
			s.object(w, s.acct.entries, id)
		}
	case p == "/api/v2/webhooks":
		list(w, s.acct.webhooks, q)
	case strings.HasPrefix(p, "/api/v2/webhooks/"):
		s.object(w, s.acct.webhooks, strings.TrimPrefix(p, "/api/v2/webhooks/"))
	case p == "/api/v2/roles":
		list(w, s.acct.roles, q)
	case strings.HasPrefix(p, "/api/v2/roles/"):
		s.object(w, s.acct.roles, strings.TrimPrefix(p, "/api/v2/roles/"))
	case p == "/api/v2/members" && strings.HasPrefix(q.Get("filter"), "email:"):
		list(w, byEmail(s.acct.members, strings.TrimPrefix(q.Get("filter"), "email:")), q)
	case p == "/api/v2/members":
		list(w, s.acct.members, q)
	case strings.HasPrefix(p, "/api/v2/members/"):
		s.object(w, s.acct.members, strings.TrimPrefix(p, "/api/v2/members/"))
	case strings.HasPrefix(p, "/api/v2/teams/"):
		if team, ok := s.acct.teams[strings.TrimPrefix(p, "/api/v2/teams/")]; ok {
			fmt.Fprint(w, team)
		} else {
			notFound(w)
		}
	default:
		notFound(w)
	}
}

// object serves the object of all whose "_id" or "key" is id, or a 404.
func (s *ldServer) object(w http.ResponseWriter, all []string, id string) {
	if raw, ok := byKey(all, id); ok {
		fmt.Fprint(w, raw)
	} else {
		notFound(w)
	}
}

// auditLog serves a page of the audit log, newest first, as LaunchDarkly
// does: at most limit entries dated after "after" and before "before".
func (s *ldServer) auditLog(w http.ResponseWriter, search bool, q url.Values) {
	before, after := int64(1<<62), int64(-1<<62)
	if v := q.Get("before"); v != "" {
		before, _ = strconv.ParseInt(v, 10, 64)
	}
	if v := q.Get("after"); v != "" {
		after, _ = strconv.ParseInt(v, 10, 64)
	}
	limit, _ := strconv.Atoi(q.Get("limit"))
	type dated struct {
		ID   string `json:"_id"`
		Date int64  `json:"date"`
		raw  string
	}
	var in []dated
	all := s.acct.entries
	if search {
		all = append(all[:len(all):len(all)], s.acct.searchOnly...)
	}
	for _, raw := range all {
		var d dated
		json.Unmarshal([]byte(raw), &d)
		d.raw = raw
		if d.Date < before && d.Date > after && (!search || s.acct.selected[d.ID] || slices.Contains(s.acct.searchOnly, raw)) {
			in = append(in, d)
		}
	}
	slices.SortStableFunc(in, func(a, b dated) int { return int(b.Date - a.Date) })
	var items []string
	for _, d := range in[:min(limit, len(in))] {
		items = append(items, d.raw)
	}
	next := ""
	if len(in) > limit {
		next = fmt.Sprintf(`,"next":{"href":"/api/v2/auditlog?before=%d&limit=%d","type":"application/json"}`, in[limit-1].Date, limit)
	}
	fmt.Fprintf(w, `{"_links":{"self":{"href":"/api/v2/auditlog","type":"application/json"}%s},"items":[%s]}`, next, strings.Join(items, ","))
}

// list serves a collection paged by offset and limit.
func list(w http.ResponseWriter, all []string, q url.Values) {
	offset, _ := strconv.Atoi(q.Get("offset"))
	limit, err := strconv.Atoi(q.Get("limit"))
	if err != nil {
		limit = len(all) // webhooks come in one answer
	}
	offset = min(offset, len(all))
	end := min(offset+limit, len(all))
	next := ""
	if end < len(all) {
		next = fmt.Sprintf(`,"next":{"href":"?limit=%d&offset=%d","type":"application/json"}`, limit, end)
	}
	fmt.Fprintf(w, `{"items":[%s],"totalCount":%d,"_links":{"self":{"href":"","type":"application/json"}%s}}`, strings.Join(all[offset:end], ","), len(all), next)
}

// byKey returns the object of all whose "_id" or "key" is id.
func byKey(all []string, id string) (string, bool) {
	for _, raw := range all {
		var k struct {
			ID  string `json:"_id"`
			Key string `json:"key"`
		}
		if json.Unmarshal([]byte(raw), &k) == nil && (k.ID == id || k.Key == id) {
			return raw, true
		}
	}
	return "", false
}

// byEmail returns the members of all whose email is email, ignoring case,
// as LaunchDarkly's filter email:EMAIL selects them.
func byEmail(all []string, email string) []string {
	var out []string
	for _, raw := range all {
		var m struct{ Email string }
		if json.Unmarshal([]byte(raw), &m) == nil && strings.EqualFold(m.Email, email) {
			out = append(out, raw)
		}
	}
	return out
}

func notFound(w http.ResponseWriter) {
	w.WriteHeader(http.StatusNotFound)
	fmt.Fprint(w, `{"code":"not_found","message":"Unknown resource identifier","id":"b0d7a2e4"}`)
}

// ldEntry is an audit-log list entry of one access.
func ldEntry(id string, date int64, action, res string) string {
	kind := res[strings.LastIndexByte(res, ':')+1:]
	kind = kind[:strings.IndexByte(kind+"/", '/')]
	return fmt.Sprintf(`{"_links":{"self":{"href":"/api/v2/auditlog/%[1]s","type":"application/json"}},"_id":%[1]q,"_accountId":"5f1e0b4a2c3d4e0001a1b2c3","date":%[2]d,`+
		`"kind":%[5]q,"name":"%[1]s","accesses":[{"action":%[3]q,"resource":%[4]q}],`+
		`"member":{"_links":{},"_id":"507f1f77bcf86cd799439011","email":"jane@example.com","firstName":"Jane","lastName":"Developer"},`+
		`"titleVerb":"changed","title":"Jane Developer changed %[1]s","target":{"name":"%[1]s","resources":[%[4]q]}}`, id, date, action, res, kind)
}
