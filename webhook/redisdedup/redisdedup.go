// Package redisdedup is a [webhook.Deduper] that keeps the _ids of
// processed events in Redis, for a receiver that runs as several instances
// behind one URL: a second delivery of an event is recognised whichever
// instance it reaches.
//
// An _id's key is Options.Prefix followed by the _id. Reserve sets it, with
// SET NX, to a token of the reservation that expires after Options.Lease;
// Commit replaces the token with "done", to expire after Options.Window;
// Release deletes it. Commit and Release act only on the instance's own
// reservation (a Lua script compares the token), so that an instance whose
// lease ran out does not undo the reservation another instance made since.
// The lease is what frees an _id whose instance stopped before it committed
// or released it: a delivery of the event that comes after the lease is
// processed, one that comes within it is taken for a duplicate. Keep the
// lease short, but longer than processing an event can take.
package redisdedup

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/ldpolicy/ldpolicy/webhook"
)

// Defaults of Options.
const (
	DefaultPrefix = "ldpolicy:webhook:"
	DefaultLease  = 5 * time.Minute
)

// Options configure a Deduper. The zero value is the default.
type Options struct {
	// Prefix is put before an _id to make its key; DefaultPrefix when
	// empty. Give each webhook its own prefix when several share a Redis.
	Prefix string
	// Window is how long an _id is remembered after its event was
	// processed; webhook.DefaultDedupWindow when 0.
	Window time.Duration
	// Lease is how long a reservation lasts that is neither committed nor
	// released, as when its instance stops; DefaultLease when 0. Make it
	// longer than processing an event can take: a delivery that comes
	// after the lease is processed even if the first is still being
	// processed.
	Lease time.Duration
}

// Deduper is a webhook.Deduper that keeps _ids in Redis. It is safe for
// concurrent use.
type Deduper struct {
	client        redis.Cmdable
	prefix        string
	window, lease time.Duration

	mu     sync.Mutex
	tokens map[string]string // the _ids this Deduper reserved, and the tokens of their reservations
}

var _ webhook.Deduper = (*Deduper)(nil)

// New returns a Deduper that keeps _ids in the Redis of client: a
// *redis.Client, *redis.ClusterClient or *redis.Ring.
func New(client redis.Cmdable, opts Options) *Deduper {
	if opts.Prefix == "" {
		opts.Prefix = DefaultPrefix
	}
	if opts.Window <= 0 {
		opts.Window = webhook.DefaultDedupWindow
	}
	if opts.Lease <= 0 {
		opts.Lease = DefaultLease
	}
	return &Deduper{
		client: client, prefix: opts.Prefix, window: opts.Window, lease: opts.Lease,
		tokens: map[string]string{},
	}
}

// Key returns the key of an _id.
func (d *Deduper) Key(id string) string { return d.prefix + id }

// Reserve claims id for the lease, reporting false when it is claimed
// already, by this instance or another.
func (d *Deduper) Reserve(ctx context.Context, id string) (bool, error) {
	var b [16]byte
	rand.Read(b[:]) // never fails
	token := hex.EncodeToString(b[:])
	ok, err := d.client.SetNX(ctx, d.Key(id), token, d.lease).Result()
	if err != nil {
		return false, fmt.Errorf("redisdedup: reserving %q: %w", id, err)
	}
	if ok {
		d.mu.Lock()
		d.tokens[id] = token
		d.mu.Unlock()
	}
	return ok, nil
}

// commitScript marks an _id done when it holds the reservation's token, or
// nothing (the lease ran out, and no one claimed the _id since).
var commitScript = redis.NewScript(`
local v = redis.call('GET', KEYS[1])
if v == ARGV[1] or not v then
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

// take returns and forgets the token of this Deduper's reservation of id;
// "" when it has none.
func (d *Deduper) take(id string) string {
	d.mu.Lock()
	defer d.mu.Unlock()
	token := d.tokens[id]
	delete(d.tokens, id)
	return token
}

// Commit records id as processed for the window, from now, unless another
// reservation has replaced this Deduper's since its lease ran out.
func (d *Deduper) Commit(ctx context.Context, id string) error {
	token := d.take(id)
	if err := commitScript.Run(ctx, d.client, []string{d.Key(id)}, token, d.window.Milliseconds()).Err(); err != nil {
		return fmt.Errorf("redisdedup: committing %q: %w", id, err)
	}
	return nil
}

// Release gives up this Deduper's reservation of id, if it still holds it.
func (d *Deduper) Release(ctx context.Context, id string) error {
	token := d.take(id)
	if token == "" {
		return nil
	}
	if err := releaseScript.Run(ctx, d.client, []string{d.Key(id)}, token).Err(); err != nil {
		return fmt.Errorf("redisdedup: releasing %q: %w", id, err)
	}
	return nil
}
