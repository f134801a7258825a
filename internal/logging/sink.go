package logging

import (
	"context"
	"log/slog"

	"github.com/ofcbuild/ofc/pipeline"
)

// Sink writes build log lines to a structured logger, tagged with build,
// function and step.
type Sink struct {
	Logger *slog.Logger
}

var _ pipeline.LogSink = Sink{}

// Flush implements pipeline.LogSink: lines are written as they come.
func (Sink) Flush(context.Context, int64, bool) {}

// Line implements pipeline.LogSink.
func (s Sink) Line(ctx context.Context, buildID int64, function string, step pipeline.Step, text string) {
	s.Logger.InfoContext(ctx, text, "build_id", buildID, "function", function, "step", step)
}
