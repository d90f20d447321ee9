// Package redisdedup is a [webhook.Deduper] that keeps the _ids of
// processed events in Redis, for a receiver that runs as several instances
// behind one URL: a second delivery of an event is recognised whichever
// instance it reaches.
//
// # How
//
// An _id's key is Options.Prefix followed by the _id. Reserve sets it to a
// token of its own, drawn at random, that expires after Options.Lease;
// Commit replaces the token with "done", to expire after Options.Window;
// Release deletes it. Each step is one Lua script that compares the token,
// so that:
//
//   - A step that the client sends again after a timeout (go-redis retries
//     a command whose answer did not come, though Redis may have run it)
//     finds its own token and does what it did the first time: a
//     reservation retried is still the caller's, never "done".
//   - An instance whose lease ran out does not undo, or mark done, the
//     reservation another instance made since; its Commit reports
//     [ErrLeaseLost].
//
// While the receiver's function runs, the Deduper renews the lease every
// third of it, until Commit or Release, or until the context given to
// Reserve is done (the Handler gives the request's). So the lease can be
// short: it is how long an _id stays claimed after its instance stopped
// (killed, or cut off from Redis) before another may process the event.
// Until then another instance answers the event's deliveries 409 (another
// delivery is being processed): not processed, and not acknowledged.
//
// # What is guaranteed
//
// An event is answered 2xx only after the function returned nil for it, in
// this delivery or one that Redis recorded as committed. A Redis error or
// timeout in Reserve is an error, which the Handler answers 503, so that
// LaunchDarkly's retry can find Redis back. Processing is at least once:
// an event is processed again when its commit is lost (Redis unreachable
// after the function succeeded, an instance stopped between the two, a
// lease that ran out during a long function), or when Redis forgot the
// _id. It is exactly once when the function is idempotent on the event's
// _id, as webhook/redisstream's Sink is.
//
// # What Redis must keep
//
// The window lasts only as long as Redis keeps the keys. A Redis that
// restarts without persistence forgets every _id, and processes every
// replayed or retried event again. Run it with the append-only file on
// (appendonly yes; appendfsync always to lose nothing a commit was
// acknowledged for, everysec to lose at most a second's commits on a
// crash of the Redis host), and with a maxmemory-policy that does not
// evict these keys (noeviction, or volatile-* with memory to spare: each
// key lives for the window).
package redisdedup

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/ldpolicy/ldpolicy/webhook"
)

// Defaults of Options.
const (
	DefaultPrefix = "ldpolicy:webhook:"
	DefaultLease  = 30 * time.Second
)

// MinLease is the shortest lease: it is renewed every third of itself.
const MinLease = 300 * time.Millisecond

// ErrLeaseLost is reported by Commit when the reservation's lease ran out
// and another delivery claimed the _id since: the event may be processed
// twice. The function is not stopped when the lease is lost (its work may
// be half done); only its commit is refused.
var ErrLeaseLost = errors.New("redisdedup: lease lost")

// Options configure a Deduper. The zero value is the default.
type Options struct {
	// Prefix is put before an _id to make its key; DefaultPrefix when
	// empty. Give each webhook its own prefix when several share a Redis.
	Prefix string
	// Window is how long an _id is remembered after its event was
	// processed; webhook.DefaultDedupWindow when 0.
	Window time.Duration
	// Lease is how long a reservation lasts without being renewed, as
	// when its instance stopped; DefaultLease when 0, at least MinLease.
	// It is renewed while the function runs, so it need not be longer
	// than processing takes: it is how long the deliveries of an event
	// whose instance stopped are answered 409 before another instance
	// processes it.
	Lease time.Duration
}

// Deduper is a webhook.Deduper that keeps _ids in Redis. It is safe for
// concurrent use.
type Deduper struct {
	client        redis.Scripter
	prefix        string
	window, lease time.Duration

	mu   sync.Mutex
	held map[string]*reservation // the _ids this Deduper reserved and has not committed or released
}

// reservation is one of this Deduper's claims on an _id.
type reservation struct {
	token string
	stop  chan struct{} // closed to stop renewing
}

var _ webhook.Deduper = (*Deduper)(nil)

// New returns a Deduper that keeps _ids in the Redis of client: a
// *redis.Client, *redis.ClusterClient or *redis.Ring.
func New(client redis.Scripter, opts Options) *Deduper {
	if opts.Prefix == "" {
		opts.Prefix = DefaultPrefix
	}
	if opts.Window <= 0 {
		opts.Window = webhook.DefaultDedupWindow
	}
	if opts.Lease <= 0 {
		opts.Lease = DefaultLease
	}
	opts.Lease = max(opts.Lease, MinLease)
	return &Deduper{
		client: client, prefix: opts.Prefix, window: opts.Window, lease: opts.Lease,
		held: map[string]*reservation{},
	}
}

