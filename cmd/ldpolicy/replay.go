package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/ldpolicy/ldpolicy/internal/display"
	"github.com/ldpolicy/ldpolicy/internal/ldsource"
	"github.com/ldpolicy/ldpolicy/internal/policysource"
	"github.com/ldpolicy/ldpolicy/internal/redact"
	"github.com/ldpolicy/ldpolicy/policy"
	"github.com/ldpolicy/ldpolicy/terraform"
	"github.com/ldpolicy/ldpolicy/webhook"
)

const replayUsage = `usage: ldpolicy replay --webhooks FILE [flags] [INPUT...]

Replay delivers captured events to webhooks as LaunchDarkly would, to test
receivers locally: for each event and each webhook that is on and whose
policy delivers the event, it POSTs the event's bytes, exactly as they were
read, to the webhook's URL with Content-Type: application/json and, when
the webhook signs, the X-LD-Signature header. A delivery answered other than
2xx (a redirect included), or that fails to connect or times out, is tried
once more, as LaunchDarkly retries once.

FILE may also be a Terraform source (a .tf file, a module directory, or
the output of terraform show -json, which holds resolved values): its
launchdarkly_webhook resources, or the one at #ADDRESS, with their url,
secret (which signs the deliveries when given), on (false when not given,
the provider's default), name (the address when not given), tags and
statements. A setting that only Terraform knows when it runs, such as a
url that a variable gives, is an error at the expression.

FILE may also be ld:webhook/ID, or ld:webhooks for every webhook of your
LaunchDarkly account, read with its REST API as an ld: policy is (see
"ldpolicy dry-run --help"). Their URLs are the account's, where replay
delivers. A webhook that signs needs its secret, which LaunchDarkly gives
only to an access token whose role may see it: without it, replay says
so before anything is sent (exit status 2).

FILE holds webhooks in the shape of LaunchDarkly's REST API: one webhook
object, a JSON array of them, or a list response ({"items": [...]}). Replay
reads these fields of each:

	url         where to deliver (http or https); required when on
	on          whether the webhook delivers; a webhook without "on" is on
	sign        whether to sign deliveries, with
	secret      the key of the signature (required when sign is true)
	statements  the policy that filters the events; none delivers them all
	name, tags  to name the webhook in the summary

Events are decided as dry-run decides them (with --metadata and --mode
alike); an event whose delivery is indeterminate is sent only when the
decision without the missing metadata delivers it, as a receiver's
webhook.Handler decides. INPUT is read as dry-run reads it: a file of one
event, a JSON array, NDJSON or a list response, gzipped or not, a directory,
"-" for stdin, the default, or ld:auditlog?since=T for a window of your
account's audit log. Input that is not an event is reported on
stderr (with --format json, as an "error" record), located as dry-run
locates it (FILE:LINE:COLUMN), and counted. On a terminal, a long run shows
on stderr how the reading of the events goes, as dry-run does.

To test a receiver's tolerance of LaunchDarkly's ways, --shuffle delivers
the events in a random order (it holds them in memory), --duplicate-rate
sends a share of the deliveries a second time, and --concurrency sends
several at once. The random choices follow --seed; without it a seed is
drawn and printed in the summary, so that a run can be repeated.

Replay prints each delivery that failed after its retry (stderr, or a
"failure" record), then a summary: events read, malformed, duplicate _ids,
and for each webhook the events its policy delivers and not, the deliveries
sent (repeats included), retries, and deliveries that failed. With --format
json it writes NDJSON records, the "summary" record last.

Webhooks' URLs carry credentials and tokens: replay prints them without
their userinfo, query and fragment, in the summary, the failures and every
error alike (https://user:pass@hooks.example.com/x?token=abc prints as
https://xxxxx@hooks.example.com/x?REDACTED), and takes those parts out of
the answers of receivers that quote them.

Exit status: 0 when every delivery succeeded, at once or on its retry; 1
when a delivery failed after its retry; 2 for bad usage, an unusable
webhooks or metadata file, or an input that cannot be read (checked before
anything is sent; a read error, or an error of LaunchDarkly's API, further
on stops the replay, and no held delivery is sent); 130 when Ctrl-C stopped
the reading of an ld: source.

Flags:
`

