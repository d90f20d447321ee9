package webhook

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ldpolicy/ldpolicy/event"
)

// loadRequests is how many requests TestLoad sends: 5,000 by default,
// enough for 32 workers to race on every path of the Handler under -race;
// .ci/run sends 50,000 without -race, for the throughput and latency:
//
//	go test ./webhook -run '^TestLoad$' -v -load-requests 50000
var loadRequests = flag.Int("load-requests", 5_000, "the `number` of requests TestLoad sends")

// loadKind is a kind of request TestLoad sends, and what it must get.
type loadKind int

const (
	loadGood      loadKind = iota // delivered and processed: 200 "processed" once per _id, "duplicate" after
	loadFlaky                     // processing fails the first time: 500, then 200 "processed" when resent
	loadFiltered                  // not delivered: 200 "filtered"
	loadBadSig                    // 401
	loadOversized                 // 413
	loadMalformed                 // signed, but not JSON: 400
)

type loadRequest struct {
	kind loadKind
	id   string
	body []byte
	sig  string
}

// TestLoad sends signed events through a Handler on a loopback server from
// 32 workers at once, mixed with duplicates, bad signatures, oversized and
// malformed bodies, and events whose processing fails once. Every good event
// must be processed exactly once and every bad request refused with its
// status. It logs the throughput and the 99th percentile of the latency.
func TestLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("the load test sends thousands of requests; it runs without -short")
	}
	const workers = 32
	const maxBody = 16 << 10
	n := *loadRequests
	if n < 100 {
		t.Fatalf("-load-requests %d: send at least 100, for every kind of request", n)
	}
	reqs := loadPlan(n, maxBody)

	var mu sync.Mutex
	processed := map[string]int{}
	failedOnce := map[string]bool{}
	fn := func(_ context.Context, ev *event.Event) error {
		mu.Lock()
		defer mu.Unlock()
		if strings.HasPrefix(ev.ID, "flaky-") && !failedOnce[ev.ID] {
			failedOnce[ev.ID] = true
			return errors.New("failing once")
		}
		processed[ev.ID]++
		return nil
	}
	h, err := NewHandler(fn, Options{
		Secrets:     []string{"old-secret", testSecret},
		Policy:      productionFlags(t),
		MaxBodySize: maxBody,
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	client := &http.Client{
		Transport: &http.Transport{MaxIdleConnsPerHost: workers, DisableCompression: true},
		Timeout:   30 * time.Second,
	}
	defer client.CloseIdleConnections()

	// send posts one request and returns its status and answer.
	send := func(r *loadRequest) (int, string, time.Duration, error) {
		req, err := http.NewRequest(http.MethodPost, srv.URL, bytes.NewReader(r.body))
		if err != nil {
			return 0, "", 0, err
		}
		req.Header.Set("Content-Type", "application/json")
		if r.sig != "" {
			req.Header.Set(SignatureHeader, r.sig)
		}
		start := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			return 0, "", 0, err
		}
		answer, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp.StatusCode, string(answer), time.Since(start), err
	}

	jobs := make(chan *loadRequest)
	type tally struct {
		latencies  []time.Duration
		answers    map[string][]string // by _id, of delivered events
		problems   []string
		inProgress int // 409s: a delivery that came while another of its event was processed
	}
	tallies := make([]tally, workers)
	var wg sync.WaitGroup
	start := time.Now()
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tl := &tallies[w]
			tl.answers = map[string][]string{}
			for r := range jobs {
				status, answer, took, err := send(r)
				if err != nil {
					tl.problems = append(tl.problems, fmt.Sprintf("%s: %v", r.id, err))
					continue
				}
				tl.latencies = append(tl.latencies, took)
				want := map[loadKind]int{loadGood: 200, loadFlaky: 500, loadFiltered: 200, loadBadSig: 401, loadOversized: 413, loadMalformed: 400}[r.kind]
				if r.kind == loadGood && status == http.StatusConflict {
					// Another delivery of the event is being processed:
					// LaunchDarkly retries a moment later. How long the
					// other takes depends on the machine's load, so the
					// test retries until it is done rather than once.
					tl.inProgress++
					for tries := 0; status == http.StatusConflict && tries < 200 && err == nil; tries++ {
						time.Sleep(50 * time.Millisecond)
						status, answer, took, err = send(r)
					}
					if err != nil {
						tl.problems = append(tl.problems, fmt.Sprintf("%s: retry after 409: %v", r.id, err))
						continue
					}
					tl.latencies = append(tl.latencies, took)
				}
				if status != want {
					tl.problems = append(tl.problems, fmt.Sprintf("%s (kind %d): have %d %q, want %d", r.id, r.kind, status, answer, want))
					continue
				}
				switch r.kind {
				case loadFiltered:
					if answer != "filtered\n" {
						tl.problems = append(tl.problems, fmt.Sprintf("%s: answer %q", r.id, answer))
					}
				case loadFlaky, loadGood:
					if status == 500 { // LaunchDarkly retries once
						if status, answer, took, err = send(r); err != nil || status != 200 {
							tl.problems = append(tl.problems, fmt.Sprintf("%s: retry: %d %q %v", r.id, status, answer, err))
							continue
						}
						tl.latencies = append(tl.latencies, took)
					}
					tl.answers[r.id] = append(tl.answers[r.id], answer)
				}
			}
		}()
	}
	for i := range reqs {
		jobs <- &reqs[i]
	}
	close(jobs)
	wg.Wait()
	elapsed := time.Since(start)

	var latencies []time.Duration
	answers := map[string][]string{}
	inProgress := 0
	for _, tl := range tallies {
		inProgress += tl.inProgress
		for _, p := range tl.problems {
			t.Error(p)
		}
		latencies = append(latencies, tl.latencies...)
		for id, a := range tl.answers {
			answers[id] = append(answers[id], a...)
		}
	}
	if t.Failed() {
		return
	}
	// Every delivered _id: processed once, answered "processed" once and
	// "duplicate" for every other delivery.
	delivered := map[string]int{}
	for _, r := range reqs {
		if r.kind == loadGood || r.kind == loadFlaky {
			delivered[r.id]++
		}
	}
	for id, deliveries := range delivered {
		if processed[id] != 1 {
			t.Errorf("%s processed %d times", id, processed[id])
		}
		slices.Sort(answers[id])
		want := append(slices.Repeat([]string{"duplicate\n"}, deliveries-1), "processed\n")
		if !slices.Equal(answers[id], want) {
			t.Errorf("%s: answers %q, want %q", id, answers[id], want)
		}
	}
	if len(processed) != len(delivered) {
		t.Errorf("%d _ids processed, %d delivered: an event was processed that should not have been", len(processed), len(delivered))
	}
	slices.Sort(latencies)
	p99 := latencies[len(latencies)*99/100]
	t.Logf("%d requests (%d events processed, %d answered 409 and retried) from %d workers in %v: %.0f requests/s, latency p50 %v, p99 %v",
		len(latencies), len(processed), inProgress, workers, elapsed.Round(time.Millisecond),
		float64(len(latencies))/elapsed.Seconds(), latencies[len(latencies)/2], p99)
}

