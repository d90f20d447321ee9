package match

// Truth is the three-valued outcome of a test that may depend on metadata
// nobody supplied (Kleene logic), together with the outcome the decision
// uses.
//
// A definite Truth is [True] or [False]. An unknown one carries the value it
// takes when every unknown tag, property and view counts as not holding: the
// unknown metadata is taken to be absent, as for a resource with no tags.
// That value is what decisions report; the unknown mark is what makes them
// indeterminate.
//
// The zero Truth is False.
type Truth uint8

const (
	False Truth = 0
	True  Truth = tValue
	// Unknown is an unknown Truth whose value with absent metadata is false.
	Unknown Truth = tUnknown
)

const (
	tValue   Truth = 1 << 0 // the value with unknown metadata taken as absent
	tUnknown Truth = 1 << 1 // set when knowing the metadata could change the value
)

// Value reports the value with unknown metadata taken as absent.
func (t Truth) Value() bool { return t&tValue != 0 }

// Known reports whether t is definite: the same whatever the unknown
// metadata.
func (t Truth) Known() bool { return t&tUnknown == 0 }

// Not returns the negation of t.
func (t Truth) Not() Truth { return t ^ tValue }

// And returns the Kleene conjunction of t and u: definitely false if either
// is, definitely true if both are, unknown otherwise.
func (t Truth) And(u Truth) Truth {
	v := t & u & tValue
	if t == False || u == False || (t == True && u == True) {
		return v
	}
	return v | tUnknown
}

// Or returns the Kleene disjunction of t and u: definitely true if either
// is, definitely false if both are, unknown otherwise.
func (t Truth) Or(u Truth) Truth {
	v := (t | u) & tValue
	if t == True || u == True || (t == False && u == False) {
		return v
	}
	return v | tUnknown
}

func (t Truth) String() string {
	switch t {
	case False:
		return "false"
	case True:
		return "true"
	case Unknown:
		return "unknown(false)"
	}
	return "unknown(true)"
}
