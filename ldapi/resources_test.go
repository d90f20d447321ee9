package ldapi_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/ldpolicy/ldpolicy/ldapi"
	"github.com/ldpolicy/ldpolicy/policy"
	"github.com/ldpolicy/ldpolicy/webhook"
)

// memberJSON returns a member as LaunchDarkly's REST API writes one.
func memberJSON(id, email, role string, customRoles []string, attrs string, teams ...string) string {
	cr := "[]"
	if len(customRoles) > 0 {
		cr = `["` + strings.Join(customRoles, `","`) + `"]`
	}
	var ts []string
	for _, t := range teams {
		ts = append(ts, fmt.Sprintf(`{"customRoleKeys":[],"key":%q,"name":%q,"_links":{}}`, t, strings.ToUpper(t)))
	}
	s := fmt.Sprintf(`{"_links":{"self":{"href":"/api/v2/members/%[1]s","type":"application/json"}},"_id":%[1]q,"firstName":"F%[1]s","lastName":"L","role":%[3]q,"email":%[2]q,`+
		`"_pendingInvite":false,"_verified":true,"customRoles":%[4]s,"mfa":"enabled","_lastSeen":1608260796147,"creationDate":1628001602644,"teams":[%[5]s]`,
		id, email, role, cr, strings.Join(ts, ","))
	if attrs != "" {
		s += `,"roleAttributes":` + attrs
	}
	return s + "}"
}

func TestMembersPaging(t *testing.T) {
	f := newFakeLD(t)
	for i := range 45 {
		f.members = append(f.members, memberJSON(fmt.Sprintf("m%02d", i), fmt.Sprintf("m%02d@acme.com", i), "reader", nil, ""))
	}
	var progress []ldapi.Progress
	c, _ := f.client(ldapi.Options{Progress: func(p ldapi.Progress) { progress = append(progress, p) }})
	var ids []string
	for m, err := range c.Members(context.Background()) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, m.ID)
		if len(ids) == 10 {
			// A member is added at the front while paging: the next page
			// gives one member again.
			f.mu.Lock()
			f.members = append([]string{memberJSON("new", "new@acme.com", "reader", nil, "")}, f.members...)
			f.mu.Unlock()
		}
	}
	if len(ids) != 45 || ids[0] != "m00" || ids[44] != "m44" {
		t.Errorf("have %d members %v, want m00 to m44 once each", len(ids), ids)
	}
	var offsets []string
	for _, r := range f.recorded() {
		offsets = append(offsets, r.query.Get("offset")+"/"+r.query.Get("limit")+"/"+r.query.Get("expand"))
	}
	want := []string{"0/20/customRoles,roleAttributes", "20/20/customRoles,roleAttributes", "40/20/customRoles,roleAttributes"}
	if !slices.Equal(offsets, want) {
		t.Errorf("offset/limit/expand: have %v, want %v", offsets, want)
	}
	last := progress[len(progress)-1]
	if last.Op != "members" || last.Pages != 3 || last.Items != 45 || last.Duplicates != 1 {
		t.Errorf("last progress %+v", last)
	}
}

// A page shorter than asked for is not the last when it links to a next
// page.
func TestMembersShortPages(t *testing.T) {
	f := newFakeLD(t)
	for i := range 25 {
		f.members = append(f.members, memberJSON(fmt.Sprintf("m%02d", i), "", "reader", nil, ""))
	}
	f.pageCap = 10
	c, _ := f.client(ldapi.Options{})
	n := 0
	for _, err := range c.Members(context.Background()) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 25 || len(f.recorded()) != 3 {
		t.Errorf("have %d members in %d requests, want 25 in 3", n, len(f.recorded()))
	}
}

func TestMembersMaxPages(t *testing.T) {
	f := newFakeLD(t)
	for i := range 45 {
		f.members = append(f.members, memberJSON(fmt.Sprintf("m%02d", i), "", "reader", nil, ""))
	}
	c, _ := f.client(ldapi.Options{MaxPages: 2})
	n := 0
	var err error
	for _, err = range c.Members(context.Background()) {
		n++
	}
	var le *ldapi.LimitError
	if !errors.As(err, &le) || le.Bound != "MaxPages" || n != 41 {
		t.Errorf("have %d results, last %v; want 40 members and a MaxPages LimitError", n, err)
	}
}