// loadPlan returns n requests in a random but fixed order: 70% deliveries of
// good events (a seventh of them repeat an earlier _id), 3% events whose
// processing fails once, 10% filtered events, and 17% bad requests.
func loadPlan(n, maxBody int) []loadRequest {
	rng := rand.New(rand.NewPCG(1, 2))
	event := func(id, env string, pad int) []byte {
		return fmt.Appendf(nil, `{"_id":%q,"date":1700000000000,"kind":"flag","name":"Dark mode",`+
			`"title":"Jane Developer turned on Dark mode in %s","description":%q,`+
			`"accesses":[{"action":"updateOn","resource":"proj/default:env/%s:flag/dark-mode"}],`+
			`"member":{"_id":"507f1f77bcf86cd799439011","email":"jane@example.com","firstName":"Jane","lastName":"Developer"}}`,
			id, env, strings.Repeat("x", pad), env)
	}
	reqs := make([]loadRequest, 0, n)
	var good []int // indexes of good requests, for duplicates
	for i := 0; len(reqs) < n; i++ {
		r := loadRequest{id: fmt.Sprintf("e%06d", i)}
		switch p := rng.IntN(100); {
		case p < 10 && len(good) > 0: // a duplicate of an earlier good event
			reqs = append(reqs, reqs[good[rng.IntN(len(good))]])
			continue
		case p < 70:
			r.kind, r.body = loadGood, event(r.id, "production", 200)
		case p < 73:
			r.kind, r.id = loadFlaky, "flaky-"+r.id
			r.body = event(r.id, "production", 200)
		case p < 83:
			r.kind, r.body = loadFiltered, event(r.id, "staging", 200)
		case p < 90:
			r.kind, r.id = loadBadSig, "bad-"+r.id
			r.body = event(r.id, "production", 200)
			r.sig = Sign("wrong-secret", r.body)
			if p%2 == 0 {
				r.sig = ""
			}
		case p < 93:
			r.kind, r.id = loadOversized, "big-"+r.id
			r.body = event(r.id, "production", maxBody)
		default:
			r.kind, r.id = loadMalformed, "bad-json-"+r.id
			r.body = event(r.id, "production", 200)
			r.body = r.body[:len(r.body)-1] // no closing brace
		}
		if r.sig == "" && r.kind != loadBadSig {
			r.sig = Sign(testSecret, r.body)
		}
		if r.kind == loadGood {
			good = append(good, len(reqs))
		}
		reqs = append(reqs, r)
	}
	return reqs
}
