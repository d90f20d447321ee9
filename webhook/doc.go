// Package webhook receives LaunchDarkly webhook deliveries: the HTTP
// requests that carry audit-log entries (read with package event), their
// signatures, and what a receiver needs to process each event once.
//
// # Receivers
//
// LaunchDarkly POSTs each event to the webhook's URL as JSON. With a
// secret, it signs the body: the X-LD-Signature header holds the
// hexadecimal HMAC-SHA256 of the body's bytes, keyed with the secret. It
// retries once after an answer other than 2xx, does not deliver events in
// order, and signs no timestamp: replays are refused by remembering _ids
// and, optionally, by the age of the event's date.
//
// [Sign] and [Verify] compute and check the signature over the raw body,
// before anything decodes it (JSON decoded and encoded again is other
// bytes), in constant time, against several secrets while one is rotated.
//
// [Handler] is an http.Handler that does all a receiver must: it bounds
// the size of bodies and the requests in progress, verifies the
// signature, decodes the event, filters it with a compiled policy.Set as
// the webhook's policy would (so that one receiver can serve a broad
// webhook and keep only what it needs), refuses events older than a
// maximum age, drops second deliveries of an _id, and calls the receiver's
// function with each remaining event once. Its answers are those that make
// LaunchDarkly's one retry useful: 2xx for anything a retry would not
// change, and never for an event that was not processed; 5xx when the
// function or the Deduper failed, or the receiver is at its limit, so that
// the event is processed when it comes again. Options.OnResult tells the
// outcome of every request. [NewServer] serves it with timeouts that cut
// off slow and idle clients.
//
// A [Deduper] remembers _ids: [MemoryDeduper] in the process, bounded in
// size and time, and package webhook/redisdedup in Redis, for a receiver
// that runs as several instances; package webhook/redisstream hands the
// delivered events over to a Redis Stream, once per _id. A [Reorderer]
// puts events back in order of date, for consumers that need it.
//
// A receiver in full:
//
//	set, err := policy.Compile(policy.ProductionFlags(), policy.Options{})
//	...
//	h, err := webhook.NewHandler(func(ctx context.Context, ev *event.Event) error {
//		return process(ctx, ev) // an error is answered 500, and LaunchDarkly retries
//	}, webhook.Options{Secrets: []string{os.Getenv("LD_WEBHOOK_SECRET")}, Policy: set})
//	...
//	log.Fatal(webhook.NewServer(":8080", h).ListenAndServe())
//
// # Sending as LaunchDarkly does
//
// To test a receiver, [ReadConfigs] reads webhooks in the shapes of
// LaunchDarkly's REST API (their URLs, secrets and policies, located in the
// file), and a [Sender] delivers events to them as LaunchDarkly does: the
// bytes as they are, signed, a redirect taken as a failure, one retry.
package webhook
