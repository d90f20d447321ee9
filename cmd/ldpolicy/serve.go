package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/ldpolicy/ldpolicy/event"
	"github.com/ldpolicy/ldpolicy/internal/redact"
	"github.com/ldpolicy/ldpolicy/policy"
	"github.com/ldpolicy/ldpolicy/webhook"
	"github.com/ldpolicy/ldpolicy/webhook/redisdedup"
	"github.com/ldpolicy/ldpolicy/webhook/redisstream"
)

const serveUsage = `usage: ldpolicy serve --policy FILE (--secret SECRET | --secret-env NAME | --unsigned)
           [--redis URL | --redis-env NAME] [--stream NAME] [flags]

Serve runs a webhook receiver on this machine, to watch what a webhook
delivers, or what "ldpolicy replay" sends: it is a webhook.Handler that
verifies each delivery's X-LD-Signature with the secret, decides the event
with the policy as the webhook would (the metadata of the event's body,
then of --metadata), drops second deliveries of an _id, and prints each
event with its decision. It answers as a receiver should (see the webhook
package): 200 for an event it printed, a filtered event or a duplicate, 401
for a bad signature, 400 for a body that is not an event, and so on.

--policy names a policy file, a Terraform source with #ADDRESS, or an ld:
source of your LaunchDarkly account (ld:webhook/ID), as for dry-run
("ldpolicy dry-run --help").

It prints the address it listens on to stderr first, as

	ldpolicy: serve: listening on http://127.0.0.1:8080/

so that with --addr 127.0.0.1:0 (any free port) a script can read it. It
accepts POSTs on every path.

For people, serve prints a line per event as dry-run does (time, kind,
title, result, deciding statement, and "request N", the order in which
requests were answered); requests it refused (a bad signature, a body that
is not an event, an event older than --max-age) go to stderr. With --format
json it writes NDJSON: an "event" record per event, as dry-run writes
them, an "error" record per refused request, and a "summary" record last.
A duplicate delivery of an event is answered 200 and counted, not printed.

Serve stops on SIGINT (Ctrl-C) or SIGTERM, or after --max-events events,
finishing the requests in progress, and prints a summary: requests,
events delivered, not delivered, indeterminate, duplicates, and requests
refused by reason.

Serve uses webhook.NewServer's timeouts: a client that takes more than
30 s to send a request, or leaves a connection idle for 60 s, is cut off.
At most 64 requests are worked on at once (each body up to 4 MiB); more
are answered 503 with Retry-After.

With --redis (or --redis-env, which names an environment variable that
holds the URL, to keep its password out of the process list), several
serve instances behind one URL act as one receiver: they remember _ids in
that Redis (webhook/redisdedup, under --redis-prefix), so that an event is
processed once whichever instance each delivery reaches. With --stream as
well, each delivered event is appended to that Redis Stream
(webhook/redisstream; once per _id) before the delivery is answered 200,
for consumers to read with XREADGROUP and XACK; nothing trims the stream
but them. A delivery that comes while another instance processes the same
event is answered 409; one whose instance was killed mid-way is processed
by another instance once its --lease lapses. _ids are remembered for 24
hours, or --max-age when that is longer. Redis must keep what it is told:
run it with appendonly yes, appendfsync always and maxmemory-policy
noeviction (see the README's Receivers section). When Redis cannot be
reached, deliveries are answered 503 and not processed.

Secrets may be given more than once (--secret or --secret-env, which
names an environment variable that holds one, to keep it out of the
shell's history), as while a secret is rotated. A webhook without a secret
sends unsigned deliveries: --unsigned accepts them, and must be asked for.

Exit status: 0 when serve stopped; 2 for bad usage, an unusable policy or
metadata file, an address it cannot listen on, or a Redis it cannot
reach when it starts.

Flags:
`

func runServe(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return serve(ctx, args, stdin, stdout, stderr)
}

// serveCounts are what serve saw.
type serveCounts struct {
	Requests      int            `json:"requests"`
	Delivered     int            `json:"delivered"`
	NotDelivered  int            `json:"notDelivered"`
	Indeterminate int            `json:"indeterminate"`
	Duplicates    int            `json:"duplicates"`
	Refused       map[string]int `json:"refused"` // by outcome
}

