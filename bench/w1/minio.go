// This file uses github.com/minio/pkg/v3/policy, which is licensed under
// the GNU AGPL v3. It is used here for benchmarking only, in this separate
// benchmark module; the ldpolicy library neither imports nor ships it.

package w1

import (
	"strings"

	"github.com/minio/pkg/v3/policy"
)

// minio's policies are S3 IAM policies: actions are a closed set of S3
// names and resources are arn:aws:s3:::bucket/object patterns whose '*' and
// '?' match any characters, ':' and '/' included. W1Policy maps onto them
// as follows.
//
// Resources. A LaunchDarkly resource becomes the object
// "ld-<segments>/<resource>": the bucket names the number of segments, the
// object key is the resource string unchanged. A specifier becomes
// "arn:aws:s3:::ld-<segments>/<specifier>", its '*' left as is. S3's '*'
// would cross ':' (proj/* matching proj/p:env/e), but with the segment
// count fixed by the bucket, pattern and resource hold the same number of
// ':' and of '/', all of them literal in the pattern (keys hold neither),
// so no '*' can cover one: each stays within its name, as LaunchDarkly's
// does. notResources is S3's NotResource.
//
// Actions. S3 has no way to name LaunchDarkly actions, and its ~70 actions
// cannot stand for LaunchDarkly's 286 one to one. What W1Policy can tell
// actions apart by is small, though: the seven actions it names literally,
// and for every other action, which of its two action globs (update*,
// *Member*) it matches. Each of these eleven classes is one S3 object
// action (minioActions), an action glob becomes the list of the S3 actions
// of the classes it covers, '*' becomes s3:*, and notActions is S3's
// NotAction. Per request, the action is looked up among the literals and
// otherwise classified by the two globs, which the mapping has to do in Go
// because S3's action wildcards apply to S3 names, not LaunchDarkly ones.
// This is exact for every action, named in W1Policy or not.

// minioActions maps the LaunchDarkly actions W1Policy names literally to
// distinct S3 object actions that imply no other.
var minioActions = map[string]policy.Action{
	"createFlag":         "s3:PutObject",
	"deleteFlag":         "s3:DeleteObject",
	"updateOn":           "s3:PutObjectTagging",
	"updateOffVariation": "s3:PutObjectRetention",
	"viewProject":        "s3:GetObject",
	"updateName":         "s3:PutObjectLegalHold",
	"updateTags":         "s3:PutObjectVersionTagging",
}

// The S3 actions of the other actions, by the W1 action globs they match.
const (
	minioUpdate       policy.Action = "s3:RestoreObject"       // update* only
	minioMember       policy.Action = "s3:ReplicateObject"     // *Member* only
	minioUpdateMember policy.Action = "s3:ReplicateTags"       // both
	minioOther        policy.Action = "s3:GetObjectAttributes" // neither
)

// minioAction maps a LaunchDarkly action to its S3 action.
func minioAction(action string) policy.Action {
	if a, ok := minioActions[action]; ok {
		return a
	}
	update := strings.HasPrefix(action, "update") // update*
	member := strings.Contains(action, "Member")  // *Member*
	switch {
	case update && member:
		return minioUpdateMember
	case update:
		return minioUpdate
	case member:
		return minioMember
	}
	return minioOther
}

// minioPolicy is W1Policy as an S3 IAM policy, statement by statement.
const minioPolicy = `{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "0", "Effect": "Allow", "Action": ["s3:*"],
     "Resource": ["arn:aws:s3:::ld-3/proj/*:env/production:flag/*"]},
    {"Sid": "1", "Effect": "Allow",
     "Action": ["s3:PutObjectTagging", "s3:PutObjectRetention", "s3:PutObjectLegalHold", "s3:PutObjectVersionTagging", "s3:RestoreObject", "s3:ReplicateTags"],
     "Resource": ["arn:aws:s3:::ld-3/proj/mobile-*:env/*:flag/*"]},
    {"Sid": "2", "Effect": "Allow", "Action": ["s3:PutObject", "s3:DeleteObject"],
     "Resource": ["arn:aws:s3:::ld-3/proj/web:env/staging:flag/*"]},
    {"Sid": "3", "Effect": "Deny", "Action": ["s3:DeleteObject"],
     "Resource": ["arn:aws:s3:::ld-3/proj/*:env/production:flag/*"]},
    {"Sid": "4", "Effect": "Deny", "Action": ["s3:*"],
     "Resource": ["arn:aws:s3:::ld-3/proj/*:env/*:flag/*-internal"]},
    {"Sid": "5", "Effect": "Deny", "Action": ["s3:PutObjectTagging", "s3:PutObjectRetention"],
     "Resource": ["arn:aws:s3:::ld-3/proj/legacy-*:env/*:flag/*"]},
    {"Sid": "6", "Effect": "Deny", "Action": ["s3:*"],
     "NotResource": [
       "arn:aws:s3:::ld-1/proj/*",
       "arn:aws:s3:::ld-2/proj/*:env/*",
       "arn:aws:s3:::ld-3/proj/*:env/*:flag/*",
       "arn:aws:s3:::ld-3/proj/*:env/*:segment/*",
       "arn:aws:s3:::ld-1/member/*"]},
    {"Sid": "7", "Effect": "Allow", "NotAction": ["s3:GetObject"],
     "Resource": ["arn:aws:s3:::ld-1/proj/*"]},
    {"Sid": "8", "Effect": "Allow", "Action": ["s3:PutObjectLegalHold", "s3:PutObjectVersionTagging"],
     "Resource": ["arn:aws:s3:::ld-2/proj/*:env/*"]},
    {"Sid": "9", "Effect": "Allow", "Action": ["s3:ReplicateObject", "s3:ReplicateTags"],
     "Resource": ["arn:aws:s3:::ld-1/member/*"]}
  ]
}`

// minioBuckets names the bucket of a resource by its number of segments.
var minioBuckets = [...]string{"ld-0", "ld-1", "ld-2", "ld-3", "ld-4", "ld-5", "ld-6", "ld-7", "ld-8"}

// minioDeep is the bucket of resources deeper than minioBuckets names; no
// pattern names it.
const minioDeep = "ld-deep"

type minioEngine struct{ policy *policy.Policy }

func newMinio() (Engine, error) {
	p, err := policy.ParseConfig(strings.NewReader(minioPolicy))
	if err != nil {
		return nil, err
	}
	return &minioEngine{p}, nil
}

func (*minioEngine) Name() string { return "minio" }

func (e *minioEngine) Allowed(action, resource string) bool {
	bucket := minioDeep
	if n := strings.Count(resource, ":") + 1; n < len(minioBuckets) {
		bucket = minioBuckets[n]
	}
	return e.policy.IsAllowed(policy.Args{
		Action:     minioAction(action),
		BucketName: bucket,
		ObjectName: resource,
	})
}
