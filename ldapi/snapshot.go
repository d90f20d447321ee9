package ldapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/ldpolicy/ldpolicy/policy"
)

// Snapshot is what building the access of an account's members needs, as
// LaunchDarkly's REST API gave it at one time: the members, the teams they
// belong to, and the roles that they and those teams hold, each with the
// raw JSON LaunchDarkly wrote. [Client.Snapshot] takes one; WriteTo and
// [ReadSnapshot] keep it in a file; [Snapshot.Access] builds a member's
// access from it offline, with the code that [Client.Access] builds it
// with from the API, so that both decide alike.
//
// A Snapshot is read only by its methods: it is safe for concurrent use
// as long as nobody changes it.
type Snapshot struct {
	Members []*Member // in LaunchDarkly's order
	Teams   []*Team   // in the order the members name them, each once
	Roles   []*Role   // in the order the members and teams hold them, each once
}

// Snapshot lists the members of the account, as [Client.Members] does,
// and fetches the teams they belong to and the roles that they and those
// teams hold, as [Client.Access] would fetch them (once each, remembered
// by the Client).
func (c *Client) Snapshot(ctx context.Context) (*Snapshot, error) {
	s := &Snapshot{}
	for m, err := range c.Members(ctx) {
		if err != nil {
			return nil, err
		}
		s.Members = append(s.Members, m)
	}
	b := &budget{}
	prog := Progress{Op: "roles and teams"}
	seenRole, seenTeam := map[string]bool{}, map[string]bool{}
	role := func(key string) error {
		if seenRole[key] {
			return nil
		}
		r, err := c.heldRole(ctx, b, key)
		if err != nil {
			return err
		}
		seenRole[key] = true
		s.Roles = append(s.Roles, r)
		prog.Items++
		c.report(prog)
		return nil
	}
	for _, m := range s.Members {
		for _, key := range m.CustomRoles {
			if err := role(key); err != nil {
				return nil, c.scrub(err)
			}
		}
		for _, ts := range m.Teams {
			if seenTeam[ts.Key] {
				continue
			}
			t, err := c.heldTeam(ctx, b, ts.Key)
			if err != nil {
				return nil, c.scrub(err)
			}
			seenTeam[ts.Key] = true
			s.Teams = append(s.Teams, t)
			prog.Items++
			c.report(prog)
			for _, key := range t.Roles {
				if err := role(key); err != nil {
					return nil, c.scrub(err)
				}
			}
		}
	}
	return s, nil
}

// Access builds the access of a member from the snapshot's teams and
// roles, as [Client.Access] does from the API. errors.Is(err, ErrNotFound)
// holds when the snapshot lacks a team or role that the member holds.
func (s *Snapshot) Access(m *Member, opts policy.Options) (*Access, error) {
	return buildAccess(context.Background(), s, m, opts)
}

func (s *Snapshot) heldRole(_ context.Context, _ *budget, key string) (*Role, error) {
	for _, r := range s.Roles {
		if r.Key == key {
			return r, nil
		}
	}
	return nil, fmt.Errorf("ldapi: the snapshot has no role %s: %w", key, ErrNotFound)
}

func (s *Snapshot) heldTeam(_ context.Context, _ *budget, key string) (*Team, error) {
	for _, t := range s.Teams {
		if t.Key == key {
			return t, nil
		}
	}
	return nil, fmt.Errorf("ldapi: the snapshot has no team %s: %w", key, ErrNotFound)
}

// WriteTo writes the snapshot as JSON that [ReadSnapshot] reads: an object
// whose "members", "teams" and "roles" are lists of the raw objects,
// compacted, one a line.
//
//	{"members":[
//	{"_id":"507f1f77bcf86cd799439011","email":"ariel@acme.com",...}
//	],"teams":[
//	{"key":"qa","roles":{"totalCount":1,"items":[{"key":"qa-lead"}]},...}
//	],"roles":[
//	{"key":"qa-lead","policy":[...],...}
//	]}
func (s *Snapshot) WriteTo(w io.Writer) (int64, error) {
	var b bytes.Buffer
	list := func(name string, n int, raw func(int) json.RawMessage) error {
		b.WriteString(`"` + name + `":[`)
		for i := range n {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteByte('\n')
			if err := json.Compact(&b, raw(i)); err != nil {
				return fmt.Errorf("ldapi: writing the snapshot: %s %d: %v", name, i, err)
			}
		}
		if n > 0 {
			b.WriteByte('\n')
		}
		b.WriteByte(']')
		return nil
	}
	b.WriteByte('{')
	err := list("members", len(s.Members), func(i int) json.RawMessage { return s.Members[i].Raw })
	if err == nil {
		b.WriteByte(',')
		err = list("teams", len(s.Teams), func(i int) json.RawMessage { return s.Teams[i].Raw })
	}
	if err == nil {
		b.WriteByte(',')
		err = list("roles", len(s.Roles), func(i int) json.RawMessage { return s.Roles[i].Raw })
	}
	if err != nil {
		return 0, err
	}
	b.WriteString("}\n")
	return b.WriteTo(w)
}

// ReadSnapshot reads a snapshot that [Snapshot.WriteTo] wrote: each
// member, team and role as the Client reads it from the API.
func ReadSnapshot(data []byte) (*Snapshot, error) {
	var f struct {
		Members, Teams, Roles *[]json.RawMessage
	}
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("ldapi: snapshot: %v", err)
	}
	if f.Members == nil || f.Teams == nil || f.Roles == nil {
		return nil, errors.New(`ldapi: snapshot: expected {"members": [...], "teams": [...], "roles": [...]}, found no "members", "teams" or "roles"`)
	}
	s := &Snapshot{}
	for i, raw := range *f.Members {
		m, err := decodeMember(raw)
		if err != nil {
			return nil, fmt.Errorf("ldapi: snapshot: members %d: %v", i, err)
		}
		s.Members = append(s.Members, m)
	}
	for i, raw := range *f.Teams {
		t, err := decodeTeam(raw)
		if err != nil {
			return nil, fmt.Errorf("ldapi: snapshot: teams %d: %v", i, err)
		}
		s.Teams = append(s.Teams, t)
	}
	for i, raw := range *f.Roles {
		r, err := decodeRole(raw)
		if err != nil {
			return nil, fmt.Errorf("ldapi: snapshot: roles %d: %v", i, err)
		}
		s.Roles = append(s.Roles, r)
	}
	return s, nil
}
