package ldapi_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ldpolicy/ldpolicy/ldapi"
)

const opsRole = `{"_id":"1234a56b7c89d012345e678f","_links":{"self":{"href":"/api/v2/roles/ops","type":"application/json"}},"key":"ops","name":"Ops","description":"","policy":[{"effect":"allow","actions":["updateOn"],"resources":["proj/*:env/production:flag/*"]}],"basePermissions":"reader"}`

func TestHeaders(t *testing.T) {
	f := newFakeLD(t)
	f.roles = []string{opsRole}
	c, _ := f.client(ldapi.Options{})
	if _, err := c.Role(context.Background(), "ops"); err != nil {
		t.Fatal(err)
	}
	h := f.recorded()[0].header
	for k, want := range map[string]string{
		"Authorization":  testToken, // no "Bearer"
		"Ld-Api-Version": ldapi.APIVersion,
		"User-Agent":     "ldpolicy",
		"Accept":         "application/json",
	} {
		if h.Get(k) != want {
			t.Errorf("header %s: have %q, want %q", k, h.Get(k), want)
		}
	}
	if ldapi.APIVersion != "20240415" {
		t.Errorf("APIVersion %s: the excerpt's current version is 20240415", ldapi.APIVersion)
	}
}

func TestHost(t *testing.T) {
	for _, tc := range []struct {
		in, want, err string
	}{
		{in: "", want: "app.launchdarkly.com"},
		{in: "app.eu.launchdarkly.com", want: "app.eu.launchdarkly.com"},
		{in: " https://app.launchdarkly.us/ ", want: "app.launchdarkly.us"},
		{in: "https://proxy.example.com/ld", want: "proxy.example.com/ld"},
		{in: "http://127.0.0.1:8080", want: "http://127.0.0.1:8080"},
		{in: "http://localhost:8080", want: "http://localhost:8080"},
		{in: "http://app.launchdarkly.com", err: "plain http would send the access token unencrypted"},
		{in: "https://user:hunter22@app.launchdarkly.com", err: "carries a user or password"},
		{in: "https://app.launchdarkly.com/?x=1", err: "expected no query or fragment"},
		{in: "ftp://app.launchdarkly.com", err: `expected an https URL, found scheme "ftp"`},
		{in: "https://", err: "expected a host such as app.eu.launchdarkly.com"},
	} {
		c, err := ldapi.New(testToken, ldapi.Options{Host: tc.in})
		switch {
		case tc.err != "":
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: have %v, want %q", tc.in, err, tc.err)
			} else if strings.Contains(err.Error(), "hunter22") {
				t.Errorf("%q: the error %q shows the password", tc.in, err)
			}
		case err != nil:
			t.Errorf("%q: %v", tc.in, err)
		case c.Host() != tc.want:
			t.Errorf("%q: have host %q, want %q", tc.in, c.Host(), tc.want)
		}
	}
}

func TestNewFromEnv(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	c, err := ldapi.NewFromEnv(env(map[string]string{ldapi.TokenEnv: testToken + "\n", ldapi.HostEnv: "app.eu.launchdarkly.com"}), ldapi.Options{})
	if err != nil || c.Host() != ldapi.EUHost {
		t.Errorf("have %v, %v, want the EU host", c, err)
	}
	c, err = ldapi.NewFromEnv(env(map[string]string{ldapi.TokenEnv: testToken, ldapi.HostEnv: "app.eu.launchdarkly.com"}), ldapi.Options{Host: ldapi.FederalHost})
	if err != nil || c.Host() != ldapi.FederalHost {
		t.Errorf("Options.Host before the environment: have %v, %v", c, err)
	}
	_, err = ldapi.NewFromEnv(env(nil), ldapi.Options{})
	if err == nil || !strings.Contains(err.Error(), "LAUNCHDARKLY_ACCESS_TOKEN is not set") {
		t.Errorf("no token: have %v", err)
	}
	_, err = ldapi.NewFromEnv(env(map[string]string{ldapi.TokenEnv: testToken, ldapi.HostEnv: "http://ld.example.com"}), ldapi.Options{})
	if err == nil || !strings.Contains(err.Error(), "(from LAUNCHDARKLY_API_HOST)") {
		t.Errorf("bad host: have %v, want it said where the host came from", err)
	}
	_, err = ldapi.New("api-abc def", ldapi.Options{})
	if err == nil || strings.Contains(err.Error(), "api-abc") {
		t.Errorf("token with a space: have %v, want an error that does not quote it", err)
	}
}

