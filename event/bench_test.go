package event

import (
	"bytes"
	"testing"

	"github.com/ldpolicy/ldpolicy/internal/corpus"
)

// benchCorpus returns about 8 MB of realistic NDJSON events.
func benchCorpus(b *testing.B) []byte {
	var buf bytes.Buffer
	if err := corpus.Write(&buf, 4000, 1); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkStream splits NDJSON into events.
func BenchmarkStream(b *testing.B) {
	data := benchCorpus(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		s := NewStream(bytes.NewReader(data), "bench")
		n := 0
		for s.Next() {
			if s.Record().Err != nil {
				b.Fatal(s.Record().Err)
			}
			n++
		}
		if n != 4000 {
			b.Fatalf("%d events, want 4000", n)
		}
	}
}

// BenchmarkReadHead reads what deciding needs of each event, beside
// Decode, which reads every field.
func BenchmarkReadHead(b *testing.B) {
	data := benchCorpus(b)
	lines := bytes.Split(bytes.TrimSuffix(data, []byte("\n")), []byte("\n"))
	b.Run("ReadHead", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		var h Head
		for i := 0; i < b.N; i++ {
			for _, line := range lines {
				if err := ReadHead(line, &h); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	b.Run("Decode", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			for _, line := range lines {
				if _, err := Decode(line); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}
