package localfaas

import (
	"context"
	"errors"
	"fmt"
	"net/http"
)

// ErrNotStarted marks a Runtime error caused by the deployment itself: its
// container exited, never answered /_/health, or asked for limits that
// make no sense. The server answers 400 with the error's text and keeps
// the version that ran before.
var ErrNotStarted = errors.New("did not start")

// Runtime runs the recorded functions. The handlers record what was asked
// in the State first and then tell the Runtime, so the State is the desired
// state and a Runtime may be rebuilt from it (see Server.Restore).
//
// Implementations must be safe for concurrent use. An error from Apply or
// Remove is reported to the client as a 500, unless it wraps ErrNotStarted.
type Runtime interface {
	// Apply makes fn run as recorded: start it, replace its image or
	// configuration, or scale it to fn.Replicas. It returns once the new
	// replicas are ready; when they fail, what ran before keeps running.
	Apply(ctx context.Context, fn Function) error
	// Remove stops and forgets the function called name. Removing what
	// does not run is not an error.
	Remove(ctx context.Context, name string) error
	// Running names the functions the runtime has replicas of, including
	// any it adopted at start that the State may no longer record.
	Running(ctx context.Context) ([]string, error)
	// Available is how many replicas of fn are ready to serve.
	Available(ctx context.Context, fn Function) (uint64, error)
	// Invoke serves one call of fn; path is what follows /function/<name>.
	Invoke(w http.ResponseWriter, r *http.Request, fn Function, path string)
}

// NoRuntime records functions without running them. It reports every
// replica asked for as available, so that deploy-and-wait flows complete,
// and answers invocations with 503.
type NoRuntime struct{}

// Apply does nothing.
func (NoRuntime) Apply(context.Context, Function) error { return nil }

// Remove does nothing.
func (NoRuntime) Remove(context.Context, string) error { return nil }

// Running names none.
func (NoRuntime) Running(context.Context) ([]string, error) { return nil, nil }

// Available reports the recorded replica count.
func (NoRuntime) Available(_ context.Context, fn Function) (uint64, error) {
	return fn.Replicas, nil
}

// Invoke answers 503.
func (NoRuntime) Invoke(w http.ResponseWriter, _ *http.Request, fn Function, _ string) {
	http.Error(w, fmt.Sprintf("function %s is recorded, not run: this gateway runs with OFC_LOCALFAAS_RUNTIME=none", fn.Name()), http.StatusServiceUnavailable)
}
