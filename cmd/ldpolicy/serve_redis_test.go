package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ldpolicy/ldpolicy/internal/redistest"
	"github.com/ldpolicy/ldpolicy/webhook"
)

// serveProcess is "ldpolicy serve" running as a process.
type serveProcess struct {
	cmd  *exec.Cmd
	url  string
	exit chan struct{}
}

// startServeProcess runs ldpolicy serve with the arguments as a process of
// its own, and waits until it listens.
func startServeProcess(t *testing.T, env []string, args ...string) *serveProcess {
	t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	cmd.Env = append(append(os.Environ(), runAsLdpolicy+"=1"), env...)
	cmd.Stdout = io.Discard
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &serveProcess{cmd: cmd, exit: make(chan struct{})}
	addr := make(chan string, 1)
	var rest bytes.Buffer
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := listeningRE.FindStringSubmatch(sc.Text() + "\n"); m != nil {
				addr <- m[1]
			} else {
				rest.WriteString(sc.Text() + "\n")
			}
		}
		cmd.Wait()
		close(p.exit)
	}()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-p.exit
	})
	select {
	case p.url = <-addr:
	case <-p.exit:
		t.Fatalf("serve exited before listening: %s", rest.String())
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not listen within 30 s")
	}
	return p
}

// TestServeRedisInstances runs two serve instances on one Redis, as behind
// a load balancer, and a sender that delivers every event of a corpus to
// either and, as LaunchDarkly and a load balancer would between them,
// sends a delivery that failed again until it is answered 2xx. One
// instance is killed with SIGKILL a third of the way through. The stream
// must then hold exactly the events the policy delivers, once each.
func TestServeRedisInstances(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Redis and two serve processes")
	}
	srv := redistest.Start(t, "--appendonly", "yes", "--appendfsync", "always")
	const secret = "instances-secret"
	policyFile := "../../testdata/policies/webhook.json"
	corpusFile := generated(t, 600)
	want := deliveredIDs(t, policyFile, corpusFile)

	env := []string{"TEST_REDIS_URL=redis://" + srv.Addr + "/0", "TEST_SECRET=" + secret}
	args := []string{"--policy", policyFile, "--secret-env", "TEST_SECRET", "--redis-env", "TEST_REDIS_URL",
		"--stream", "hooks", "--lease", "1s", "--format", "json"}
	instances := []*serveProcess{startServeProcess(t, env, args...), startServeProcess(t, env, args...)}

	data, err := os.ReadFile(corpusFile)
	if err != nil {
		t.Fatal(err)
	}
	bodies := bytes.Split(bytes.TrimSpace(data), []byte("\n"))
	client := &http.Client{Timeout: 10 * time.Second}
	deliver := func(url string, body []byte) (int, error) {
		req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
		if err != nil {
			return 0, err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set(webhook.SignatureHeader, webhook.Sign(secret, body))
		resp, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode, nil
	}

	var sent, retries, conflicts atomic.Int64
	jobs := make(chan int)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var problems []string
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 3))
			for i := range jobs {
				at := rng.IntN(2)
				deadline := time.Now().Add(30 * time.Second)
				for {
					code, err := deliver(instances[at].url, bodies[i])
					if err == nil && code/100 == 2 {
						break
					}
					if err == nil && code != http.StatusConflict && code != http.StatusServiceUnavailable && code != http.StatusInternalServerError {
						mu.Lock()
						problems = append(problems, fmt.Sprintf("event %d: answered %d", i, code))
						mu.Unlock()
						break
					}
					if code == http.StatusConflict {
						conflicts.Add(1)
					}
					if time.Now().After(deadline) {
						mu.Lock()
						problems = append(problems, fmt.Sprintf("event %d: not acknowledged after 30 s: %d %v", i, code, err))
						mu.Unlock()
						break
					}
					retries.Add(1)
					at = 1 - at // the load balancer tries the other instance
					time.Sleep(50 * time.Millisecond)
				}
				sent.Add(1)
			}
		}()
	}
	order := rand.New(rand.NewPCG(5, 6)).Perm(len(bodies))
	for n, i := range order {
		if n == len(order)/3 {
			instances[1].cmd.Process.Kill() // SIGKILL: no shutdown, mid-request
		}
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	for _, p := range problems {
		t.Error(p)
	}

	msgs, err := srv.Client(nil).XRange(context.Background(), "hooks", "-", "+").Result()
	if err != nil {
		t.Fatal(err)
	}
	var have []string
	count := map[string]int{}
	for _, m := range msgs {
		id := m.Values["_id"].(string)
		have = append(have, id)
		count[id]++
	}
	for id, n := range count {
		if n > 1 {
			t.Errorf("%s is in the stream %d times", id, n)
		}
	}
	slices.Sort(have)
	have = slices.Compact(have)
	if diff := cmp.Diff(want, have); diff != "" {
		t.Errorf("the stream's _ids (-want: delivered by the policy, +have):\n%s", diff)
	}
	t.Logf("%d events sent, %d delivered by the policy, %d entries in the stream; %d deliveries sent again (%d answered 409)",
		sent.Load(), len(want), len(msgs), retries.Load(), conflicts.Load())
}