func TestMemberLookup(t *testing.T) {
	f := newFakeLD(t)
	f.members = []string{
		memberJSON("507f1f77bcf86cd799439011", "Ariel@Acme.com", "reader", []string{"ops"}, `{"projects":["mobile"]}`, "qa"),
		memberJSON("507f1f77bcf86cd799439012", "bo@acme.com", "writer", nil, ""),
	}
	c, _ := f.client(ldapi.Options{})
	ctx := context.Background()
	m, err := c.Member(ctx, "ariel@acme.com")
	if err != nil {
		t.Fatal(err)
	}
	if m.ID != "507f1f77bcf86cd799439011" || !slices.Equal(m.CustomRoles, []string{"ops"}) ||
		!slices.Equal(m.RoleAttributes["projects"], []string{"mobile"}) || len(m.Teams) != 1 || m.Teams[0].Key != "qa" {
		t.Errorf("have %+v", m)
	}
	r := f.recorded()[0]
	if r.path != "/api/v2/members" || r.query.Get("filter") != "email:ariel@acme.com" || r.query.Get("expand") != "customRoles,roleAttributes" {
		t.Errorf("request %s %v", r.path, r.query)
	}

	m, err = c.Member(ctx, "507f1f77bcf86cd799439012")
	if err != nil || m.Email != "bo@acme.com" || m.Role != "writer" {
		t.Errorf("by ID: have %+v, %v", m, err)
	}
	if r := f.recorded()[1]; r.path != "/api/v2/members/507f1f77bcf86cd799439012" || r.query.Get("expand") != "roleAttributes" {
		t.Errorf("request %s %v", r.path, r.query)
	}

	_, err = c.Member(ctx, "nobody@acme.com")
	if !errors.Is(err, ldapi.ErrNotFound) || !strings.Contains(err.Error(), "no member of the account on "+c.Host()+" has the email nobody@acme.com") {
		t.Errorf("have %v, want ErrNotFound", err)
	}
	_, err = c.Member(ctx, "a,b@acme.com")
	if err == nil || !strings.Contains(err.Error(), "cannot look up an address with a comma") {
		t.Errorf("have %v", err)
	}
	_, err = c.Member(ctx, "nope")
	if !errors.Is(err, ldapi.ErrNotFound) {
		t.Errorf("have %v, want ErrNotFound", err)
	}
}

func TestRoles(t *testing.T) {
	f := newFakeLD(t)
	for i := range 25 {
		f.roles = append(f.roles, fmt.Sprintf(`{"_id":"r%02d","_links":{},"key":"role-%02d","name":"Role %d","policy":[]}`, i, i, i))
	}
	f.roles = append(f.roles, opsRole)
	c, _ := f.client(ldapi.Options{})
	var keys []string
	for r, err := range c.Roles(context.Background()) {
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, r.Key)
	}
	if len(keys) != 26 || keys[25] != "ops" {
		t.Errorf("have %v", keys)
	}
	role, err := c.Role(context.Background(), "ops")
	if err != nil {
		t.Fatal(err)
	}
	if role.ID != "1234a56b7c89d012345e678f" || role.Name != "Ops" || role.BasePermissions != "reader" || string(role.Raw) != opsRole {
		t.Errorf("have %+v", role)
	}
	// The raw role is what package policy reads.
	pf, err := policy.ParseFile("ld:role/ops", role.Raw)
	if err != nil {
		t.Fatal(err)
	}
	if pf.Kind != policy.RoleFile || pf.RoleKey != "ops" || pf.BasePermissions != policy.Reader || len(pf.Statements) != 1 {
		t.Errorf("parsed %+v", pf)
	}
}

