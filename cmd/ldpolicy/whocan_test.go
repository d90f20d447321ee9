package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// whoCanAccount is an account whose members hold their access in every way
// there is: custom roles with role attributes, a team's role, base
// permissions, built-in roles, a permission grant, a role ldpolicy cannot
// read.
func whoCanAccount() account {
	member := func(id, role, custom, attrs, teams, grants string) string {
		return fmt.Sprintf(`{"_links":{"self":{"href":"/api/v2/members/%[1]s","type":"application/json"}},"_id":%[1]q,"email":"%[1]s@acme.com","firstName":%[1]q,"lastName":"L",`+
			`"role":%[2]q,"customRoles":[%[3]s],"roleAttributes":{%[4]s},"teams":[%[5]s],"permissionGrants":[%[6]s],`+
			`"_pendingInvite":false,"_verified":true,"mfa":"enabled","_lastSeen":1700000000000,"creationDate":1690000000000}`, id, role, custom, attrs, teams, grants)
	}
	qa := `{"key":"qa","name":"QA","customRoleKeys":["flag-editor"],"_links":{}}`
	return account{
		roles: []string{
			`{"_id":"r1","_links":{},"key":"flag-editor","name":"Flag editor","basePermissions":"no_access",` +
				`"policy":[{"effect":"allow","actions":["updateOn","updateOff"],"resources":["proj/${roleAttribute/projects}:env/production:flag/*"]}]}`,
			`{"_id":"r2","_links":{},"key":"viewer","name":"Viewer","basePermissions":"reader","policy":[{"effect":"deny","actions":["viewProject"],"resources":["proj/secret"]}]}`,
			`{"_id":"r3","_links":{},"key":"deny-all","name":"Deny all","basePermissions":"no_access","policy":[{"effect":"deny","actions":["*"],"resources":["proj/*"]}]}`,
			`{"_id":"r4","_links":{},"key":"broken","name":"Broken","basePermissions":"no_access","policy":[{"effect":"allow","actions":["*"],"resources":["proj/*:"]}]}`,
		},
		teams: map[string]string{
			"qa": `{"key":"qa","name":"QA","_links":{"roles":{"href":"/api/v2/teams/qa/roles","type":"application/json"}},"_version":2,"roleAttributes":{"projects":["web"]},` +
				`"roles":{"totalCount":1,"items":[{"key":"flag-editor","name":"Flag editor","appliedOn":1700000000000}],"_links":{}}}`,
		},
		members: []string{
			member("ariel", "reader", `"flag-editor"`, `"projects":["mobile"]`, qa, ""),
			member("bo", "writer", "", "", "", ""),
			member("carol", "reader", "", "", "", ""),
			member("dan", "reader", `"deny-all"`, "", qa, ""),
			member("eve", "reader", `"deny-all"`, "", "", `{"resource":"proj/web:env/production:flag/*","actions":["updateOn"]}`),
			member("fay", "reader", `"broken"`, "", "", ""),
			member("gus", "reader", `"viewer"`, "", "", ""),
			member("hal", "no_access", "", "", "", ""),
		},
	}
}

