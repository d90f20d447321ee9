package ldapi

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"math"
	"net/url"
	"os"
	"sort"
	"strconv"
	"time"

	"github.com/ldpolicy/ldpolicy/policy"
)

// MaxPageSize is the largest page of audit-log entries LaunchDarkly gives.
const MaxPageSize = 20

// AuditLogQuery selects audit-log entries.
type AuditLogQuery struct {
	// Since and Until bound the window, to the millisecond: the entries
	// dated at or after Since and before Until. A zero Since means from the
	// start of the audit log; a zero Until means now, when the listing
	// starts.
	Since, Until time.Time
	// Spec is a resource specifier that LaunchDarkly filters the listing
	// with (its "spec" parameter), such as "proj/*:env/production:flag/*".
	// It is sent as it is; [Client.SearchAuditLog] does not take one.
	Spec string
	// Full fetches each entry in full (GET /api/v2/auditlog/{id}) as it is
	// yielded: its currentVersion, previousVersion and delta, which list
	// entries omit. It costs one request per entry.
	Full bool
	// NewestFirst yields the entries in LaunchDarkly's order, newest
	// first, as the pages come, holding none of them.
	NewestFirst bool
	// PageSize is how many entries to ask for per page, 1 to MaxPageSize;
	// 0 means MaxPageSize.
	PageSize int
}

// Entry is one audit-log entry.
type Entry struct {
	ID string // its "_id"
	// Date is its "date": when it happened, in Unix milliseconds.
	Date int64
	// Raw is the entry as LaunchDarkly wrote it, byte for byte: the list
	// item, or with Full the whole answer for the entry. It is JSON that
	// package event reads (event.ReadHead, event.Decode); it may hold
	// white space, new lines included, if LaunchDarkly ever sends them, so
	// a writer of NDJSON should json.Compact an entry that has any.
	Raw json.RawMessage
}

// Time returns Date as a time.
func (e Entry) Time() time.Time { return time.UnixMilli(e.Date) }

// AuditLog lists the audit-log entries of a window (GET /api/v2/auditlog),
// oldest first, each once. It stops at the first error, which it yields
// with a zero Entry; breaking out of the loop stops it too, and removes
// what it spilled.
//
//	for e, err := range client.AuditLog(ctx, ldapi.AuditLogQuery{Since: since}) {
//		if err != nil {
//			return err
//		}
//		...
//	}
//
// # Paging
//
// LaunchDarkly lists entries newest first, at most 20 to a page, before a
// date and after another, both exclusive. AuditLog asks for each page
// itself, with the window's "after" and "spec" and, as "before", one
// millisecond after the oldest date listed so far: pages overlap on that
// millisecond, so that entries that share it are not lost at the edge of a
// page, and the entries that a page gives again are recognized by their
// _id and dropped. (LaunchDarkly's "next" link carries a "before" but not
// the window's "after" and "spec": it is followed only after an empty
// page, and otherwise taken as a sign that a short page is not the last.)
// Only when a whole page has one date can paging by date not reach
// further entries of that millisecond, if there are any: AuditLog then
// goes on before it and counts a gap in [Progress].Gaps. An entry that a
// page gives although it is newer than the part of the window still to
// list is dropped as a duplicate; a full page with nothing before the
// "before" asked for is an error. The listing ends with a short page
// without a "next" link, an empty page, or the start of the window.
//
// # Order and memory
//
// Oldest first is the reverse of the order of the pages. AuditLog holds
// the entries of the window until the last page is read: in memory up to
// Options.HoldBytes (16 MiB by default) of their JSON, and beyond that in
// a temporary file in Options.TempDir, readable by the user only, which it
// removes when it returns. What it holds in memory besides is under a
// hundred bytes per entry (its _id, date and place: some 20 MB for 200000
// entries), the page being read (at most Options.MaxBodySize) and the _ids
// of the entries of the oldest millisecond listed. A window needs at most Options.MaxPages pages (by
// default 10000 pages, 200000 entries); a larger one fails with a
// [*LimitError] before anything is yielded: narrow it. With NewestFirst,
// AuditLog holds nothing but the page being read and those _ids, yielding
// entries as they come. With Full, entries are fetched in full as they
// are yielded, so only list entries are held.
func (c *Client) AuditLog(ctx context.Context, q AuditLogQuery) iter.Seq2[Entry, error] {
	return c.auditLog(ctx, q, nil, "auditlog")
}

