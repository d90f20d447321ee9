package policy

import (
	"errors"
	"testing"
)

func TestErrorList(t *testing.T) {
	problem := func(stmt int, warning bool) *Error {
		return &Error{Location: Location{Statement: stmt, Index: -1, Offset: -1}, Warning: warning, Err: errors.New("bad")}
	}
	w, e1, e2 := problem(0, true), problem(1, false), problem(2, false)
	for _, tt := range []struct {
		l    ErrorList
		want string
	}{
		{nil, "no errors"},
		{ErrorList{e1}, "policy: statements[1]: bad"},
		{ErrorList{w}, "policy: statements[0]: warning: bad"},
		{ErrorList{w, e1}, "policy: statements[1]: bad (and 1 more problem)"},
		{ErrorList{w, w}, "policy: statements[0]: warning: bad (and 1 more problem)"},
		{ErrorList{e1, w, e2}, "policy: statements[1]: bad (and 2 more problems)"},
	} {
		if have := tt.l.Error(); have != tt.want {
			t.Errorf("Error() = %q, want %q", have, tt.want)
		}
	}

	if err := ErrorList(nil).Err(); err != nil {
		t.Errorf("Err of an empty list = %v, want nil", err)
	}
	var l ErrorList
	if err := (ErrorList{w, e1}).Err(); !errors.As(err, &l) || len(l) != 2 {
		t.Fatalf("Err = %#v, want the list", err)
	}
	var e *Error
	if !errors.As(l, &e) || e != w {
		t.Errorf("errors.As(list, *Error) = %v, want the first problem", e)
	}
}
