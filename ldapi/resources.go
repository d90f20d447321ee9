package ldapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/ldpolicy/ldpolicy/internal/jsonscan"
)

// ErrNotFound is what errors.Is finds in the error for something that does
// not exist: a 404 answer, or a member that no email matches.
var ErrNotFound = errors.New("not found")

// Is makes errors.Is(err, ErrNotFound) hold for a 404 answer.
func (e *StatusError) Is(target error) bool {
	return target == ErrNotFound && e.StatusCode == http.StatusNotFound
}

// pageSize is the page size of the listings paged by offset: LaunchDarkly's
// default for members and custom roles, which every version accepts.
const pageSize = 20

// Webhook is a webhook as LaunchDarkly's REST API returns it.
type Webhook struct {
	ID   string   `json:"_id"`
	Name string   `json:"name"`
	On   bool     `json:"on"` // a webhook without "on" is on
	Tags []string `json:"tags"`
	// Raw is the webhook object as LaunchDarkly wrote it: policy.Load
	// reads its statements with their positions in it, and
	// webhook.ReadConfigs its delivery settings. It holds the webhook's
	// URL and, when the token may see it, its signing secret: show it
	// with care.
	Raw json.RawMessage `json:"-"`
}

// Role is a custom role, or a preset role, as LaunchDarkly's REST API
// returns it.
type Role struct {
	ID   string `json:"_id"`
	Key  string `json:"key"`
	Name string `json:"name"`
	// BasePermissions is LaunchDarkly's "basePermissions": "reader",
	// "no_access", or empty when the role does not give them (then
	// policy.File.RoleBasePermissions assumes no_access, the REST API's
	// default).
	BasePermissions string `json:"basePermissions"`
	// Raw is the role object as LaunchDarkly wrote it: policy.Load and
	// policy.ParseFile read it as a custom role, with positions in it.
	Raw json.RawMessage `json:"-"`
}

// Member is an account member as LaunchDarkly's REST API returns it, with
// what deciding their access needs.
type Member struct {
	ID        string `json:"_id"`
	Email     string `json:"email"`
	FirstName string `json:"firstName"`
	LastName  string `json:"lastName"`
	// Role is the member's built-in role: reader, writer, admin, owner or
	// no_access. It is in effect only when CustomRoles is empty.
	Role string `json:"role"`
	// CustomRoles are the keys of the custom and preset roles assigned to
	// the member.
	CustomRoles []string `json:"customRoles"`
	// RoleAttributes are the role attributes of the member's own role
	// assignments.
	RoleAttributes map[string][]string `json:"roleAttributes"`
	// Teams are the teams the member belongs to.
	Teams []TeamSummary `json:"teams"`
	// PermissionGrants give the member single actions beside their roles.
	// They are outside the model of roles that [Client.Access] builds.
	PermissionGrants []PermissionGrant `json:"permissionGrants"`
	// Raw is the member object as LaunchDarkly wrote it.
	Raw json.RawMessage `json:"-"`
}

// TeamSummary is a team as a member's "teams" lists it.
type TeamSummary struct {
	Key            string   `json:"key"`
	Name           string   `json:"name"`
	CustomRoleKeys []string `json:"customRoleKeys"`
}

// PermissionGrant is one of a member's permission grants: actions, or a
// named set of actions, allowed on one resource.
type PermissionGrant struct {
	Resource  string   `json:"resource"`
	Actions   []string `json:"actions"`
	ActionSet string   `json:"actionSet"`
}

// Team is a team as LaunchDarkly's REST API returns it, with its roles.
type Team struct {
	Key  string
	Name string
	// Roles are the keys of the custom and preset roles assigned to the
	// team.
	Roles []string
	// RoleAttributes are the role attributes of the team's role
	// assignments.
	RoleAttributes map[string][]string
	// Raw is the team object as LaunchDarkly wrote it, expanded with its
	// roles and role attributes. When the expanded answer held only some
	// of the roles (LaunchDarkly expands a first page of them), its
	// "roles" is replaced by every role, as GET /api/v2/teams/{key}/roles
	// lists them: Raw holds the whole team.
	Raw json.RawMessage
}

// Webhooks returns every webhook (GET /api/v2/webhooks).
func (c *Client) Webhooks(ctx context.Context) ([]*Webhook, error) {
	r := &request{method: "GET", path: "/api/v2/webhooks"}
	data, err := c.do(ctx, &budget{}, r)
	if err != nil {
		return nil, err
	}
	items, _, err := readList(data)
	if err != nil {
		return nil, c.shapeErr(r, "a list of webhooks", err)
	}
	hooks := make([]*Webhook, len(items))
	for i, raw := range items {
		if hooks[i], err = decodeWebhook(raw); err != nil {
			return nil, c.shapeErr(r, fmt.Sprintf("webhook %d", i), err)
		}
	}
	return hooks, nil
}

