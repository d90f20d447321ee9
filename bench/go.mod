module github.com/ldpolicy/ldpolicy/bench

go 1.24.0

require github.com/ldpolicy/ldpolicy v0.0.0

require github.com/gobwas/glob v1.1.0

replace github.com/ldpolicy/ldpolicy => ../
