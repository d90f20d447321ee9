package webhook

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"time"

	"github.com/ldpolicy/ldpolicy/event"
	"github.com/ldpolicy/ldpolicy/policy"
	"github.com/ldpolicy/ldpolicy/resource"
)

// DefaultMaxBodySize is the largest body a Handler reads unless
// Options.MaxBodySize says otherwise. LaunchDarkly's events are a few
// kilobytes, but one that carries a large flag's previous and current
// versions (every target and rule) can be far larger: the default leaves
// room rather than lose such an event.
const DefaultMaxBodySize = 4 << 20

// MaxInFlightBytes is what the default of Options.MaxInFlight is computed
// from: MaxInFlightBytes / Options.MaxBodySize requests at once, so that
// their bodies take about this many bytes together at the most (a body's
// buffer can be up to twice the bytes read while it grows, and the event
// is decoded beside it).
const MaxInFlightBytes = 256 << 20

// bodyPresize is the most a Handler allocates for a body before its bytes
// come: a Content-Length is a claim, not bytes, and a client that claims
// megabytes and sends one byte must not cost megabytes.
const bodyPresize = 16 << 10

// Retry-After values, in seconds: how soon a request refused because the
// Handler is at its limit, or because another delivery of the event is
// being processed, is worth sending again.
const (
	overloadedRetryAfter = "1"
	inProgressRetryAfter = "5"
)

// Options configure a Handler. Secrets, or Unsigned, must be set.
type Options struct {
	// Secrets are the webhook's secrets: a delivery is processed only when
	// its X-LD-Signature header is the signature of its body with one of
	// them (see Verify). Give the old and the new secret while a secret is
	// rotated.
	Secrets []string
	// Unsigned processes deliveries without checking a signature, for a
	// webhook that has no secret. It must be asked for, and only without
	// Secrets.
	Unsigned bool

	// Policy filters the events: those it does not deliver, decided as
	// policy.Set.DecideEvent decides (with the metadata of the event's body,
	// then of Resolver), are answered 200 and not processed. nil delivers
	// every event, as a webhook without statements does.
	Policy *policy.Set
	// Mode says how many accesses of an event Policy must allow.
	Mode policy.Mode
	// Resolver supplies the metadata of resources (tags, properties,
	// views) beyond what the event's body gives; it may be nil.
	Resolver resource.Resolver

	// MaxBodySize is the largest body read, in bytes; a larger one is
	// answered 413. DefaultMaxBodySize when 0. The body is read as its
	// bytes come, whatever Content-Length claims.
	MaxBodySize int64
	// MaxInFlight bounds the requests the Handler works on at once, from
	// reading the body to the end of the function: beyond it a request is
	// answered 503 with Retry-After, before its body is read. So at most
	// MaxInFlight bodies are held at once, whatever clients send or claim.
	// When 0, it is MaxInFlightBytes / MaxBodySize (64 with the default
	// body size), at least 1. The function runs at most MaxInFlight times
	// at once: raise it for a function that waits long.
	MaxInFlight int
	// MaxAge, when not 0, refuses delivered events whose date (or lack of
	// one) makes them older than MaxAge, with 422 Unprocessable Entity.
	// LaunchDarkly signs no timestamp of its own, so an event's date is all
	// that tells a replay of an old delivery from a new one. The refusal is
	// a 4xx so that the sender and the receiver's access log see a refusal,
	// not a success; LaunchDarkly's one retry is refused alike, and a 5xx
	// would ask for it in vain. Dates in the future are accepted.
	MaxAge time.Duration
	// Deduper remembers the _ids of processed events, so that a second
	// delivery of one is answered 200 and not processed again. nil means a
	// MemoryDeduper with the default options, its window raised to MaxAge
	// when that is longer, so that every replay is refused.
	Deduper Deduper
	// Clock is the time source; nil means SystemClock.
	Clock Clock

	// OnResult, when not nil, is told the outcome of every request, after
	// the answer is written: for logs, metrics, or a dry-run of a policy
	// on live traffic. It is called from the goroutines that serve
	// requests, concurrently.
	OnResult func(*Result)
}

