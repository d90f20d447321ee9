package ldapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ldpolicy/ldpolicy/event"
	"github.com/ldpolicy/ldpolicy/ldapi"
	"github.com/ldpolicy/ldpolicy/policy"
)

// base is the date of the first entry of the tests' audit logs.
const base = int64(1_699_000_000_000)

// tiedEntries returns n entries, three of every four sharing a
// millisecond with a neighbour, so that pages end inside a millisecond.
func tiedEntries(n int) []fakeEntry {
	es := make([]fakeEntry, n)
	for i := range es {
		es[i] = fakeEntry{id: fmt.Sprintf("e%03d", i), date: base + int64(i/4)*1000 + int64(i%4/3)}
	}
	return es
}

type collected struct {
	ids   []string
	dates []int64
	raws  []json.RawMessage
}

func collect(t *testing.T, seq func(func(ldapi.Entry, error) bool)) (collected, error) {
	t.Helper()
	var c collected
	for e, err := range seq {
		if err != nil {
			return c, err
		}
		c.ids = append(c.ids, e.ID)
		c.dates = append(c.dates, e.Date)
		c.raws = append(c.raws, e.Raw)
	}
	return c, nil
}

// wantOldestFirst checks that got holds the entries of es dated in
// [since, until), each once, oldest first.
func wantOldestFirst(t *testing.T, got collected, es []fakeEntry, since, until int64) {
	t.Helper()
	want := map[string]bool{}
	for _, e := range es {
		if e.date >= since && e.date < until {
			want[e.id] = true
		}
	}
	seen := map[string]bool{}
	for i, id := range got.ids {
		switch {
		case seen[id]:
			t.Errorf("entry %s given twice", id)
		case !want[id]:
			t.Errorf("entry %s (date %d) is outside the window [%d, %d)", id, got.dates[i], since, until)
		}
		seen[id] = true
		if i > 0 && got.dates[i] < got.dates[i-1] {
			t.Errorf("entry %d (%s, %d) is older than the one before it (%d): want oldest first", i, id, got.dates[i], got.dates[i-1])
		}
	}
	for id := range want {
		if !seen[id] {
			t.Errorf("entry %s missing", id)
		}
	}
}

func TestAuditLogPagesOverlapOldestFirst(t *testing.T) {
	es := tiedEntries(97)
	since, until := base+2000, base+22_000 // entries 8 to 87
	for _, tc := range []struct {
		name      string
		sloppy    int
		nextLinks bool
		pageSize  int
	}{
		{name: "edge overlap"},
		{name: "edge overlap, next links", nextLinks: true},
		{name: "sloppy server", sloppy: 5},
		{name: "sloppy server, small pages", sloppy: 3, pageSize: 7, nextLinks: true},
		{name: "pages of four", pageSize: 4}, // three entries share a millisecond
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeLD(t)
			f.entries, f.sloppy, f.nextLinks = es, tc.sloppy, tc.nextLinks
			var last ldapi.Progress
			c, _ := f.client(ldapi.Options{Progress: func(p ldapi.Progress) { last = p }})
			got, err := collect(t, c.AuditLog(context.Background(), ldapi.AuditLogQuery{
				Since: time.UnixMilli(since), Until: time.UnixMilli(until), PageSize: tc.pageSize}))
			if err != nil {
				t.Fatal(err)
			}
			wantOldestFirst(t, got, es, since, until)
			if last.Items != len(got.ids) || last.Op != "auditlog" || last.Gaps != 0 {
				t.Errorf("last progress: have %+v, want %d items, op auditlog, no gaps", last, len(got.ids))
			}
			if tc.sloppy > 0 && last.Duplicates == 0 {
				t.Errorf("a sloppy server's pages overlap: want duplicates counted, have %+v", last)
			}
			for i, r := range f.recorded() {
				q := r.query
				if q.Get("after") != fmt.Sprint(since-1) {
					t.Errorf("request %d: after=%q, want %d", i, q.Get("after"), since-1)
				}
				if i == 0 && q.Get("before") != fmt.Sprint(until) {
					t.Errorf("request 0: before=%q, want %d", q.Get("before"), until)
				}
			}
		})
	}
}