// Webhook returns one webhook by ID (GET /api/v2/webhooks/{id}).
func (c *Client) Webhook(ctx context.Context, id string) (*Webhook, error) {
	r := &request{method: "GET", path: "/api/v2/webhooks/" + url.PathEscape(id)}
	data, err := c.do(ctx, &budget{}, r)
	if err != nil {
		return nil, err
	}
	w, err := decodeWebhook(data)
	if err != nil {
		return nil, c.shapeErr(r, "a webhook", err)
	}
	return w, nil
}

func decodeWebhook(raw json.RawMessage) (*Webhook, error) {
	w := &Webhook{On: true}
	if err := json.Unmarshal(raw, w); err != nil {
		return nil, err
	}
	if w.ID == "" {
		return nil, errors.New(`no "_id"`)
	}
	w.Raw = raw
	return w, nil
}

// Roles lists every custom and preset role (GET /api/v2/roles, paged by
// offset), each once. It stops at the first error, which it yields with a
// nil Role.
func (c *Client) Roles(ctx context.Context) iter.Seq2[*Role, error] {
	return func(yield func(*Role, error) bool) {
		err := c.pages(ctx, &budget{}, "roles", "/api/v2/roles", nil, func(raw json.RawMessage) error {
			role, err := decodeRole(raw)
			if err != nil {
				return err
			}
			if !yield(role, nil) {
				return errStop
			}
			return nil
		})
		if err != nil && err != errStop {
			yield(nil, c.scrub(err))
		}
	}
}

// Role returns a custom or preset role by key or ID
// (GET /api/v2/roles/{key}).
func (c *Client) Role(ctx context.Context, key string) (*Role, error) {
	return c.role(ctx, &budget{}, key)
}

func (c *Client) role(ctx context.Context, b *budget, key string) (*Role, error) {
	r := &request{method: "GET", path: "/api/v2/roles/" + url.PathEscape(key)}
	data, err := c.do(ctx, b, r)
	if err != nil {
		return nil, err
	}
	role, err := decodeRole(data)
	if err != nil {
		return nil, c.shapeErr(r, "a custom role", err)
	}
	return role, nil
}

func decodeRole(raw json.RawMessage) (*Role, error) {
	role := &Role{}
	if err := json.Unmarshal(raw, role); err != nil {
		return nil, err
	}
	if role.Key == "" {
		return nil, errors.New(`no "key"`)
	}
	role.Raw = raw
	return role, nil
}

// memberExpand asks for what deciding a member's access needs.
const memberExpand = "customRoles,roleAttributes"

// Members lists every account member (GET /api/v2/members, paged by
// offset), with their custom roles and role attributes, each once. It
// stops at the first error, which it yields with a nil Member.
func (c *Client) Members(ctx context.Context) iter.Seq2[*Member, error] {
	return func(yield func(*Member, error) bool) {
		q := url.Values{"expand": {memberExpand}}
		err := c.pages(ctx, &budget{}, "members", "/api/v2/members", q, func(raw json.RawMessage) error {
			m, err := decodeMember(raw)
			if err != nil {
				return err
			}
			if !yield(m, nil) {
				return errStop
			}
			return nil
		})
		if err != nil && err != errStop {
			yield(nil, c.scrub(err))
		}
	}
}

// Member returns an account member by ID (GET /api/v2/members/{id}; "me"
// is the owner of the token) or, when ref has an "@", by email: the member
// whose email is ref, ignoring case (GET /api/v2/members with the filter
// email:ref). Either way the member comes with their role attributes.
// errors.Is(err, ErrNotFound) holds when there is no such member.
func (c *Client) Member(ctx context.Context, ref string) (*Member, error) {
	if strings.Contains(ref, "@") {
		m, err := c.memberByEmail(ctx, ref)
		return m, c.scrub(err)
	}
	r := &request{method: "GET", path: "/api/v2/members/" + url.PathEscape(ref), query: url.Values{"expand": {"roleAttributes"}}}
	data, err := c.do(ctx, &budget{}, r)
	if err != nil {
		return nil, err
	}
	m, err := decodeMember(data)
	if err != nil {
		return nil, c.shapeErr(r, "a member", err)
	}
	return m, nil
}

