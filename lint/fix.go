package lint

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"

	"github.com/ldpolicy/ldpolicy/policy"
)

// fixable are the codes whose fixes FixEdit makes: see "Fixes" in the
// package documentation for which, and why.
var fixable = map[string]bool{codeTypo: true, codeViewCase: true}

// Fixable reports whether the fixes of the rule's findings are applied by
// [FixEdit] and [FixEdits] (ldpolicy check --fix): those of LDP007 and
// LDP110, as the package documentation explains.
func (r Rule) Fixable() bool { return fixable[r.Code] }

// An Edit is the fix of a finding as a change to the source of a policy
// file: the JSON string literal of the element at fault, source[Start:End],
// is replaced by Text, the finding's Fix as a JSON string. Every other byte
// of the file stays as it is.
type Edit struct {
	Finding    Finding
	Start, End int
	Text       string
}

// Unfixed is a finding of a fixable code whose fix was not applied, and
// why.
type Unfixed struct {
	Finding Finding
	Reason  string
}

// FixEdit returns the edit that applies the fix of a finding of the file f
// (decoded by policy.ParseFile, and checked by [Check]), or an error that
// says why there is none: the finding has no fix, its code is not
// [Rule.Fixable], it is not about one element of a list, or f does not
// hold that element as the finding saw it.
func FixEdit(f *policy.File, fd Finding) (Edit, error) {
	switch {
	case fd.Fix == "":
		return Edit{}, errors.New("the finding has no fix")
	case !fixable[fd.Code]:
		return Edit{}, fmt.Errorf("the fixes of %s are suggestions, not applied", fd.Code)
	case fd.Statement < 0 || fd.Index < 0 || fd.Field == "":
		return Edit{}, errors.New("the finding is not about one element of a list")
	case f == nil:
		return Edit{}, errors.New("the file does not decode")
	}
	start, end, ok := f.ElementSpan(fd.Statement, fd.Field, fd.Index)
	if !ok || elementOf(f, fd) != fd.Value {
		return Edit{}, fmt.Errorf("the file has no element %s %q", fd.Path(), fd.Value)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(fd.Fix); err != nil {
		return Edit{}, err
	}
	return Edit{Finding: fd, Start: start, End: end, Text: string(bytes.TrimSuffix(b.Bytes(), []byte("\n")))}, nil
}

// elementOf returns the element of f that the finding is about, or "".
func elementOf(f *policy.File, fd Finding) string {
	if fd.Statement >= len(f.Statements) {
		return ""
	}
	st := &f.Statements[fd.Statement]
	var list []string
	switch fd.Field {
	case "actions":
		list = st.Actions
	case "notActions", "not_actions":
		list = st.NotActions
	case "resources":
		list = st.Resources
	case "notResources", "not_resources":
		list = st.NotResources
	}
	if fd.Index >= len(list) {
		return ""
	}
	return list[fd.Index]
}

// FixEdits returns the edits that apply the fixes of the findings of the
// file f, at most one an element: when two findings would replace the
// same element differently, the first in the order of findings is
// applied, and the other is returned as unfixed (checking the fixed file
// again reports it if it still holds). A finding whose fix is the same
// replacement as one applied shares its edit. Findings without a fix, and
// those of codes that are not [Rule.Fixable], are neither.
func FixEdits(f *policy.File, findings []Finding) ([]Edit, []Unfixed) {
	var edits []Edit
	var unfixed []Unfixed
	at := map[[2]int]int{} // the edit of each span
	for _, fd := range findings {
		if fd.Fix == "" || !fixable[fd.Code] {
			continue
		}
		e, err := FixEdit(f, fd)
		if err != nil {
			unfixed = append(unfixed, Unfixed{fd, err.Error()})
			continue
		}
		span := [2]int{e.Start, e.End}
		if i, ok := at[span]; ok {
			if edits[i].Text != e.Text {
				first := edits[i].Finding
				unfixed = append(unfixed, Unfixed{fd, fmt.Sprintf("the fix of %s at %s replaces the element first; check again once it is applied", first.Code, first.Pos)})
				continue
			}
		} else {
			at[span] = len(edits)
		}
		edits = append(edits, e)
	}
	return edits, unfixed
}

// ApplyEdits returns a copy of src with the edits applied, in order of
// their offsets. Edits of the same span with the same text are applied
// once; an edit that overlaps one applied before it is left out.
func ApplyEdits(src []byte, edits []Edit) []byte {
	sorted := append([]Edit(nil), edits...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Start < sorted[j].Start })
	out := make([]byte, 0, len(src))
	done := 0
	for _, e := range sorted {
		if e.Start < done || e.End > len(src) || e.End < e.Start {
			continue // the same edit again, or one that overlaps
		}
		out = append(out, src[done:e.Start]...)
		out = append(out, e.Text...)
		done = e.End
	}
	return append(out, src[done:]...)
}
