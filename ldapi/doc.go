// Package ldapi reads what a policy tool needs from LaunchDarkly's REST
// API: the audit log, webhooks, custom roles, members and teams.
//
// # Client
//
// A [Client] authenticates with a personal or service access token, sent
// as LaunchDarkly asks, in the header "Authorization: <token>" (no
// "Bearer"), and asks for API version [APIVersion] in the LD-API-Version
// header. It talks to the commercial instance, app.launchdarkly.com, unless
// told otherwise: federal accounts use app.launchdarkly.us ([FederalHost])
// and EU accounts app.eu.launchdarkly.com ([EUHost]). [NewFromEnv] reads
// the token and host from the variables of LaunchDarkly's Terraform
// provider, LAUNCHDARKLY_ACCESS_TOKEN and LAUNCHDARKLY_API_HOST.
//
// The token never appears in what the package returns: not in errors
// (an answer that quotes it has it replaced), not when a Client is
// printed.
//
// # Politeness and bounds
//
// Every request takes a context, and a canceled context stops the call at
// once: no retry, no wait follows it. A 429 answer waits until the
// X-Ratelimit-Reset time that LaunchDarkly sends (Unix milliseconds), or
// for Retry-After, or else backs off, always with jitter; one call of a
// method waits for rate limits at most Options.MaxWait in all, and fails
// with a [*RateLimitError] rather than start a wait that would exceed it.
// Network errors, timeouts and 500, 502, 503 and 504 answers are retried
// with exponential backoff and jitter, or after their Retry-After when it
// asks for longer (counted with the waits for rate limits),
// Options.MaxAttempts attempts in all.
// A 401 or 403 answer fails at once with a [*StatusError] that says what
// to check: the token, its role's permissions, and the host (an EU or
// federal account's token is unknown to the commercial instance). Other
// answers that are not a success fail with LaunchDarkly's error code and
// message.
//
// Every response body is read up to Options.MaxBodySize (32 MiB by
// default), and every listing up to Options.MaxPages pages (10000 by
// default); a [*LimitError] names the bound that was hit.
//
// # Audit log
//
// [Client.AuditLog] lists the entries of a window, oldest first, each
// once, as the raw JSON that package event reads; [Client.SearchAuditLog]
// lists those that LaunchDarkly selects with a list of policy statements.
// Both are iterators. Their documentation says how they page, and what
// they hold in memory to give the entries oldest first when LaunchDarkly
// lists them newest first.
//
// # Roles, members and teams
//
// [Client.Role], [Client.Roles] and [Client.Webhook], [Client.Webhooks]
// return LaunchDarkly's objects with their raw JSON, which policy.Load,
// policy.ParseFile and webhook.ReadConfigs read with positions.
// [Client.Access] builds the access of a member from their roles and
// teams, as the package policy combines roles: see [Access].
// [Client.Snapshot] takes the members with the teams and roles they hold,
// which a file keeps ([Snapshot.WriteTo], [ReadSnapshot]), so that
// [Snapshot.Access] builds the same access offline, with the same code.
package ldapi