// Handler is an http.Handler that receives LaunchDarkly's webhook
// deliveries and passes the events its policy delivers to a function, once
// each. It checks, in this order, and answers:
//
//	405 Method Not Allowed     a method other than POST
//	415 Unsupported Media      a Content-Type other than application/json
//	                           (parameters such as charset are accepted)
//	503 Service Unavailable    Options.MaxInFlight requests are in progress
//	                           (with Retry-After): the body is not read
//	413 Request Too Large      a body over Options.MaxBodySize
//	401 Unauthorized           a missing, malformed or wrong X-LD-Signature,
//	                           checked over the raw body before it is decoded
//	400 Bad Request            a body that is not an event: malformed JSON,
//	                           no "accesses", a malformed resource
//	200 OK "filtered"          an event the policy does not deliver
//	422 Unprocessable Entity   an event older than Options.MaxAge
//	503 Service Unavailable    the Deduper failed (Redis is down or slow):
//	                           the event is not processed
//	200 OK "duplicate"         an event whose _id was processed before
//	409 Conflict               another delivery of the event is being
//	                           processed now (with Retry-After): this one
//	                           is not, and it is not a success either,
//	                           since that processing may yet fail
//	500 Internal Server Error  the function failed
//	200 OK "processed"         the function processed the event
//
// LaunchDarkly retries a delivery once after an answer other than 2xx: a
// filtered event is answered 2xx, since the retry would be filtered alike,
// and a 5xx answers only what the retry may fix. An event whose processing
// failed is not remembered as processed, so that the retry processes it.
// The body of an answer is one line: the outcome for a 2xx, the problem
// otherwise (never the signature the body should have had, nor the
// function's error: Options.OnResult is told those).
//
// Only delivered events go through the Deduper; an event with no _id is
// processed every time it comes. A 2xx answer for a delivered event means
// that the function returned nil for it, in this delivery or an earlier
// one that the Deduper saw committed: never that it was merely seen. So
// processing is at least once (a function that succeeded but whose commit
// was lost, or an instance that stopped after the function and before its
// answer, leads to the event being processed again when it is retried),
// and exactly once when the function is idempotent on the event's _id.
//
// A Handler bounds the memory it spends, not the time: serve it with the
// timeouts of [NewServer], so that a client that sends its body slowly, or
// not at all, is cut off. A Handler is safe for concurrent use.
type Handler struct {
	fn       func(context.Context, *event.Event) error
	secrets  []string
	set      *policy.Set
	mode     policy.Mode
	resolver resource.Resolver
	maxBody  int64
	slots    chan struct{} // a token per request in progress, up to MaxInFlight
	maxAge   time.Duration
	dedup    Deduper
	clock    Clock
	onResult func(*Result)
}

// NewHandler returns a Handler that calls fn with every event the policy
// delivers, once per _id. fn's context is the request's; an error from fn
// is answered 500, so that LaunchDarkly retries. NewHandler fails when fn
// is nil, when neither Secrets nor Unsigned is set or both are, when a
// secret is empty, or when a size or age is negative.
func NewHandler(fn func(ctx context.Context, ev *event.Event) error, opts Options) (*Handler, error) {
	switch {
	case fn == nil:
		return nil, errors.New("webhook: NewHandler needs a function to call with the events")
	case len(opts.Secrets) == 0 && !opts.Unsigned:
		return nil, errors.New("webhook: no secret to verify deliveries with: set Options.Secrets, or Options.Unsigned for a webhook without a secret")
	case len(opts.Secrets) > 0 && opts.Unsigned:
		return nil, errors.New("webhook: Options.Unsigned is set with Options.Secrets: unsigned deliveries would be processed although there is a secret")
	case opts.MaxBodySize < 0:
		return nil, fmt.Errorf("webhook: Options.MaxBodySize is %d: expected 0 (the default) or more", opts.MaxBodySize)
	case opts.MaxInFlight < 0:
		return nil, fmt.Errorf("webhook: Options.MaxInFlight is %d: expected 0 (the default) or more", opts.MaxInFlight)
	case opts.MaxAge < 0:
		return nil, fmt.Errorf("webhook: Options.MaxAge is %v: expected 0 (no limit) or more", opts.MaxAge)
	}
	for i, s := range opts.Secrets {
		if s == "" {
			return nil, fmt.Errorf("webhook: Options.Secrets[%d] is empty", i)
		}
	}
	h := &Handler{
		fn: fn, secrets: append([]string(nil), opts.Secrets...),
		set: opts.Policy, mode: opts.Mode, resolver: opts.Resolver,
		maxBody: opts.MaxBodySize, maxAge: opts.MaxAge,
		dedup: opts.Deduper, clock: clockOrSystem(opts.Clock), onResult: opts.OnResult,
	}
	if h.set == nil {
		set, err := policy.Compile(nil, policy.Options{})
		if err != nil {
			return nil, err // an empty policy always compiles
		}
		h.set = set
	}
	if h.maxBody == 0 {
		h.maxBody = DefaultMaxBodySize
	}
	inFlight := opts.MaxInFlight
	if inFlight == 0 {
		inFlight = int(max(1, MaxInFlightBytes/h.maxBody))
	}
	h.slots = make(chan struct{}, inFlight)
	if h.dedup == nil {
		h.dedup = NewMemoryDeduper(DedupOptions{Window: max(DefaultDedupWindow, opts.MaxAge), Clock: h.clock})
	}
	return h, nil
}

