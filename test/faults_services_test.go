package test

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ofcbuild/ofc/internal/testenv"
)

// requireStarted ends t when a service of the test's own did not start:
// a failure, or under testenv's rules a skip when what it runs on is not
// installed (missing says so).
func requireStarted(t *testing.T, what string, err error, missing bool) {
	t.Helper()
	switch {
	case err == nil:
	case missing:
		testenv.Missing(t, what+": "+err.Error())
	default:
		t.Fatalf("%s: %v", what, err)
	}
}

// setting is the value the system's processes get for key: the last one
// given, as os/exec keeps the last of duplicate variables.
func (s *system) setting(key string) string {
	v := ""
	for _, kv := range s.env {
		if k, val, ok := strings.Cut(kv, "="); ok && k == key {
			v = val
		}
	}
	return v
}

var natsdOnce struct {
	sync.Once
	path string
	err  error
}

// natsdBinary builds ./cmd/natsd next to the service's binaries, once.
func natsdBinary(t *testing.T) string {
	t.Helper()
	dir := filepath.Dir(binary(t, "webhook"))
	natsdOnce.Do(func() {
		natsdOnce.path = filepath.Join(dir, "natsd")
		cmd := exec.Command("go", "build", "-o", natsdOnce.path, "./cmd/natsd")
		cmd.Dir = moduleRoot()
		if out, err := cmd.CombinedOutput(); err != nil {
			natsdOnce.err = fmt.Errorf("go build ./cmd/natsd: %w\n%s", err, out)
		}
	})
	if natsdOnce.err != nil {
		t.Fatal(natsdOnce.err)
	}
	return natsdOnce.path
}

// holdUntil keeps a fault going until t: the length of an outage is part
// of the fault, not a wait for the system.
func holdUntil(t time.Time) { time.Sleep(time.Until(t)) }
