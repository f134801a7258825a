package api

import (
	"context"
	"net/http"
	"sync"
	"time"
)

// Check is one dependency's readiness: nil when it is usable.
type Check func(ctx context.Context) error

// Healthz serves GET /healthz: the process is up.
func Healthz(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// Readyz serves GET /readyz: 200 when every named check passes within
// timeout, 503 with each failure otherwise.
func Readyz(checks map[string]Check, timeout time.Duration) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), timeout)
		defer cancel()
		var mu sync.Mutex
		var wg sync.WaitGroup
		result := map[string]string{}
		ok := true
		for name, check := range checks {
			wg.Add(1)
			go func() {
				defer wg.Done()
				msg := "ok"
				err := check(ctx)
				if err != nil {
					msg = err.Error()
				}
				mu.Lock()
				defer mu.Unlock()
				result[name] = msg
				ok = ok && err == nil
			}()
		}
		wg.Wait()
		code := http.StatusOK
		if !ok {
			code = http.StatusServiceUnavailable
		}
		writeJSON(w, code, result)
	}
}