// Outcome is what a Handler did with a request.
type Outcome uint8

// The outcomes, in the order the Handler checks for them.
const (
	BadMethod      Outcome = iota + 1 // 405: not a POST
	BadContentType                    // 415: not application/json
	Overloaded                        // 503: MaxInFlight requests are in progress
	TooLarge                          // 413: the body is over the limit
	Unverified                        // 401: a missing, malformed or wrong signature
	Malformed                         // 400: the body is not an event
	Filtered                          // 200: the policy does not deliver the event
	Stale                             // 422: the event is older than the maximum age
	DedupFailed                       // 503: the Deduper failed
	Duplicate                         // 200: the event was processed before
	InProgress                        // 409: another delivery of the event is being processed
	Failed                            // 500: the function failed
	Processed                         // 200: the function processed the event
)

var outcomeNames = [...]string{
	BadMethod: "bad-method", BadContentType: "bad-content-type", Overloaded: "overloaded",
	TooLarge: "too-large", Unverified: "unverified", Malformed: "malformed", Filtered: "filtered",
	Stale: "stale", DedupFailed: "dedup-failed", Duplicate: "duplicate", InProgress: "in-progress",
	Failed: "failed", Processed: "processed",
}

// String returns the outcome's name, such as "filtered".
func (o Outcome) String() string {
	if int(o) < len(outcomeNames) && outcomeNames[o] != "" {
		return outcomeNames[o]
	}
	return fmt.Sprintf("Outcome(%d)", uint8(o))
}

// Result is what a Handler did with one request, as Options.OnResult is
// told. The fields after Err are set as far as the Handler got.
type Result struct {
	Outcome Outcome
	Status  int // the HTTP status answered
	// Err says what was wrong for an outcome that is not 2xx; for
	// Processed, it is the Deduper's failure to record the event as
	// processed, if any.
	Err error
	// Body is the request's body, from Unverified on.
	Body []byte
	// Event is the decoded event, from Filtered on.
	Event *event.Event
	// Decisions decide each access of the event, in order, and Delivery
	// the event, from Filtered on.
	Decisions []policy.Decision
	Delivery  policy.Delivery
}

// ServeHTTP handles one delivery.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	res := h.serve(w, r)
	if res.Status/100 == 2 {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.WriteHeader(res.Status)
		io.WriteString(w, res.Outcome.String()+"\n")
	} else {
		msg := res.Err.Error()
		switch res.Outcome {
		case BadMethod:
			w.Header().Set("Allow", http.MethodPost)
		case Overloaded:
			w.Header().Set("Retry-After", overloadedRetryAfter)
		case InProgress:
			w.Header().Set("Retry-After", inProgressRetryAfter)
		case Failed: // the function's error is the receiver's business
			msg = "webhook: processing the event failed"
		case DedupFailed:
			msg = "webhook: cannot tell whether the event was processed before"
		}
		http.Error(w, msg, res.Status)
	}
	if h.onResult != nil {
		h.onResult(res)
	}
}

