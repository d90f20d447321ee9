module github.com/ldpolicy/ldpolicy

go 1.24.0

require (
	github.com/gobwas/glob v1.1.0
	github.com/google/go-cmp v0.7.0
)

require github.com/leanovate/gopter v0.2.11

require go.yaml.in/yaml/v3 v3.0.6

require (
	github.com/redis/go-redis/v9 v9.22.0
	golang.org/x/tools v0.42.0
)

require (
	github.com/cespare/xxhash/v2 v2.3.0 // indirect
	go.uber.org/atomic v1.11.0 // indirect
	golang.org/x/sys v0.41.0 // indirect
)
