package policy

// ElementSpan returns where element index of the list field of statement
// stmt is in the file f was decoded from: the byte offsets of its JSON
// string literal, from its opening quote to just past its closing quote,
// escapes included, so that data[start:end] is the literal as written.
// field is a list field of a statement, spelt either way ("notResources"
// or Terraform's "not_resources"). ok is false when the file has no such
// element, for a File that was not decoded from a source, and for one
// decoded by [ParseDerived]: its JSON is not the source's text, whose
// string literals, such as Terraform's, a JSON literal cannot replace.
//
// The span is that of the source [ParseFile] decoded: it stays right as
// long as f.Statements are not changed.
func (f *File) ElementSpan(stmt int, field string, index int) (start, end int, ok bool) {
	if f.derived != nil || stmt < 0 || stmt >= len(f.pos) || stmt >= len(f.Statements) || index < 0 {
		return 0, 0, false
	}
	id := fieldID(field)
	if id < 0 || id == idEffect {
		return 0, 0, false
	}
	fp := &f.pos[stmt].fields[id]
	list := f.Statements[stmt].list(id)
	if !fp.present || index >= len(fp.elems) || index >= len(list) {
		return 0, 0, false
	}
	el := fp.elems[index]
	if el.raw != "" {
		return el.start, el.start + len(el.raw), true
	}
	// Without escapes, the literal is the value between two quotes.
	return el.start, el.start + len(list[index]) + 2, true
}

// list returns the list of the field with id id.
func (s *Statement) list(id int) []string {
	switch id {
	case idActions:
		return s.Actions
	case idNotActions:
		return s.NotActions
	case idResources:
		return s.Resources
	case idNotResources:
		return s.NotResources
	}
	return nil
}