// serve does everything but write the answer.
func (h *Handler) serve(w http.ResponseWriter, r *http.Request) *Result {
	res := &Result{}
	fail := func(o Outcome, status int, err error) *Result {
		res.Outcome, res.Status, res.Err = o, status, err
		return res
	}
	if r.Method != http.MethodPost {
		return fail(BadMethod, http.StatusMethodNotAllowed, fmt.Errorf("webhook: expected POST, found %s", r.Method))
	}
	if err := checkContentType(r.Header.Get("Content-Type")); err != nil {
		return fail(BadContentType, http.StatusUnsupportedMediaType, err)
	}
	select {
	case h.slots <- struct{}{}:
		defer func() { <-h.slots }()
	default:
		return fail(Overloaded, http.StatusServiceUnavailable, fmt.Errorf("webhook: %d requests are in progress, the most this receiver takes at once: try again later", cap(h.slots)))
	}
	body, err := h.readBody(w, r)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return fail(TooLarge, http.StatusRequestEntityTooLarge, fmt.Errorf("webhook: the body is larger than %d bytes", h.maxBody))
		}
		return fail(Malformed, http.StatusBadRequest, fmt.Errorf("webhook: reading the body: %v", err))
	}
	res.Body = body
	if len(h.secrets) > 0 {
		if err := Verify(h.secrets, body, r.Header.Get(SignatureHeader)); err != nil {
			return fail(Unverified, http.StatusUnauthorized, err)
		}
	}

	if err := h.decide(body, res); err != nil {
		return fail(Malformed, http.StatusBadRequest, err)
	}
	if !res.Delivery.Delivered {
		return fail(Filtered, http.StatusOK, nil)
	}
	ev := res.Event
	if h.maxAge > 0 {
		if err := h.checkAge(ev); err != nil {
			return fail(Stale, http.StatusUnprocessableEntity, err)
		}
	}

	ctx := r.Context()
	var reservation Reservation // nil for an event without an _id
	if ev.ID != "" {
		claim, rsv, err := h.dedup.Reserve(ctx, ev.ID)
		switch {
		case err != nil:
			return fail(DedupFailed, http.StatusServiceUnavailable, fmt.Errorf("webhook: reserving _id %q: %w", ev.ID, err))
		case claim == ClaimDone:
			return fail(Duplicate, http.StatusOK, nil)
		case claim == ClaimBusy:
			return fail(InProgress, http.StatusConflict, fmt.Errorf("webhook: another delivery of _id %q is being processed: this one is not", ev.ID))
		case claim != ClaimNew || rsv == nil:
			return fail(DedupFailed, http.StatusServiceUnavailable, fmt.Errorf("webhook: reserving _id %q: the Deduper answered %v without a reservation", ev.ID, claim))
		}
		reservation = rsv
	}
	// The answer no longer depends on the client: record the outcome even
	// if it goes away.
	keep := context.WithoutCancel(ctx)
	if err := h.call(ctx, keep, ev, reservation); err != nil {
		res.Outcome, res.Status, res.Err = Failed, http.StatusInternalServerError, err
		if reservation != nil {
			if rerr := reservation.Release(keep); rerr != nil {
				res.Err = errors.Join(err, fmt.Errorf("webhook: releasing _id %q: %w", ev.ID, rerr))
			}
		}
		return res
	}
	res.Outcome, res.Status = Processed, http.StatusOK
	if reservation != nil {
		if err := reservation.Commit(keep); err != nil {
			res.Err = fmt.Errorf("webhook: recording _id %q as processed: %w", ev.ID, err)
		}
	}
	return res
}

// call calls the function, giving up the event's reservation if it panics.
func (h *Handler) call(ctx, keep context.Context, ev *event.Event, reservation Reservation) error {
	done := false
	defer func() {
		if !done && reservation != nil {
			reservation.Release(keep)
		}
	}()
	err := h.fn(ctx, ev)
	done = true
	return err
}

// checkAge refuses an event older than the maximum age, or without a
// date.
func (h *Handler) checkAge(ev *event.Event) error {
	if ev.Date == 0 {
		return fmt.Errorf("webhook: the event has no date, so it may be older than %v", h.maxAge)
	}
	now := h.clock.Now()
	if age := now.Sub(ev.Time()); age > h.maxAge {
		return fmt.Errorf("webhook: the event is older than %v: its date %s is %v before %s",
			h.maxAge, ev.Time().Format(time.RFC3339Nano), age.Round(time.Millisecond), now.UTC().Format(time.RFC3339Nano))
	}
	return nil
}

// checkContentType accepts application/json, with any parameters.
func checkContentType(ct string) error {
	if ct == "" {
		return errors.New("webhook: no Content-Type: expected application/json")
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil || mt != "application/json" {
		return fmt.Errorf("webhook: expected Content-Type application/json, found %q", ct)
	}
	return nil
}

// readBody reads the whole body, up to the limit, growing its buffer as
// the bytes come: Content-Length sizes it only up to bodyPresize.
func (h *Handler) readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	if r.ContentLength > h.maxBody {
		return nil, &http.MaxBytesError{Limit: h.maxBody}
	}
	var buf bytes.Buffer
	if r.ContentLength > 0 {
		buf.Grow(int(min(r.ContentLength, bodyPresize)) + bytes.MinRead)
	}
	_, err := buf.ReadFrom(http.MaxBytesReader(w, r.Body, h.maxBody))
	return buf.Bytes(), err
}

// decide decodes the event of a body and decides its delivery as dry-run
// does: every access decided with the metadata of the body and then the
// resolver's, and the delivery decided from the decisions.
func (h *Handler) decide(body []byte, res *Result) error {
	var head event.Head
	if err := event.ReadHead(body, &head); err != nil {
		return err
	}
	if !head.HasAccesses {
		return errors.New(`webhook: the event has no "accesses"`)
	}
	ev, err := event.Decode(body)
	if err != nil {
		return err
	}
	var pe policy.Event
	if err := pe.Parse(head.Accesses, resource.Chain{&head, h.resolver}); err != nil {
		return fmt.Errorf("webhook: %v", err)
	}
	res.Event = ev
	res.Decisions, res.Delivery = h.set.DecideEvent(nil, &pe, h.mode)
	return nil
}
