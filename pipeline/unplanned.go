package pipeline

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// unplanned records a function the plan could not prepare (its Problem
// says why) as failed at the stack step, on its own commit status, and
// builds nothing of it; the build's other functions go on.
func (r *Runner) unplanned(ctx context.Context, log *slog.Logger, ev Event, spec FunctionSpec, fb FunctionBuild) functionResult {
	problem := errors.New(spec.Problem)
	now := time.Now().UTC()
	fb.State, fb.FailedStep, fb.Error = Failure, StepStack, r.cfg.Redact(spec.Problem)
	fb.StartedAt, fb.FinishedAt = &now, &now
	tail := &logTail{next: r.cfg.Logs}
	tail.Line(ctx, fb.BuildID, spec.Name, StepStack, "error: "+spec.Problem)
	log.Info("function failed", "step", StepStack, "err", spec.Problem)
	saved, err := r.cfg.Store.SaveFunctionBuild(ctx, fb)
	if err != nil {
		return functionResult{fb: fb, err: problem, storeErr: fmt.Errorf("record function %s: %w", spec.Name, err)}
	}
	r.cfg.Observer.FunctionDone(FunctionOutcome{State: Failure})
	st := CommitStatus{
		Context: r.functionContext(spec.Name), State: StatusFailure, TargetURL: r.cfg.TargetURL(fb.BuildID),
		Description: fmt.Sprintf("%s failed: %s", StepStack, Summary(problem)),
	}
	r.reporting(ctx, ev, fb.BuildID, spec.Name, st)
	st.Log = tail.String()
	r.report(ctx, log, ev, fb.BuildID, spec.Name, st)
	return functionResult{fb: saved, err: problem}
}