// SearchAuditLog lists the audit-log entries of a window that
// LaunchDarkly itself selects with a policy (POST /api/v2/auditlog with
// the statements as its body): LaunchDarkly's own evaluation of the
// statements over real entries. It pages, orders and bounds like
// [Client.AuditLog]; q.Spec must be empty. The statements are sent as
// they are: compile them first to find their errors with positions.
func (c *Client) SearchAuditLog(ctx context.Context, stmts []policy.Statement, q AuditLogQuery) iter.Seq2[Entry, error] {
	switch {
	case len(stmts) == 0:
		return fail[Entry](errors.New("ldapi: SearchAuditLog needs at least one statement: AuditLog lists every entry"))
	case q.Spec != "":
		return fail[Entry](errors.New("ldapi: SearchAuditLog selects with statements and takes no spec: put the resource specifier in a statement"))
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(stmts); err != nil {
		return fail[Entry](fmt.Errorf("ldapi: encoding the statements: %v", err))
	}
	return c.auditLog(ctx, q, bytes.TrimSpace(b.Bytes()), "auditlog search")
}

func fail[T any](err error) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		yield(zero, err)
	}
}

func (c *Client) auditLog(ctx context.Context, q AuditLogQuery, search []byte, op string) iter.Seq2[Entry, error] {
	return func(yield func(Entry, error) bool) {
		l, err := c.newLister(q, search, op)
		if err != nil {
			yield(Entry{}, c.scrub(err))
			return
		}
		b := &budget{}
		full := func(e Entry) (Entry, error) {
			if !q.Full {
				return e, nil
			}
			return c.fullEntry(ctx, b, e, &l.prog)
		}
		if q.NewestFirst {
			err := l.run(ctx, b, func(e Entry) error {
				e, err := full(e)
				if err != nil {
					return err
				}
				if !yield(e, nil) {
					return errStop
				}
				return nil
			})
			if err != nil && err != errStop {
				yield(Entry{}, c.scrub(err))
			}
			return
		}
		sp := &spool{dir: c.tempDir, hold: c.hold}
		defer sp.close()
		if err := l.run(ctx, b, sp.add); err != nil {
			yield(Entry{}, c.scrub(err))
			return
		}
		for i := len(sp.idx) - 1; i >= 0; i-- {
			if err := ctx.Err(); err != nil {
				yield(Entry{}, fmt.Errorf("ldapi: listing the audit log: %w", err))
				return
			}
			e, err := sp.entry(i)
			if err == nil {
				e, err = full(e)
			}
			if err != nil {
				yield(Entry{}, c.scrub(err))
				return
			}
			if !yield(e, nil) {
				return
			}
		}
	}
}

// lister reads the pages of an audit-log window.
type lister struct {
	c      *Client
	op     string
	search []byte // the body of a search, nil for a listing
	spec   string
	limit  int
	after  int64 // exclusive; math.MinInt64 when the window has no start
	until  int64 // exclusive
	prog   Progress
}

func (c *Client) newLister(q AuditLogQuery, search []byte, op string) (*lister, error) {
	l := &lister{c: c, op: op, search: search, spec: q.Spec, limit: q.PageSize, after: math.MinInt64}
	switch {
	case l.limit == 0:
		l.limit = MaxPageSize
	case l.limit < 0 || l.limit > MaxPageSize:
		return nil, fmt.Errorf("ldapi: page size %d: expected 1 to %d", q.PageSize, MaxPageSize)
	}
	until := q.Until
	if until.IsZero() {
		until = c.clock.Now()
	}
	l.until = until.UnixMilli()
	l.prog = Progress{Op: op, Since: q.Since, Until: until, Reached: until}
	if !q.Since.IsZero() {
		l.after = q.Since.UnixMilli() - 1
		if l.after+1 >= l.until {
			return nil, fmt.Errorf("ldapi: the audit-log window from %s to %s is empty: Since must be before Until",
				q.Since.UTC().Format(time.RFC3339Nano), until.UTC().Format(time.RFC3339Nano))
		}
	}
	return l, nil
}

// listItem is what paging reads of an entry.
type listItem struct {
	id   string
	date int64
	raw  json.RawMessage
}