// 429 waits until X-Ratelimit-Reset, plus at most half a second of
// jitter, then tries again.
func TestRateLimitReset(t *testing.T) {
	f := newFakeLD(t)
	f.roles = []string{opsRole}
	var waits []ldapi.Progress
	c, clock := f.client(ldapi.Options{Progress: func(p ldapi.Progress) {
		if p.Wait > 0 {
			waits = append(waits, p)
		}
	}})
	reset := clock.Now().Add(3 * time.Second).UnixMilli()
	f.fail("/api/v2/roles/ops", fault{status: 429, body: `{"code":"rate_limited","message":"You've exceeded the API rate limit. Try again later."}`,
		header: map[string]string{"X-Ratelimit-Reset": strconv.FormatInt(reset, 10), "X-Ratelimit-Route-Remaining": "0"}})
	if _, err := c.Role(context.Background(), "ops"); err != nil {
		t.Fatal(err)
	}
	slept := clock.slept()
	if len(slept) != 1 || slept[0] < 3*time.Second || slept[0] >= 3500*time.Millisecond {
		t.Errorf("slept %v, want one wait of 3s to 3.5s", slept)
	}
	if len(waits) != 1 || waits[0].WaitReason != "rate limit" || waits[0].Wait != slept[0] {
		t.Errorf("progress of waits %+v, want the rate-limit wait", waits)
	}
	if n := len(f.recorded()); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
}

func TestRateLimitWithoutReset(t *testing.T) {
	for _, tc := range []struct {
		name     string
		header   map[string]string
		min, max time.Duration
	}{
		{"Retry-After", map[string]string{"Retry-After": "2"}, 2 * time.Second, 2500 * time.Millisecond},
		{"no header", nil, 500 * time.Millisecond, time.Second},
		// A reset in the past means the clocks differ: never retry at once.
		{"reset in the past", map[string]string{"X-Ratelimit-Reset": "1000"}, 500 * time.Millisecond, time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeLD(t)
			f.roles = []string{opsRole}
			c, clock := f.client(ldapi.Options{})
			f.fail("/api/v2/roles/ops", fault{status: 429, header: tc.header, body: `{"code":"rate_limited","message":"slow down"}`})
			if _, err := c.Role(context.Background(), "ops"); err != nil {
				t.Fatal(err)
			}
			slept := clock.slept()
			if len(slept) != 1 || slept[0] < tc.min || slept[0] > tc.max {
				t.Errorf("slept %v, want one wait of %v to %v", slept, tc.min, tc.max)
			}
		})
	}
}

// Waits for rate limits are capped per call: a wait that would pass the
// cap is not started.
func TestRateLimitCap(t *testing.T) {
	f := newFakeLD(t)
	f.roles = []string{opsRole}
	c, clock := f.client(ldapi.Options{MaxWait: time.Minute})
	reset := clock.Now().Add(40 * time.Second).UnixMilli()
	reset2 := clock.Now().Add(80 * time.Second).UnixMilli()
	f.fail("/api/v2/roles/ops",
		fault{status: 429, header: map[string]string{"X-Ratelimit-Reset": strconv.FormatInt(reset, 10)}},
		fault{status: 429, header: map[string]string{"X-Ratelimit-Reset": strconv.FormatInt(reset2, 10)}})
	_, err := c.Role(context.Background(), "ops")
	var rl *ldapi.RateLimitError
	if !errors.As(err, &rl) {
		t.Fatalf("have %v, want a RateLimitError", err)
	}
	if slept := clock.slept(); len(slept) != 1 {
		t.Errorf("slept %v: want the first wait only (the second would pass the cap)", slept)
	}
	if rl.MaxWait != time.Minute || rl.Waited < 40*time.Second || !rl.Reset.Equal(time.UnixMilli(reset2)) {
		t.Errorf("have %+v", rl)
	}
	for _, want := range []string{"rate limited (429)", "past their cap of 1m0s", "the limit resets at"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message %q: want %q", err, want)
		}
	}
}

