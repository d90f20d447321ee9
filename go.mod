module github.com/ldpolicy/ldpolicy

go 1.24.0

require (
	github.com/gobwas/glob v1.1.0
	github.com/google/go-cmp v0.7.0
)

require github.com/leanovate/gopter v0.2.11

require go.yaml.in/yaml/v3 v3.0.6

require (
	github.com/hashicorp/hcl/v2 v2.24.0
	github.com/redis/go-redis/v9 v9.22.0
	github.com/zclconf/go-cty v1.16.3
	golang.org/x/tools v0.42.0
)

require (
	github.com/agext/levenshtein v1.2.1 // indirect
	github.com/apparentlymart/go-textseg/v15 v15.0.0 // indirect
	github.com/cespare/xxhash/v2 v2.3.0 // indirect
	github.com/mitchellh/go-wordwrap v1.0.1 // indirect
	go.uber.org/atomic v1.11.0 // indirect
	golang.org/x/mod v0.33.0 // indirect
	golang.org/x/sync v0.19.0 // indirect
	golang.org/x/sys v0.41.0 // indirect
	golang.org/x/text v0.25.0 // indirect
)
