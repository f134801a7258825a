package watchdog

import (
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sync/atomic"
)

// health is whether the watchdog should be sent traffic: it is serving
// (its function ready, no drain begun) and, unless suppress_lock is set,
// its lock file exists. The file is what exec health checks
// (fwatchdog -run-healthcheck, [ -e /tmp/.lock ]) look at, and removing it
// is how a drain tells the orchestrator first.
type health struct {
	lockPath  string
	suppress  bool
	accepting atomic.Bool
}

// removeStale removes a lock file left by an earlier run in the same
// filesystem (a restarted container keeps /tmp), which would otherwise
// report the function healthy before it is ready.
func (h *health) removeStale() error {
	if h.suppress {
		return nil
	}
	if err := os.Remove(h.lockPath); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove stale lock file %s: %w", h.lockPath, err)
	}
	return nil
}

// markReady writes the lock file and starts reporting healthy.
func (h *health) markReady() error {
	if !h.suppress {
		if err := os.MkdirAll(filepath.Dir(h.lockPath), 0o755); err != nil {
			return fmt.Errorf("write lock file %s (set suppress_lock=true to run without one): %w", h.lockPath, err)
		}
		if err := os.WriteFile(h.lockPath, nil, 0o660); err != nil {
			return fmt.Errorf("write lock file %s (set suppress_lock=true to run without one): %w", h.lockPath, err)
		}
	}
	h.accepting.Store(true)
	return nil
}

// markUnhealthy stops reporting healthy and removes the lock file.
func (h *health) markUnhealthy() error {
	h.accepting.Store(false)
	if h.suppress {
		return nil
	}
	if err := os.Remove(h.lockPath); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove lock file %s: %w", h.lockPath, err)
	}
	return nil
}

// ok reports whether the watchdog is healthy. With suppress_lock it is
// healthy once serving, as of-watchdog's README says; its code checks the
// file even then, so that such a function never turned healthy.
func (h *health) ok() bool {
	return h.accepting.Load() && (h.suppress || LockFilePresent(h.lockPath))
}

// LockFilePresent reports whether the lock file at path exists: the
// answer of -run-healthcheck.
func LockFilePresent(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// healthHandler answers /_/health: 200 OK while healthy, 503 otherwise.
func healthHandler(h *health) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			w.WriteHeader(http.StatusMethodNotAllowed)
			return
		}
		if !h.ok() {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte("OK"))
	}
}

// readyHandler answers /_/ready as of-watchdog does (pkg/readiness.go):
// 503 while not healthy, 429 while max_inflight requests are in flight, so
// that a load balancer sends the next one elsewhere; then, with
// ready_path, whatever the function answers at that path (not counted
// against max_inflight), and otherwise 200.
func readyHandler(h *health, limit *inflight, function http.Handler, readyPath string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method != http.MethodGet:
			w.WriteHeader(http.StatusMethodNotAllowed)
		case !h.ok():
			w.WriteHeader(http.StatusServiceUnavailable)
		case limit.full():
			w.WriteHeader(http.StatusTooManyRequests)
		case readyPath != "":
			req := r.Clone(r.Context())
			req.URL = &url.URL{Path: readyPath}
			req.RequestURI = readyPath
			req.Body, req.ContentLength = http.NoBody, 0
			function.ServeHTTP(w, req)
		default:
			w.WriteHeader(http.StatusOK)
		}
	}
}
