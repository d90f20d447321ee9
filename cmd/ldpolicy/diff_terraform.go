package main

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/ldpolicy/ldpolicy/internal/policysource"
	"github.com/ldpolicy/ldpolicy/policy"
	"github.com/ldpolicy/ldpolicy/terraform"
)

// isWholeTerraform reports whether a source is a Terraform source named
// without #ADDRESS: diff compares two of them resource by resource.
func isWholeTerraform(s *policysource.Source) bool { return s.Terraform != nil && s.Address == "" }

// resourceChange is how one resource of a Terraform source changes from
// one version of the source to the other.
type resourceChange struct {
	Type    string `json:"type"` // "resource"
	Address string `json:"address"`
	// Change is added, removed, unchanged or changed.
	Change string `json:"change"`
	// Detail says what changed of a team, or of a role's base
	// permissions, which the comparison of statements does not show.
	Detail string `json:"detail,omitempty"`
	// Wider is set when the detail widens what the resource allows.
	Wider bool `json:"wider,omitempty"`
}

// resourceCounts are what a comparison of two Terraform sources saw.
type resourceCounts struct {
	Changed   int `json:"changed"`
	Unchanged int `json:"unchanged"`
	Added     int `json:"added"`
	Removed   int `json:"removed"`
}

// diffSources compares two versions of a Terraform source resource by
// resource, matched by address: each resource whose policy changes as two
// versions of a policy are compared (on representative accesses, or on
// the events of the inputs), a team whose roles or role attributes change
// by what changes. Resources of one version only are listed as added or
// removed, and not compared. Every resource of both versions must be
// read: a problem with one stops diff with exit status 2.
func (f *diffFlags) diffSources(oldSrc, newSrc *policysource.Source, stdin io.Reader, stdout, stderr io.Writer) error {
	if stdinReaders(f.inputs) > 0 {
		return usagef("diff", "two Terraform sources are compared resource by resource, each on the events: give the INPUTs as files, not stdin")
	}
	if arg := accountArg(f.inputs); arg != "" {
		return usagef("diff", "two Terraform sources are compared resource by resource, each on the events: give the INPUTs as files, not %s, which would be listed again for each resource (write it to a file with ldpolicy pull auditlog)", arg)
	}
	var sides [2][]policysource.Policy
	unread := false
	for i, src := range []*policysource.Source{oldSrc, newSrc} {
		ps, err := src.Policies()
		if err != nil {
			return reportSourceErr(stderr, err)
		}
		for _, p := range ps {
			if p.Resource.Err != nil {
				reportSourceErr(stderr, p.Resource.Err)
				unread = true
			}
		}
		sides[i] = ps
	}
	if unread {
		return &exitError{code: exitUsage}
	}

	json := f.format == "json"
	var counts resourceCounts
	var widened, unknown []string // addresses, for --fail-on-wider
	report := func(c resourceChange) error {
		c.Type = "resource"
		if json {
			return writeJSONTo(stdout, c)
		}
		line := c.Address + ": " + c.Change
		if c.Detail != "" {
			line += ": " + c.Detail
		}
		_, err := fmt.Fprintln(stdout, line)
		return err
	}
	for _, pr := range pairByAddress(sides[0], sides[1]) {
		c := resourceChange{Address: pr.address}
		switch {
		case pr.new == nil:
			counts.Removed++
			c.Change = "removed"
		case pr.old == nil:
			counts.Added++
			c.Change = "added"
		case isTeam(*pr.old):
			c.Detail, c.Wider = teamChange(pr.old.Resource.Team, pr.new.Resource.Team)
		default:
			c.Detail, c.Wider = baseChange(pr.old.Resource.Policy, pr.new.Resource.Policy)
		}
		if c.Change != "" {
			if err := report(c); err != nil {
				return err
			}
			continue
		}
		if c.Detail == "" && (isTeam(*pr.old) || samePolicy(pr.old.Resource.Policy, pr.new.Resource.Policy)) {
			counts.Unchanged++
			c.Change = "unchanged"
			if err := report(c); err != nil {
				return err
			}
			continue
		}
		counts.Changed++
		c.Change = "changed"
		if c.Wider {
			widened = append(widened, pr.address)
		}
		if err := report(c); err != nil {
			return err
		}
		if isTeam(*pr.old) {
			continue
		}
		d, popts, err := f.load(*pr.old, *pr.new, stderr)
		if err != nil {
			return err
		}
		d.address = pr.address
		if err := f.compare(d, popts, stdin, stdout, stderr); err != nil {
			return err
		}
		if !json {
			fmt.Fprintln(stdout)
		}
		switch {
		case d.wider > 0 || d.newlyDelivered > 0:
			if !c.Wider {
				widened = append(widened, pr.address)
			}
		case d.cutShort != "":
			unknown = append(unknown, pr.address)
		}
	}

	var err error
	if json {
		err = writeJSONTo(stdout, struct {
			Type string `json:"type"`
			Old  string `json:"old"`
			New  string `json:"new"`
			*resourceCounts
		}{"resources", oldSrc.Name, newSrc.Name, &counts})
	} else {
		_, err = fmt.Fprintf(stdout, "resources: %d changed, %d unchanged, %d added, %d removed\n", counts.Changed, counts.Unchanged, counts.Added, counts.Removed)
	}
	if err != nil || !f.failOnWider {
		return err
	}
	switch {
	case len(widened) > 0:
		return &exitError{exitNo, fmt.Errorf("diff: the new version is wider: %s (--fail-on-wider)", strings.Join(widened, ", "))}
	case len(unknown) > 0:
		return &exitError{exitNo, fmt.Errorf("diff: cannot tell whether the new version is wider: the comparison of %s was cut short (--fail-on-wider)", strings.Join(unknown, ", "))}
	}
	return nil
}

