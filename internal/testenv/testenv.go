// Package testenv tells tests where the dev stack's services are. A test
// that needs one calls Require: when the service's address is unknown, the
// test fails under CI=true (a missing service is CI's fault, never a
// reason to pass) and skips otherwise, saying how to start it.
package testenv

import (
	"bufio"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// Require returns the values of keys (OFC_DATABASE_URL, OFC_REGISTRY, ...)
// from the environment or, where unset there, from the .dev/env file that
// `make up` writes. It fails or skips t when any is missing.
func Require(t testing.TB, keys ...string) map[string]string {
	t.Helper()
	file := devEnv()
	vals := make(map[string]string, len(keys))
	var missing []string
	for _, k := range keys {
		v := os.Getenv(k)
		if v == "" {
			v = file[k]
		}
		if v == "" {
			missing = append(missing, k)
		}
		vals[k] = v
	}
	if len(missing) > 0 {
		Missing(t, strings.Join(missing, ", ")+" unset: the dev stack is not running; start it with `make up`")
	}
	return vals
}

// Missing ends t for want of something it needs, msg saying what and how
// to get it: a failure under CI=true, where a missing service is CI's
// fault, a skip otherwise.
func Missing(t testing.TB, msg string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

// Get is Require for one key.
func Get(t testing.TB, key string) string {
	t.Helper()
	return Require(t, key)[key]
}

// devEnv reads the `export K='V'` lines of .dev/env at the module root.
func devEnv() map[string]string {
	_, file, _, _ := runtime.Caller(0)
	f, err := os.Open(filepath.Join(filepath.Dir(file), "..", "..", ".dev", "env"))
	if err != nil {
		return nil
	}
	defer f.Close()
	out := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimPrefix(strings.TrimSpace(sc.Text()), "export ")
		if k, v, ok := strings.Cut(line, "="); ok && !strings.HasPrefix(k, "#") {
			out[k] = strings.Trim(v, `"'`)
		}
	}
	return out
}
