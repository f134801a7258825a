package pipeline

import (
	"context"
	"time"
)

// BuildTrace lets an ImageBuilder say what it timed inside one Build, as
// net/http/httptrace does for a request: the runner puts one in the
// context it calls Build with, and a builder that can tell calls its
// hooks. Build's signature stays what every builder can honour.
type BuildTrace struct {
	// Pushed says how long the build's export step took, which pushes
	// the image: BuildKit's own timing of it. Called before Build
	// returns, at most once, from any goroutine.
	Pushed func(d time.Duration)
}

type buildTraceKey struct{}

// WithBuildTrace returns ctx carrying t.
func WithBuildTrace(ctx context.Context, t *BuildTrace) context.Context {
	return context.WithValue(ctx, buildTraceKey{}, t)
}

// BuildTraceFrom returns the BuildTrace ctx carries, nil when none.
func BuildTraceFrom(ctx context.Context) *BuildTrace {
	t, _ := ctx.Value(buildTraceKey{}).(*BuildTrace)
	return t
}
