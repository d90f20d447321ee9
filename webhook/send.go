package webhook

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/ldpolicy/ldpolicy/internal/display"
)

// Sender delivers events to webhooks as LaunchDarkly does, to test
// receivers: it POSTs the event's bytes as they are, with Content-Type
// application/json and, for a webhook that signs, the X-LD-Signature
// header. An answer other than 2xx (a redirect included), a failure to
// connect and a timeout fail the attempt, and a failed attempt is tried
// once more, as LaunchDarkly retries once. A Sender is safe for concurrent
// use.
type Sender struct {
	// Client sends the requests; nil is http.DefaultClient. Redirects are
	// never followed, whatever its CheckRedirect says.
	Client *http.Client
	// Timeout bounds each attempt; 0 is 10 seconds.
	Timeout time.Duration
	// UserAgent is the User-Agent header; "" sends Go's.
	UserAgent string
}

// SendError is a delivery that failed, after its retry.
type SendError struct {
	// Status is the HTTP status of the last answer, 0 when there was none.
	Status int
	// Msg says what went wrong: the status and the first line of the
	// answer, or why no answer came. It never quotes the webhook's URL.
	Msg string
}

func (e *SendError) Error() string { return e.Msg }

// Send delivers body to the webhook c, and once more when the first
// attempt fails. It reports whether it retried, and a *SendError when the
// retry failed too. A message quotes at most the first line of the
// receiver's answer, clipped to 200 characters.
func (s *Sender) Send(ctx context.Context, c *Config, body []byte) (retried bool, err error) {
	if err = s.post(ctx, c, body); err == nil {
		return false, nil
	}
	if ctx.Err() != nil {
		return false, err
	}
	return true, s.post(ctx, c, body)
}

// post makes one attempt at a delivery.
func (s *Sender) post(ctx context.Context, c *Config, body []byte) error {
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.URL, bytes.NewReader(body))
	if err != nil {
		return &SendError{Msg: urlErr(err).Error()}
	}
	req.Header.Set("Content-Type", "application/json")
	if s.UserAgent != "" {
		req.Header.Set("User-Agent", s.UserAgent)
	}
	if c.Sign {
		req.Header.Set(SignatureHeader, Sign(c.Secret, body))
	}
	client := http.DefaultClient
	if s.Client != nil {
		client = s.Client
	}
	noRedirect := *client
	noRedirect.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := noRedirect.Do(req)
	if err != nil {
		return &SendError{Msg: urlErr(err).Error()}
	}
	defer resp.Body.Close()
	// Read some of the answer, to say why, and so that the connection can
	// be used again.
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode/100 == 2 {
		return nil
	}
	msg := resp.Status
	if line, _, _ := strings.Cut(string(answer), "\n"); strings.TrimSpace(line) != "" {
		msg += ": " + display.Clip(display.Printable(strings.TrimSpace(line)), 200)
	}
	return &SendError{Status: resp.StatusCode, Msg: msg}
}

// urlErr returns the error inside a *url.Error, which quotes the URL
// whole.
func urlErr(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
