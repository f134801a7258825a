package pipeline

import (
	"context"
	"errors"
	"log/slog"
)

// supersededBy is the SupersededError that ended a run, from err or from
// the cause of ctx's end, or nil when a newer push had no part in it.
func supersededBy(ctx context.Context, err error) *SupersededError {
	var sup *SupersededError
	if errors.As(err, &sup) || errors.As(context.Cause(ctx), &sup) {
		return sup
	}
	return nil
}

// reportSuperseded says on the build's commit that a newer push made the
// build pointless, with a link to the build.
func (r *Runner) reportSuperseded(ctx context.Context, log *slog.Logger, req BuildRequest, sup *SupersededError) {
	st := CommitStatus{Context: r.cfg.StatusContext, State: StatusCancelled,
		Description: sup.Error(), TargetURL: r.cfg.TargetURL(req.BuildID)}
	r.reporting(ctx, req.Event, req.BuildID, "", st)
	r.report(ctx, log, req.Event, req.BuildID, "", st)
}
