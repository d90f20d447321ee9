package w1

import "strings"

// floorEngine is W1Policy written by hand as plain string comparisons for
// exactly this policy: the floor that no general engine can beat. It does
// not allocate.
type floorEngine struct{}

func newFloor() (Engine, error) { return floorEngine{}, nil }

func (floorEngine) Name() string { return "floor" }

func (floorEngine) Allowed(action, resource string) bool { return floorAllowed(action, resource) }

func floorAllowed(action, res string) bool {
	// Split into at most three type/name segments; inline metadata after ';'
	// is dropped, as W1Policy tests none.
	var typ, name [3]string
	n := 0
	for rest := res; ; {
		seg, after, more := strings.Cut(rest, ":")
		if n == len(typ) {
			// Deeper than any specifier: statement 6 (notResources) denies.
			return false
		}
		seg, _, _ = strings.Cut(seg, ";")
		typ[n], name[n], _ = strings.Cut(seg, "/")
		n++
		if !more {
			break
		}
		rest = after
	}
	isProj := n == 1 && typ[0] == "proj"
	isMember := n == 1 && typ[0] == "member"
	isEnv := n == 2 && typ[0] == "proj" && typ[1] == "env"
	inEnv := n == 3 && typ[0] == "proj" && typ[1] == "env"
	isFlag := inEnv && typ[2] == "flag"
	isSegment := inEnv && typ[2] == "segment"

	// Deny statements 3, 4, 5 (all flag-level) and 6 (notResources).
	if isFlag && (action == "deleteFlag" && name[1] == "production" ||
		strings.HasSuffix(name[2], "-internal") ||
		(action == "updateOn" || action == "updateOffVariation") && strings.HasPrefix(name[0], "legacy-")) ||
		!(isProj || isEnv || isFlag || isSegment || isMember) {
		return false
	}
	// Allow statements 0, 1, 2 (flag-level), 7, 8 and 9.
	return isFlag && (name[1] == "production" ||
		strings.HasPrefix(action, "update") && strings.HasPrefix(name[0], "mobile-") ||
		(action == "createFlag" || action == "deleteFlag") && name[0] == "web" && name[1] == "staging") ||
		isProj && action != "viewProject" ||
		isEnv && (action == "updateName" || action == "updateTags") ||
		isMember && strings.Contains(action, "Member")
}
