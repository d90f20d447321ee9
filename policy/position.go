package policy

import (
	"fmt"
	"strconv"
	"strings"
)

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
	// Offset is the byte offset from the start of the file, from 0; like
	// Column, it is 0 when only the line is known.
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

// Location is where in a policy something is: a statement, one of its
// fields and an element of the field's list, the byte at fault inside that
// element, and the [Position] of all that in the file the policy was read
// from. The problems of this package ([Error]) and the findings of package
// lint are located by it, and both print its [Location.Path].
type Location struct {
	// Pos is the position in the file: of the byte at fault when there is
	// one, else of the element, of the field's value or of the statement.
	// It is unknown (invalid) for a policy that was not read from a file,
	// such as one compiled from Statement values.
	Pos Position
	// Statement is the index of the statement, from 0; -1 for the policy
	// as a whole.
	Statement int
	// Field is the statement's JSON field, such as "resources"; for a
	// policy read from a file, spelt as the file spells it (Terraform's
	// "not_resources" for "notResources"). Empty for the statement as a
	// whole.
	Field string
	// Index is the index of the element in the field's list, from 0; -1
	// for the field as a whole.
	Index int
	// Value is the element at fault, a resource or action specifier, and
	// Offset the byte
	// offset inside it, from 0, of the part at fault; Offset counts the
	// bytes of the string as decoded, past any JSON escapes. Offset is -1
	// when there is no such element or no such part.
	Value  string
	Offset int
}

// Path returns where the location is in the policy's JSON: as
// "statements[2].resources[0]" for an element, "statements[2].resources"
// for a field, "statements[2]" for a statement, and "" for the policy as a
// whole.
func (l Location) Path() string {
	var b strings.Builder
	if l.Statement >= 0 {
		fmt.Fprintf(&b, "statements[%d]", l.Statement)
	}
	if l.Field != "" {
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(l.Field)
		if l.Index >= 0 {
			fmt.Fprintf(&b, "[%d]", l.Index)
		}
	}
	return b.String()
}