// run reads the pages of the window, newest first, and calls emit with
// each entry once. See AuditLog for how.
func (l *lister) run(ctx context.Context, b *budget, emit func(Entry) error) error {
	c := l.c
	before := l.until
	lowest := l.until // the oldest date accepted so far; l.until when none
	atLowest := map[string]bool{}
	for {
		if l.prog.Pages >= c.maxPages {
			return &LimitError{Bound: "MaxPages", Limit: int64(c.maxPages), Msg: fmt.Sprintf(
				"the audit-log window needs more than %d pages (Options.MaxPages); listed %d entries back to %s: narrow the window",
				c.maxPages, l.prog.Items, l.prog.Reached.UTC().Format(time.RFC3339))}
		}
		query := url.Values{}
		query.Set("before", strconv.FormatInt(before, 10))
		if l.after != math.MinInt64 {
			query.Set("after", strconv.FormatInt(l.after, 10))
		}
		query.Set("limit", strconv.Itoa(l.limit))
		if l.spec != "" {
			query.Set("spec", l.spec)
		}
		r := &request{method: "GET", path: "/api/v2/auditlog", query: query, op: l.op, prog: &l.prog}
		if l.search != nil {
			r.method, r.body = "POST", l.search
		}
		data, err := c.do(ctx, b, r)
		if err != nil {
			return err
		}
		items, next, err := parsePage(data)
		if err != nil {
			return fmt.Errorf("ldapi: %s %s on %s: page %d: %v", r.method, r.path, c.host, l.prog.Pages+1, err)
		}
		l.prog.Pages++
		below := 0 // items dated before "before", as asked
		for _, it := range items {
			if it.date < before {
				below++
			}
			switch {
			case it.date <= l.after || it.date >= l.until:
				continue // outside the window: LaunchDarkly would not send it
			case it.date > lowest, it.date == lowest && atLowest[it.id]:
				l.prog.Duplicates++
				continue
			case it.date < lowest:
				lowest = it.date
				clear(atLowest)
			}
			atLowest[it.id] = true
			l.prog.Items++
			l.prog.Reached = time.UnixMilli(lowest)
			if err := emit(Entry{ID: it.id, Date: it.date, Raw: it.raw}); err != nil {
				return err
			}
		}
		c.report(l.prog)

		// The next page, or the end.
		switch {
		case len(items) == 0:
			// Nothing to page from but LaunchDarkly's own link, if any.
			if next < before && next > l.after+1 {
				before = next
				continue
			}
			return nil
		case len(items) < l.limit && next == math.MinInt64:
			return nil
		}
		nb := lowest + 1
		if nb >= before {
			// Nothing older than before-1 came: the page holds only the
			// millisecond before-1, or nothing new at all.
			switch {
			case below == 0 && len(items) >= l.limit:
				return fmt.Errorf("ldapi: %s %s on %s: page %d holds no entry dated before %d, the \"before\" asked for: paging cannot go on",
					r.method, r.path, c.host, l.prog.Pages, before)
			case len(items) < l.limit || lowest >= before:
				return nil
			}
			l.prog.Gaps++
			nb = lowest
		}
		if l.after != math.MinInt64 && nb <= l.after+1 {
			return nil // no millisecond left in the window
		}
		before = nb
	}
}

// parsePage reads an audit-log list answer: its items, newest first, and
// the "before" of its "next" link (math.MinInt64 when it has none).
func parsePage(data []byte) ([]listItem, int64, error) {
	var p struct {
		Items *[]json.RawMessage `json:"items"`
		Links map[string]struct {
			Href string `json:"href"`
		} `json:"_links"`
	}
	if err := json.Unmarshal(data, &p); err != nil {
		return nil, 0, fmt.Errorf("expected an audit-log list ({\"items\": [...]}): %v", err)
	}
	if p.Items == nil {
		return nil, 0, errors.New(`expected an audit-log list ({"items": [...]}), found no "items"`)
	}
	items := make([]listItem, len(*p.Items))
	for i, raw := range *p.Items {
		it, err := readItem(raw)
		if err != nil {
			return nil, 0, fmt.Errorf("item %d: %v", i, err)
		}
		items[i] = it
	}
	// Newest first, as LaunchDarkly sends them; sorted all the same, since
	// paging relies on it.
	sort.SliceStable(items, func(i, j int) bool { return items[i].date > items[j].date })
	next := int64(math.MinInt64)
	if l, ok := p.Links["next"]; ok {
		next = math.MaxInt64 // a next page, place unknown
		if u, err := url.Parse(l.Href); err == nil {
			if b, err := strconv.ParseInt(u.Query().Get("before"), 10, 64); err == nil {
				next = b
			}
		}
	}
	return items, next, nil
}