func TestWebhooks(t *testing.T) {
	f := newFakeLD(t)
	f.webhooks = []string{
		`{"_links":{"self":{"href":"/api/v2/webhooks/57be1db38b75bf0772d11384","type":"application/json"}},"_id":"57be1db38b75bf0772d11384","name":"Example hook","url":"https://example.com/hook?token=abc","secret":"frobozz","sign":true,"statements":[{"effect":"allow","resources":["proj/*:env/production:flag/*"],"actions":["*"]}],"on":true,"tags":["examples"]}`,
		`{"_links":{},"_id":"57be1db38b75bf0772d11385","url":"https://example.com/all","on":false,"tags":[]}`,
	}
	c, _ := f.client(ldapi.Options{})
	hooks, err := c.Webhooks(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(hooks) != 2 || hooks[0].Name != "Example hook" || !hooks[0].On || hooks[1].On || string(hooks[1].Raw) != f.webhooks[1] {
		t.Fatalf("have %+v", hooks)
	}
	set, err := policy.Load("ld:webhook/"+hooks[0].ID, hooks[0].Raw, policy.Options{})
	if err != nil || set.Len() != 1 {
		t.Errorf("policy.Load: %v, %v", set, err)
	}
	cfgs, err := webhook.ReadConfigs(hooks[0].Raw)
	if err != nil || len(cfgs) != 1 || cfgs[0].Secret != "frobozz" {
		t.Errorf("webhook.ReadConfigs: %+v, %v", cfgs, err)
	}
	w, err := c.Webhook(context.Background(), "57be1db38b75bf0772d11385")
	if err != nil || string(w.Raw) != f.webhooks[1] {
		t.Errorf("have %+v, %v", w, err)
	}
}

func TestTeam(t *testing.T) {
	f := newFakeLD(t)
	f.teams["qa"] = fakeTeam{name: "QA", roles: []string{"a", "b", "c"}, attrs: map[string][]string{"projects": {"web"}}, expandedRoles: -1}
	f.teams["big"] = fakeTeam{name: "Big", expandedRoles: 20}
	for i := range 45 {
		t := f.teams["big"]
		t.roles = append(t.roles, fmt.Sprintf("r%02d", i))
		f.teams["big"] = t
	}
	c, _ := f.client(ldapi.Options{})
	team, err := c.Team(context.Background(), "qa")
	if err != nil {
		t.Fatal(err)
	}
	if team.Name != "QA" || !slices.Equal(team.Roles, []string{"a", "b", "c"}) || !slices.Equal(team.RoleAttributes["projects"], []string{"web"}) {
		t.Errorf("have %+v", team)
	}
	if r := f.recorded()[0]; r.query.Get("expand") != "roles,roleAttributes" {
		t.Errorf("expand=%q", r.query.Get("expand"))
	}
	// More roles than the expanded answer holds: they are listed.
	team, err = c.Team(context.Background(), "big")
	if err != nil {
		t.Fatal(err)
	}
	if len(team.Roles) != 45 || team.Roles[44] != "r44" {
		t.Errorf("have %d roles %v", len(team.Roles), team.Roles)
	}
	var paths []string
	for _, r := range f.recorded()[1:] {
		paths = append(paths, r.path+"?offset="+r.query.Get("offset"))
	}
	want := []string{"/api/v2/teams/big?offset=", "/api/v2/teams/big/roles?offset=0", "/api/v2/teams/big/roles?offset=20", "/api/v2/teams/big/roles?offset=40"}
	if !slices.Equal(paths, want) {
		t.Errorf("have %v, want %v", paths, want)
	}
	// Raw holds every role, as a snapshot keeps it.
	snap, err := ldapi.ReadSnapshot([]byte(`{"members":[],"roles":[],"teams":[` + string(team.Raw) + `]}`))
	if err != nil || !slices.Equal(snap.Teams[0].Roles, team.Roles) {
		t.Errorf("Raw read back: %v, %v\n%s", snap, err, team.Raw)
	}

	// An answer without "roles": they are listed, and added to Raw.
	f.teams["bare"] = fakeTeam{name: "Bare", roles: []string{"x", "y"}, expandedRoles: -1}
	f.fail("/api/v2/teams/bare", fault{status: 200, body: `{"key":"bare","name":"Bare","_version":1}`})
	team, err = c.Team(context.Background(), "bare")
	if err != nil {
		t.Fatal(err)
	}
	const raw = `{"roles":{"totalCount":2,"items":[{"key":"x","name":"x","appliedOn":1700000000000},{"key":"y","name":"y","appliedOn":1700000000000}]},"key":"bare","name":"Bare","_version":1}`
	if !slices.Equal(team.Roles, []string{"x", "y"}) || string(team.Raw) != raw {
		t.Errorf("have %v\n%s\nwant Raw\n%s", team.Roles, team.Raw, raw)
	}
}
