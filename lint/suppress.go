package lint

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/ldpolicy/ldpolicy/policy"
)

// Suppression leaves out the findings of one rule, in a whole file or at
// one place in it.
type Suppression struct {
	Code string // the rule, such as "LDP205"
	// Path limits the suppression to the findings at this place or inside
	// it: "statements[0]" covers "statements[0].resources[1]". Empty for
	// the whole file.
	Path string
	// Pos is the line of the suppression file it came from; invalid for
	// one given otherwise (a --suppress flag). A suppression with a
	// position that matches nothing is reported (LDP008), so that stale
	// lines do not pile up.
	Pos policy.Position
}

func (s Suppression) matches(f Finding) bool {
	if s.Code != f.Code {
		return false
	}
	if s.Path == "" {
		return true
	}
	p := f.Path()
	return p == s.Path || strings.HasPrefix(p, s.Path) && (p[len(s.Path)] == '.' || p[len(s.Path)] == '[')
}

var pathRE = regexp.MustCompile(`^statements\[[0-9]+\](\.[A-Za-z_]+(\[[0-9]+\])?)?$`)

// ParseSuppressions reads a suppression file: one suppression a line, a
// code and optionally a path, then an optional reason; '#' starts a
// comment, and blank lines are ignored.
//
//	# prod-webhook.json: everything but production flags, on purpose
//	LDP205 statements[0]   the catch-all is intended
//	LDP105                 braces are fine in our tooling
//
// name is the file's name, for the positions of the suppressions and of
// the errors. A line whose first word is not the code of a rule that can be
// suppressed is an error: the problems LaunchDarkly rejects (LDP001 to
// LDP007) cannot be.
func ParseSuppressions(name string, data []byte) ([]Suppression, error) {
	var out []Suppression
	for n, line := range strings.Split(string(data), "\n") {
		if k := strings.IndexByte(line, '#'); k >= 0 {
			line = line[:k]
		}
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		pos := policy.Position{Filename: name, Line: n + 1, Column: strings.Index(line, fields[0]) + 1}
		if err := Suppressible(fields[0]); err != nil {
			return nil, fmt.Errorf("%s: %v", pos, err)
		}
		s := Suppression{Code: fields[0], Pos: pos}
		if len(fields) > 1 && strings.HasPrefix(fields[1], "statements[") {
			if !pathRE.MatchString(fields[1]) {
				return nil, fmt.Errorf("%s: malformed path %q: expected statements[N], statements[N].field or statements[N].field[I]", pos, fields[1])
			}
			s.Path = fields[1]
		}
		out = append(out, s)
	}
	return out, nil
}

// Suppressible returns an error when code is not the code of a rule, or is
// that of a problem LaunchDarkly rejects (LDP001 to LDP007), which cannot
// be suppressed.
func Suppressible(code string) error {
	r, ok := LookupRule(code)
	switch {
	case !ok:
		return fmt.Errorf("unknown code %q: expected a code from %s to %s", code, rules[0].Code, rules[len(rules)-1].Code)
	case r.Code < codeSuppression:
		return fmt.Errorf("%s cannot be suppressed: LaunchDarkly rejects the policy", code)
	case r.Code == codeSource:
		return fmt.Errorf("%s cannot be suppressed: the policy was not read, so nothing of it was checked", code)
	}
	return nil
}
