package ldapi

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"
)

// Hosts of LaunchDarkly's instances.
const (
	// DefaultHost is the commercial instance.
	DefaultHost = "app.launchdarkly.com"
	// FederalHost is the instance for United States federal agencies.
	FederalHost = "app.launchdarkly.us"
	// EUHost is the instance in the European Union.
	EUHost = "app.eu.launchdarkly.com"
)

// The environment that [NewFromEnv] reads: the variables of LaunchDarkly's
// Terraform provider.
const (
	TokenEnv = "LAUNCHDARKLY_ACCESS_TOKEN"
	HostEnv  = "LAUNCHDARKLY_API_HOST"
)

// APIVersion is the version of the REST API that every request asks for
// in its LD-API-Version header: the current one of the API reference this
// package follows. Setting it keeps the answers' shapes independent of the
// version the access token was created with.
const APIVersion = "20240415"

// Defaults of [Options].
const (
	DefaultMaxBodySize = 32 << 20
	DefaultMaxAttempts = 4
	DefaultMaxWait     = 5 * time.Minute
	DefaultMaxPages    = 10000
	DefaultHoldBytes   = 16 << 20
	DefaultUserAgent   = "ldpolicy"
	// DefaultTimeout is the timeout of the http.Client used when
	// Options.HTTPClient is nil: one attempt at one request.
	DefaultTimeout = 2 * time.Minute
)

// Options configure a [Client]. The zero Options talk to [DefaultHost] with
// the default bounds.
type Options struct {
	// Host is the instance to talk to: a bare host such as
	// "app.eu.launchdarkly.com" (https is implied) or a URL such as
	// "https://app.launchdarkly.us". Plain http is accepted only for a
	// loopback host, such as a test server; a URL must not carry a user,
	// a query or a fragment. Empty means DefaultHost.
	Host string
	// HTTPClient sends the requests; nil means a client with
	// DefaultTimeout. Its Timeout bounds one attempt: a request that times
	// out is retried like a network error.
	HTTPClient *http.Client
	// Clock tells the time and waits; nil means SystemClock.
	Clock Clock
	// UserAgent is sent in the User-Agent header; empty means
	// DefaultUserAgent.
	UserAgent string
	// MaxBodySize bounds the body of one response, in bytes; a larger one
	// is an error. 0 means DefaultMaxBodySize.
	MaxBodySize int64
	// MaxAttempts bounds the attempts at one request that fails in a way
	// worth retrying (a network error, a timeout, a 500, 502, 503 or 504
	// answer); retries wait with exponential backoff and jitter. 0 means
	// DefaultMaxAttempts; 1 disables retries.
	MaxAttempts int
	// MaxWait bounds the time one call (one method of Client, a whole
	// audit-log listing included) spends waiting for LaunchDarkly's rate
	// limits to reset, and for the Retry-After of 5xx answers. A wait that
	// would exceed it is not started: the call fails with a
	// [*RateLimitError] (or the 5xx [*StatusError]). 0 means
	// DefaultMaxWait.
	MaxWait time.Duration
	// MaxPages bounds the pages one listing reads: an audit-log window, the
	// members, the custom roles. A listing that needs more fails with a
	// [*LimitError] before it yields anything out of order. 0 means
	// DefaultMaxPages.
	MaxPages int
	// HoldBytes is how many bytes of audit-log entries a listing holds in
	// memory to put them oldest first; beyond that it spills them to a
	// temporary file in TempDir, removed when the listing ends. 0 means
	// DefaultHoldBytes.
	HoldBytes int64
	// TempDir is where listings spill; empty means os.TempDir().
	TempDir string
	// Progress, when set, is called as long operations advance: after
	// each page, each entry fetched in full, and before each wait. It is
	// called from the goroutine that drives the operation and should
	// return quickly.
	Progress func(Progress)
}

// Progress reports how a long operation advances, for drawing progress.
type Progress struct {
	// Op names the operation: "auditlog", "auditlog search",
	// "auditlog entries" (fetching entries in full), "members", "roles",
	// "team roles" or "roles and teams" (those that Client.Snapshot
	// fetches; Items counts them).
	Op string
	// Pages is the number of pages read so far.
	Pages int
	// Items is the number of items listed so far, each counted once.
	Items int
	// Duplicates is the number of items that pages gave again (pages
	// overlap) and that were dropped.
	Duplicates int
	// Fetched is the number of audit-log entries fetched in full so far.
	Fetched int
	// Since and Until are the audit-log window; Reached is the date of the
	// oldest entry listed so far: the listing goes from Until back to
	// Since.
	Since, Until, Reached time.Time
	// Gaps counts the milliseconds at which a whole page of entries had
	// the same date: paging by date cannot reach further entries of that
	// millisecond, if there are any (see [Client.AuditLog]).
	Gaps int
	// Wait is how long the operation is about to wait, and WaitReason why
	// ("rate limit", or the failure a retry follows); zero otherwise.
	Wait       time.Duration
	WaitReason string
}

// Client talks to LaunchDarkly's REST API with an access token. A Client is
// safe for concurrent use. It never shows its token: not in errors, not
// when printed.
type Client struct {
	token     *string // behind a pointer so that printing a Client never shows it
	base      *url.URL
	host      string // as shown in messages: the host, or the URL without its scheme's default
	hc        *http.Client
	clock     Clock
	userAgent string
	maxBody   int64
	attempts  int
	maxWait   time.Duration
	maxPages  int
	hold      int64
	tempDir   string
	progress  func(Progress)

	mu    sync.Mutex
	roles map[string]*Role // cache of Access
	teams map[string]*Team
}

