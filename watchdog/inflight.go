package watchdog

import (
	"fmt"
	"net/http"
	"sync/atomic"
)

// inflight counts the function requests being served and, with a limit,
// turns away those beyond it. Turning away rather than queueing is the
// originals' contract (faas-middleware's concurrency limiter): the 429
// tells the gateway or queue worker to retry, perhaps on another replica.
type inflight struct {
	max int64 // 0: no limit
	n   atomic.Int64
}

// full reports whether a new request would be turned away.
func (l *inflight) full() bool {
	return l.max > 0 && l.n.Load() >= l.max
}

// count is how many requests are in flight.
func (l *inflight) count() int64 { return l.n.Load() }

// wrap serves next within the limit.
func (l *inflight) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := l.n.Add(1)
		// Deferred, so that a handler aborting its answer with a panic
		// (http.ErrAbortHandler) still gives its place back.
		defer l.n.Add(-1)
		if l.max > 0 && n > l.max {
			w.Header().Set("Content-Type", "text/plain")
			w.Header().Set("X-OpenFaaS-Internal", internalHeaderValue)
			w.WriteHeader(http.StatusTooManyRequests)
			fmt.Fprintf(w, "Concurrent request limit exceeded. Max concurrent requests: %d\n", l.max)
			return
		}
		next.ServeHTTP(w, r)
	})
}
