// Package w1 runs workload W1 (see workload.W1Policy) in ldpolicy and in
// peer engines, each given the policy as that engine's users would write
// it, so that their timings compare the same decisions.
//
// W1 is ten LaunchDarkly policy statements: globs in resource names and in
// actions, four deny statements (one with notResources) that override six
// allow statements (one with notActions), and default deny. A resource
// specifier matches a resource of the same segments and types whose names
// match, '*' never crossing ':'.
//
// The engines, each built once before any timing:
//
//   - ldpolicy: this project's policy.Load and Set.Decide, on W1Policy as is.
//   - floor: W1Policy written by hand as string comparisons; nothing general
//     can be faster.
//   - regexp: a naive loop over statements with anchored regular
//     expressions ('*' as [^:]* in resources, .* in actions).
//   - gobwas: the same loop over github.com/gobwas/glob patterns, resources
//     compiled with ':' as separator.
//   - cedar: Cedar policies (github.com/cedar-policy/cedar-go); each
//     resource shape is an entity type with its keys as attributes, action
//     globs are `like` on the action name in the context.
//   - opa: a prepared Rego query (github.com/open-policy-agent/opa), one rule
//     per statement with glob.match, deny overriding allow.
//   - casbin: a Casbin model (github.com/casbin/casbin/v2) with one policy
//     row per statement, globMatch and deny-override effect.
//   - ladon: ory/ladon v1.3.0 policies with <regex> templates; notResources
//     and notActions are custom Conditions.
//   - minio: an S3 IAM policy for github.com/minio/pkg/v3/policy, with
//     resources as objects in a bucket named by segment count and actions
//     mapped to S3 actions by class. minio/pkg is AGPL-licensed and is
//     used here for benchmarking only: this benchmark module is separate,
//     and the ldpolicy library neither imports nor ships it.
//
// Each file says how the policy's constructs map onto its engine. No
// engine is timed unless every engine decides every probe of
// workload.W1Parity as LaunchDarkly does: TestParity checks it, and
// BenchmarkW1 checks it again before timing.
package w1
