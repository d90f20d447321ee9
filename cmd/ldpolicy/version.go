package main

import (
	"fmt"
	"io"
	"runtime/debug"
)

// version is ldpolicy's version, from the build information Go records in
// the binary: the module version for an installed release (go install
// github.com/ldpolicy/ldpolicy/cmd/ldpolicy@v1.2.3); for a build from a git
// checkout, the pseudo-version go build derives from the commit
// (v0.0.0-DATE-COMMIT, with "+dirty" for uncommitted changes); otherwise
// "devel", with the commit when the build recorded one.
func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "devel"
	}
	return versionOf(info)
}

func versionOf(info *debug.BuildInfo) string {
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	var rev, modified string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value
		}
	}
	v := "devel"
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if rev != "" {
		v += " " + rev
		if modified == "true" {
			v += "+dirty"
		}
	}
	return v
}

const versionUsage = `usage: ldpolicy version

Version prints ldpolicy's version: a release's module version, the
pseudo-version of the commit for a build from a git checkout (v0.0.0-DATE-
COMMIT, "+dirty" for uncommitted changes), or "devel" when the build
recorded neither. "ldpolicy --version" does the same, and SARIF output
carries the same string.
`

func runVersion(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) > 0 && (args[0] == "--help" || args[0] == "-h" || args[0] == "-help") {
		fmt.Fprint(stdout, versionUsage)
		return nil
	}
	if len(args) > 0 {
		return usagef("version", "takes no arguments, found %q", args[0])
	}
	_, err := fmt.Fprintf(stdout, "ldpolicy %s\n", version())
	return err
}
