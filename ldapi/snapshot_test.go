package ldapi_test

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/ldpolicy/ldpolicy/ldapi"
	"github.com/ldpolicy/ldpolicy/policy"
)

// A snapshot written and read back builds the same access as the API,
// member by member: the same assignments, the same decisions, the same
// errors.
func TestSnapshotAccess(t *testing.T) {
	f := accessServer(t)
	// The team's expanded answer holds one of its two roles: the snapshot
	// must hold both.
	f.teams["qa"] = fakeTeam{name: "QA", roles: []string{"flag-editor", "viewer"}, attrs: map[string][]string{"projects": {"web"}}, expandedRoles: 1}
	c, _ := f.client(ldapi.Options{})
	ctx := context.Background()
	snap, err := c.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, r := range snap.Roles {
		keys = append(keys, r.Key)
	}
	for _, tm := range snap.Teams {
		keys = append(keys, "team "+tm.Key)
	}
	if have, want := strings.Join(keys, ","), "flag-editor,viewer,lead,broken,team qa,team bad"; have != want {
		t.Errorf("roles and teams: have %s, want %s", have, want)
	}
	var file bytes.Buffer
	if _, err := snap.WriteTo(&file); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(file.String(), testToken) {
		t.Fatal("the snapshot holds the token")
	}
	read, err := ldapi.ReadSnapshot(file.Bytes())
	if err != nil {
		t.Fatalf("%v\n%s", err, file.String())
	}
	if len(read.Members) != len(f.members) {
		t.Fatalf("members: have %d, want %d", len(read.Members), len(f.members))
	}
	if have := read.Teams[0].Roles; !reflect.DeepEqual(have, []string{"flag-editor", "viewer"}) {
		t.Errorf("team qa read back: roles %v, want both", have)
	}
	accesses := []struct{ action, resource string }{
		{"updateOn", "proj/mobile:env/production:flag/dark-mode"},
		{"updateOn", "proj/web:env/production:flag/dark-mode"},
		{"viewProject", "proj/other"},
		{"viewProject", "proj/secret"},
		{"createFlag", "proj/api:env/test:flag/new"},
		{"deleteFlag", "proj/web:env/test:flag/old"},
	}
	for i, m := range read.Members {
		online, oerr := c.Access(ctx, snap.Members[i], policy.Options{})
		offline, err := read.Access(m, policy.Options{})
		if (oerr == nil) != (err == nil) || err != nil && err.Error() != oerr.Error() {
			t.Errorf("member %s: online error %v, offline %v", m.ID, oerr, err)
			continue
		}
		if err != nil {
			continue
		}
		if !reflect.DeepEqual(online.Assignments, offline.Assignments) || !reflect.DeepEqual(online.Unmodeled, offline.Unmodeled) {
			t.Errorf("member %s: online %+v %v, offline %+v %v", m.ID, online.Assignments, online.Unmodeled, offline.Assignments, offline.Unmodeled)
		}
		for _, a := range accesses {
			od, _ := online.Member.Decide(a.action, a.resource)
			fd, _ := offline.Member.Decide(a.action, a.resource)
			if od.String() != fd.String() {
				t.Errorf("member %s, %s on %s: online %s, offline %s", m.ID, a.action, a.resource, od, fd)
			}
		}
	}

	// A member whose team the snapshot lacks.
	m := read.Members[0]
	_, err = (&ldapi.Snapshot{Members: read.Members, Roles: read.Roles}).Access(m, policy.Options{})
	if !errors.Is(err, ldapi.ErrNotFound) || !strings.Contains(err.Error(), "the snapshot has no team qa") {
		t.Errorf("have %v, want the missing team", err)
	}
}

func TestReadSnapshotErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{`[]`, "ldapi: snapshot: json: cannot unmarshal array"},
		{`{"members":[]}`, `ldapi: snapshot: expected {"members": [...], "teams": [...], "roles": [...]}`},
		{`{"members":[{"email":"a@b"}],"teams":[],"roles":[]}`, `ldapi: snapshot: members 0: no "_id"`},
		{`{"members":[],"teams":[{"key":"qa"}],"roles":[]}`, `ldapi: snapshot: teams 0: team qa: expected every role of the team in "roles"`},
		{`{"members":[],"teams":[{"key":"qa","roles":{"totalCount":2,"items":[{"key":"a"}]}}],"roles":[]}`, `ldapi: snapshot: teams 0: team qa: expected every role`},
		{`{"members":[],"teams":[],"roles":[{"name":"x"}]}`, `ldapi: snapshot: roles 0: no "key"`},
	}
	for _, tt := range tests {
		_, err := ldapi.ReadSnapshot([]byte(tt.in))
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("ReadSnapshot(%s): have %v, want %q", tt.in, err, tt.want)
		}
	}
}
