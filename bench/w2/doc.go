// Package w2 holds workload W2: loading and compiling 10,000 generated
// webhook and custom-role policies (workload.W2Policies) with policy.Load,
// beside plain encoding/json decoding of the same files. Its benchmark is in
// the test files: go test -run '^$' -bench W2 -benchmem ./w2
package w2