// TestWhoCan lists exactly the members whose roles allow an access, and
// those it cannot decide for, from the account and from a snapshot of it
// alike.
func TestWhoCan(t *testing.T) {
	srv := newLDServer(t, whoCanAccount())
	snap := filepath.Join(t.TempDir(), "members.json")
	if res := ldRun(t, nil, "pull", "members", "--ld-host", srv.URL, "-o", snap); res.code != 0 || res.stdout != "" {
		t.Fatalf("pull members: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	noToken(t, snap)

	tests := []struct {
		access []string
		want   string
	}{
		{[]string{"--action", "updateOn", "--resource", "proj/web:env/production:flag/dark-mode"}, `
allow    ariel@acme.com                  role flag-editor through team qa, statement 0: {"effect":"allow","actions":["updateOn","updateOff"],"resources":["proj/${roleAttribute/projects}:env/production:flag/*"]}
unknown  bo@acme.com                     no role allows the access for certain: a built-in role whose statements LaunchDarkly does not publish (writer, admin, owner) may (undecided: built-in role writer)
allow    dan@acme.com                    role flag-editor through team qa, statement 0: {"effect":"allow","actions":["updateOn","updateOff"],"resources":["proj/${roleAttribute/projects}:env/production:flag/*"]}
unknown  eve@acme.com                    no role allows the access, but a permission grant (outside the model of roles) may: updateOn on proj/web:env/production:flag/*
unknown  fay@acme.com                    ldpolicy cannot read role broken: ld:role/broken:1:`},
		{[]string{"--action", "viewProject", "--resource", "proj/other"}, `
unknown  bo@acme.com                     no role allows the access for certain: a built-in role whose statements LaunchDarkly does not publish (writer, admin, owner) may (undecided: built-in role writer)
allow    carol@acme.com                  built-in role reader: the role's base permissions (reader) allow view actions, and no deny statement of the role applies
unknown  fay@acme.com                    ldpolicy cannot read role broken: ld:role/broken:1:
allow    gus@acme.com                    role viewer: the role's base permissions (reader) allow view actions, and no deny statement of the role applies`},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.access, " "), func(t *testing.T) {
			var outputs [2][2]string
			for i, format := range []string{"text", "json"} {
				online := ldRun(t, nil, append([]string{"who-can", "--ld-host", srv.URL, "--format", format}, tt.access...)...)
				offline := ldRun(t, nil, append([]string{"who-can", "--source", snap, "--format", format}, tt.access...)...)
				if online.code != 0 || offline.code != 0 {
					t.Fatalf("exit %d and %d\n%s%s", online.code, offline.code, online.stderr, offline.stderr)
				}
				if online.stdout != offline.stdout || online.stderr != offline.stderr {
					t.Errorf("%s: online and offline differ:\n%s%s\n---\n%s%s", format, online.stdout, online.stderr, offline.stdout, offline.stderr)
				}
				outputs[i] = [2]string{online.stdout, online.stderr}
			}
			// Each line of the text is the start of the wanted line (the
			// errors of the broken role are cut).
			have := strings.Split(strings.TrimSuffix(outputs[0][0], "\n"), "\n")
			want := strings.Split(strings.TrimPrefix(tt.want, "\n"), "\n")
			if len(have) != len(want) {
				t.Fatalf("have\n%s\nwant\n%s", outputs[0][0], tt.want)
			}
			for i := range have {
				if !strings.HasPrefix(have[i], want[i]) {
					t.Errorf("line %d:\nhave %s\nwant %s", i+1, have[i], want[i])
				}
			}
			allowed := strings.Count(tt.want, "\nallow ")
			if sum := fmt.Sprintf("\n8 members: %d allowed, %d unknown\n", allowed, len(want)-allowed); outputs[0][1] != sum {
				t.Errorf("stderr %q, want %q", outputs[0][1], sum)
			}
			if n := strings.Count(outputs[1][0], `{"type":"member",`); n != len(want) || !strings.Contains(outputs[1][0], fmt.Sprintf(`{"type":"summary","members":8,"allowed":%d,"unknown":%d}`, allowed, len(want)-allowed)) {
				t.Errorf("json:\n%s", outputs[1][0])
			}
		})
	}
}

// TestWhoCanJSON reads a record: the role, the team, the statement.
func TestWhoCanJSON(t *testing.T) {
	srv := newLDServer(t, whoCanAccount())
	res := ldRun(t, nil, "who-can", "--ld-host", srv.URL, "--format", "json", "--action", "updateOff", "--resource", "proj/mobile:env/production:flag/f")
	want := `{"type":"member","_id":"ariel","email":"ariel@acme.com","decision":"allow","role":"flag-editor","statement":0,` +
		`"policyStatement":{"effect":"allow","actions":["updateOn","updateOff"],"resources":["proj/${roleAttribute/projects}:env/production:flag/*"]},"reason":"an allow statement applies and no deny statement does"}` + "\n"
	if res.code != 0 || !strings.HasPrefix(res.stdout, want) {
		t.Errorf("exit %d\n%s%s\nwant\n%s", res.code, res.stdout, res.stderr, want)
	}
}
