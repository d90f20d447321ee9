package ldapi

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Waits between attempts. A retry after a failure waits
// retryBase·2^(n-1), at most retryMax, with jitter: between half of that
// and all of it. A 429 answer without a usable X-Ratelimit-Reset or
// Retry-After header waits likewise from rateBase up to rateMax; one with
// them waits until then, plus up to rateJitter, so that clients that share
// the limit do not all come back at the same millisecond.
const (
	retryBase  = 500 * time.Millisecond
	retryMax   = 10 * time.Second
	rateBase   = time.Second
	rateMax    = 30 * time.Second
	rateJitter = 500 * time.Millisecond
	// maxErrorBody bounds what is read of an error answer's body.
	maxErrorBody = 64 << 10
	// maxRateWait bounds a wait computed from headers, which may name any
	// time: it is beyond any sensible Options.MaxWait.
	maxRateWait = 24 * time.Hour
)

// request is one call of the API.
type request struct {
	method string
	path   string // escaped, under the base: "/api/v2/roles/ops"
	query  url.Values
	body   []byte // JSON, for POST
	// prog is the progress of the operation the request belongs to, and
	// op names it; reported, with the wait, before each wait.
	op   string
	prog *Progress
}

// budget is what one call of a Client method has spent waiting for rate
// limits, shared by all of its requests.
type budget struct {
	waited time.Duration
}

// do makes a request, retrying what is worth retrying, and returns the
// body of the successful answer. Its errors never quote the token.
func (c *Client) do(ctx context.Context, b *budget, r *request) ([]byte, error) {
	data, err := c.doOnce(ctx, b, r)
	return data, c.scrub(err)
}

func (c *Client) doOnce(ctx context.Context, b *budget, r *request) ([]byte, error) {
	target := c.base.Scheme + "://" + c.base.Host + c.base.EscapedPath() + r.path
	if len(r.query) > 0 {
		target += "?" + r.query.Encode()
	}
	failures, limited := 0, 0
	for {
		if err := ctx.Err(); err != nil {
			return nil, c.ctxErr(r, err)
		}
		var body io.Reader
		if r.body != nil {
			body = bytes.NewReader(r.body)
		}
		req, err := http.NewRequestWithContext(ctx, r.method, target, body)
		if err != nil {
			return nil, fmt.Errorf("ldapi: %s %s on %s: %v", r.method, r.path, c.host, err)
		}
		req.Header.Set("Authorization", *c.token)
		req.Header.Set("LD-API-Version", APIVersion)
		req.Header.Set("User-Agent", c.userAgent)
		req.Header.Set("Accept", "application/json")
		if r.body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := c.hc.Do(req)
		if err != nil {
			if ctx.Err() != nil {
				return nil, c.ctxErr(r, ctx.Err())
			}
			var ue *url.Error
			if errors.As(err, &ue) {
				err = ue.Err
			}
			failures++
			if !retryable(err) || failures >= c.attempts {
				return nil, c.transportErr(r, err, failures)
			}
			if err := c.wait(ctx, r, backoff(failures, retryBase, retryMax), err.Error()); err != nil {
				return nil, err
			}
			continue
		}
		switch s := resp.StatusCode; {
		case s >= 200 && s < 300:
			data, err := c.readBody(resp, r)
			if err == nil {
				return data, nil
			}
			var le *LimitError
			switch {
			case errors.As(err, &le):
				return nil, err
			case ctx.Err() != nil:
				return nil, c.ctxErr(r, ctx.Err())
			}
			// The body was cut short: as a network error.
			failures++
			if failures >= c.attempts {
				return nil, c.transportErr(r, err, failures)
			}
			if err := c.wait(ctx, r, backoff(failures, retryBase, retryMax), err.Error()); err != nil {
				return nil, err
			}
		case s == http.StatusTooManyRequests:
			drain(resp)
			limited++
			d, reset := c.rateLimitWait(resp.Header, limited)
			if b.waited+d > c.maxWait {
				return nil, &RateLimitError{Method: r.method, Path: r.path, Host: c.host, Reset: reset, Wait: d, Waited: b.waited, MaxWait: c.maxWait}
			}
			b.waited += d
			if err := c.wait(ctx, r, d, "rate limit"); err != nil {
				return nil, err
			}
		case s == http.StatusInternalServerError || s == http.StatusBadGateway ||
			s == http.StatusServiceUnavailable || s == http.StatusGatewayTimeout:
			se := c.statusError(r, resp)
			failures++
			if failures >= c.attempts {
				se.Attempts = failures
				return nil, se
			}
			d := backoff(failures, retryBase, retryMax)
			if ra, ok := retryAfter(resp.Header, c.clock.Now()); ok && ra > d {
				// Wait at least as asked, within the cap of waits for
				// rate limits, or give up.
				if b.waited+ra > c.maxWait {
					se.Attempts = failures
					return nil, se
				}
				d = ra
				b.waited += ra
			}
			if err := c.wait(ctx, r, d, fmt.Sprintf("%d %s", s, http.StatusText(s))); err != nil {
				return nil, err
			}
		default:
			se := c.statusError(r, resp)
			se.Attempts = failures + 1
			return nil, se
		}
	}
}

