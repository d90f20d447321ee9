package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/ldpolicy/ldpolicy/internal/policysource"
	"github.com/ldpolicy/ldpolicy/policytest"
	"github.com/ldpolicy/ldpolicy/resource"
)

// pathsUsage explains the PATH arguments of check and fmt, in their help.
const pathsUsage = `A PATH is a policy file, "-" for stdin, a Terraform source (a .tf file,
the output of terraform show -json, with #ADDRESS for one resource), or a
directory, read recursively and in name order for the .json files that may
hold a policy, leaving out directories and files whose names start with
"." and the symbolic links found in it. In a directory, files that are
clearly not policies are skipped with a note on stderr: policy tests
(NAME.ldtest.yaml, .yml or .json), suppression files (.lint), files that
are not .json (.ndjson, .yaml, ...), and .json files that hold audit-log
events (an entry, an array of entries, NDJSON, a list response {"items":
[...]}), a JSON Patch, or metadata (the format of eval --metadata). Check
reads each directory that holds .tf files as a Terraform module, once,
every .tf file of it together (a module without policy-bearing resources
is skipped with a note, and when nothing else is found that is bad
usage), and the output of terraform show -json by its content; fmt leaves both to Terraform, with a note. A file named as a PATH
is read whatever it holds. A directory without a policy file is bad
usage, and then nothing is read.
`

// excludeUsage explains --exclude, in the help of check, fmt and test.
const excludeUsage = `--exclude GLOB, repeatable, leaves out of the directories searched the
files and directories whose path below the directory searched (with "/"
separators), or whose name, GLOB matches as Go's path.Match does: "*"
matches no "/", so --exclude events leaves out every file or directory
named events, and --exclude 'legacy/*.json' the .json files directly in
legacy. A file named as a PATH is never left out.
`

// excludeFlag collects the patterns of --exclude.
type excludeFlag []string

func (*excludeFlag) repeatable() {}

func (e *excludeFlag) String() string { return strings.Join(*e, ",") }

func (e *excludeFlag) Set(p string) error {
	if _, err := path.Match(p, ""); err != nil {
		return &flagValueError{fmt.Sprintf("--exclude %q: %v", p, err)}
	}
	*e = append(*e, p)
	return nil
}

// register defines --exclude.
func (e *excludeFlag) register(fs *flag.FlagSet) {
	fs.Var(e, "exclude", "in directories, leave out the files and directories whose path below the directory, or whose name, matches `GLOB` (path.Match; repeatable)")
}

// excludes reports whether a file or directory found in a directory is
// excluded: rel is its path below the directory, with "/" separators.
// A pattern matches rel or the last element of rel, as path.Match
// matches.
func (e excludeFlag) excludes(rel string) bool {
	base := path.Base(rel)
	for _, p := range e {
		if ok, _ := path.Match(p, rel); ok {
			return true
		}
		if ok, _ := path.Match(p, base); ok {
			return true
		}
	}
	return false
}

// walker finds the files that the arguments of check, fmt and test name.
type walker struct {
	cmd     string
	exclude excludeFlag
	// take says whether a file found in a directory is one the command
	// reads, and when it is not, why, for a note on stderr ("": no note).
	take func(path string) (ok bool, why string)
	// none is what a directory without such files has none of: "policy
	// files (...)".
	none string
	// What the command does with the Terraform files (.tf, .tf.json)
	// found in a directory: with modules, it reads the directory that
	// holds them as a Terraform module, once; with leave, it notes each
	// as left to another tool, leave saying why. Either way they count as
	// found.
	modules bool
	leave   string
}

// found is a file to read, or a directory that could not be read.
type found struct {
	path   string
	err    error // why a directory below an argument could not be read
	module bool  // a directory found to hold Terraform files: a module
}

// find lists the files that the arguments name, in order: a file, or "-"
// for stdin, as it is (reading it reports what is wrong with it); a
// directory (or a link to one), recursively and in name order, for the
// files that w.take takes, leaving out the directories and files whose
// names start with "." below it, those --exclude excludes, and symbolic
// links. It notes on stderr each file it does not take, with why; a file
// is listed once however often it is named. A directory without a file to
// take, and that could be read, is an error with exit status 2, and then
// nothing is listed.
func (w *walker) find(args []string, stderr io.Writer) ([]found, error) {
	var files []found
	seen := map[string]bool{}
	add := func(f found) {
		if f.err == nil && f.path != "-" {
			clean := filepath.Clean(f.path)
			if seen[clean] {
				return
			}
			seen[clean] = true
		}
		files = append(files, f)
	}
	var empty []string
	for _, arg := range args {
		info, err := os.Stat(arg)
		if arg == "-" || err != nil || !info.IsDir() {
			add(found{path: arg})
			continue
		}
		// A link to a directory, as an argument, is followed.
		root := arg
		if li, err := os.Lstat(arg); err == nil && li.Mode()&fs.ModeSymlink != 0 {
			root = arg + string(filepath.Separator)
		}
		taken, skipped, excluded, failed := 0, 0, 0, 0
		err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				failed++
				add(found{path: p, err: err})
				return nil
			}
			if p == root {
				return nil
			}
			rel, _ := filepath.Rel(arg, p)
			switch {
			case strings.HasPrefix(d.Name(), "."):
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			case w.exclude.excludes(filepath.ToSlash(rel)):
				excluded++
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			case !d.Type().IsRegular():
				return nil
			case w.modules && policysource.IsTerraformFile(d.Name()):
				taken++
				add(found{path: filepath.Dir(p), module: true})
				return nil
			case w.leave != "" && policysource.IsTerraformFile(d.Name()):
				taken++
				fmt.Fprintf(stderr, "ldpolicy: %s: %s: skipped: %s\n", w.cmd, p, w.leave)
				return nil
			}
			if ok, why := w.take(p); !ok {
				if why != "" {
					skipped++
					fmt.Fprintf(stderr, "ldpolicy: %s: %s: skipped: %s\n", w.cmd, p, why)
				}
				return nil
			}
			taken++
			add(found{path: p})
			return nil
		})
		if err != nil {
			add(found{path: arg, err: err})
			continue
		}
		if taken == 0 && failed == 0 {
			msg := fmt.Sprintf("%s: no %s", arg, w.none)
			var left []string
			if skipped > 0 {
				left = append(left, fmt.Sprintf("%d skipped", skipped))
			}
			if excluded > 0 {
				left = append(left, fmt.Sprintf("%d excluded by --exclude", excluded))
			}
			if len(left) > 0 {
				msg += ": " + strings.Join(left, ", ")
			}
			empty = append(empty, msg)
		}
	}
	switch len(empty) {
	case 0:
		return files, nil
	case 1:
		return nil, inputErr(fmt.Errorf("%s: %s", w.cmd, empty[0]))
	}
	for _, msg := range empty {
		fmt.Fprintf(stderr, "ldpolicy: %s: %s\n", w.cmd, msg)
	}
	return nil, inputErr(fmt.Errorf("%s: %d directories have none: nothing was read", w.cmd, len(empty)))
}

