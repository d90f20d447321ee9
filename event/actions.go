package event

import "github.com/ldpolicy/ldpolicy/action"

// actionNames returns every action of the catalogue.
func actionNames() []string {
	var names []string
	for _, t := range action.Types() {
		names = append(names, t.Actions...)
	}
	return names
}
