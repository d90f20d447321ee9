package resource

// A shape key stands for a sequence of segment types, a type written bare
// (without "/name", as in "acct") apart from the same type with a name
// ("acct/key"); equal shapes have equal keys. When every type is one of the
// catalogue's, written as the catalogue writes it or with a name, and there
// are at most eight segments, the key is exact: six bits a segment hold the
// type's code, and exactKey is set, so equal keys mean equal shapes.
// Otherwise the key is an FNV-1a hash of the types with exactKey clear, and
// equal keys must be confirmed by comparing the types (see
// Concrete.hasShape). Exact keys spare that comparison on the resources a
// policy is almost always asked about.
const exactKey = 1 << 63

// codeBits is the width of one segment's type code in an exact key.
const codeBits = 6

// The codes of MaxSegments segments fit below exactKey.
const _ = uint(63 - codeBits*MaxSegments)

// typeCode numbers the resource types of LaunchDarkly's catalogue
// (action/catalog.json), from 1; 0 means the type has no code. Codes fit in
// codeBits bits: 45 of 63 are used. The types the catalogue writes bare,
// "acct" and "ip-allowlist", have a code for the bare form and another for
// the form with a name. Any other type written bare has no code, so that
// its shape gets a hashed key, which tells it apart from "type/name" (see
// [hashType]). A test checks that every catalogue type has a code.
func typeCode(typ string, bare bool) uint64 {
	if bare {
		switch typ {
		case "acct":
			return 6
		case "ip-allowlist":
			return 35
		}
		return 0
	}
	switch typ {
	case "proj":
		return 1
	case "env":
		return 2
	case "flag":
		return 3
	case "segment":
		return 4
	case "member":
		return 5
	case "acct":
		return 7
	case "role":
		return 8
	case "team":
		return 9
	case "webhook":
		return 10
	case "integration":
		return 11
	case "token":
		return 12
	case "service-token":
		return 13
	case "destination":
		return 14
	case "experiment":
		return 15
	case "metric":
		return 16
	case "metric-group":
		return 17
	case "holdout":
		return 18
	case "release-pipeline":
		return 19
	case "relay-proxy-config":
		return 20
	case "context-kind":
		return 21
	case "layer":
		return 22
	case "aiconfig":
		return 23
	case "ai-model-config":
		return 24
	case "view":
		return 25
	case "user":
		return 26
	case "request":
		return 27
	case "pending-request":
		return 28
	case "product-analytics-dashboard":
		return 29
	case "code-reference-repository":
		return 30
	case "application":
		return 31
	case "domain-verification":
		return 32
	case "template":
		return 33
	case "release-policy":
		return 34
	case "ip-allowlist":
		return 36
	case "trace":
		return 37
	case "log":
		return 38
	case "error":
		return 39
	case "session":
		return 40
	case "alert":
		return 41
	case "agent-graph":
		return 42
	case "prompt-snippet":
		return 43
	case "assignment-data-source":
		return 44
	case "notification-subscription":
		return 45
	}
	return 0
}

// FNV-1a, 64 bits.
const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// hashType folds one segment's type and separator into an FNV-1a hash.
func hashType(h uint64, typ string, bare bool) uint64 {
	for i := 0; i < len(typ); i++ {
		h = (h ^ uint64(typ[i])) * fnvPrime
	}
	sep := byte('/')
	if bare {
		sep = ';'
	}
	return (h ^ uint64(sep)) * fnvPrime
}

// shapeKey returns the key of the shape of the n segments whose types
// (and whether each is written bare, without "/name") type(i) gives.
func shapeKey(n int, typ func(i int) (string, bool)) uint64 {
	key := uint64(exactKey)
	for i := 0; i < n; i++ {
		t, bare := typ(i)
		code := typeCode(t, bare)
		if code == 0 {
			return hashKey(n, typ)
		}
		key |= code << (codeBits * i)
	}
	return key
}

// hashKey returns the inexact key of a shape.
func hashKey(n int, typ func(i int) (string, bool)) uint64 {
	h := uint64(fnvOffset)
	for i := 0; i < n; i++ {
		t, bare := typ(i)
		h = hashType(h, t, bare)
	}
	return h &^ exactKey
}
