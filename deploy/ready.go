package deploy

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ofcbuild/ofc/pipeline"
)

// WaitReady polls the gateway until name has an available replica.
//
// It gives up after the configured ReadyTimeout or when ctx ends, with an
// error that says the replica counts last seen. That error is Transient
// when the gateway itself was failing or ctx was cancelled (the service is
// stopping); a function that simply never became ready is not.
func (c *Client) WaitReady(ctx context.Context, name string) error {
	start := time.Now()
	wctx, cancel := context.WithTimeout(ctx, c.readyTimeout)
	defer cancel()
	tick := time.NewTicker(c.pollInterval)
	defer tick.Stop()

	var last Function
	var lastErr error
	for {
		fn, err := c.Get(wctx, name)
		switch {
		case err != nil && wctx.Err() != nil:
			// The poll was cut short by the deadline: what was seen
			// before is the answer.
			return notReady(ctx, wctx, name, time.Since(start), last, lastErr)
		case err == nil:
			last, lastErr = fn, nil
			if fn.AvailableReplicas >= 1 {
				return nil
			}
		case errors.Is(err, ErrNotFound) || pipeline.IsTransient(err):
			// Not visible yet, or the gateway hiccupped: both may pass.
			last, lastErr = Function{}, err
		default:
			return fmt.Errorf("wait for %s: %w", name, err)
		}
		select {
		case <-wctx.Done():
			return notReady(ctx, wctx, name, time.Since(start), last, lastErr)
		case <-tick.C:
		}
	}
}

func notReady(parent, wctx context.Context, name string, waited time.Duration, last Function, lastErr error) error {
	waited = waited.Round(100 * time.Millisecond)
	var err error
	switch {
	case lastErr != nil && !errors.Is(lastErr, ErrNotFound):
		err = fmt.Errorf("wait for %s: not ready after %s, last error: %w", name, waited, lastErr)
	case last.Name == "":
		err = fmt.Errorf("wait for %s: function not found on the gateway after %s: %w", name, waited, wctx.Err())
	default:
		err = fmt.Errorf("wait for %s: %d of %d replicas available after %s: %w",
			name, last.AvailableReplicas, last.Replicas, waited, wctx.Err())
	}
	if pipeline.IsTransient(lastErr) || errors.Is(parent.Err(), context.Canceled) {
		return pipeline.Transient(err)
	}
	return err
}
