// Package test runs the build service end to end against the real
// services of the dev stack (`make up`): Postgres, NATS JetStream,
// BuildKit, the registry and the gateway (localfaas on containerd). Only the GitHub API is a double.
package test

import (
	"path/filepath"
	"runtime"
	"testing"

	"github.com/ofcbuild/ofc/internal/testenv"
)

// services are the dev stack's addresses.
type services struct {
	DatabaseURL, NATSURL, BuildKitAddr, Registry string
	GatewayURL, GatewayUser, GatewayPassword     string
	// ContainerdAddr is where the gateway runs the functions.
	ContainerdAddr string
	// BuildCAFile is the CA bundle builds trust, to reach the package
	// registries through this machine's TLS proxy.
	BuildCAFile string
}

// requireServices returns the dev stack's addresses; see testenv.Require
// for what happens when they are unknown.
func requireServices(t testing.TB) services {
	t.Helper()
	v := testenv.Require(t, "OFC_DATABASE_URL", "OFC_NATS_URL", "OFC_BUILDKIT_ADDR", "OFC_REGISTRY",
		"OFC_GATEWAY_URL", "OFC_GATEWAY_USER", "OFC_GATEWAY_PASSWORD", "OFC_CONTAINERD_ADDR", "OFC_BUILD_CA_FILE")
	return services{
		DatabaseURL: v["OFC_DATABASE_URL"], NATSURL: v["OFC_NATS_URL"],
		BuildKitAddr: v["OFC_BUILDKIT_ADDR"], Registry: v["OFC_REGISTRY"],
		GatewayURL: v["OFC_GATEWAY_URL"], GatewayUser: v["OFC_GATEWAY_USER"],
		GatewayPassword: v["OFC_GATEWAY_PASSWORD"], ContainerdAddr: v["OFC_CONTAINERD_ADDR"],
		BuildCAFile: v["OFC_BUILD_CA_FILE"],
	}
}

// moduleRoot is the directory of go.mod.
func moduleRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..")
}