func (c *Client) memberByEmail(ctx context.Context, email string) (*Member, error) {
	if strings.ContainsAny(email, ",|") {
		// They separate filters and values in LaunchDarkly's filter syntax.
		return nil, fmt.Errorf("ldapi: email %q: LaunchDarkly's member filter cannot look up an address with a comma or a vertical bar", email)
	}
	q := url.Values{"filter": {"email:" + email}, "expand": {memberExpand}, "limit": {strconv.Itoa(pageSize)}}
	r := &request{method: "GET", path: "/api/v2/members", query: q}
	data, err := c.do(ctx, &budget{}, r)
	if err != nil {
		return nil, err
	}
	items, _, err := readList(data)
	if err != nil {
		return nil, c.shapeErr(r, "a list of members", err)
	}
	var found []*Member
	for i, raw := range items {
		m, err := decodeMember(raw)
		if err != nil {
			return nil, c.shapeErr(r, fmt.Sprintf("member %d", i), err)
		}
		// The filter is LaunchDarkly's; the match is checked here.
		if strings.EqualFold(m.Email, email) {
			found = append(found, m)
		}
	}
	switch len(found) {
	case 0:
		return nil, fmt.Errorf("ldapi: no member of the account on %s has the email %s: %w", c.host, email, ErrNotFound)
	case 1:
		return found[0], nil
	}
	return nil, fmt.Errorf("ldapi: %d members of the account on %s have the email %s: name one by ID (%s, %s)", len(found), c.host, email, found[0].ID, found[1].ID)
}

func decodeMember(raw json.RawMessage) (*Member, error) {
	m := &Member{}
	if err := json.Unmarshal(raw, m); err != nil {
		return nil, err
	}
	if m.ID == "" {
		return nil, errors.New(`no "_id"`)
	}
	m.Raw = raw
	return m, nil
}

// Team returns a team by key, with its roles and role attributes
// (GET /api/v2/teams/{key}?expand=roles,roleAttributes, and the team's
// roles, GET /api/v2/teams/{key}/roles, when they are more than the
// expanded answer holds).
func (c *Client) Team(ctx context.Context, key string) (*Team, error) {
	return c.team(ctx, &budget{}, key)
}