// The raw entries are LaunchDarkly's bytes, which package event reads.
func TestAuditLogRawIsEvent(t *testing.T) {
	f := newFakeLD(t)
	f.entries = tiedEntries(3)
	c, _ := f.client(ldapi.Options{})
	got, err := collect(t, c.AuditLog(context.Background(), ldapi.AuditLogQuery{}))
	if err != nil {
		t.Fatal(err)
	}
	for i, raw := range got.raws {
		if want := entryJSON(got.ids[i], got.dates[i]); string(raw) != want {
			t.Errorf("entry %d: have\n%s\nwant\n%s", i, raw, want)
		}
		var h event.Head
		if err := event.ReadHead(raw, &h); err != nil {
			t.Errorf("entry %d: event.ReadHead: %v", i, err)
		}
	}
}

func TestAuditLogNewestFirst(t *testing.T) {
	f := newFakeLD(t)
	es := tiedEntries(45)
	f.entries, f.sloppy = es, 2
	c, _ := f.client(ldapi.Options{HoldBytes: 1, TempDir: t.TempDir()})
	got, err := collect(t, c.AuditLog(context.Background(), ldapi.AuditLogQuery{NewestFirst: true}))
	if err != nil {
		t.Fatal(err)
	}
	slices.Reverse(got.ids)
	slices.Reverse(got.dates)
	wantOldestFirst(t, got, es, 0, 1<<62)
}

// Beyond HoldBytes the entries spill to a file, which is removed when the
// listing ends, however it ends.
func TestAuditLogSpills(t *testing.T) {
	es := tiedEntries(60)
	for _, stopAfter := range []int{-1, 3} {
		t.Run(fmt.Sprint("stop after ", stopAfter), func(t *testing.T) {
			f := newFakeLD(t)
			f.entries = es
			dir := t.TempDir()
			c, _ := f.client(ldapi.Options{HoldBytes: 2000, TempDir: dir})
			var got collected
			for e, err := range c.AuditLog(context.Background(), ldapi.AuditLogQuery{}) {
				if err != nil {
					t.Fatal(err)
				}
				if len(got.ids) == 0 {
					files, _ := os.ReadDir(dir)
					if len(files) != 1 {
						t.Errorf("while giving entries: %d files in TempDir, want 1 (spilled)", len(files))
					}
				}
				got.ids, got.dates = append(got.ids, e.ID), append(got.dates, e.Date)
				if string(e.Raw) != entryJSON(e.ID, e.Date) {
					t.Errorf("entry %s read back as %s", e.ID, e.Raw)
				}
				if len(got.ids) == stopAfter {
					break
				}
			}
			if stopAfter < 0 {
				wantOldestFirst(t, got, es, 0, 1<<62)
			}
			if files, _ := os.ReadDir(dir); len(files) != 0 {
				t.Errorf("after the listing: %d files left in TempDir, want none", len(files))
			}
		})
	}
}

// When a whole page has one date, paging by date cannot reach the rest of
// that millisecond: the listing goes on before it and reports a gap.
func TestAuditLogGap(t *testing.T) {
	var es []fakeEntry
	for i := range 25 {
		es = append(es, fakeEntry{id: fmt.Sprintf("same%02d", i), date: base + 500})
	}
	es = append(es, fakeEntry{"older", base + 100}, fakeEntry{"newer", base + 900})
	f := newFakeLD(t)
	f.entries = es
	var last ldapi.Progress
	c, _ := f.client(ldapi.Options{Progress: func(p ldapi.Progress) { last = p }})
	got, err := collect(t, c.AuditLog(context.Background(), ldapi.AuditLogQuery{}))
	if err != nil {
		t.Fatal(err)
	}
	if got.ids[0] != "older" || got.ids[len(got.ids)-1] != "newer" || len(got.ids) != 2+20 {
		t.Errorf("have %d entries %v, want older, 20 of the same millisecond, newer", len(got.ids), got.ids)
	}
	if last.Gaps != 1 {
		t.Errorf("have %d gaps, want 1", last.Gaps)
	}
	if len(f.recorded()) > 5 {
		t.Errorf("%d requests: want a few", len(f.recorded()))
	}
}