// errStop says that the consumer of an iterator stopped it.
var errStop = errors.New("ldapi: stopped")

func (c *Client) report(p Progress) {
	if c.progress != nil {
		c.progress(p)
	}
}

// wait reports a wait and waits; it returns the context's error when the
// context ends first.
func (c *Client) wait(ctx context.Context, r *request, d time.Duration, reason string) error {
	if c.progress != nil {
		var p Progress
		if r.prog != nil {
			p = *r.prog
		}
		p.Op, p.Wait, p.WaitReason = r.op, d, reason
		c.progress(p)
	}
	if err := c.clock.Sleep(ctx, d); err != nil {
		return c.ctxErr(r, err)
	}
	return nil
}

func (c *Client) ctxErr(r *request, err error) error {
	return fmt.Errorf("ldapi: %s %s on %s: %w", r.method, r.path, c.host, err)
}

func (c *Client) transportErr(r *request, err error, attempts int) error {
	if attempts > 1 {
		return fmt.Errorf("ldapi: %s %s on %s: %w (after %d attempts)", r.method, r.path, c.host, err, attempts)
	}
	return fmt.Errorf("ldapi: %s %s on %s: %w", r.method, r.path, c.host, err)
}

// retryable reports whether a network error may go away by itself: not an
// unknown host, not a certificate that does not verify.
func retryable(err error) bool {
	var dns *net.DNSError
	var cert *tls.CertificateVerificationError
	switch {
	case errors.As(err, &dns) && dns.IsNotFound:
		return false
	case errors.As(err, &cert):
		return false
	}
	return true
}

// backoff returns the wait before retry n (from 1): base·2^(n-1), at most
// max, of which a random part, up to a half, is taken off.
func backoff(n int, base, max time.Duration) time.Duration {
	d := base
	for i := 1; i < n && d < max; i++ {
		d *= 2
	}
	if d > max {
		d = max
	}
	return d - rand.N(d/2+1)
}

// rateLimitWait returns how long to wait after the n-th 429 answer of a
// request: until X-Ratelimit-Reset (Unix milliseconds) when it is in the
// future, or for Retry-After (seconds or a date), each plus jitter; else
// backoff. It also returns the reset time, when given.
func (c *Client) rateLimitWait(h http.Header, n int) (time.Duration, time.Time) {
	now := c.clock.Now()
	var reset time.Time
	if v := strings.TrimSpace(h.Get("X-Ratelimit-Reset")); v != "" {
		if ms, err := strconv.ParseInt(v, 10, 64); err == nil && ms > 0 {
			reset = time.UnixMilli(ms)
			if d := reset.Sub(now); d > 0 {
				return min(d, maxRateWait) + rand.N(rateJitter), reset
			}
			// A reset in the past means the clocks differ: back off.
		}
	}
	if d, ok := retryAfter(h, now); ok && d > 0 {
		return min(d, maxRateWait) + rand.N(rateJitter), reset
	}
	return backoff(n, rateBase, rateMax), reset
}

// retryAfter reads a Retry-After header: seconds, or an HTTP date.
func retryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil && secs >= 0 {
		return time.Duration(min(secs, int64(maxRateWait/time.Second))) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return t.Sub(now), true
	}
	return 0, false
}

// readBody reads the body of a successful answer, at most MaxBodySize
// bytes.
func (c *Client) readBody(resp *http.Response, r *request) ([]byte, error) {
	defer resp.Body.Close()
	tooLarge := func() error {
		return &LimitError{Bound: "MaxBodySize", Limit: c.maxBody,
			Msg: fmt.Sprintf("%s %s on %s: the response is larger than %d bytes (Options.MaxBodySize)", r.method, r.path, c.host, c.maxBody)}
	}
	if resp.ContentLength > c.maxBody {
		return nil, tooLarge()
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, c.maxBody+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > c.maxBody {
		return nil, tooLarge()
	}
	return data, nil
}

// drain reads a little of a body that is not needed, so that the
// connection can be reused, and closes it.
func drain(resp *http.Response) {
	io.Copy(io.Discard, io.LimitReader(resp.Body, maxErrorBody))
	resp.Body.Close()
}

// statusError reads LaunchDarkly's error from an answer that is not a
// success.
func (c *Client) statusError(r *request, resp *http.Response) *StatusError {
	defer resp.Body.Close()
	data, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	e := &StatusError{Method: r.method, Path: r.path, Host: c.host, StatusCode: resp.StatusCode}
	var rep struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		ID      string `json:"id"`
	}
	// The token is taken out before the text is cut: cut first, a token
	// across the cut would leave its first part behind.
	if json.Unmarshal(data, &rep) == nil && (rep.Code != "" || rep.Message != "") {
		e.Code, e.Message, e.ID = clean(c.scrubString(rep.Code), 100), clean(c.scrubString(rep.Message), 500), clean(c.scrubString(rep.ID), 100)
	} else {
		e.Message = clean(c.scrubString(string(data)), 200)
	}
	return e
}

// clean makes text from an answer fit for one line of a message: control
// characters become spaces, and it is cut to max bytes.
func clean(s string, max int) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, strings.TrimSpace(s))
	if len(s) > max {
		cut := max
		for cut > 0 && s[cut]&0xC0 == 0x80 {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}