func (c *Client) team(ctx context.Context, b *budget, key string) (*Team, error) {
	path := "/api/v2/teams/" + url.PathEscape(key)
	r := &request{method: "GET", path: path, query: url.Values{"expand": {"roles,roleAttributes"}}}
	data, err := c.do(ctx, b, r)
	if err != nil {
		return nil, err
	}
	t, complete, err := readTeam(data)
	if err != nil {
		return nil, c.shapeErr(r, "a team", err)
	}
	if complete {
		return t, nil
	}
	// The expanded roles are missing or a first page: list them all, and
	// put them in Raw, so that Raw holds every role as decodeTeam reads it.
	t.Roles = nil
	var items []json.RawMessage
	err = c.pages(ctx, b, "team roles", path+"/roles", nil, func(raw json.RawMessage) error {
		var it struct {
			Key string `json:"key"`
		}
		if err := json.Unmarshal(raw, &it); err != nil {
			return err
		}
		if it.Key == "" {
			return errors.New(`no "key"`)
		}
		t.Roles, items = append(t.Roles, it.Key), append(items, raw)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if t.Raw, err = withRoles(data, items); err != nil {
		return nil, c.shapeErr(r, "a team", err)
	}
	return t, nil
}

// readTeam reads a team expanded with its roles and role attributes:
// {"key": ..., "roles": {"totalCount": N, "items": [{"key": ...}, ...]},
// "roleAttributes": {...}}. It reports whether the team's roles are all
// there: "roles" is missing from an answer that was not expanded, and
// holds a first page of them when they are many.
func readTeam(data []byte) (*Team, bool, error) {
	var rep struct {
		Key            string              `json:"key"`
		Name           string              `json:"name"`
		RoleAttributes map[string][]string `json:"roleAttributes"`
		Roles          *struct {
			TotalCount *int `json:"totalCount"`
			Items      []struct {
				Key string `json:"key"`
			} `json:"items"`
		} `json:"roles"`
	}
	if err := json.Unmarshal(data, &rep); err != nil {
		return nil, false, err
	}
	if rep.Key == "" {
		return nil, false, errors.New(`no "key"`)
	}
	t := &Team{Key: rep.Key, Name: rep.Name, RoleAttributes: rep.RoleAttributes, Raw: data}
	if rep.Roles == nil {
		return t, false, nil
	}
	for _, it := range rep.Roles.Items {
		if it.Key == "" {
			return nil, false, errors.New(`a role in "roles" has no "key"`)
		}
		t.Roles = append(t.Roles, it.Key)
	}
	return t, rep.Roles.TotalCount == nil || *rep.Roles.TotalCount <= len(rep.Roles.Items), nil
}

// decodeTeam reads a team as Team.Raw holds it: with all its roles.
func decodeTeam(raw json.RawMessage) (*Team, error) {
	t, complete, err := readTeam(raw)
	if err != nil {
		return nil, err
	}
	if !complete {
		return nil, fmt.Errorf(`team %s: expected every role of the team in "roles" ({"totalCount": N, "items": [N roles]}), found a part of them or none`, t.Key)
	}
	return t, nil
}

// withRoles returns the team object data with its "roles" replaced by the
// list of items, every role of the team: the rest of its bytes are as
// LaunchDarkly wrote them.
func withRoles(data []byte, items []json.RawMessage) ([]byte, error) {
	list := []byte(fmt.Sprintf(`{"totalCount":%d,"items":[`, len(items)))
	for i, it := range items {
		if i > 0 {
			list = append(list, ',')
		}
		list = append(list, bytes.TrimSpace(it)...)
	}
	list = append(list, "]}"...)
	spans, err := jsonscan.FieldValues(data, "roles")
	if err != nil {
		return nil, err
	}
	if len(spans) == 0 {
		// After the opening brace; the object has a "key", so a comma
		// follows.
		at := bytes.IndexByte(data, '{') + 1
		out := append(append([]byte(nil), data[:at]...), `"roles":`...)
		out = append(append(out, list...), ',')
		return append(out, data[at:]...), nil
	}
	var out []byte
	last := 0
	for _, sp := range spans {
		out = append(append(out, data[last:sp[0]]...), list...)
		last = sp[1]
	}
	return append(out, data[last:]...), nil
}

// readList reads a collection: {"items": [...], "_links": {...}}. It
// reports whether the answer links to a next page.
func readList(data []byte) ([]json.RawMessage, bool, error) {
	var p struct {
		Items *[]json.RawMessage         `json:"items"`
		Links map[string]json.RawMessage `json:"_links"`
	}
	if err := json.Unmarshal(data, &p); err != nil {
		return nil, false, err
	}
	if p.Items == nil {
		return nil, false, errors.New(`expected {"items": [...]}, found no "items"`)
	}
	_, next := p.Links["next"]
	return *p.Items, next, nil
}

// pages lists a collection paged by offset and limit, calling each with
// every item once: items that pages give again (the collection changed
// while paging) are recognized by their "_id" or "key" and dropped. The listing
// ends with an empty page or a short one that links to no next page.
func (c *Client) pages(ctx context.Context, b *budget, op, path string, query url.Values, each func(json.RawMessage) error) error {
	prog := Progress{Op: op}
	seen := map[string]bool{}
	offset := 0
	for {
		if prog.Pages >= c.maxPages {
			return &LimitError{Bound: "MaxPages", Limit: int64(c.maxPages), Msg: fmt.Sprintf(
				"GET %s on %s: the listing needs more than %d pages of %d (Options.MaxPages)", path, c.host, c.maxPages, pageSize)}
		}
		q := url.Values{}
		for k, v := range query {
			q[k] = v
		}
		q.Set("limit", strconv.Itoa(pageSize))
		q.Set("offset", strconv.Itoa(offset))
		r := &request{method: "GET", path: path, query: q, op: op, prog: &prog}
		data, err := c.do(ctx, b, r)
		if err != nil {
			return err
		}
		items, next, err := readList(data)
		if err != nil {
			return c.shapeErr(r, "a list", err)
		}
		prog.Pages++
		for i, raw := range items {
			// A shallow look at the key first, so that a duplicate is
			// not given twice.
			key, err := itemKey(raw)
			if err != nil {
				return c.shapeErr(r, fmt.Sprintf("item %d of the page at offset %d", i, offset), err)
			}
			if seen[key] {
				prog.Duplicates++
				continue
			}
			seen[key] = true
			if err := each(raw); err != nil {
				if err == errStop {
					return err
				}
				return c.shapeErr(r, fmt.Sprintf("item %d of the page at offset %d", i, offset), err)
			}
			prog.Items++
		}
		c.report(prog)
		offset += len(items)
		if len(items) == 0 || len(items) < pageSize && !next {
			return nil
		}
	}
}

// itemKey returns what identifies an item of a collection: its "_id", or
// its "key" when it has none.
func itemKey(raw json.RawMessage) (string, error) {
	var k struct {
		ID  string `json:"_id"`
		Key string `json:"key"`
	}
	if err := json.Unmarshal(raw, &k); err != nil {
		return "", err
	}
	switch {
	case k.ID != "":
		return k.ID, nil
	case k.Key != "":
		return k.Key, nil
	}
	return "", errors.New(`no "_id" or "key"`)
}

// shapeErr reports an answer that does not have the expected shape.
func (c *Client) shapeErr(r *request, what string, err error) error {
	return c.scrub(fmt.Errorf("ldapi: %s %s on %s: expected %s: %v", r.method, r.path, c.host, what, err))
}