// hook is a webhook that replay delivers to, and what happened to it.
type hook struct {
	webhook.Config
	set *policy.Set
	// redact takes the URL and its secret parts out of a message: see
	// redact.Replacer.
	redact *strings.Replacer

	// Decided by the reader.
	delivered, notDelivered, indeterminate int
	// Counted by the senders, under mu.
	mu                           sync.Mutex
	deliveries, repeats, retries int
	failed                       int
}

// delivery is one event to POST to one webhook.
type delivery struct {
	hook   *hook
	body   []byte
	source string
	repeat bool // a repeat sent by --duplicate-rate
}

// replayFlags are the flags of replay.
type replayFlags struct {
	eventFlags
	ldFlags
	hooksFile, format string
	lenient, shuffle  bool
	seed              uint64
	seedSet           bool // --seed was given
	dupRate           float64
	concurrency       int
	timeout           time.Duration
}

func (f *replayFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.hooksFile, "webhooks", "", "the `FILE` of webhooks to deliver to, in the REST API's shape, a Terraform source, ld:webhook/ID or ld:webhooks (required)")
	f.eventFlags.register(fs, "")
	f.ldFlags.register(fs)
	fs.BoolVar(&f.lenient, "lenient", false, "read the typo \":/flag/\" in specifiers as \":flag/\", with a warning")
	fs.Var(newFormatFlag(&f.format, "text", "json"), "format", "output `format`: text, or json for NDJSON records")
	fs.BoolVar(&f.shuffle, "shuffle", false, "deliver in a random order (holds the deliveries in memory)")
	fs.Uint64Var(&f.seed, "seed", 0, "the `SEED` of --shuffle and --duplicate-rate (default: drawn at random, and printed)")
	fs.Float64Var(&f.dupRate, "duplicate-rate", 0, "send this share `R` (0 to 1) of the deliveries a second time")
	fs.IntVar(&f.concurrency, "concurrency", 1, "send up to `N` deliveries at once (1 keeps the order)")
	fs.DurationVar(&f.timeout, "timeout", 10*time.Second, "give up on an attempt after this `duration` (it is then retried)")
}

// check reports bad usage.
func (f *replayFlags) check(fs *flag.FlagSet, inputs []string) error {
	f.seedSet = flagGiven(fs, "seed")
	switch {
	case f.hooksFile == "":
		return usagef("replay", "--webhooks is required")
	case !(f.dupRate >= 0 && f.dupRate <= 1):
		return usagef("replay", "--duplicate-rate must be between 0 and 1, not %v", f.dupRate)
	case f.concurrency < 1:
		return usagef("replay", "--concurrency must be at least 1, not %d", f.concurrency)
	case f.timeout <= 0:
		return usagef("replay", "--timeout must be positive, not %v", f.timeout)
	}
	return stdinOnce("replay", "--webhooks, --metadata and the inputs", append([]string{f.hooksFile, f.metadataFile}, orStdin(inputs)...)...)
}

// random reports whether replay makes random choices, which follow the
// seed.
func (f *replayFlags) random() bool { return f.shuffle || f.dupRate > 0 }

func runReplay(f *replayFlags, inputs []string, stdin io.Reader, stdout, stderr io.Writer) error {
	ld := f.conn(nil, "replay")
	hooks, err := loadHooks(f.hooksFile, stdin, ld, policy.Options{Lenient: f.lenient}, stderr)
	if err != nil {
		return err
	}
	if f.random() && !f.seedSet {
		f.seed = rand.Uint64()
	}
	// The runner reads and checks the events, and counts them, malformed
	// input and duplicate _ids; each webhook's policy decides them in
	// rp.event.
	empty, err := policy.Compile(nil, policy.Options{})
	if err != nil {
		return err
	}
	r, ins, err := f.runner("replay", empty, inputs, stdin, ld, stderr)
	if err != nil {
		return err
	}
	prog := newProgress(stdout, stderr)
	ld.prog = prog
	rp := newReplayer(hooks, f, prog.stdout, prog.stderr)
	defer rp.sender.Client.CloseIdleConnections()
	if err := rp.replay(r, ins, f.concurrency, prog); err != nil {
		return err
	}
	var seed *uint64
	if f.random() {
		seed = &f.seed
	}
	if err := rp.summary(&r.counts, seed); err != nil {
		return err
	}
	if failed := rp.failed(); failed > 0 {
		return &exitError{exitNo, fmt.Errorf("replay: %d deliver%s failed after %s retry", failed, pluralY(failed), pluralIts(failed))}
	}
	return nil
}

func pluralY(n int) string {
	if n == 1 {
		return "y"
	}
	return "ies"
}

