package webhook_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"

	"github.com/ldpolicy/ldpolicy/event"
	"github.com/ldpolicy/ldpolicy/policy"
	"github.com/ldpolicy/ldpolicy/webhook"
)

// A complete receiver: production flag changes, signed, each processed
// once, served with the timeouts of NewServer. Here it listens on a free
// loopback port and the deliveries are simulated; a real receiver listens
// on its own address (webhook.NewServer(":8080", h).ListenAndServe()) and
// reads its secret from the environment.
func Example() {
	set, err := policy.Compile(policy.ProductionFlags(), policy.Options{})
	if err != nil {
		log.Fatal(err)
	}
	h, err := webhook.NewHandler(func(ctx context.Context, ev *event.Event) error {
		fmt.Println("received:", ev.Title)
		return nil
	}, webhook.Options{Secrets: []string{"whsec-example"}, Policy: set})
	if err != nil {
		log.Fatal(err)
	}
	srv := webhook.NewServer("127.0.0.1:0", h)
	ln, err := net.Listen("tcp", srv.Addr)
	if err != nil {
		log.Fatal(err)
	}
	go srv.Serve(ln)
	defer srv.Shutdown(context.Background())
	url := "http://" + ln.Addr().String() + "/"

	flagOn := `{"_id":"6553f2f1a2b3c4d5e6f70001","date":1700000001000,"kind":"flag",
		"title":"Jane turned on Dark mode in Production",
		"accesses":[{"action":"updateOn","resource":"proj/default:env/production:flag/dark-mode"}]}`
	flagOnStaging := `{"_id":"6553f2f1a2b3c4d5e6f70002","date":1700000002000,"kind":"flag",
		"accesses":[{"action":"updateOn","resource":"proj/default:env/staging:flag/dark-mode"}]}`
	deliver(url, "whsec-example", flagOn)
	deliver(url, "whsec-example", flagOn) // delivered twice
	deliver(url, "whsec-example", flagOnStaging)
	deliver(url, "a-guess", flagOn)
	// Output:
	// received: Jane turned on Dark mode in Production
	// 200 processed
	// 200 duplicate
	// 200 filtered
	// 401 webhook: X-LD-Signature does not match the body
}

// deliver posts an event as LaunchDarkly does, signed with secret, and
// prints the answer.
func deliver(url, secret, event string) {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader([]byte(event)))
	if err != nil {
		log.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(webhook.SignatureHeader, webhook.Sign(secret, []byte(event)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(resp.Body)
	fmt.Printf("%d %s", resp.StatusCode, answer)
}
