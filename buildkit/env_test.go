package buildkit_test

import (
	"os"
	"testing"
)

// devStack returns buildkitd's address and the registry's. Without them
// the test skips, except under CI=true, where a missing service is a
// failure.
func devStack(t *testing.T) (buildkitAddr, registry string) {
	t.Helper()
	buildkitAddr, registry = os.Getenv("OFC_BUILDKIT_ADDR"), os.Getenv("OFC_REGISTRY")
	if buildkitAddr != "" && registry != "" {
		return buildkitAddr, registry
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("OFC_BUILDKIT_ADDR or OFC_REGISTRY is not set, and CI=true requires BuildKit and the registry")
	}
	t.Skip("OFC_BUILDKIT_ADDR or OFC_REGISTRY is not set: run `make up` and `. .dev/env` to test against BuildKit")
	return "", ""
}
