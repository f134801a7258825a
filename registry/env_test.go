package registry

import (
	"os"
	"testing"
)

// registryAddr is the dev registry's address. Without it the test skips,
// except under CI=true, where a missing service is a failure.
func registryAddr(t *testing.T) string {
	t.Helper()
	addr := os.Getenv("OFC_REGISTRY")
	if addr == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("OFC_REGISTRY is not set, and CI=true requires the registry")
		}
		t.Skip("OFC_REGISTRY is not set: run `make up` and `. .dev/env` to test against the registry")
	}
	return addr
}
