// Package retry waits for a dependency to come up at start, so that the
// services can be started in any order.
package retry

import (
	"context"
	"fmt"
	"log/slog"
	"time"
)

// Value calls fn until it succeeds or wait has passed, backing off from
// 200ms to 5s between tries, and returns the last error when it gives up.
func Value[T any](ctx context.Context, log *slog.Logger, what string, wait time.Duration, fn func(context.Context) (T, error)) (T, error) {
	deadline := time.Now().Add(wait)
	delay := 200 * time.Millisecond
	for {
		v, err := fn(ctx)
		if err == nil {
			return v, nil
		}
		if time.Now().Add(delay).After(deadline) || ctx.Err() != nil {
			var zero T
			return zero, fmt.Errorf("%s not available after %s: %w", what, wait, err)
		}
		log.Warn("waiting for dependency", "dependency", what, "err", err, "retry_in", delay)
		select {
		case <-ctx.Done():
			var zero T
			return zero, ctx.Err()
		case <-time.After(delay):
		}
		delay = min(delay*2, 5*time.Second)
	}
}
