// Package test runs the build service end to end against the real
// services of the dev stack (`make up`): Postgres, NATS JetStream,
// BuildKit, the registry and the gateway. Only the GitHub API is a double.
package test

import (
	"bufio"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// services are the dev stack's addresses, from the environment or, when
// unset there, from the .dev/env file that `make up` writes.
type services struct {
	DatabaseURL, NATSURL, BuildKitAddr, Registry string
	GatewayURL, GatewayUser, GatewayPassword     string
}

var serviceKeys = []string{"OFC_DATABASE_URL", "OFC_NATS_URL", "OFC_BUILDKIT_ADDR", "OFC_REGISTRY",
	"OFC_GATEWAY_URL", "OFC_GATEWAY_USER", "OFC_GATEWAY_PASSWORD"}

// requireServices returns the dev stack's addresses. When they are not
// known it fails under CI=true and skips otherwise.
func requireServices(t *testing.T) services {
	t.Helper()
	vals := map[string]string{}
	for k, v := range devEnvFile() {
		vals[k] = v
	}
	for _, k := range serviceKeys {
		if v := os.Getenv(k); v != "" {
			vals[k] = v
		}
	}
	var missing []string
	for _, k := range serviceKeys {
		if vals[k] == "" {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		msg := "the dev stack is not running (" + strings.Join(missing, ", ") + " unset): run `make up`"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return services{
		DatabaseURL: vals["OFC_DATABASE_URL"], NATSURL: vals["OFC_NATS_URL"],
		BuildKitAddr: vals["OFC_BUILDKIT_ADDR"], Registry: vals["OFC_REGISTRY"],
		GatewayURL: vals["OFC_GATEWAY_URL"], GatewayUser: vals["OFC_GATEWAY_USER"],
		GatewayPassword: vals["OFC_GATEWAY_PASSWORD"],
	}
}

// devEnvFile reads the `export K=V` lines of .dev/env at the module root.
func devEnvFile() map[string]string {
	_, file, _, _ := runtime.Caller(0)
	f, err := os.Open(filepath.Join(filepath.Dir(file), "..", ".dev", "env"))
	if err != nil {
		return nil
	}
	defer f.Close()
	out := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimPrefix(strings.TrimSpace(sc.Text()), "export ")
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		out[k] = strings.Trim(v, `"'`)
	}
	return out
}

// moduleRoot is the directory of go.mod.
func moduleRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..")
}
