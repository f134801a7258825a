package registry

import (
	"testing"

	"github.com/ofcbuild/ofc/internal/testenv"
)

// registryAddr is the dev registry's address (see testenv.Require).
func registryAddr(t *testing.T) string {
	t.Helper()
	return testenv.Get(t, "OFC_REGISTRY")
}
