// Package redisdedup is a [webhook.Deduper] that keeps the _ids of
// processed events in Redis, for a receiver that runs as several instances
// behind one URL: a second delivery of an event is recognised whichever
// instance it reaches.
//
// # How
//
// An _id's key is Options.Prefix followed by the _id. Reserve sets it to a
// token of its own, drawn at random, that expires after Options.Lease;
// the reservation's Commit replaces the token with "done", to expire after
// Options.Window; its Release deletes it. Each step is one Lua script that
// compares the token, so that:
//
//   - A step that the client sends again after a timeout (go-redis retries
//     a command whose answer did not come, though Redis may have run it)
//     finds its own token and does what it did the first time: a
//     reservation retried is still the caller's, never "done".
//   - A reservation whose lease ran out does not undo, or mark done, the
//     reservation another delivery made since; its Commit reports
//     [ErrLeaseLost].
//   - A Reserve that fails (its answer timed out, though Redis may have
//     run it) deletes its token again, as far as Redis can be reached, so
//     that the retry of the delivery is not kept out for the lease.
//
// While the receiver's function runs, the Deduper renews the lease every
// third of it, until Commit or Release (for at most Options.MaxHold). So
// the lease can be short: it is how long an _id stays claimed after its
// instance stopped (killed, or cut off from Redis) before another may
// process the event. Until then the event's deliveries are answered 409
// (another delivery is being processed): not processed, and not
// acknowledged. LaunchDarkly retries a delivery once: a retry that comes
// within the lease is refused, and LaunchDarkly records the delivery as
// failed, where an operator sees it.
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
// crash of the Redis host), and with maxmemory-policy noeviction: every
// key here has an expiry, so the volatile-* policies evict exactly these
// keys under memory pressure, and the allkeys-* ones may.
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
	DefaultPrefix  = "ldpolicy:webhook:"
	DefaultLease   = 5 * time.Second
	DefaultMaxHold = 10 * time.Minute
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
	// MaxHold bounds how long a reservation is renewed: a function still
	// running after it (hung, or far slower than it should be) loses its
	// claim a lease later, so that the event is not kept out for ever.
	// DefaultMaxHold when 0.
	MaxHold time.Duration
}

// Deduper is a webhook.Deduper that keeps _ids in Redis. It is safe for
// concurrent use.
type Deduper struct {
	client                 redis.Scripter
	prefix                 string
	window, lease, maxHold time.Duration
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
	if opts.MaxHold <= 0 {
		opts.MaxHold = DefaultMaxHold
	}
	opts.Lease = max(opts.Lease, MinLease)
	return &Deduper{client: client, prefix: opts.Prefix, window: opts.Window, lease: opts.Lease, maxHold: opts.MaxHold}
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

// Reserve claims id for the lease, renewed until the reservation is
// committed or released. It reports webhook.ClaimDone when the event was
// processed within the window and webhook.ClaimBusy when another delivery
// holds the _id, on this instance or another.
func (d *Deduper) Reserve(ctx context.Context, id string) (webhook.Claim, webhook.Reservation, error) {
	var b [16]byte
	rand.Read(b[:]) // never fails
	r := &reservation{d: d, id: id, token: hex.EncodeToString(b[:]), stop: make(chan struct{})}
	answer, err := reserveScript.Run(ctx, d.client, []string{d.Key(id)}, r.token, d.lease.Milliseconds()).Text()
	if err != nil {
		// Redis may have run the script and the answer been lost: take
		// the token back, so that the retry of the delivery is not kept
		// out for the lease. If Redis cannot be reached now either, the
		// token lapses with the lease.
		cleanup, cancel := context.WithTimeout(context.WithoutCancel(ctx), d.lease/3)
		defer cancel()
		releaseScript.Run(cleanup, d.client, []string{d.Key(id)}, r.token)
		return 0, nil, fmt.Errorf("redisdedup: reserving %q: %w", id, err)
	}
	switch answer {
	case "new":
	case "done":
		return webhook.ClaimDone, nil, nil
	case "busy":
		return webhook.ClaimBusy, nil, nil
	default:
		return 0, nil, fmt.Errorf("redisdedup: reserving %q: the script answered %q", id, answer)
	}
	go r.renew()
	return webhook.ClaimNew, r, nil
}

// reservation is one Reserve's claim on an _id.
type reservation struct {
	d     *Deduper
	id    string
	token string
	stop  chan struct{} // closed by Commit or Release, to stop renewing
	once  sync.Once
}

// renew extends the lease every third of it until the reservation is
// committed or released, or MaxHold has passed, or the _id no longer holds
// the token. A renewal that fails (Redis is unreachable) is tried again at
// the next tick: the lease lasts three ticks. A renewal that lands after
// Commit or Release finds the token gone and does nothing.
func (r *reservation) renew() {
	d := r.d
	tick := time.NewTicker(d.lease / 3)
	defer tick.Stop()
	giveUp := time.NewTimer(d.maxHold)
	defer giveUp.Stop()
	for {
		select {
		case <-r.stop:
			return
		case <-giveUp.C:
			return
		case <-tick.C:
		}
		ctx, cancel := context.WithTimeout(context.Background(), d.lease/3)
		n, err := renewScript.Run(ctx, d.client, []string{d.Key(r.id)}, r.token, d.lease.Milliseconds()).Int()
		cancel()
		if err == nil && n == 0 {
			return // lapsed: Commit will tell
		}
	}
}

// end stops renewing the reservation.
func (r *reservation) end() { r.once.Do(func() { close(r.stop) }) }

// Commit records the _id as processed for the window, from now. When
// another delivery claimed the _id after this reservation's lease ran out,
// it leaves that claim alone and reports ErrLeaseLost.
func (r *reservation) Commit(ctx context.Context) error {
	r.end()
	d := r.d
	n, err := commitScript.Run(ctx, d.client, []string{d.Key(r.id)}, r.token, d.window.Milliseconds()).Int()
	switch {
	case err != nil:
		return fmt.Errorf("redisdedup: committing %q: %w", r.id, err)
	case n == 0:
		return fmt.Errorf("%w: committing %q: the reservation's lease ran out and another delivery claimed the _id since; the event may be processed twice", ErrLeaseLost, r.id)
	}
	return nil
}

// Release gives up the reservation, if the _id still holds it.
func (r *reservation) Release(ctx context.Context) error {
	r.end()
	if err := releaseScript.Run(ctx, r.d.client, []string{r.d.Key(r.id)}, r.token).Err(); err != nil {
		return fmt.Errorf("redisdedup: releasing %q: %w", r.id, err)
	}
	return nil
}
