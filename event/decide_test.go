package event_test

import (
	"bytes"
	"os"
	"testing"

	"github.com/ldpolicy/ldpolicy/event"
	"github.com/ldpolicy/ldpolicy/internal/corpus"
	"github.com/ldpolicy/ldpolicy/policy"
	"github.com/ldpolicy/ldpolicy/resource"
)

// deciding is what a receiver or a dry run holds to decide events one
// after the other: the head, the decisions and the resolver are reused.
type deciding struct {
	set       *policy.Set
	head      event.Head
	resolver  resource.Resolver
	ev        policy.Event
	decisions []policy.Decision
}

func newDeciding(t testing.TB, meta resource.Resolver) *deciding {
	data, err := os.ReadFile("../testdata/policies/webhook.json")
	if err != nil {
		t.Fatal(err)
	}
	set, err := policy.Load("webhook.json", data, policy.Options{})
	if err != nil {
		t.Fatal(err)
	}
	d := &deciding{set: set}
	d.resolver = resource.Chain{&d.head, meta}
	return d
}

func (d *deciding) decide(data []byte) (policy.Delivery, error) {
	if err := event.ReadHead(data, &d.head); err != nil {
		return policy.Delivery{}, err
	}
	if err := d.ev.Parse(d.head.Accesses, d.resolver); err != nil {
		return policy.Delivery{}, err
	}
	var delivery policy.Delivery
	d.decisions, delivery = d.set.DecideEvent(d.decisions[:0], &d.ev, policy.AnyAccess)
	return delivery, nil
}

// TestDecideEventAllocates decides generated audit-log entries, each with
// its body's metadata and a metadata file's: once the buffers have grown,
// parsing the accesses of a read event and deciding it allocate nothing.
// (Reading it allocates its strings: the _id, kind, name and resources
// that the Head holds.)
func TestDecideEventAllocates(t *testing.T) {
	meta, err := os.ReadFile("../testdata/metadata.json")
	if err != nil {
		t.Fatal(err)
	}
	mm, err := resource.ParseMetadataMap(meta)
	if err != nil {
		t.Fatal(err)
	}
	d := newDeciding(t, mm)
	var buf bytes.Buffer
	if err := corpus.Write(&buf, 300, 1); err != nil {
		t.Fatal(err)
	}
	lines := bytes.Split(bytes.TrimSpace(buf.Bytes()), []byte("\n"))
	delivered := 0
	for _, line := range lines { // grow the buffers; check every event decides
		dl, err := d.decide(line)
		if err != nil {
			t.Fatalf("%s: %v", line, err)
		}
		if dl.Delivered {
			delivered++
		}
	}
	if delivered == 0 || delivered == len(lines) {
		t.Fatalf("%d of %d events delivered: the corpus does not exercise the policy", delivered, len(lines))
	}
	for _, line := range lines {
		if err := event.ReadHead(line, &d.head); err != nil {
			t.Fatal(err)
		}
		n := testing.AllocsPerRun(20, func() {
			if err := d.ev.Parse(d.head.Accesses, d.resolver); err != nil {
				t.Fatal(err)
			}
			d.decisions, _ = d.set.DecideEvent(d.decisions[:0], &d.ev, policy.AnyAccess)
		})
		if n != 0 {
			t.Fatalf("Parse and DecideEvent allocate %v times for %s, want 0", n, line)
		}
	}
}

// BenchmarkDecideEvent reads and decides generated audit-log entries.
func BenchmarkDecideEvent(b *testing.B) {
	d := newDeciding(b, nil)
	var buf bytes.Buffer
	if err := corpus.Write(&buf, 1000, 1); err != nil {
		b.Fatal(err)
	}
	lines := bytes.Split(bytes.TrimSpace(buf.Bytes()), []byte("\n"))
	b.SetBytes(int64(buf.Len() / len(lines)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := d.decide(lines[i%len(lines)]); err != nil {
			b.Fatal(err)
		}
	}
}