// readItem reads the _id and date of an entry.
func readItem(raw json.RawMessage) (listItem, error) {
	var h struct {
		ID   *string `json:"_id"`
		Date *int64  `json:"date"`
	}
	if err := json.Unmarshal(raw, &h); err != nil {
		return listItem{}, fmt.Errorf("expected an audit-log entry: %v", err)
	}
	switch {
	case h.ID == nil || *h.ID == "":
		return listItem{}, errors.New(`expected an audit-log entry with an "_id", found none`)
	case h.Date == nil:
		return listItem{}, fmt.Errorf(`entry %s: expected a "date" (Unix milliseconds), found none`, *h.ID)
	}
	return listItem{id: *h.ID, date: *h.Date, raw: raw}, nil
}

// fullEntry fetches an entry in full.
func (c *Client) fullEntry(ctx context.Context, b *budget, e Entry, prog *Progress) (Entry, error) {
	r := &request{method: "GET", path: "/api/v2/auditlog/" + url.PathEscape(e.ID), op: "auditlog entries", prog: prog}
	data, err := c.do(ctx, b, r)
	if err != nil {
		return Entry{}, err
	}
	it, err := readItem(data)
	if err != nil {
		return Entry{}, fmt.Errorf("ldapi: %s %s on %s: %v", r.method, r.path, c.host, err)
	}
	if it.id != e.ID {
		return Entry{}, fmt.Errorf("ldapi: %s %s on %s: expected entry %s, found %s", r.method, r.path, c.host, e.ID, it.id)
	}
	prog.Fetched++
	p := *prog
	p.Op = r.op
	c.report(p)
	return Entry{ID: e.ID, Date: e.Date, Raw: bytes.TrimSpace(data)}, nil
}

// spool holds the entries of a window, in memory up to hold bytes and then
// in a temporary file, to give them back in any order.
type spool struct {
	dir  string
	hold int64
	mem  []byte
	f    *os.File
	w    *bufio.Writer
	n    int64 // bytes held
	idx  []spoolEntry
}

type spoolEntry struct {
	id   string
	date int64
	off  int64
	n    int
}

func (s *spool) add(e Entry) error {
	if s.f == nil && int64(len(s.mem)+len(e.Raw)) > s.hold {
		f, err := os.CreateTemp(s.dir, "ldapi-auditlog-*")
		if err != nil {
			return fmt.Errorf("ldapi: holding more than %d bytes of audit-log entries to give them oldest first (Options.HoldBytes): %w", s.hold, err)
		}
		s.f, s.w = f, bufio.NewWriter(f)
		if _, err := s.w.Write(s.mem); err != nil {
			return s.writeErr(err)
		}
		s.mem = nil
	}
	if s.f != nil {
		if _, err := s.w.Write(e.Raw); err != nil {
			return s.writeErr(err)
		}
	} else {
		s.mem = append(s.mem, e.Raw...)
	}
	s.idx = append(s.idx, spoolEntry{id: e.ID, date: e.Date, off: s.n, n: len(e.Raw)})
	s.n += int64(len(e.Raw))
	return nil
}

func (s *spool) writeErr(err error) error {
	return fmt.Errorf("ldapi: spilling audit-log entries to %s: %w", s.f.Name(), err)
}

// entry returns entry i of those added.
func (s *spool) entry(i int) (Entry, error) {
	x := s.idx[i]
	if s.f == nil {
		return Entry{ID: x.id, Date: x.date, Raw: s.mem[x.off : x.off+int64(x.n) : x.off+int64(x.n)]}, nil
	}
	if s.w.Buffered() > 0 {
		if err := s.w.Flush(); err != nil {
			return Entry{}, s.writeErr(err)
		}
	}
	raw := make([]byte, x.n)
	if _, err := s.f.ReadAt(raw, x.off); err != nil {
		return Entry{}, fmt.Errorf("ldapi: reading back spilled audit-log entries from %s: %w", s.f.Name(), err)
	}
	return Entry{ID: x.id, Date: x.date, Raw: raw}, nil
}

// close removes what the spool spilled.
func (s *spool) close() {
	if s.f != nil {
		s.f.Close()
		os.Remove(s.f.Name())
		s.f = nil
	}
}