// A reset that is absurdly far away is a wait past the cap, not an
// overflow that retries at once.
func TestRateLimitFarReset(t *testing.T) {
	f := newFakeLD(t)
	f.roles = []string{opsRole}
	c, clock := f.client(ldapi.Options{})
	f.fail("/api/v2/roles/ops", fault{status: 429, header: map[string]string{"X-Ratelimit-Reset": "9223372036854775807", "Retry-After": "99999999999999999"}})
	_, err := c.Role(context.Background(), "ops")
	var rl *ldapi.RateLimitError
	if !errors.As(err, &rl) || len(clock.slept()) != 0 || len(f.recorded()) != 1 {
		t.Errorf("have %v, slept %v, %d requests: want a RateLimitError at once", err, clock.slept(), len(f.recorded()))
	}
}

func TestAuthErrors(t *testing.T) {
	for _, tc := range []struct {
		status int
		body   string
		want   []string
	}{
		{401, `{"code":"unauthorized","message":"Invalid access token"}`,
			[]string{"GET /api/v2/members on http://127.0.0.1", "401 Unauthorized: unauthorized: Invalid access token",
				"not an SDK key", "app.launchdarkly.us", "app.eu.launchdarkly.com", "LAUNCHDARKLY_API_HOST"}},
		{403, `{"code":"forbidden","message":"Access to the requested resource was denied"}`,
			[]string{"403 Forbidden: forbidden: Access to the requested resource was denied",
				"role that can read members", "app.eu.launchdarkly.com"}},
	} {
		t.Run(strconv.Itoa(tc.status), func(t *testing.T) {
			f := newFakeLD(t)
			c, clock := f.client(ldapi.Options{})
			f.fail("/api/v2/members", fault{status: tc.status, body: tc.body})
			_, err := c.Member(context.Background(), "x@acme.com")
			var se *ldapi.StatusError
			if !errors.As(err, &se) || se.StatusCode != tc.status {
				t.Fatalf("have %v, want a %d StatusError", err, tc.status)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("message %q: want %q", err, w)
				}
			}
			if len(f.recorded()) != 1 || len(clock.slept()) != 0 {
				t.Errorf("%d requests, slept %v: want one request, no retry", len(f.recorded()), clock.slept())
			}
		})
	}
}

func TestOtherErrors(t *testing.T) {
	f := newFakeLD(t)
	c, _ := f.client(ldapi.Options{})
	_, err := c.Role(context.Background(), "nope")
	if !errors.Is(err, ldapi.ErrNotFound) {
		t.Errorf("have %v, want ErrNotFound", err)
	}
	want := "ldapi: GET /api/v2/roles/nope on " + c.Host() + ": 404 Not Found: not_found: Invalid resource identifier"
	if err == nil || err.Error() != want {
		t.Errorf("have %v\nwant %s", err, want)
	}
	f.fail("/api/v2/webhooks", fault{status: 400, body: "<html>\nBad\x00 request</html>"})
	_, err = c.Webhooks(context.Background())
	if want := "400 Bad Request: <html> Bad  request</html>"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("have %v, want %q", err, want)
	}
}

// Transient failures are retried with backoff, a bounded number of times.
func TestRetry(t *testing.T) {
	f := newFakeLD(t)
	f.roles = []string{opsRole}
	c, clock := f.client(ldapi.Options{})
	f.fail("/api/v2/roles/ops", fault{status: 503, body: `{"code":"service_unavailable","message":"try later"}`}, fault{status: 502})
	if _, err := c.Role(context.Background(), "ops"); err != nil {
		t.Fatal(err)
	}
	slept := clock.slept()
	if len(slept) != 2 || slept[0] < 250*time.Millisecond || slept[0] > 500*time.Millisecond ||
		slept[1] < 500*time.Millisecond || slept[1] > time.Second {
		t.Errorf("slept %v, want backoff 250-500ms then 500ms-1s", slept)
	}

	f.fail("/api/v2/roles/ops", fault{status: 500}, fault{status: 500}, fault{status: 500}, fault{status: 500}, fault{status: 500})
	before := len(f.recorded())
	_, err := c.Role(context.Background(), "ops")
	var se *ldapi.StatusError
	if !errors.As(err, &se) || se.StatusCode != 500 || se.Attempts != 4 || !strings.Contains(err.Error(), "(after 4 attempts)") {
		t.Errorf("have %v, want a 500 after 4 attempts", err)
	}
	if n := len(f.recorded()) - before; n != 4 {
		t.Errorf("%d requests, want 4 (DefaultMaxAttempts)", n)
	}
}