func TestAuditLogMaxPages(t *testing.T) {
	f := newFakeLD(t)
	f.entries = tiedEntries(100)
	c, _ := f.client(ldapi.Options{MaxPages: 3})
	got, err := collect(t, c.AuditLog(context.Background(), ldapi.AuditLogQuery{}))
	var le *ldapi.LimitError
	if !errors.As(err, &le) || le.Bound != "MaxPages" || le.Limit != 3 {
		t.Fatalf("have %v, want a MaxPages LimitError", err)
	}
	if len(got.ids) != 0 {
		t.Errorf("%d entries given before the error: want none, since they would be out of order", len(got.ids))
	}
	if !strings.Contains(err.Error(), "more than 3 pages") || !strings.Contains(err.Error(), "narrow the window") {
		t.Errorf("message %q: want the bound and what to do", err)
	}
	if n := len(f.recorded()); n != 3 {
		t.Errorf("%d requests, want 3", n)
	}
}

func TestAuditLogFull(t *testing.T) {
	f := newFakeLD(t)
	f.entries = tiedEntries(5)
	fetched := 0
	c, _ := f.client(ldapi.Options{Progress: func(p ldapi.Progress) {
		if p.Op == "auditlog entries" {
			fetched = p.Fetched
		}
	}})
	got, err := collect(t, c.AuditLog(context.Background(), ldapi.AuditLogQuery{Full: true}))
	if err != nil {
		t.Fatal(err)
	}
	if len(got.ids) != 5 || fetched != 5 {
		t.Fatalf("have %d entries, %d fetched, want 5", len(got.ids), fetched)
	}
	for i, raw := range got.raws {
		ev, err := event.Decode(raw)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(raw), `"currentVersion":{"key":"f-`+got.ids[i]) {
			t.Errorf("entry %s: have %s, want its currentVersion", got.ids[i], raw)
		}
		_ = ev
	}
	var paths []string
	for _, r := range f.recorded()[1:] {
		paths = append(paths, r.path)
	}
	var want []string
	for _, id := range got.ids {
		want = append(want, "/api/v2/auditlog/"+id)
	}
	if !slices.Equal(paths, want) {
		t.Errorf("requests after the listing: have %v, want %v (in the order given, one each)", paths, want)
	}
}

func TestAuditLogSpec(t *testing.T) {
	f := newFakeLD(t)
	f.entries = tiedEntries(3)
	c, _ := f.client(ldapi.Options{})
	if _, err := collect(t, c.AuditLog(context.Background(), ldapi.AuditLogQuery{Spec: "proj/*:env/production:flag/*"})); err != nil {
		t.Fatal(err)
	}
	if r := f.recorded()[0]; r.query.Get("spec") != "proj/*:env/production:flag/*" || r.query.Get("limit") != "20" {
		t.Errorf("query %v: want the spec and limit 20", r.query)
	}
}

func TestAuditLogBadQuery(t *testing.T) {
	f := newFakeLD(t)
	c, _ := f.client(ldapi.Options{})
	for _, tc := range []struct {
		q    ldapi.AuditLogQuery
		want string
	}{
		{ldapi.AuditLogQuery{PageSize: 21}, "ldapi: page size 21: expected 1 to 20"},
		{ldapi.AuditLogQuery{Since: time.UnixMilli(base), Until: time.UnixMilli(base)}, "is empty: Since must be before Until"},
	} {
		_, err := collect(t, c.AuditLog(context.Background(), tc.q))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: have %v, want %q", tc.q, err, tc.want)
		}
	}
	if n := len(f.recorded()); n != 0 {
		t.Errorf("%d requests for bad queries, want none", n)
	}
}

