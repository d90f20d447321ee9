package main

import (
	"os"
	"testing"
)

// runAsLdpolicy set in the environment makes the test binary run as
// ldpolicy itself, so that tests can measure or kill a process of its own
// (see TestHugeIDsMemory and TestServeRedisInstances).
const runAsLdpolicy = "LDPOLICY_TEST_RUN_AS_LDPOLICY"

func TestMain(m *testing.M) {
	if os.Getenv(runAsLdpolicy) == "1" {
		main()
	}
	os.Exit(m.Run())
}