// policyWalker is the walker of check and fmt: it takes the .json files
// that may hold a policy, the output of terraform show -json among them,
// and skips the others with a note. Check reads the directories that hold
// Terraform files as modules; fmt leaves Terraform files to terraform fmt.
func policyWalker(cmd string, exclude excludeFlag) *walker {
	w := &walker{cmd: cmd, exclude: exclude, take: takePolicy, none: "policy files (.json files that hold a policy)"}
	if cmd == "check" {
		w.modules = true
	} else {
		w.leave = "a Terraform file: terraform fmt formats it"
	}
	return w
}

// testWalker is the walker of test: it takes the test files, by name.
func testWalker(exclude excludeFlag) *walker {
	return &walker{cmd: "test", exclude: exclude, none: "test files (NAME.ldtest.yaml, NAME.ldtest.yml or NAME.ldtest.json)",
		take: func(p string) (bool, string) { return policytest.IsTestFile(p), "" }}
}

// takePolicy says whether check and fmt read a file found in a directory:
// a .json file that is not clearly something else.
func takePolicy(p string) (bool, string) {
	switch ext := strings.ToLower(filepath.Ext(p)); {
	case policytest.IsTestFile(p):
		return false, "a policy test file, not a policy (ldpolicy test runs it)"
	case ext == ".lint":
		return false, "a suppression file, not a policy"
	case ext == ".ndjson" || ext == ".jsonl":
		return false, "an NDJSON file, not a policy"
	case ext == ".yaml" || ext == ".yml":
		return false, "a YAML file, not a policy"
	case ext != ".json":
		return false, "not a .json file"
	}
	data, err := readInput(p, nil)
	if err != nil {
		return true, "" // reading it again reports the problem
	}
	if what := notPolicy(data); what != "" {
		return false, what + ", not a policy"
	}
	return true, ""
}

// notPolicy says what data is when it is clearly not a policy file but
// another file of a repository of policies: an audit-log entry or several
// (a JSON array, NDJSON, a list response), a JSON Patch, or a metadata
// file. It returns "" for anything that may be meant as a policy, however
// broken, so that check reports its problems.
func notPolicy(data []byte) string {
	dec := json.NewDecoder(bytes.NewReader(data))
	var first json.RawMessage
	if err := dec.Decode(&first); err != nil {
		return ""
	}
	if dec.More() {
		var entry map[string]json.RawMessage
		var second json.RawMessage
		if json.Unmarshal(first, &entry) == nil && isEntry(entry) && dec.Decode(&second) == nil && isObject(second) {
			return "NDJSON of audit-log entries"
		}
		return ""
	}
	switch {
	case isObject(first):
		var obj map[string]json.RawMessage
		if json.Unmarshal(first, &obj) != nil {
			return ""
		}
		for _, k := range []string{"statements", "policy", "url"} {
			if _, ok := obj[k]; ok {
				return "" // a webhook or a custom role
			}
		}
		if isEntry(obj) {
			return "an audit-log entry"
		}
		if items, ok := obj["items"]; ok && allObjects(items, isEntry) {
			return "an audit-log list response"
		}
		if m, err := resource.ParseMetadataMap(data); err == nil && len(m) > 0 {
			return "a metadata file"
		}
	case allObjects(first, isEntry):
		return "a JSON array of audit-log entries"
	case allObjects(first, isPatchOp):
		return "a JSON Patch"
	}
	return ""
}

func isObject(v json.RawMessage) bool {
	v = bytes.TrimSpace(v)
	return len(v) > 0 && v[0] == '{'
}

// isEntry reports whether an object is an audit-log entry: it has
// "accesses", or an "_id" and a "kind".
func isEntry(obj map[string]json.RawMessage) bool {
	_, accesses := obj["accesses"]
	_, id := obj["_id"]
	_, kind := obj["kind"]
	return accesses || id && kind
}

// isPatchOp reports whether an object is a JSON Patch operation.
func isPatchOp(obj map[string]json.RawMessage) bool {
	_, op := obj["op"]
	_, p := obj["path"]
	return op && p
}

// allObjects reports whether v is a non-empty JSON array of objects that
// are all what is says.
func allObjects(v json.RawMessage, is func(map[string]json.RawMessage) bool) bool {
	var list []map[string]json.RawMessage
	if json.Unmarshal(v, &list) != nil || len(list) == 0 {
		return false
	}
	for _, obj := range list {
		if obj == nil || !is(obj) {
			return false
		}
	}
	return true
}