func pluralIts(n int) string {
	if n == 1 {
		return "its"
	}
	return "their"
}

// loadHooks reads and checks a --webhooks file, the webhooks of a
// Terraform source, or those of an account.
func loadHooks(arg string, stdin io.Reader, ld *ldConn, opts policy.Options, stderr io.Writer) ([]*hook, error) {
	src, err := openSource(arg, stdin, ld)
	if err != nil {
		return nil, reportSourceErr(stderr, err)
	}
	switch {
	case src.Terraform != nil:
		return terraformHooks(src, opts, stderr)
	case src.Account != nil:
		return accountHooks(src, opts, stderr)
	}
	return fileHooks(src.Name, src.Data, 0, opts, stderr)
}

// fileHooks reads and checks the webhooks of a file, data, named name,
// whose first is webhook number first of those replay delivers to.
func fileHooks(name string, data []byte, first int, opts policy.Options, stderr io.Writer) ([]*hook, error) {
	configs, err := webhook.ReadConfigs(data)
	if err != nil {
		return nil, inputErr(fmt.Errorf("%s: %v", name, err))
	}
	hooks := make([]*hook, len(configs))
	for i, c := range configs {
		set, err := reportCompiled(stderr)(c.LoadPolicy(name, data, opts))
		if err != nil {
			return nil, err
		}
		c.Index = first + i
		hooks[i] = &hook{Config: c, set: set, redact: redact.Replacer(c.URL)}
	}
	return hooks, nil
}

// accountHooks returns the webhooks of ld:webhook/ID or ld:webhooks, each
// read as the file of its JSON, named ld:webhook/ID, is read. A webhook
// that signs needs its secret, which LaunchDarkly gives only to a token
// whose role may see it.
func accountHooks(src *policysource.Source, opts policy.Options, stderr io.Writer) ([]*hook, error) {
	ps, err := src.Policies()
	if err != nil {
		return nil, reportSourceErr(stderr, err)
	}
	var hooks []*hook
	for _, p := range ps {
		if ldsource.WebhookOf(p) == nil {
			return nil, usagef("replay", "%s is not a webhook: --webhooks takes webhooks (ld:webhook/ID, ld:webhooks)", p.Name)
		}
		var signing struct {
			Sign   bool   `json:"sign"`
			Secret string `json:"secret"`
		}
		if json.Unmarshal(p.Data, &signing) == nil && signing.Sign && signing.Secret == "" {
			return nil, inputErr(fmt.Errorf("%s signs its deliveries, and LaunchDarkly gave no secret to sign them with: the access token's role cannot see webhook secrets; use a token whose role can, or a file of the webhooks with their secrets (ldpolicy pull webhooks --with-secrets -o FILE)", p.Name))
		}
		hs, err := fileHooks(p.Name, p.Data, len(hooks), opts, stderr)
		if err != nil {
			return nil, err
		}
		hooks = append(hooks, hs...)
	}
	return hooks, nil
}

// terraformHooks returns the webhooks of a Terraform source: its
// launchdarkly_webhook resources, or the one at its address, with their
// settings and policies. A webhook named by neither name nor address is
// named by its address. Every problem is written to stderr.
func terraformHooks(src *policysource.Source, opts policy.Options, stderr io.Writer) ([]*hook, error) {
	ps, err := src.Policies()
	if err != nil {
		return nil, reportSourceErr(stderr, err)
	}
	var hooks []*hook
	failed := false
	for _, p := range ps {
		r := p.Resource
		if r.Type != terraform.Webhook {
			if src.Address != "" {
				return nil, usagef("replay", "%s is a %s: --webhooks takes webhooks (%s)", p.Name, r.Type, terraform.Webhook)
			}
			continue // roles and teams receive no deliveries
		}
		settings, err := r.Webhook()
		if err != nil {
			reportSourceErr(stderr, err)
			failed = true
			continue
		}
		set, err := compileOne("replay", p, opts, stderr)
		if err != nil {
			failed = true
			continue
		}
		c := webhook.Config{Index: len(hooks), Name: settings.Name, URL: settings.URL, Secret: settings.Secret, Sign: settings.Secret != "", On: settings.On, Tags: settings.Tags}
		if c.Name == "" {
			c.Name = r.Address
		}
		if err := c.Check(); err != nil {
			fmt.Fprintf(stderr, "ldpolicy: %s: %s: %v\n", r.Pos, r.Address, err)
			failed = true
			continue
		}
		hooks = append(hooks, &hook{Config: c, set: set, redact: redact.Replacer(c.URL)})
	}
	switch {
	case failed:
		return nil, &exitError{code: exitUsage}
	case len(hooks) == 0:
		return nil, inputErr(fmt.Errorf("%s has no %s", src.Name, terraform.Webhook))
	}
	return hooks, nil
}

