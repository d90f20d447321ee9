package corpus

import (
	"bufio"
	"bytes"
	"io"
	"testing"

	"github.com/ldpolicy/ldpolicy/event"
)

func TestWrite(t *testing.T) {
	var a, b bytes.Buffer
	if err := Write(&a, 500, 7); err != nil {
		t.Fatal(err)
	}
	Write(&b, 500, 7)
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("the same seed gives different events")
	}
	streamed, err := io.ReadAll(Reader(500, 7))
	if err != nil || !bytes.Equal(streamed, a.Bytes()) {
		t.Fatalf("Reader differs from Write (err %v)", err)
	}
	if avg := a.Len() / 500; avg < 1500 || avg > 2500 {
		t.Errorf("events average %d bytes, want about 2 KB", avg)
	}
	kinds := map[string]int{}
	creations := 0
	sc := bufio.NewScanner(&a)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		e, err := event.Decode(sc.Bytes())
		if err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		if len(e.Accesses) == 0 || e.ID == "" || e.Date == 0 {
			t.Fatalf("event without accesses, _id or date: %s", sc.Text())
		}
		kinds[e.Kind]++
		if e.Accesses[0].Action == "createFlag" && len(e.Accesses) == 3 {
			creations++
		}
	}
	if kinds["flag"] < 250 || len(kinds) < 5 || creations == 0 {
		t.Errorf("kinds %v, flag creations %d: want mostly flags, several kinds, some creations", kinds, creations)
	}
}
