package errlist

import (
	"errors"
	"testing"
)

type problem struct {
	msg     string
	warning bool
}

func (p *problem) Error() string { return p.msg }

type list []*problem

func (l list) Error() string { return Message(l, func(p *problem) bool { return p.warning }) }

func TestMessage(t *testing.T) {
	w := &problem{"w: warning: typo", true}
	e1, e2 := &problem{"e1: bad", false}, &problem{"e2: bad", false}
	for _, tt := range []struct {
		l    list
		want string
	}{
		{nil, "no errors"},
		{list{e1}, "e1: bad"},
		{list{w}, "w: warning: typo"},
		{list{w, e1}, "e1: bad (and 1 more problem)"},
		{list{w, w}, "w: warning: typo (and 1 more problem)"},
		{list{e1, w, e2}, "e1: bad (and 2 more problems)"},
	} {
		if have := tt.l.Error(); have != tt.want {
			t.Errorf("Error() = %q, want %q", have, tt.want)
		}
	}
}

func TestErrAndUnwrap(t *testing.T) {
	if err := Err(list(nil)); err != nil {
		t.Errorf("Err(empty) = %v, want nil", err)
	}
	e := &problem{"e: bad", false}
	err := Err(list{e})
	var l list
	if !errors.As(err, &l) || len(l) != 1 {
		t.Fatalf("Err(list) = %#v, want the list", err)
	}
	if u := Unwrap(l); len(u) != 1 || u[0] != error(e) {
		t.Errorf("Unwrap = %v, want [%v]", u, e)
	}
}