// A 5xx answer's Retry-After is waited for, within the cap of waits.
func TestRetryAfter5xx(t *testing.T) {
	f := newFakeLD(t)
	f.roles = []string{opsRole}
	c, clock := f.client(ldapi.Options{MaxWait: time.Minute})
	f.fail("/api/v2/roles/ops", fault{status: 503, header: map[string]string{"Retry-After": "7"}})
	if _, err := c.Role(context.Background(), "ops"); err != nil {
		t.Fatal(err)
	}
	if slept := clock.slept(); len(slept) != 1 || slept[0] != 7*time.Second {
		t.Errorf("slept %v, want 7s", slept)
	}
	f.fail("/api/v2/roles/ops", fault{status: 503, header: map[string]string{"Retry-After": "3600"}})
	before := len(f.recorded())
	_, err := c.Role(context.Background(), "ops")
	var se *ldapi.StatusError
	if !errors.As(err, &se) || se.StatusCode != 503 || len(f.recorded())-before != 1 || len(clock.slept()) != 1 {
		t.Errorf("have %v after %d requests: want the 503 at once", err, len(f.recorded())-before)
	}
}

func TestRetryNetworkError(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close() // nothing listens there any more
	clock := &fakeClock{now: time.Unix(1_700_000_000, 0)}
	c, err := ldapi.New(testToken, ldapi.Options{Host: url, Clock: clock, MaxAttempts: 3})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Webhooks(context.Background())
	if err == nil || !strings.Contains(err.Error(), "(after 3 attempts)") || !strings.Contains(err.Error(), "GET /api/v2/webhooks on "+c.Host()) {
		t.Errorf("have %v", err)
	}
	if n := len(clock.slept()); n != 2 {
		t.Errorf("slept %d times, want 2", n)
	}
}

// A canceled context stops a request that is under way, at once, and
// nothing is retried after it.
func TestCancelSlowResponse(t *testing.T) {
	f := newFakeLD(t)
	f.fail("/api/v2/webhooks", fault{block: true})
	c, _ := f.client(ldapi.Options{Clock: ldapi.SystemClock})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	_, err := c.Webhooks(ctx)
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("returned after %v", d)
	}
	if !errors.Is(err, context.Canceled) {
		t.Errorf("have %v, want context.Canceled", err)
	}
	if n := len(f.recorded()); n != 1 {
		t.Errorf("%d requests, want 1: no retry after cancel", n)
	}
}

// A canceled context also ends a wait for a rate limit, with no retry.
func TestCancelRateLimitWait(t *testing.T) {
	f := newFakeLD(t)
	f.entries = tiedEntries(50)
	reset := time.Now().Add(time.Hour).UnixMilli()
	f.fail("/api/v2/auditlog", fault{status: 429, header: map[string]string{"X-Ratelimit-Reset": strconv.FormatInt(reset, 10)}})
	c, _ := f.client(ldapi.Options{Clock: ldapi.SystemClock, MaxWait: 2 * time.Hour})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	n := 0
	var err error
	for _, err = range c.AuditLog(ctx, ldapi.AuditLogQuery{}) {
		n++
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("returned after %v", d)
	}
	if n != 1 || !errors.Is(err, context.Canceled) {
		t.Errorf("have %d results, last %v; want one: context.Canceled", n, err)
	}
	if n := len(f.recorded()); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

func TestMaxBodySize(t *testing.T) {
	big := `{"items":[` + strings.Repeat(`{"_id":"x","on":true,"tags":[]},`, 100) + `{"_id":"y"}]}`
	for _, chunked := range []bool{false, true} {
		t.Run(fmt.Sprint("chunked ", chunked), func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if !chunked {
					w.Header().Set("Content-Length", strconv.Itoa(len(big)))
				}
				w.Write([]byte(big[:len(big)/2]))
				w.(http.Flusher).Flush()
				w.Write([]byte(big[len(big)/2:]))
			}))
			defer srv.Close()
			c, err := ldapi.New(testToken, ldapi.Options{Host: srv.URL, MaxBodySize: 1000})
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.Webhooks(context.Background())
			var le *ldapi.LimitError
			if !errors.As(err, &le) || le.Bound != "MaxBodySize" || le.Limit != 1000 {
				t.Fatalf("have %v, want a MaxBodySize LimitError", err)
			}
			if want := "GET /api/v2/webhooks on " + c.Host() + ": the response is larger than 1000 bytes (Options.MaxBodySize)"; !strings.Contains(err.Error(), want) {
				t.Errorf("have %q, want %q", err, want)
			}
			c, err = ldapi.New(testToken, ldapi.Options{Host: srv.URL, MaxBodySize: int64(len(big))})
			if err != nil {
				t.Fatal(err)
			}
			if hooks, err := c.Webhooks(context.Background()); err != nil || len(hooks) != 101 {
				t.Errorf("at the bound: have %d, %v; want 101 webhooks", len(hooks), err)
			}
		})
	}
}