// serveFlags are the flags of serve.
type serveFlags struct {
	ldFlags
	secrets                                secretFlags
	policyFile, metadataFile, addr, format string
	redisURL, redisEnv, stream, prefix     string
	mode                                   policy.Mode
	unsigned, lenient                      bool
	maxEvents                              int
	maxAge, lease                          time.Duration
}

func (f *serveFlags) register(fs *flag.FlagSet) {
	f.ldFlags.register(fs)
	f.secrets.register(fs, true)
	fs.BoolVar(&f.unsigned, "unsigned", false, "accept deliveries without a signature, from a webhook that has no secret")
	fs.StringVar(&f.policyFile, "policy", "", policyFlagUsage+" (required)")
	fs.StringVar(&f.metadataFile, "metadata", "", "a JSON `FILE` of tags, properties and views by resource path")
	fs.Var(modeFlag{&f.mode}, "mode", "deliver an event when `any` access is allowed, or only when all are")
	fs.BoolVar(&f.lenient, "lenient", false, "read the typo \":/flag/\" in specifiers as \":flag/\", with a warning")
	fs.StringVar(&f.addr, "addr", "127.0.0.1:8080", "listen on `HOST:PORT`; port 0 picks a free one")
	fs.Var(newFormatFlag(&f.format, "text", "json"), "format", "output `format`: text, or json for NDJSON records")
	fs.IntVar(&f.maxEvents, "max-events", 0, "stop after `N` events (delivered or not; duplicates and refused requests do not count); 0 for no limit")
	fs.DurationVar(&f.maxAge, "max-age", 0, "refuse events whose date is older than this `duration`; 0 accepts any date")
	fs.StringVar(&f.redisURL, "redis", "", "remember _ids in the Redis at `URL` (redis://[:PASSWORD@]HOST:PORT/DB, or rediss://), shared by several instances")
	fs.StringVar(&f.redisEnv, "redis-env", "", "the `NAME` of an environment variable that holds the Redis URL, to keep its password out of the process list")
	fs.StringVar(&f.stream, "stream", "", "with --redis, append each delivered event to the Redis Stream `NAME` (such as "+redisstream.DefaultStream+") before answering 200")
	fs.StringVar(&f.prefix, "redis-prefix", redisdedup.DefaultPrefix, "with --redis, the `PREFIX` of the keys of _ids; give each webhook its own")
	fs.DurationVar(&f.lease, "lease", redisdedup.DefaultLease, "with --redis, how long an _id stays claimed by an instance that stopped mid-way (`duration`)")
}

// check reports bad usage.
func (f *serveFlags) check(fs *flag.FlagSet, rest []string) error {
	given := f.secrets.given()
	switch {
	case len(rest) > 0:
		return usagef("serve", "expected no arguments, found %q", rest[0])
	case f.policyFile == "":
		return usagef("serve", "--policy is required")
	case !given && !f.unsigned:
		return usagef("serve", "--secret or --secret-env is required; --unsigned accepts deliveries without a signature")
	case given && f.unsigned:
		return usagef("serve", "--unsigned and a secret exclude each other")
	case f.maxEvents < 0:
		return usagef("serve", "--max-events must not be negative, not %d", f.maxEvents)
	case f.maxAge < 0:
		return usagef("serve", "--max-age must not be negative, not %v", f.maxAge)
	case f.redisURL != "" && f.redisEnv != "":
		return usagef("serve", "--redis and --redis-env exclude each other")
	case !f.redis() && (flagGiven(fs, "stream") || flagGiven(fs, "redis-prefix") || flagGiven(fs, "lease")):
		return usagef("serve", "--stream, --redis-prefix and --lease need --redis or --redis-env")
	case flagGiven(fs, "stream") && f.stream == "":
		return usagef("serve", "--stream is empty: name the stream the events go to")
	case f.lease < redisdedup.MinLease:
		return usagef("serve", "--lease must be at least %v, not %v", redisdedup.MinLease, f.lease)
	}
	return stdinOnce("serve", "--policy and --metadata", f.policyFile, f.metadataFile)
}

