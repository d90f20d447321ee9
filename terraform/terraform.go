package terraform

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/ldpolicy/ldpolicy/policy"
)

// The types of LaunchDarkly's Terraform resources that bear policies.
const (
	Webhook         = "launchdarkly_webhook"           // a policy filter: Resource.Policy
	CustomRole      = "launchdarkly_custom_role"       // a role: Resource.Policy
	TeamRoleMapping = "launchdarkly_team_role_mapping" // the roles of a team: Resource.Team
	Team            = "launchdarkly_team"              // a team, with its roles: Resource.Team
)

// Limits on what is read. Each has its own error, located where it was
// hit.
const (
	// MaxHCLSize bounds a .tf file, in bytes: HCL's parser takes a few
	// hundred bytes of memory for each byte of some inputs.
	MaxHCLSize = 1 << 20
	// MaxFileSize bounds a file of JSON: the output of terraform show
	// -json, and a file that file(…) reads. It also bounds a string that
	// jsonencode(…) or a template makes.
	MaxFileSize = policy.MaxFileSize
	// MaxFiles bounds the .tf files of a module directory.
	MaxFiles = 256
	// MaxTotalSize bounds the bytes of one source, all together: the
	// files read, the strings that jsonencode(…) makes and the JSON
	// policies decoded, so that many references to one large file cost
	// no more than that.
	MaxTotalSize = 64 << 20
	// MaxDepth bounds nesting: of brackets, braces, blocks, templates
	// and operators in an expression of a .tf file, and of values in
	// JSON.
	MaxDepth = 64
)

// Source is what was read from a Terraform module, a .tf file or the output
// of terraform show -json: its policy-bearing resources.
//
// A Source is not changed once read; its resources, their policies and
// teams are safe for concurrent use.
type Source struct {
	// Name is the path read, as the caller gave it.
	Name string
	// Resources are the resources of the types Webhook, CustomRole,
	// TeamRoleMapping and Team: for a module, in the order of its files'
	// names and then in file order; for the output of terraform show
	// -json, in its order, root module first. A resource whose policy
	// could not be read is here too, with Err.
	Resources []*Resource
}

// Resource is one policy-bearing resource.
type Resource struct {
	// Address is Terraform's: "launchdarkly_webhook.prod", and in the
	// output of terraform show -json the full address, such as
	// "module.ld.launchdarkly_custom_role.ops" or
	// "launchdarkly_webhook.hooks[\"a\"]". A resource with count or
	// for_each in a .tf file has the address of the resource, without
	// an instance key: every instance has the policy read.
	Address string
	// Type is one of Webhook, CustomRole, TeamRoleMapping and Team.
	Type string
	// Pos is where the resource is: its block, or its object in the JSON.
	Pos policy.Position
	// Policy is the policy of a webhook or a custom role, located in the
	// source, for policy.File.Compile and package lint. Its Kind is
	// policy.WebhookFile or policy.RoleFile; a role has its RoleKey,
	// RoleName and BasePermissions, policy.Reader when the resource does
	// not give them, as the provider's documented default. Nil for a
	// team, and when Err is set.
	Policy *policy.File
	// Team are the custom roles of a team role mapping or a team; nil for
	// the other types, and when Err is set.
	Team *TeamRoles
	// Err holds the problems found reading the resource, as an
	// [ErrorList]; then neither Policy nor Team is set.
	Err error

	key string // of a custom role, when its key was read

	// The settings of a webhook, and the problems reading them.
	hook     *WebhookSettings
	hookErrs ErrorList
}

// Resource returns the resource at an address, ready to use: its error
// says that the source has none at addr, listing some that it has, or is
// the resource's own Err.
func (s *Source) Resource(addr string) (*Resource, error) {
	for _, r := range s.Resources {
		if r.Address == addr {
			if r.Err != nil {
				return nil, r.Err
			}
			return r, nil
		}
	}
	var have []string
	for _, r := range s.Resources {
		if len(have) == 10 {
			have = append(have, "…")
			break
		}
		have = append(have, r.Address)
	}
	if len(have) == 0 {
		return nil, fmt.Errorf("terraform: %s has no resource %s: it has no policy-bearing resource (%s, %s, %s, %s)", s.Name, addr, Webhook, CustomRole, TeamRoleMapping, Team)
	}
	return nil, fmt.Errorf("terraform: %s has no resource %s: it has %s", s.Name, addr, strings.Join(have, ", "))
}