// replayer decides the events for each webhook, sends the deliveries and
// counts what came of them.
type replayer struct {
	hooks  []*hook
	sender *webhook.Sender
	mu     sync.Mutex // guards out
	out    *dryRunOutput

	// The reader's, which decides the events and hands the deliveries to
	// the senders.
	mode      policy.Mode
	shuffle   bool
	dupRate   float64
	rng       *rand.Rand // of --shuffle and --duplicate-rate
	jobs      chan delivery
	held      []delivery // with --shuffle
	decisions []policy.Decision
}

// newReplayer returns the replayer that delivers to hooks as the flags f
// say.
func newReplayer(hooks []*hook, f *replayFlags, stdout, stderr io.Writer) *replayer {
	transport := &http.Transport{
		Proxy:               http.ProxyFromEnvironment,
		MaxIdleConnsPerHost: f.concurrency,
		ForceAttemptHTTP2:   true,
	}
	return &replayer{
		hooks:   hooks,
		out:     &dryRunOutput{w: stdout, stderr: stderr, json: f.format == "json", flush: func() error { return nil }},
		sender:  &webhook.Sender{Client: &http.Client{Transport: transport}, Timeout: f.timeout, UserAgent: "ldpolicy-replay"},
		mode:    f.mode,
		shuffle: f.shuffle,
		dupRate: f.dupRate,
		rng:     rand.New(rand.NewPCG(f.seed, f.seed)),
	}
}

// replay reads the events of the inputs with r and has concurrency
// senders deliver each to the webhooks whose policy delivers it; with
// --shuffle, once every event has been read, and only if all could be. It
// shows how the reading goes with prog, and returns when the senders are
// done.
func (rp *replayer) replay(r *runner, inputs []input, concurrency int, prog *progress) error {
	rp.jobs = make(chan delivery, concurrency)
	var wg sync.WaitGroup
	for range concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for d := range rp.jobs {
				rp.deliver(d)
			}
		}()
	}
	err := r.runShowingProgress(prog, inputs, rp.event, rp.problem)
	if rp.shuffle && err == nil {
		rp.rng.Shuffle(len(rp.held), func(i, j int) { rp.held[i], rp.held[j] = rp.held[j], rp.held[i] })
		for _, d := range rp.held {
			rp.jobs <- d
		}
	}
	close(rp.jobs)
	wg.Wait()
	return err
}

// event decides an event for every webhook that is on, and sends it to
// those whose policy delivers it (a share of them twice, with
// --duplicate-rate).
func (rp *replayer) event(ev *decided) error {
	var body []byte
	for _, h := range rp.hooks {
		if !h.On {
			continue
		}
		var d policy.Delivery
		rp.decisions, d = h.set.DecideEvent(rp.decisions[:0], ev.event, rp.mode)
		if d.Indeterminate {
			h.indeterminate++
		}
		if !d.Delivered {
			h.notDelivered++
			continue
		}
		h.delivered++
		if body == nil {
			body = bytes.Clone(ev.data) // the stream reuses its buffer
		}
		rp.send(delivery{hook: h, body: body, source: ev.source})
		if rp.dupRate > 0 && rp.rng.Float64() < rp.dupRate {
			rp.send(delivery{hook: h, body: body, source: ev.source, repeat: true})
		}
	}
	return nil
}

// send hands a delivery to the senders or, with --shuffle, holds it.
func (rp *replayer) send(d delivery) {
	if rp.shuffle {
		rp.held = append(rp.held, d)
	} else {
		rp.jobs <- d
	}
}

// problem reports input that is not an event.
func (rp *replayer) problem(p problem) error {
	rp.mu.Lock()
	defer rp.mu.Unlock()
	return rp.out.problem(p)
}

// deliver sends a delivery, and once more if the first attempt fails.
func (rp *replayer) deliver(d delivery) {
	h := d.hook
	retried, err := rp.sender.Send(context.Background(), &h.Config, d.body)
	h.mu.Lock()
	h.deliveries++
	if d.repeat {
		h.repeats++
	}
	if retried {
		h.retries++
	}
	if err != nil {
		h.failed++
	}
	h.mu.Unlock()
	if err != nil {
		rp.failure(d, err)
	}
}

