package ldapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// StatusError is an answer of LaunchDarkly's that is not a success, with
// the error LaunchDarkly sent: {"code": ..., "message": ..., "id": ...}.
// For 401 and 403 its message says what to check.
type StatusError struct {
	Method string
	Path   string // the request's path, without its query
	Host   string // as Client.Host names it
	// StatusCode is the HTTP status, such as 404.
	StatusCode int
	// Code and Message are LaunchDarkly's: Code is a class such as
	// "invalid_request" or "not_found", Message a sentence for people.
	// Message is the start of the body when it was not LaunchDarkly's
	// error JSON.
	Code, Message string
	// ID identifies the error for LaunchDarkly's support.
	ID string
	// Attempts is how many times the request was made: more than one when
	// a 5xx answer was retried.
	Attempts int
}

func (e *StatusError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "ldapi: %s %s on %s: %d", e.Method, e.Path, e.Host, e.StatusCode)
	if t := http.StatusText(e.StatusCode); t != "" {
		b.WriteString(" " + t)
	}
	switch {
	case e.Code != "" && e.Message != "":
		fmt.Fprintf(&b, ": %s: %s", e.Code, e.Message)
	case e.Code != "" || e.Message != "":
		fmt.Fprintf(&b, ": %s", e.Code+e.Message)
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " (after %d attempts)", e.Attempts)
	}
	if h := e.Hint(); h != "" {
		b.WriteString("; ")
		b.WriteString(h)
	}
	return b.String()
}

// Hint says what to check after a 401 or 403 answer; it is empty for
// other statuses.
func (e *StatusError) Hint() string {
	hosts := fmt.Sprintf("and that the token belongs to an account on %s (commercial accounts use %s, federal ones %s, EU ones %s; set the host with %s)",
		e.Host, DefaultHost, FederalHost, EUHost, HostEnv)
	switch e.StatusCode {
	case http.StatusUnauthorized:
		return "LaunchDarkly did not accept the access token or its permissions: check that it is a personal or service access token " +
			"(not an SDK key, mobile key or client-side ID), that it has not expired or been reset, that its role allows this call, " + hosts
	case http.StatusForbidden:
		return "the access token's role does not allow this call: give the token (or the member who owns it) a role that can read " +
			resourceOf(e.Path) + ", such as reader, " + hosts
	}
	return ""
}

// resourceOf names what a request path reads, for hints.
func resourceOf(path string) string {
	p := strings.TrimPrefix(path, "/api/v2/")
	if i := strings.IndexByte(p, '/'); i >= 0 {
		p = p[:i]
	}
	switch p {
	case "auditlog":
		return "the audit log"
	case "roles":
		return "custom roles"
	case "":
		return "it"
	}
	return p
}

// RateLimitError says that a call was stopped because waiting for
// LaunchDarkly's rate limit to reset would take it past its cap
// (Options.MaxWait).
type RateLimitError struct {
	Method, Path, Host string
	// Reset is when LaunchDarkly said the limit resets (X-Ratelimit-Reset),
	// zero when it did not say.
	Reset time.Time
	// Wait is the wait that was needed; Waited is how long the call had
	// waited for rate limits already; MaxWait is the cap.
	Wait, Waited, MaxWait time.Duration
}

func (e *RateLimitError) Error() string {
	s := fmt.Sprintf("ldapi: %s %s on %s: rate limited (429): waiting another %s would take this call's waits for rate limits past their cap of %s (waited %s already)",
		e.Method, e.Path, e.Host, e.Wait.Round(time.Millisecond), e.MaxWait, e.Waited.Round(time.Millisecond))
	if !e.Reset.IsZero() {
		s += "; the limit resets at " + e.Reset.UTC().Format(time.RFC3339)
	}
	return s + "; other tokens of the account share the limit: try again later, or raise the cap"
}

// LimitError says that a bound of the client was hit: the size of a
// response, or the pages of a listing. Bound names the field of [Options]
// that sets it.
type LimitError struct {
	Bound string
	Limit int64
	Msg   string
}

func (e *LimitError) Error() string { return "ldapi: " + e.Msg }

// scrubbedError is an error whose message had the access token in it: the
// message is shown without it. It unwraps only to a context error, never
// to the error that quoted the token.
type scrubbedError struct {
	msg   string
	cause error // context.Canceled, context.DeadlineExceeded or nil
}

func (e *scrubbedError) Error() string { return e.msg }
func (e *scrubbedError) Unwrap() error { return e.cause }

// scrub takes the token out of an error's message, should any error or
// answer ever quote it.
func (c *Client) scrub(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	if !strings.Contains(msg, *c.token) {
		return err
	}
	s := &scrubbedError{msg: c.scrubString(msg)}
	switch {
	case errors.Is(err, context.Canceled):
		s.cause = context.Canceled
	case errors.Is(err, context.DeadlineExceeded):
		s.cause = context.DeadlineExceeded
	}
	return s
}

func (c *Client) scrubString(s string) string {
	return strings.ReplaceAll(s, *c.token, "[access token]")
}