// Err returns the problems of every resource, in order, as one
// [ErrorList]; nil when every resource was read.
func (s *Source) Err() error {
	var all ErrorList
	for _, r := range s.Resources {
		var l ErrorList
		if errors.As(r.Err, &l) {
			all = append(all, l...)
		}
	}
	return all.Err()
}

// Read reads the policy-bearing resources of a Terraform source on disk:
// a module directory (every .tf file in it, in name order, as Terraform
// reads a module), one .tf file, or a file that holds the output of
// terraform show -json (a plan or the state; its name ends in ".json").
// The file(…) function reads files inside the directory of the module
// only (see the package documentation).
//
// The error is for what stops the whole source from being read: a file
// that cannot be read, a syntax error, a bound exceeded. Each resource's
// own problems, such as a value known only when Terraform runs, are in its
// Err.
func Read(name string) (*Source, error) {
	fi, err := os.Stat(name)
	if err != nil {
		return nil, fmt.Errorf("terraform: %w", err)
	}
	dir, base := name, "."
	if !fi.IsDir() {
		dir, base = filepath.Dir(name), filepath.Base(name)
	}
	// Files are opened in a Root, so that no path, symbolic link
	// included, leads out of the directory.
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("terraform: %w", err)
	}
	defer root.Close()
	display := func(p string) string { return filepath.Join(dir, filepath.FromSlash(p)) }
	if dir == "." {
		display = filepath.FromSlash
	}
	return read(root.FS(), base, name, display)
}

// ReadFS is [Read] for a source in fsys: name is a module directory, a .tf
// file, or a JSON file, as fsys names them; positions name files as fsys
// does.
func ReadFS(fsys fs.FS, name string) (*Source, error) {
	return read(fsys, name, name, func(p string) string { return p })
}

// ParseJSON reads the policy-bearing resources of the output of terraform
// show -json, a plan or the state, held in data, as [Read] does a file;
// name names it in positions.
func ParseJSON(name string, data []byte) (*Source, error) {
	r := newReader(nil, func(p string) string { return p })
	if len(data) > MaxFileSize {
		return nil, ErrorList{errorf(policy.Position{Filename: name}, "the file is %d bytes, longer than the limit of %d", len(data), MaxFileSize)}
	}
	if err := r.charge(len(data), policy.Position{Filename: name}); err != nil {
		return nil, ErrorList{err}
	}
	res, errs := r.readShow(newSrcFile(name, data))
	if len(errs) > 0 {
		return nil, errs
	}
	return &Source{Name: name, Resources: res}, nil
}

