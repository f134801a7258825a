package localfaas

import (
	"context"
	"fmt"
	"net/http"
)

// Runtime runs the recorded functions. The handlers record what was asked
// in the State first and then tell the Runtime, so the State is the desired
// state and a Runtime may be rebuilt from it (see Server.Restore).
//
// Implementations must be safe for concurrent use. An error from Apply or
// Remove is reported to the client as a 500.
type Runtime interface {
	// Apply makes fn run as recorded: start it, replace its image or
	// configuration, or scale it to fn.Replicas.
	Apply(ctx context.Context, fn Function) error
	// Remove stops and forgets the function called name.
	Remove(ctx context.Context, name string) error
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

// Available reports the recorded replica count.
func (NoRuntime) Available(_ context.Context, fn Function) (uint64, error) {
	return fn.Replicas, nil
}

// Invoke answers 503.
func (NoRuntime) Invoke(w http.ResponseWriter, _ *http.Request, fn Function, _ string) {
	http.Error(w, fmt.Sprintf("function %s is not running (no runtime yet)", fn.Name()), http.StatusServiceUnavailable)
}