// failure reports a delivery that failed after its retry.
func (rp *replayer) failure(d delivery, err error) {
	rp.mu.Lock()
	defer rp.mu.Unlock()
	h := d.hook
	// The error, or the receiver's answer, may quote the URL, or parts of
	// it.
	msg := redact.URLs(h.redact.Replace(err.Error()))
	if rp.out.json {
		rp.out.writeJSON(struct {
			Type    string `json:"type"`
			Source  string `json:"source"`
			Webhook int    `json:"webhook"`
			URL     string `json:"url"`
			Message string `json:"message"`
		}{"failure", d.source, h.Index, h.ShownURL(), msg})
		return
	}
	fmt.Fprintf(rp.out.stderr, "ldpolicy: %s: %s: POST %s failed twice: %s\n", d.source, h.Label(), h.ShownURL(), msg)
}

func (rp *replayer) failed() int {
	n := 0
	for _, h := range rp.hooks {
		h.mu.Lock()
		n += h.failed
		h.mu.Unlock()
	}
	return n
}

// hookSummary is what the summary says of a webhook.
type hookSummary struct {
	Webhook       int      `json:"webhook"`
	Name          string   `json:"name"`
	URL           string   `json:"url"`
	Tags          []string `json:"tags"`
	On            bool     `json:"on"`
	Delivered     int      `json:"delivered"`
	NotDelivered  int      `json:"notDelivered"`
	Indeterminate int      `json:"indeterminate"`
	Deliveries    int      `json:"deliveries"`
	Repeats       int      `json:"repeats"`
	Retries       int      `json:"retries"`
	Failed        int      `json:"failed"`
}

func (rp *replayer) summary(c *counts, seed *uint64) error {
	sums := make([]hookSummary, len(rp.hooks))
	for i, h := range rp.hooks {
		h.mu.Lock()
		sums[i] = hookSummary{
			Webhook: h.Index, Name: h.Name, URL: h.ShownURL(), Tags: h.Tags, On: h.On,
			Delivered: h.delivered, NotDelivered: h.notDelivered, Indeterminate: h.indeterminate,
			Deliveries: h.deliveries, Repeats: h.repeats, Retries: h.retries, Failed: h.failed,
		}
		h.mu.Unlock()
		if sums[i].Tags == nil {
			sums[i].Tags = []string{}
		}
	}
	if rp.out.json {
		return rp.out.writeJSON(struct {
			Type       string        `json:"type"`
			Events     int           `json:"events"`
			Malformed  int           `json:"malformed"`
			Duplicates int           `json:"duplicates"`
			Seed       *uint64       `json:"seed,omitempty"`
			Webhooks   []hookSummary `json:"webhooks"`
		}{"summary", c.Events, c.Malformed, c.Duplicates, seed, sums})
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%-16s %d\n", "events read", c.Events)
	fmt.Fprintf(&b, "%-16s %d\n", "malformed", c.Malformed)
	fmt.Fprintf(&b, "%-16s %d\n", "duplicate _ids", c.Duplicates)
	if seed != nil {
		fmt.Fprintf(&b, "%-16s %d\n", "seed", *seed)
	}
	for i, s := range sums {
		h := rp.hooks[i]
		fmt.Fprintf(&b, "\n%s: %s\n", h.Label(), display.Printable(s.URL))
		if !s.On {
			b.WriteString("  off: nothing sent\n")
			continue
		}
		fmt.Fprintf(&b, "  %-14s %d\n", "delivered", s.Delivered)
		fmt.Fprintf(&b, "  %-14s %d\n", "not delivered", s.NotDelivered)
		fmt.Fprintf(&b, "  %-14s %d\n", "indeterminate", s.Indeterminate)
		fmt.Fprintf(&b, "  %-14s %d", "deliveries", s.Deliveries)
		if s.Repeats > 0 {
			fmt.Fprintf(&b, " (%d repeated by --duplicate-rate)", s.Repeats)
		}
		b.WriteString("\n")
		fmt.Fprintf(&b, "  %-14s %d\n", "retries", s.Retries)
		fmt.Fprintf(&b, "  %-14s %d\n", "failed", s.Failed)
	}
	_, err := io.WriteString(rp.out.w, b.String())
	return err
}