// No error and no printing of a client shows the token, even when an
// answer quotes it.
func TestTokenNeverShown(t *testing.T) {
	f := newFakeLD(t)
	f.roles = []string{opsRole}
	c, clock := f.client(ldapi.Options{MaxWait: time.Second, MaxBodySize: 4 << 10})
	check := func(what string, err error) {
		t.Helper()
		if err == nil {
			t.Errorf("%s: no error", what)
			return
		}
		if strings.Contains(err.Error(), testToken) || strings.Contains(fmt.Sprintf("%+v %#v", err, err), testToken) {
			t.Errorf("%s: the error shows the token: %v", what, err)
		}
		for e := errors.Unwrap(err); e != nil; e = errors.Unwrap(e) {
			if strings.Contains(e.Error(), testToken) {
				t.Errorf("%s: an error it wraps shows the token: %v", what, e)
			}
		}
	}
	ctx := context.Background()
	echo := `{"code":"unauthorized","message":"token ` + testToken + ` is not valid"}`
	f.fail("*", fault{status: 401, body: echo})
	_, err := c.Role(ctx, "ops")
	check("401 that quotes the token", err)
	if !strings.Contains(err.Error(), "token [access token] is not valid") {
		t.Errorf("have %q, want the quote with the token taken out", err)
	}
	f.fail("*", fault{status: 403, body: `{"code":"forbidden","message":"` + testToken + `"}`})
	_, err = c.Webhooks(ctx)
	check("403", err)
	// A long message is cut to 500 bytes, here in the middle of the token:
	// no part of it may be left.
	long := strings.Repeat("x", 500-len(testToken)/2)
	f.fail("*", fault{status: 404, body: `{"code":"not_found","message":"` + long + testToken + `"}`})
	_, err = c.Role(ctx, "ops")
	check("a long message cut in the token", err)
	if half := testToken[:len(testToken)/2]; strings.Contains(err.Error(), half) {
		t.Errorf("a long message cut in the token shows its first half %q: %v", half, err)
	}
	f.fail("*", fault{status: 400, body: "no JSON " + testToken})
	_, err = c.Team(ctx, "qa")
	check("400 without JSON", err)
	_, err = c.Role(ctx, "nope")
	check("404", err)
	f.fail("*", fault{status: 429, header: map[string]string{"X-Ratelimit-Reset": strconv.FormatInt(clock.Now().Add(time.Hour).UnixMilli(), 10)}})
	_, err = c.Member(ctx, "me")
	check("rate limit cap", err)
	f.fail("*", fault{status: 200, body: `{"items":[], "x":"` + strings.Repeat(testToken, 200) + `"}`})
	_, err = c.Webhooks(ctx)
	check("body cap", err)
	f.fail("*", fault{status: 200, body: `{"items":[{"_id":"` + testToken + `"}]}`})
	_, err = collect(t, c.AuditLog(ctx, ldapi.AuditLogQuery{}))
	check("malformed entry that quotes the token", err)
	f.fail("*", fault{status: 200, body: `{"_id":"` + testToken + `","key":7}`})
	_, err = c.Role(ctx, "ops")
	check("malformed role", err)
	f.fail("*", fault{status: 500}, fault{status: 500}, fault{status: 500}, fault{status: 500})
	_, err = c.Role(ctx, "ops")
	check("500s", err)

	for _, s := range []string{fmt.Sprint(c), fmt.Sprintf("%v %+v %#v %s", c, c, c, c)} {
		if strings.Contains(s, testToken) {
			t.Errorf("printing the client shows the token: %s", s)
		}
	}
	if want := "ldapi.Client(" + c.Host() + ")"; fmt.Sprint(c) != want {
		t.Errorf("have %s, want %s", c, want)
	}
}