// New returns a client that authenticates with token, a personal or service
// access token ("api-..."). Surrounding white space is removed from it.
func New(token string, opts Options) (*Client, error) {
	token = strings.TrimSpace(token)
	if token == "" {
		return nil, errors.New("ldapi: no access token: give a personal or service access token (LaunchDarkly: Organization settings > Authorization)")
	}
	for i := 0; i < len(token); i++ {
		if b := token[i]; b < 0x21 || b == 0x7f {
			// Never quote the token, not even in part.
			return nil, fmt.Errorf("ldapi: the access token has a control character or space at byte %d: an access token is one word", i)
		}
	}
	base, shown, err := parseHost(opts.Host)
	if err != nil {
		return nil, err
	}
	c := &Client{
		token:     &token,
		base:      base,
		host:      shown,
		hc:        opts.HTTPClient,
		clock:     opts.Clock,
		userAgent: opts.UserAgent,
		maxBody:   opts.MaxBodySize,
		attempts:  opts.MaxAttempts,
		maxWait:   opts.MaxWait,
		maxPages:  opts.MaxPages,
		hold:      opts.HoldBytes,
		tempDir:   opts.TempDir,
		progress:  opts.Progress,
	}
	if c.hc == nil {
		c.hc = &http.Client{Timeout: DefaultTimeout}
	}
	if c.clock == nil {
		c.clock = SystemClock
	}
	if c.userAgent == "" {
		c.userAgent = DefaultUserAgent
	}
	if c.maxBody <= 0 {
		c.maxBody = DefaultMaxBodySize
	}
	if c.attempts <= 0 {
		c.attempts = DefaultMaxAttempts
	}
	if c.maxWait <= 0 {
		c.maxWait = DefaultMaxWait
	}
	if c.maxPages <= 0 {
		c.maxPages = DefaultMaxPages
	}
	if c.hold <= 0 {
		c.hold = DefaultHoldBytes
	}
	if c.tempDir == "" {
		c.tempDir = os.TempDir()
	}
	return c, nil
}

// NewFromEnv is [New] with the token from LAUNCHDARKLY_ACCESS_TOKEN and,
// unless opts.Host is set, the host from LAUNCHDARKLY_API_HOST (a bare host
// or a URL), the variables of LaunchDarkly's Terraform provider. getenv
// reads the environment; nil means os.Getenv.
func NewFromEnv(getenv func(string) string, opts Options) (*Client, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	token := getenv(TokenEnv)
	if strings.TrimSpace(token) == "" {
		return nil, fmt.Errorf("ldapi: %s is not set: set it to a personal or service access token (LaunchDarkly: Organization settings > Authorization)", TokenEnv)
	}
	if opts.Host == "" {
		opts.Host = getenv(HostEnv)
		if _, _, err := parseHost(opts.Host); err != nil {
			return nil, fmt.Errorf("%w (from %s)", err, HostEnv)
		}
	}
	return New(token, opts)
}

// parseHost reads Options.Host: a bare host or a URL, and returns the base
// URL and how to name it in messages.
func parseHost(h string) (*url.URL, string, error) {
	h = strings.TrimSpace(h)
	if h == "" {
		h = DefaultHost
	}
	raw := h
	if !strings.Contains(h, "://") {
		raw = "https://" + h
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return nil, "", fmt.Errorf("ldapi: host %q: expected a host such as %s or a URL such as https://%s", h, EUHost, FederalHost)
	case u.User != nil:
		// The host came from configuration; do not echo the credentials.
		return nil, "", errors.New("ldapi: the host URL carries a user or password: give the host alone; the access token authenticates")
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		return nil, "", fmt.Errorf("ldapi: host %s: expected no query or fragment", u.Scheme+"://"+u.Host+u.Path)
	case u.Host == "" || u.Opaque != "":
		return nil, "", fmt.Errorf("ldapi: host %q: expected a host such as %s or a URL such as https://%s", h, EUHost, FederalHost)
	case u.Scheme == "http" && !loopback(u.Hostname()):
		return nil, "", fmt.Errorf("ldapi: host %s: plain http would send the access token unencrypted: use https (plain http is for loopback test servers only)", u.Host)
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, "", fmt.Errorf("ldapi: host %s: expected an https URL, found scheme %q", u.Host, u.Scheme)
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	u.RawPath = ""
	shown := u.Host + u.Path
	if u.Scheme == "http" {
		shown = "http://" + shown
	}
	return u, shown, nil
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Host returns the instance the client talks to, as messages name it:
// "app.launchdarkly.com", or a URL for anything but https.
func (c *Client) Host() string { return c.host }

// String describes the client without its token.
func (c *Client) String() string { return "ldapi.Client(" + c.host + ")" }

// GoString is String, so that %#v does not show the token either.
func (c *Client) GoString() string { return c.String() }

// Clock tells the time and waits. Tests replace it to move time by hand.
type Clock interface {
	Now() time.Time
	// Sleep waits for d, or until ctx is done: then it returns ctx.Err().
	Sleep(ctx context.Context, d time.Duration) error
}

// SystemClock is the Clock of package time.
var SystemClock Clock = systemClock{}

type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }

func (systemClock) Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