// redis reports whether serve remembers _ids in Redis.
func (f *serveFlags) redis() bool { return f.redisURL != "" || f.redisEnv != "" }

// serve runs the receiver until ctx is done or --max-events events came.
func serve(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	var f serveFlags
	if _, err := parseCommand("serve", &f, args, stdout, serveUsage); err != nil {
		return helpIsDone(err)
	}
	secrets, err := f.secrets.secrets("serve")
	if err != nil {
		return err
	}
	set, err := loadPolicy("serve", f.policyFile, stdin, f.conn(ctx, "serve"), policy.Options{Lenient: f.lenient}, stderr)
	if err != nil {
		return err
	}
	meta, err := loadMetadata(f.metadataFile, stdin)
	if err != nil {
		return err
	}
	s := &server{
		out:       &dryRunOutput{w: stdout, stderr: stderr, json: f.format == "json", set: set, flush: func() error { return nil }},
		maxEvents: f.maxEvents,
		full:      make(chan struct{}),
		counts:    serveCounts{Refused: map[string]int{}},
	}
	opts := webhook.Options{
		Secrets: secrets, Unsigned: f.unsigned, Policy: set, Resolver: meta, Mode: f.mode, MaxAge: f.maxAge,
		OnResult: s.result,
	}
	process, note, closeRedis, err := f.process(ctx, &opts)
	if err != nil {
		return err
	}
	defer closeRedis()
	h, err := webhook.NewHandler(process, opts)
	if err != nil {
		return usagef("serve", "%v", err)
	}
	if err := s.listen(ctx, f.addr, h, note); err != nil {
		return err
	}
	return s.summary()
}

// process returns the Handler's function for the events it delivers: with
// Redis, it sets opts.Deduper to remember _ids there and, with --stream,
// appends the events to the stream. note is what to say after the address;
// closeRedis closes the Redis client, if any.
func (f *serveFlags) process(ctx context.Context, opts *webhook.Options) (process func(context.Context, *event.Event) error, note string, closeRedis func(), err error) {
	process = func(context.Context, *event.Event) error {
		return nil // the event is printed by s.result, with its decisions
	}
	if !f.redis() {
		return process, "", func() {}, nil
	}
	client, err := dialRedis(ctx, f.redisURL, f.redisEnv)
	if err != nil {
		return nil, "", nil, err
	}
	// Remember _ids for as long as events are accepted, so that no
	// replay is processed twice.
	window := max(webhook.DefaultDedupWindow, f.maxAge)
	opts.Deduper = redisdedup.New(client, redisdedup.Options{Prefix: f.prefix, Window: window, Lease: f.lease})
	if f.stream != "" {
		process = redisstream.New(client, redisstream.Options{Stream: f.stream, Window: window}).Process
		note = fmt.Sprintf("ldpolicy: serve: appending delivered events to the Redis Stream %s at %s\n", f.stream, client.Options().Addr)
	}
	return process, note, func() { client.Close() }, nil
}

// listen serves h on addr until ctx is done or --max-events events came,
// and then finishes the requests in progress. It says where it listens,
// then note, on stderr.
func (s *server) listen(ctx context.Context, addr string, h http.Handler, note string) error {
	stderr := s.out.stderr
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return inputErr(fmt.Errorf("serve: %v", err))
	}
	fmt.Fprintf(stderr, "ldpolicy: serve: listening on http://%s/\n%s", ln.Addr(), note)
	srv := webhook.NewServer(ln.Addr().String(), h)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case <-ctx.Done():
	case <-s.full:
	case err := <-served:
		return inputErr(fmt.Errorf("serve: %v", err))
	}
	// Finish the requests in progress, so that every answered request is
	// printed and counted before the summary.
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		fmt.Fprintf(stderr, "ldpolicy: serve: stopping: %v\n", err)
	}
	if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintf(stderr, "ldpolicy: serve: %v\n", err)
	}
	return nil
}

// server prints and counts what the Handler did.
type server struct {
	mu        sync.Mutex // guards what follows, and the output
	out       *dryRunOutput
	counts    serveCounts
	events    int
	maxEvents int
	full      chan struct{} // closed when maxEvents events came
}

