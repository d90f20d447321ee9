// Package policysource resolves what names a policy, on ldpolicy's command
// line and in policy tests, into the policies it holds:
//
//   - a policy file: JSON, as LaunchDarkly's REST API writes policies, or
//     "-" for stdin;
//   - a Terraform source: a .tf file, a module directory (every .tf file
//     in it, as Terraform reads a module), or a file that holds the output
//     of "terraform show -json", a plan or the state. That output is told
//     from a policy file by its content, not its name: a JSON object with
//     "format_version" and "planned_values", "values" or
//     "resource_changes".
//
// A Terraform source may be followed by "#ADDRESS", the Terraform address
// of one of its policy-bearing resources: main.tf#launchdarkly_webhook.prod,
// plan.json#module.ld.launchdarkly_custom_role.ops. Without one, a source
// that holds exactly one such resource names it, and Source.One reports a
// source that holds several as an error that lists their addresses.
//
// Terraform sources are read from disk by package terraform, which locates
// every problem in the .tf file.
//
// An argument that starts with "ld:" names objects of a LaunchDarkly
// account, which the function of Reader.Account reads with its REST API
// (package internal/ldsource, on package ldapi), so that this package and
// its users need no HTTP client:
//
//   - ld:webhook/ID, a webhook, read as a policy file of its JSON;
//   - ld:webhooks, every webhook of the account, each named
//     ld:webhook/ID; Source.One reports an account with several as an
//     error that lists their IDs, as it does a Terraform source;
//   - ld:role/KEY, a custom role (by key or ID), read as a policy file of
//     its JSON, and held as LaunchDarkly holds it with ldapi.Role.Grant;
//   - ld:team/KEY and ld:member/ID-or-EMAIL, a team or a member, who hold
//     roles: their access is built with ldsource.Holder.Access.
//
// A file whose name starts with "ld:" is named "./ld:...".
package policysource

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/ldpolicy/ldpolicy/terraform"
)

// Source is what one argument names.
type Source struct {
	// Name is the path of the argument, without #ADDRESS; "<stdin>" for
	// "-".
	Name string
	// Address is the #ADDRESS of the argument, without the "#"; empty
	// when it has none.
	Address string
	// Data is the content of a policy file; nil for a Terraform source.
	Data []byte
	// Terraform is the Terraform source; nil for a policy file.
	Terraform *terraform.Source
	// Account is what an ld: argument names; nil for a file or a
	// Terraform source.
	Account *Account

	path string // as the argument gives it: "-" for stdin
}

// Policy is one policy of a source: the policy file, or one
// policy-bearing resource of a Terraform source.
type Policy struct {
	// Name names the policy: the policy file, or the Terraform source and
	// the resource's address, as "main.tf#launchdarkly_webhook.prod", which
	// names the resource as an argument.
	Name string
	// Source is the Name of the source the policy is in.
	Source string
	// Data is the content of a policy file; nil for a resource.
	Data []byte
	// Resource is the Terraform resource, with its Policy, its Team or
	// its Err; nil for a policy file.
	Resource *terraform.Resource
	// Object is the object of a LaunchDarkly account that an ld: argument
	// names: its webhook or custom role (whose JSON is Data), or the team
	// or member who holds roles (without Data). Package internal/ldsource
	// makes them and reads them back; nil for other arguments.
	Object any
}

// Reader reads what arguments name.
type Reader struct {
	// File reads a file, or stdin for "-"; its errors are returned as
	// they are.
	File func(name string) ([]byte, error)
	// Account reads what the ld: argument arg names in a LaunchDarkly
	// account (ldsource.Reader makes one). Open calls it for ld: arguments
	// only, so that reading no other needs an access token; nil makes ld:
	// arguments an error.
	Account func(ctx context.Context, arg string) (*Account, error)
}

// Open reads the source that arg names: a policy file, "-" for stdin, a
// Terraform source, with an optional #ADDRESS, or the objects of a
// LaunchDarkly account that an ld: argument names. r.File reads a file,
// or stdin for "-". A .tf file, and a directory that holds .tf files, are
// read with terraform.Read; any other file with r.File, and then as the
// output of terraform show -json when its content is that (see
// IsShowJSON), or else as a policy file, left undecoded in Source.Data.
// An ld: argument is read with r.Account, within ctx (see the package
// documentation).
//
// The error is one of r.File, one of package terraform (a
// terraform.ErrorList, every problem located, for a source that cannot be
// read as a whole, such as one with a syntax error), one of r.Account, or says why arg names no
// source: a directory without .tf files, an #ADDRESS after a policy file,
// an ld: argument of the wrong shape.
func Open(ctx context.Context, arg string, r Reader) (*Source, error) {
	if IsAccount(arg) {
		if _, _, err := SplitAccount(arg); err != nil {
			return nil, err
		}
		if r.Account == nil {
			return nil, fmt.Errorf("%s names an object of a LaunchDarkly account, which is not read here: name a policy file, or a Terraform source", arg)
		}
		a, err := r.Account(ctx, arg)
		if err != nil {
			return nil, err
		}
		return &Source{Name: arg, path: arg, Account: a}, nil
	}
	read := r.File
	path, addr := Split(arg)
	s := &Source{Name: path, Address: addr, path: path}
	if path == "-" {
		s.Name = "<stdin>"
	} else if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		if !HasTerraformFiles(path) {
			return nil, fmt.Errorf("%s is a directory without .tf files: name a policy file, or a Terraform module directory", path)
		}
		return s.readTerraform(path)
	} else if IsTerraformFile(path) {
		return s.readTerraform(path)
	}
	data, err := read(path)
	if err != nil {
		return nil, err
	}
	if IsShowJSON(data) {
		if s.Terraform, err = terraform.ParseJSON(s.Name, data); err != nil {
			return nil, err
		}
		return s, nil
	}
	if addr != "" {
		return nil, fmt.Errorf("%s is a policy file, not a Terraform source: #%s selects a resource of a .tf file, a module directory or the output of terraform show -json", s.Name, addr)
	}
	s.Data = data
	return s, nil
}

