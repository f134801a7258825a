package buildkit_test

import (
	"testing"

	"github.com/ofcbuild/ofc/internal/testenv"
)

// devStack returns buildkitd's address and the registry's (see
// testenv.Require).
func devStack(t *testing.T) (buildkitAddr, registry string) {
	t.Helper()
	env := testenv.Require(t, "OFC_BUILDKIT_ADDR", "OFC_REGISTRY")
	return env["OFC_BUILDKIT_ADDR"], env["OFC_REGISTRY"]
}
