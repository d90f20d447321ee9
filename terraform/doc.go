// Package terraform reads the policies of LaunchDarkly's Terraform provider
// resources from Terraform sources, with the place of every value, so that
// the problems that package policy and package lint find point at the line
// and column in the .tf file of the string at fault.
//
// [Read] reads a module directory (its .tf files in name order, as
// Terraform reads a module), one .tf file, or the output of terraform show
// -json, a plan or the state; [ReadFS] does so in an fs.FS and [ParseJSON]
// from memory. A [Source] lists the policy-bearing resources, and
// [Source.Resource] selects one by its address:
//
//   - launchdarkly_webhook: its policy filter, from statements, as a list
//     attribute (provider 3) or repeated statements blocks (provider 2), or
//     policy_statements (provider 1). No statements is no filter.
//   - launchdarkly_custom_role: its policy, from policy_statements (list or
//     blocks; policy blocks of provider 1), or policy_statements_json, a
//     string of JSON: quoted, a heredoc, jsonencode(…) of a literal value, or
//     file(…); its key, name and base_permissions. Base permissions that
//     the resource does not give are "reader", the provider's documented
//     default: [policy.File.RoleBasePermissions] reports them as given,
//     not assumed.
//   - launchdarkly_team_role_mapping (team_key) and launchdarkly_team
//     (key): the custom roles of a team, custom_role_keys, each a key or a
//     reference such as launchdarkly_custom_role.shared.key, and the
//     team's role_attributes, a map of keys to lists of values (provider
//     3) or key and values blocks. [TeamRoles.Member] makes the access of
//     the team's members in one call.
//
// Each resource's policy is a [policy.File] of kind policy.WebhookFile or
// policy.RoleFile, for [policy.File.Compile] and lint.Check. Statements
// take the snake_case field names of the provider (not_actions,
// not_resources), which package policy reads as aliases.
//
// # Values without running Terraform
//
// A .tf file is parsed with HCL's own parser (github.com/hashicorp/hcl/v2,
// which Terraform uses), and the attributes of these resources are
// evaluated statically, without variables: literal strings, numbers,
// booleans and null; lists, tuples and objects; quoted strings and
// heredocs, flush ("<<-") or not, with their escapes ("\n", "\u00e9",
// and "$${", which stands for "${" as in "$${roleAttribute/domain}");
// templates whose interpolations are themselves static; operators and
// conditionals on static values; jsonencode(…) of a static value; and
// file("path") relative to the module directory, where path.module stands
// for that directory.
//
// Anything else is known only when Terraform runs: variables (var.x),
// local values, module outputs, data sources, references to resources,
// count and each, for expressions, dynamic blocks and the other functions.
// Where a resource needs such a value, reading the resource fails with a
// problem located at the expression, which names it and says to read the
// output of terraform show -json, whose values Terraform resolved. Never is
// such a value skipped, nor a resource left out. Only what a policy needs
// stops a resource from being read: a webhook's url may be a variable.
// A role's name is descriptive, and left empty when not static. The other
// settings of a webhook (url, secret, on, name, tags), which deliveries
// need, are read alike, but a problem with them is reported only by
// Resource.Webhook.
//
// A reference in custom_role_keys to the key of a custom role resource of
// the module, launchdarkly_custom_role.NAME.key, is resolved to that
// resource; a key names the custom role resource of the source with that
// key. A key that no resource of the source has is not a problem of the
// team (the role may be managed outside Terraform), but [TeamRoles.Grants]
// then fails, naming the key where the team names it. A resource with
// count or for_each has the address of the resource, without an instance
// key. Child modules of a .tf module (module blocks), override files
// (*_override.tf) and Terraform's JSON syntax (.tf.json) are not read; the
// last two are errors, as reading without them could be wrong.
//
// # The output of terraform show -json
//
// The state lists resources under values.root_module, and child_modules
// recursively, with the full address ("module.ld.launchdarkly_custom_role.ops",
// with an instance key for count and for_each). A plan lists them in
// planned_values the same way, and in resource_changes with the values
// after the change (change.after). A resource is read from planned_values,
// and from resource_changes only when planned_values does not list it; one
// that the plan deletes (after is null) is not read, and neither is
// prior_state. A value that the plan marks as known only after apply
// (after_unknown) is a problem. In these values an unset list may be null
// or empty: a statement's empty lists are taken as unset, and so is an
// empty policy_statements beside a policy_statements_json, which the
// provider may both fill in (the first that is not empty is read). A key
// of custom_role_keys names a custom role of any module of the plan or
// state: keys are unique in a LaunchDarkly account.
//
// # Positions
//
// Statements, in whatever form, are written as JSON, each byte mapped to
// where it came from, and decoded by [policy.ParseDerived], so that every
// position that package policy or package lint gives, of a statement, a
// field, an element or the byte at fault inside a specifier, is one in the
// Terraform source: for a string, the byte of the source that the byte at
// fault came from; for an escape, its first byte; for a bare object key,
// the key. Positions count lines from 1 and columns in bytes from 1, as
// package policy does (HCL counts characters). They are exact for quoted
// strings, heredocs and flush heredocs, jsonencode(…) (the place of each
// value in HCL, not in the JSON it makes), JSON in a string, in a heredoc
// or in a file read by file(…) (past the escapes of both the string and
// the JSON), and the values of terraform show -json (past the escapes of
// a JSON string holding JSON). They are approximate, at the start of the
// expression, for a value that HCL evaluated as a whole (an operator or a
// conditional), and for the bytes of a string past its first 2^20 pieces
// (runs of plain text and escapes), which locate at the last piece.
//
// # Bounds
//
// Reading bounds the memory and time that its input can demand, each bound
// with its own error: a .tf file has at most [MaxHCLSize] bytes (HCL's
// parser takes a few hundred bytes of memory per byte of some inputs), a
// module at most [MaxFiles] .tf files, a file of JSON and a file read by
// file(…) at most [MaxFileSize] bytes, a string that jsonencode(…) or a
// template makes as much, and a source at most [MaxTotalSize] bytes in
// all, counting each file once and each policy decoded. Expressions and
// JSON nest at most [MaxDepth] deep; before HCL parses a file, a pass over
// its tokens checks that the parser, which recurses without a bound, will
// not overflow the stack, and that its strings and heredocs have few
// enough pieces for the parser, which joins them in quadratic time. file(…)
// reads only inside the module directory: a path that leaves it, an
// absolute path, and, with [Read], a symbolic link that leads out of it
// (files are opened in an os.Root) are problems. Terraform reads such
// files; reading policies from untrusted sources, this package does not.
//
// A [Source] is not changed once read, and is safe for concurrent use.
package terraform