func (s *Source) readTerraform(path string) (*Source, error) {
	src, err := terraform.Read(path)
	if err != nil {
		return nil, err
	}
	s.Terraform = src
	return s, nil
}

// Split splits an argument into the path it names and the #ADDRESS after
// it, without the "#". A path may hold "#" too: the address starts after
// the first "#" before which the argument names a file or directory that
// exists, or after the first "#" when none does; an argument that names
// one whole has no address.
func Split(arg string) (path, addr string) {
	if !strings.Contains(arg, "#") || arg != "-" && exists(arg) {
		return arg, ""
	}
	first := -1
	for i := 0; i < len(arg); i++ {
		if arg[i] != '#' {
			continue
		}
		if first < 0 {
			first = i
		}
		if p := arg[:i]; p == "-" || exists(p) {
			return p, arg[i+1:]
		}
	}
	return arg[:first], arg[first+1:]
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// IsTerraformFile reports whether a name is that of a file of Terraform's
// syntax: NAME.tf, or NAME.tf.json (which package terraform reports as not
// read).
func IsTerraformFile(name string) bool {
	return strings.HasSuffix(name, ".tf") || strings.HasSuffix(name, ".tf.json")
}

// HasTerraformFiles reports whether the directory dir holds a Terraform
// file (IsTerraformFile), which makes it a module.
func HasTerraformFiles(dir string) bool {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	for _, e := range entries {
		if !e.IsDir() && IsTerraformFile(e.Name()) && !strings.HasPrefix(e.Name(), ".") {
			return true
		}
	}
	return false
}

// IsShowJSON reports whether data is the output of terraform show -json:
// a JSON object with "format_version" and at least one of
// "planned_values" and "resource_changes" (a plan) or "values" (the
// state).
func IsShowJSON(data []byte) bool {
	var top map[string]json.RawMessage
	if json.Unmarshal(data, &top) != nil {
		return false
	}
	_, version := top["format_version"]
	_, planned := top["planned_values"]
	_, changes := top["resource_changes"]
	_, values := top["values"]
	return version && (planned || changes || values)
}

// Policies returns the policies of the source: the policy file; the
// resource at the address; or, without one, every policy-bearing resource
// of the Terraform source, in its order, those that could not be read
// included (with their Err); or what an ld: argument names (every webhook
// of the account for ld:webhooks). A Terraform source without such a
// resource, or without one at the address, is an error, and so is an
// account without webhooks for ld:webhooks.
func (s *Source) Policies() ([]Policy, error) {
	if s.Account != nil {
		return s.Account.Policies, nil
	}
	if s.Terraform == nil {
		return []Policy{{Name: s.Name, Source: s.Name, Data: s.Data}}, nil
	}
	if s.Address != "" {
		for _, r := range s.Terraform.Resources {
			if r.Address == s.Address {
				return []Policy{s.policy(r)}, nil
			}
		}
		_, err := s.Terraform.Resource(s.Address) // says what the source has
		return nil, err
	}
	if len(s.Terraform.Resources) == 0 {
		return nil, fmt.Errorf("%s has no policy-bearing resource (%s, %s, %s or %s)", s.Name, terraform.Webhook, terraform.CustomRole, terraform.TeamRoleMapping, terraform.Team)
	}
	out := make([]Policy, len(s.Terraform.Resources))
	for i, r := range s.Terraform.Resources {
		out[i] = s.policy(r)
	}
	return out, nil
}

func (s *Source) policy(r *terraform.Resource) Policy {
	return Policy{Name: s.Name + "#" + r.Address, Source: s.Name, Resource: r}
}

// One returns the one policy that the source names: the policy file, the
// resource at the address, the only policy-bearing resource of the
// Terraform source, or what an ld: argument names. A source with several
// is an error that lists their addresses, to select one with, and so is
// ld:webhooks for an account with several webhooks, listing their IDs.
func (s *Source) One() (Policy, error) {
	ps, err := s.Policies()
	if err != nil {
		return Policy{}, err
	}
	if len(ps) > 1 && s.Account != nil {
		return Policy{}, s.Account.Several
	}
	if len(ps) > 1 {
		addrs := make([]string, len(ps))
		for i, p := range ps {
			addrs[i] = p.Resource.Address
		}
		return Policy{}, fmt.Errorf("%s has %d policy-bearing resources: select one as %s#ADDRESS, with the address of one of %s", s.Name, len(ps), s.path, strings.Join(addrs, ", "))
	}
	return ps[0], nil
}