// Key returns the key of an _id.
func (d *Deduper) Key(id string) string { return d.prefix + id }

// reserveScript claims an _id for ARGV[1], a token, for ARGV[2]
// milliseconds. It returns "new" when the _id was free or already held by
// the token (the same call, sent again), "done" when it was processed,
// and "busy" when another token holds it.
var reserveScript = redis.NewScript(`
local v = redis.call('GET', KEYS[1])
if not v then
	redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
	return 'new'
elseif v == ARGV[1] then
	return 'new'
elseif v == 'done' then
	return 'done'
end
return 'busy'
`)

// renewScript extends the lease of a reservation when the _id still holds
// its token.
var renewScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
	return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
`)

// commitScript marks an _id done when it holds the reservation's token, or
// nothing (the lease ran out, and no one claimed the _id since), or "done"
// (this commit, sent again). It returns 0 when another token holds it.
var commitScript = redis.NewScript(`
local v = redis.call('GET', KEYS[1])
if v == ARGV[1] or not v or v == 'done' then
	redis.call('SET', KEYS[1], 'done', 'PX', ARGV[2])
	return 1
end
return 0
`)

// releaseScript deletes an _id's key when it holds the reservation's token.
var releaseScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
	return redis.call('DEL', KEYS[1])
end
return 0
`)

// Reserve claims id for the lease, renewed until Commit or Release or
// until ctx is done. It reports webhook.ClaimDone when the event was
// processed within the window and webhook.ClaimBusy when another delivery
// holds the _id, on this instance or another.
func (d *Deduper) Reserve(ctx context.Context, id string) (webhook.Claim, error) {
	var b [16]byte
	rand.Read(b[:]) // never fails
	token := hex.EncodeToString(b[:])
	answer, err := reserveScript.Run(ctx, d.client, []string{d.Key(id)}, token, d.lease.Milliseconds()).Text()
	if err != nil {
		return 0, fmt.Errorf("redisdedup: reserving %q: %w", id, err)
	}
	switch answer {
	case "new":
	case "done":
		return webhook.ClaimDone, nil
	case "busy":
		return webhook.ClaimBusy, nil
	default:
		return 0, fmt.Errorf("redisdedup: reserving %q: the script answered %q", id, answer)
	}
	r := &reservation{token: token, stop: make(chan struct{})}
	d.mu.Lock()
	if old := d.held[id]; old != nil {
		// Reserved again by this instance: possible only once the lease
		// of the first ran out. The newer reservation is the one to keep.
		close(old.stop)
	}
	d.held[id] = r
	d.mu.Unlock()
	go d.renew(ctx, id, r)
	return webhook.ClaimNew, nil
}

// renew extends r's lease every third of it until r is stopped or ctx is
// done, or the _id no longer holds r's token. A renewal that fails (Redis
// is unreachable) is tried again at the next tick: the lease lasts three
// ticks. A renewal that lands after Commit or Release finds the token
// gone and does nothing.
func (d *Deduper) renew(ctx context.Context, id string, r *reservation) {
	tick := time.NewTicker(d.lease / 3)
	defer tick.Stop()
	for {
		select {
		case <-r.stop:
			return
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		n, err := renewScript.Run(context.WithoutCancel(ctx), d.client, []string{d.Key(id)}, r.token, d.lease.Milliseconds()).Int()
		if err == nil && n == 0 {
			return // lapsed: Commit will tell
		}
	}
}

// take forgets this Deduper's reservation of id and stops renewing it; nil
// when it has none.
func (d *Deduper) take(id string) *reservation {
	d.mu.Lock()
	r := d.held[id]
	delete(d.held, id)
	d.mu.Unlock()
	if r != nil {
		close(r.stop)
	}
	return r
}

// Commit records id as processed for the window, from now. When another
// delivery claimed the _id after this reservation's lease ran out, it
// leaves that claim alone and reports ErrLeaseLost.
func (d *Deduper) Commit(ctx context.Context, id string) error {
	token := ""
	if r := d.take(id); r != nil {
		token = r.token
	}
	n, err := commitScript.Run(ctx, d.client, []string{d.Key(id)}, token, d.window.Milliseconds()).Int()
	switch {
	case err != nil:
		return fmt.Errorf("redisdedup: committing %q: %w", id, err)
	case n == 0:
		return fmt.Errorf("%w: committing %q: the reservation's lease ran out and another delivery claimed the _id since; the event may be processed twice", ErrLeaseLost, id)
	}
	return nil
}

// Release gives up this Deduper's reservation of id, if it still holds it.
func (d *Deduper) Release(ctx context.Context, id string) error {
	r := d.take(id)
	if r == nil {
		return nil
	}
	if err := releaseScript.Run(ctx, d.client, []string{d.Key(id)}, r.token).Err(); err != nil {
		return fmt.Errorf("redisdedup: releasing %q: %w", id, err)
	}
	return nil
}