// resourcePair is a resource of either version of a Terraform source, or
// of both.
type resourcePair struct {
	address  string
	old, new *policysource.Policy // nil in the version that does not have it
}

// pairByAddress pairs the resources of two versions by address, in the
// order of the old version, then those only the new one has, in its order.
func pairByAddress(old, new []policysource.Policy) []resourcePair {
	byAddr := map[string]*policysource.Policy{}
	for i := range new {
		byAddr[new[i].Resource.Address] = &new[i]
	}
	var pairs []resourcePair
	seen := map[string]bool{}
	for i := range old {
		addr := old[i].Resource.Address
		pairs = append(pairs, resourcePair{address: addr, old: &old[i], new: byAddr[addr]})
		seen[addr] = true
	}
	for i := range new {
		if addr := new[i].Resource.Address; !seen[addr] {
			pairs = append(pairs, resourcePair{address: addr, new: &new[i]})
		}
	}
	return pairs
}

// samePolicy reports whether two policies have the same statements, in
// the same order.
func samePolicy(a, b *policy.File) bool {
	if len(a.Statements) != len(b.Statements) {
		return false
	}
	for i := range a.Statements {
		if a.Statements[i].String() != b.Statements[i].String() {
			return false
		}
	}
	return true
}

// baseChange says how the base permissions of a custom role change, which
// comparing statements does not show: "base permissions no_access ->
// reader", which is wider (reader grants every view action); "" when
// they do not change.
func baseChange(old, new *policy.File) (string, bool) {
	if old.Kind != policy.RoleFile || new.Kind != policy.RoleFile {
		return "", false
	}
	ob, _ := old.RoleBasePermissions()
	nb, _ := new.RoleBasePermissions()
	if ob == nb {
		return "", false
	}
	return fmt.Sprintf("base permissions %s -> %s", ob, nb), nb == policy.Reader
}

// teamChange says what changes of a team: the custom roles it holds, by
// key, and its role attributes, value by value; "" when nothing does. A
// role or an attribute value added is wider: roles are cumulative, and a
// value is one more pattern that a role attribute matches. The roles
// themselves are compared as the resources they are.
func teamChange(old, new *terraform.TeamRoles) (string, bool) {
	var parts []string
	if old.Key != new.Key {
		parts = append(parts, fmt.Sprintf("team key %s -> %s", old.Key, new.Key))
	}
	keys := func(t *terraform.TeamRoles) []string {
		var ks []string
		for _, r := range t.Roles {
			ks = append(ks, r.Key)
		}
		return ks
	}
	added, removed := setChange(keys(old), keys(new))
	if s := changeList(added, removed); s != "" {
		parts = append(parts, "custom roles "+s)
	}
	wider := len(added) > 0
	names := slices.Sorted(maps.Keys(old.Attributes))
	for name := range new.Attributes {
		if _, ok := old.Attributes[name]; !ok {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	for _, name := range names {
		added, removed := setChange(old.Attributes[name], new.Attributes[name])
		if s := changeList(added, removed); s != "" {
			parts = append(parts, "role attribute "+name+" "+s)
			wider = wider || len(added) > 0
		}
	}
	detail := strings.Join(parts, "; ")
	if wider {
		detail += " (wider)"
	}
	return detail, wider
}

// setChange returns the elements of new that old does not have, and those
// of old that new does not have, each in order.
func setChange(old, new []string) (added, removed []string) {
	for _, s := range new {
		if !slices.Contains(old, s) && !slices.Contains(added, s) {
			added = append(added, s)
		}
	}
	for _, s := range old {
		if !slices.Contains(new, s) && !slices.Contains(removed, s) {
			removed = append(removed, s)
		}
	}
	return added, removed
}

// changeList shows elements added and removed: "+a +b -c".
func changeList(added, removed []string) string {
	var parts []string
	for _, s := range added {
		parts = append(parts, "+"+s)
	}
	for _, s := range removed {
		parts = append(parts, "-"+s)
	}
	return strings.Join(parts, " ")
}
