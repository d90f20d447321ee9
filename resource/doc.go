// Package resource parses LaunchDarkly resource specifiers and concrete
// resources, and compiles specifiers into matchers.
//
// A specifier names a set of resources:
//
//	proj/*:env/production:flag/*           every flag of every production environment
//	proj/*:env/*;qa_*                      environments with a tag that starts with qa_
//	proj/*:env/*;{critical:true}:flag/*    flags in critical environments
//	proj/*:env/*:flag/*;view:checkout      flags linked to the checkout view
//	proj/*:env/*:segment/*;view:checkout   segments linked to the checkout view
//	proj/${roleAttribute/projects}         the projects bound to a role attribute
//	proj/*;${roleAttribute/domain}         projects with a tag bound to a role attribute
//	acct                                   the account: a type alone, without a name
//	ip-allowlist                           the IP allowlist, also a type alone
//	*                                      everything
//
// [Parse] turns one into an immutable [Specifier] tree whose String is the
// text it came from; [Compile] turns the tree into a [Matcher]. The grammar,
// with its edge cases, is in the documentation of Parse. Compile binds role
// attributes: each value is a pattern, matched as the text it stands for
// would be ("team-*"), and a list of values matches when one of them does.
//
// A concrete resource is the resource of an access, such as
// "proj/default:env/production:flag/dark-mode". [ParseConcrete] reads it,
// with optional inline metadata ("env/qa;qa_test,{critical:true}"), into a
// [Concrete] without allocating; [Concrete.Resolve] asks a [Resolver] for the
// metadata of the segments that carry none. A segment without ';' has
// unknown metadata, and [Matcher.Match] answers [match.Unknown] when the
// answer depends on it.
//
// Matching has no hierarchy: a specifier matches only resources with the
// same number of segments and the same types in the same order, every name
// pattern matching its key and every modifier holding. Types and scoping are
// not checked: LaunchDarkly adds resource types over time, so an unknown
// type parses and matches resources of exactly its shape. An [Index] builds
// on that to test one resource against many lists of matchers, such as the
// statements of a policy, quickly: it sorts the matchers by shape, and tests
// only those of the resource's.
//
// Inputs are bounded by [MaxLength], [MaxSegments], [MaxModifiers] and
// [MaxMetadata]; each bound has its own [SyntaxError].
package resource