func TestSearchAuditLog(t *testing.T) {
	f := newFakeLD(t)
	f.entries = tiedEntries(30)
	f.searchHits = map[string]bool{"e001": true, "e020": true, "e029": true}
	c, _ := f.client(ldapi.Options{})
	stmts := []policy.Statement{{Effect: policy.Allow, Actions: []string{"*"}, Resources: []string{"proj/*:env/production:flag/*"}}}
	got, err := collect(t, c.SearchAuditLog(context.Background(), stmts, ldapi.AuditLogQuery{PageSize: 2}))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"e001", "e020", "e029"}; !slices.Equal(got.ids, want) {
		t.Errorf("have %v, want %v", got.ids, want)
	}
	r := f.recorded()[0]
	if want := `[{"effect":"allow","actions":["*"],"resources":["proj/*:env/production:flag/*"]}]`; r.method != "POST" || r.body != want {
		t.Errorf("request: have %s %s, want POST %s", r.method, r.body, want)
	}
	if r.header.Get("Content-Type") != "application/json" {
		t.Errorf("Content-Type %q, want application/json", r.header.Get("Content-Type"))
	}

	for _, tc := range []struct {
		stmts []policy.Statement
		q     ldapi.AuditLogQuery
		want  string
	}{
		{nil, ldapi.AuditLogQuery{}, "needs at least one statement"},
		{stmts, ldapi.AuditLogQuery{Spec: "proj/*"}, "takes no spec"},
	} {
		if _, err := collect(t, c.SearchAuditLog(context.Background(), tc.stmts, tc.q)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("have %v, want %q", err, tc.want)
		}
	}
}

// A malformed page is reported with where it is, not taken as the end.
func TestAuditLogMalformedPage(t *testing.T) {
	for _, tc := range []struct{ body, want string }{
		{`{"_links":{}}`, `page 1: expected an audit-log list ({"items": [...]}), found no "items"`},
		{`{"items":[{"date":1}]}`, `page 1: item 0: expected an audit-log entry with an "_id", found none`},
		{`{"items":[{"_id":"x"}]}`, `page 1: item 0: entry x: expected a "date" (Unix milliseconds), found none`},
		{`<html>`, `page 1: expected an audit-log list`},
	} {
		f := newFakeLD(t)
		f.fail("/api/v2/auditlog", fault{status: 200, body: tc.body})
		c, _ := f.client(ldapi.Options{})
		_, err := collect(t, c.AuditLog(context.Background(), ldapi.AuditLogQuery{}))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: have %v, want %q", tc.body, err, tc.want)
		}
	}
}

// A server that ignores "before" gives the same page again and again:
// that is reported rather than paged through up to MaxPages.
func TestAuditLogServerIgnoresBefore(t *testing.T) {
	f := newFakeLD(t)
	var items []string
	for _, e := range tiedEntries(5) {
		items = append(items, entryJSON(e.id, e.date))
	}
	page := fault{status: 200, body: `{"items":[` + strings.Join(items, ",") + `],"_links":{}}`}
	f.fail("/api/v2/auditlog", page, page, page, page, page)
	c, _ := f.client(ldapi.Options{})
	_, err := collect(t, c.AuditLog(context.Background(), ldapi.AuditLogQuery{PageSize: 5}))
	// Page 2 ends on the millisecond page 1 ended on, as a page full of
	// one millisecond would; page 3 has nothing before it.
	if err == nil || !strings.Contains(err.Error(), `page 3 holds no entry dated before`) {
		t.Errorf("have %v, want paging to stop at page 3", err)
	}
}

// Canceling while the entries are given stops the listing with the
// context's error.
func TestAuditLogCancelWhileGiving(t *testing.T) {
	f := newFakeLD(t)
	f.entries = tiedEntries(10)
	c, _ := f.client(ldapi.Options{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var results []error
	for _, err := range c.AuditLog(ctx, ldapi.AuditLogQuery{}) {
		results = append(results, err)
		cancel()
	}
	if len(results) != 2 || results[0] != nil || !errors.Is(results[1], context.Canceled) {
		t.Errorf("have %v, want an entry, then context.Canceled", results)
	}
}
