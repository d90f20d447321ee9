package webhook_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/ldpolicy/ldpolicy/event"
	"github.com/ldpolicy/ldpolicy/webhook"
)

// Sign gives what openssl gives:
//
//	printf %s "$body" | openssl dgst -sha256 -hmac whsec-example
func ExampleSign() {
	body := []byte(`{"_id":"57c0a8e29969090743529965","accesses":[]}`)
	fmt.Println(webhook.Sign("whsec-example", body))
	// Output:
	// 789457cb4a6cccd577537773620930949d54673f81f0e61aaa66384bebebfd78
}

func ExampleVerify() {
	body := []byte(`{"_id":"57c0a8e29969090743529965","accesses":[]}`)
	header := webhook.Sign("new-secret", body) // as LaunchDarkly sends it

	// While the webhook's secret is rotated, accept the old and the new.
	secrets := []string{"old-secret", "new-secret"}
	fmt.Println(webhook.Verify(secrets, body, header))

	// The same JSON with other spacing is other bytes: verify the body as
	// it came, before decoding it.
	err := webhook.Verify(secrets, []byte(`{"_id": "57c0a8e29969090743529965", "accesses": []}`), header)
	fmt.Println(errors.Is(err, webhook.ErrSignatureMismatch), err)

	err = webhook.Verify(secrets, body, "sha256="+header)
	fmt.Println(errors.Is(err, webhook.ErrMalformedSignature), err)
	// Output:
	// <nil>
	// true webhook: X-LD-Signature does not match the body
	// true webhook: malformed X-LD-Signature header: expected 64 hexadecimal digits, found 71 characters
}

func ExampleReorderer() {
	r := webhook.NewReorderer(30*time.Second, func(ev *event.Event) {
		fmt.Println(ev.Time().Format(time.TimeOnly), ev.Name)
	}, nil)
	// As they were delivered, out of order:
	r.Add(&event.Event{Name: "targeting changed", Date: 1700000003000})
	r.Add(&event.Event{Name: "flag created", Date: 1700000001000})
	r.Add(&event.Event{Name: "flag turned on", Date: 1700000002000})
	// Each is released 30 seconds after it came, with every earlier one;
	// Flush releases them all now, as when the receiver stops.
	r.Flush()
	// Output:
	// 22:13:21 flag created
	// 22:13:22 flag turned on
	// 22:13:23 targeting changed
}