// result is the Handler's OnResult.
func (s *server) result(res *webhook.Result) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := &s.counts
	c.Requests++
	source := fmt.Sprintf("request %d", c.Requests)
	switch res.Outcome {
	case webhook.Processed, webhook.Filtered:
		ev := res.Event
		head := &event.Head{ID: ev.ID, Date: ev.Date, Kind: ev.Kind, Name: ev.Name, Title: ev.Title, Accesses: ev.Accesses, HasAccesses: true}
		d := &decided{source: source, head: head, decisions: res.Decisions, delivery: res.Delivery}
		switch {
		case res.Delivery.Indeterminate:
			c.Indeterminate++
		case res.Delivery.Delivered:
			c.Delivered++
		default:
			c.NotDelivered++
		}
		if err := s.out.event(newEventLine(d)); err != nil {
			fmt.Fprintf(s.out.stderr, "ldpolicy: serve: %v\n", err)
		}
		if res.Err != nil { // processed, but its commit failed
			s.out.problem(problem{source: source, err: fmt.Errorf("warning: %v", strings.TrimPrefix(res.Err.Error(), "webhook: "))})
		}
		s.events++
		if s.events == s.maxEvents {
			close(s.full)
		}
	case webhook.Duplicate:
		c.Duplicates++
	default:
		c.Refused[res.Outcome.String()]++
		msg := fmt.Sprintf("answered %d %s", res.Status, http.StatusText(res.Status))
		if res.Err != nil {
			msg += ": " + strings.TrimPrefix(res.Err.Error(), "webhook: ")
		}
		s.out.problem(problem{source: source, err: errors.New(msg)})
	}
}

func (s *server) summary() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := &s.counts
	if s.out.json {
		return s.out.writeJSON(struct {
			Type string `json:"type"`
			*serveCounts
		}{"summary", c})
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\n%-16s %d\n", "requests", c.Requests)
	fmt.Fprintf(&b, "%-16s %d\n", "delivered", c.Delivered)
	fmt.Fprintf(&b, "%-16s %d\n", "not delivered", c.NotDelivered)
	fmt.Fprintf(&b, "%-16s %d\n", "indeterminate", c.Indeterminate)
	fmt.Fprintf(&b, "%-16s %d\n", "duplicates", c.Duplicates)
	refused := 0
	var why []string
	for o := webhook.BadMethod; o <= webhook.Processed; o++ {
		if n := c.Refused[o.String()]; n > 0 {
			refused += n
			why = append(why, fmt.Sprintf("%s %d", o, n))
		}
	}
	fmt.Fprintf(&b, "%-16s %d", "refused", refused)
	if len(why) > 0 {
		fmt.Fprintf(&b, " (%s)", strings.Join(why, ", "))
	}
	b.WriteString("\n")
	_, err := io.WriteString(s.out.w, b.String())
	return err
}

// dialRedis connects to the Redis of a URL, given or read from an
// environment variable, and checks that it answers. Errors name the
// server, never the password.
func dialRedis(ctx context.Context, rawURL, env string) (*redis.Client, error) {
	from := "--redis"
	if env != "" {
		from = "--redis-env " + env
		v, ok := os.LookupEnv(env)
		if !ok || v == "" {
			return nil, usagef("serve", "--redis-env: the environment variable %s is not set or empty", env)
		}
		rawURL = v
	}
	opts, err := redis.ParseURL(rawURL)
	if err != nil {
		// The error of ParseURL may quote the URL: say only what is wrong.
		return nil, usagef("serve", "%s: expected a URL such as redis://HOST:6379/0, found %s", from, redact.URL(rawURL))
	}
	redis.SetLogger(quietLogger{}) // its messages repeat the errors that serve reports
	client := redis.NewClient(opts)
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := client.Ping(pingCtx).Err(); err != nil {
		client.Close()
		return nil, inputErr(fmt.Errorf("serve: Redis at %s does not answer: %v", opts.Addr, err))
	}
	return client, nil
}

// quietLogger is go-redis's logger in serve: it says nothing.
type quietLogger struct{}

func (quietLogger) Printf(context.Context, string, ...any) {}
