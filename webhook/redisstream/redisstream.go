// Package redisstream hands the events a receiver delivers over to a Redis
// Stream, so that a receiver can acknowledge LaunchDarkly only once the
// event is stored, and the work on it is done by consumers that read the
// stream at their own pace (consumer groups: XREADGROUP, then XACK).
//
// [Sink.Process] is a webhook.Handler function: the Handler answers 200
// only after the event's entry is in the stream, and 500 when Redis could
// not take it, so that LaunchDarkly retries. Each event is appended once
// per _id: a Lua script appends the entry and records the _id, with the
// entry's ID, in one step, so that a second delivery, or the same append
// sent again by the client after a timeout, finds the _id and appends
// nothing. That makes the Sink idempotent on _id, and a Handler that uses
// it with webhook/redisdedup stores every delivered event exactly once,
// across instances and when an instance is killed between the append and
// its answer.
//
// An entry has the fields "_id", "date" (Unix milliseconds), "kind", and
// "event": the delivery's body, the bytes LaunchDarkly signed.
//
// # What Redis must keep
//
// An event is as durable as Redis makes the stream: run it with the
// append-only file on and appendfsync always, so that an entry is on disk
// before the receiver answers 200 (everysec loses up to a second of
// entries if the Redis host crashes). The Sink never trims the stream:
// consumers remove what they have acknowledged (XTRIM MINID, or XDEL),
// so that no entry is dropped before it is read. The _id records live for
// Options.Window, and need a maxmemory-policy that does not evict them.
//
// In a Redis Cluster, the stream and the _id records must hash to one
// slot: name the stream with a hash tag, such as "{ldpolicy}:events".
package redisstream

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/ldpolicy/ldpolicy/event"
	"github.com/ldpolicy/ldpolicy/webhook"
)

// DefaultStream is the stream's key unless Options.Stream says otherwise.
const DefaultStream = "ldpolicy:events"

// Options configure a Sink. The zero value is the default.
type Options struct {
	// Stream is the stream's key; DefaultStream when empty.
	Stream string
	// Window is how long an _id is remembered after its event was
	// appended, so that it is not appended again; webhook.DefaultDedupWindow
	// when 0. Make it at least the dedup window of the receiver.
	Window time.Duration
}

// Sink appends events to a Redis Stream, once per _id. It is safe for
// concurrent use.
type Sink struct {
	client redis.Scripter
	stream string
	window time.Duration
}

// New returns a Sink that appends to a stream in the Redis of client: a
// *redis.Client, *redis.ClusterClient or *redis.Ring.
func New(client redis.Scripter, opts Options) *Sink {
	if opts.Stream == "" {
		opts.Stream = DefaultStream
	}
	if opts.Window <= 0 {
		opts.Window = webhook.DefaultDedupWindow
	}
	return &Sink{client: client, stream: opts.Stream, window: opts.Window}
}

// Stream returns the stream's key.
func (s *Sink) Stream() string { return s.stream }

// IDKey returns the key that records that the event _id was appended.
func (s *Sink) IDKey(id string) string { return s.stream + ":id:" + id }

// appendScript appends an entry to the stream KEYS[1], with the fields and
// values ARGV[2...], unless KEYS[2], when given, records an earlier entry
// of the same _id; then it records the new entry's ID in KEYS[2] for
// ARGV[1] milliseconds. It returns the entry's ID and 1 when it appended,
// 0 when the entry was there already.
var appendScript = redis.NewScript(`
if KEYS[2] then
	local earlier = redis.call('GET', KEYS[2])
	if earlier then
		return {earlier, 0}
	end
end
local id = redis.call('XADD', KEYS[1], '*', unpack(ARGV, 2))
if KEYS[2] then
	redis.call('SET', KEYS[2], id, 'PX', ARGV[1])
end
return {id, 1}
`)

// Append appends ev to the stream, unless an event with its _id was
// appended within the window. It returns the ID of the stream entry that
// holds the event, and whether this call appended it. An event without an
// _id is appended every time.
func (s *Sink) Append(ctx context.Context, ev *event.Event) (entry string, appended bool, err error) {
	keys := []string{s.stream}
	if ev.ID != "" {
		keys = append(keys, s.IDKey(ev.ID))
	}
	raw := ev.Raw()
	if raw == nil {
		return "", false, errors.New("redisstream: the event has no raw bytes: decode it with event.Decode")
	}
	res, err := appendScript.Run(ctx, s.client, keys, s.window.Milliseconds(),
		"_id", ev.ID, "date", strconv.FormatInt(ev.Date, 10), "kind", ev.Kind, "event", raw).Slice()
	if err != nil {
		return "", false, fmt.Errorf("redisstream: appending _id %q to %s: %w", ev.ID, s.stream, err)
	}
	if len(res) != 2 {
		return "", false, fmt.Errorf("redisstream: appending _id %q to %s: the script answered %v", ev.ID, s.stream, res)
	}
	entry, _ = res[0].(string)
	n, _ := res[1].(int64)
	return entry, n == 1, nil
}

// Process appends ev as Append does, for use as a webhook.Handler's
// function: the Handler answers 200 once the event is in the stream.
func (s *Sink) Process(ctx context.Context, ev *event.Event) error {
	_, _, err := s.Append(ctx, ev)
	return err
}
