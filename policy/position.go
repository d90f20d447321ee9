package policy

import "strconv"

// Position is a place in a file: a policy file, or a test, metadata or
// event file that package policytest reads. The errors of this package
// ([Error]), the findings of package lint and the errors of package
// policytest all locate themselves in their files with it.
//
// The zero Position is unknown, and so is one with only a Filename: a
// problem with a file as a whole, or with a policy that was not read from a
// file.
type Position struct {
	// Filename is the name the file was read under, as the caller gave it;
	// empty when there is none.
	Filename string
	// Offset is the byte offset from the start of the file, from 0.
	Offset int
	// Line is the line number, from 1; 0 when the position is unknown.
	Line int
	// Column is the column in bytes, not characters, from 1: a multi-byte
	// UTF-8 character before it on its line counts each of its bytes, and
	// a tab counts one. It is 0 when only the line is known, as for some
	// YAML syntax errors in test files.
	Column int
}

// IsValid reports whether the position is known: whether it has a line.
func (p Position) IsValid() bool { return p.Line > 0 }

// String returns "file:line:column", "file:line" when the column is not
// known, or "file" when the line is not; the file is left out when there is
// no Filename.
func (p Position) String() string {
	s := p.Filename
	if p.IsValid() {
		if s != "" {
			s += ":"
		}
		s += strconv.Itoa(p.Line)
		if p.Column > 0 {
			s += ":" + strconv.Itoa(p.Column)
		}
	}
	return s
}