func read(fsys fs.FS, name, display string, show func(string) string) (*Source, error) {
	fi, err := fs.Stat(fsys, name)
	if err != nil {
		return nil, fmt.Errorf("terraform: %w", err)
	}
	r := newReader(fsys, show)
	var res []*Resource
	var errs ErrorList
	switch {
	case fi.IsDir():
		res, errs = r.readModule(name)
	case strings.HasSuffix(name, ".tf.json"):
		errs = ErrorList{errorf(policy.Position{Filename: show(name)}, "Terraform's JSON syntax (.tf.json) is not read: write the module in .tf files, or read the output of \"terraform show -json\"")}
	case strings.HasSuffix(name, ".json"):
		var src *srcFile
		if src, err = r.readFile(name, MaxFileSize); err != nil {
			return nil, ErrorList{errorf(policy.Position{Filename: show(name)}, "%v", err)}
		}
		res, errs = r.readShow(src)
	default:
		res, errs = r.readHCLFiles(path.Dir(name), []string{name})
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return &Source{Name: display, Resources: res}, nil
}

// reader reads one source, within the bounds.
type reader struct {
	fsys   fs.FS
	show   func(string) string // the name of a file of fsys in positions
	budget int                 // bytes left of MaxTotalSize
	files  map[string]*srcFile // read already, by their name in fsys
}

func newReader(fsys fs.FS, show func(string) string) *reader {
	return &reader{fsys: fsys, show: show, budget: MaxTotalSize, files: map[string]*srcFile{}}
}

// charge takes n bytes from the budget, or fails at p.
func (r *reader) charge(n int, p policy.Position) *Error {
	if n > r.budget {
		return errorf(p, "the source takes more than %d bytes, counting its files, the files that file(…) reads, the strings that jsonencode(…) makes and the JSON policies decoded", MaxTotalSize)
	}
	r.budget -= n
	return nil
}

// readFile reads a file of fsys once, however many times it is asked for,
// if it has at most limit bytes.
func (r *reader) readFile(name string, limit int) (*srcFile, error) {
	if f, ok := r.files[name]; ok {
		return f, nil
	}
	if r.fsys == nil {
		return nil, errors.New("no directory to read it from: read the module with Read or ReadFS")
	}
	f, err := r.fsys.Open(name)
	if err != nil {
		return nil, unwrapPathError(err)
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && !fi.Mode().IsRegular() {
		return nil, errors.New("not a regular file")
	}
	data, err := io.ReadAll(io.LimitReader(f, int64(limit)+1))
	if err != nil {
		return nil, unwrapPathError(err)
	}
	if len(data) > limit {
		return nil, fmt.Errorf("the file is longer than the limit of %d bytes", limit)
	}
	if err := r.charge(len(data), policy.Position{Filename: r.show(name)}); err != nil {
		return nil, err.Err
	}
	src := newSrcFile(r.show(name), data)
	r.files[name] = src
	return src, nil
}

// unwrapPathError drops the operation and path that an fs.PathError
// repeats: the error is located at the name already.
func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// isTerraformFile reports whether a module directory's entry is a .tf file
// that Terraform reads; it ignores the names that Terraform ignores (those
// of editors' backups and hidden files).
func isTerraformFile(name string) bool {
	if strings.HasPrefix(name, ".") || strings.HasSuffix(name, "~") || strings.HasPrefix(name, "#") && strings.HasSuffix(name, "#") {
		return false
	}
	return strings.HasSuffix(name, ".tf") || strings.HasSuffix(name, ".tf.json")
}

// readModule reads the .tf files of a module directory.
func (r *reader) readModule(dir string) ([]*Resource, ErrorList) {
	entries, err := fs.ReadDir(r.fsys, dir)
	if err != nil {
		return nil, ErrorList{errorf(policy.Position{Filename: r.show(dir)}, "%v", unwrapPathError(err))}
	}
	var names []string
	var errs ErrorList
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !isTerraformFile(name) {
			continue
		}
		p := path.Join(dir, name)
		switch {
		case strings.HasSuffix(name, ".tf.json"):
			errs = append(errs, errorf(policy.Position{Filename: r.show(p)}, "Terraform's JSON syntax (.tf.json) is not read: write the module in .tf files, or read the output of \"terraform show -json\""))
		case name == "override.tf" || strings.HasSuffix(name, "_override.tf"):
			errs = append(errs, errorf(policy.Position{Filename: r.show(p)}, "override files are not read: Terraform merges them into the resources of the module; read the output of \"terraform show -json\""))
		}
		names = append(names, p)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	if len(names) > MaxFiles {
		return nil, ErrorList{errorf(policy.Position{Filename: r.show(dir)}, "the module has %d .tf files, more than the limit of %d", len(names), MaxFiles)}
	}
	if len(names) == 0 {
		return nil, ErrorList{errorf(policy.Position{Filename: r.show(dir)}, "no .tf file in the directory")}
	}
	sort.Strings(names)
	return r.readHCLFiles(dir, names)
}
