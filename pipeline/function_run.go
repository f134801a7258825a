package pipeline

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"time"
)

// functionResult is how one function's build ended. err is the failure as
// returned by the stage; storeErr means its record could not be saved.
type functionResult struct {
	fb       FunctionBuild
	err      error
	storeErr error
}

// runFunction builds, pushes, deploys and waits for one function. A user
// failure is recorded on the function build and reported on its context;
// a transient one is returned for the whole build to be retried.
func (r *Runner) runFunction(ctx context.Context, log *slog.Logger, ev Event, lin *lineage, spec FunctionSpec, fb FunctionBuild) functionResult {
	now := time.Now().UTC()
	fb.State, fb.StartedAt = Running, &now
	if saved, err := r.cfg.Store.SaveFunctionBuild(ctx, fb); err != nil {
		return functionResult{fb: fb, storeErr: fmt.Errorf("record function %s: %w", spec.Name, err)}
	} else {
		fb = saved
	}
	pending := "building " + spec.Image
	if spec.Prebuilt {
		pending = "deploying its image " + spec.Image + ", not built"
	}
	r.report(ctx, log, ev, fb.BuildID, spec.Name, CommitStatus{
		Context: r.functionContext(spec.Name), State: StatusPending,
		Description: pending, TargetURL: r.cfg.TargetURL(fb.BuildID),
	})

	tail := &logTail{next: r.cfg.Logs}
	step, why, err := r.buildAndDeploy(ctx, log, ev, lin, spec, &fb, tail)
	done := time.Now().UTC()
	fb.FinishedAt = &done
	if sup := supersededBy(ctx, err); sup != nil {
		// The build ends as superseded; this function with it.
		st := CommitStatus{Context: r.functionContext(spec.Name), State: StatusCancelled,
			Description: sup.Error(), TargetURL: r.cfg.TargetURL(fb.BuildID)}
		rctx := context.WithoutCancel(ctx)
		r.reporting(rctx, ev, fb.BuildID, spec.Name, st)
		r.report(rctx, log, ev, fb.BuildID, spec.Name, st)
		r.cfg.Observer.FunctionDone(FunctionOutcome{State: Superseded})
		return functionResult{fb: fb, err: sup}
	}
	if err != nil {
		if terr := retryable(ctx, err); terr != nil {
			// Leave the record running: the retry takes it from here.
			return functionResult{fb: fb, err: terr}
		}
	}
	st := CommitStatus{Context: r.functionContext(spec.Name), TargetURL: r.cfg.TargetURL(fb.BuildID)}
	switch {
	case err != nil:
		fb.State, fb.FailedStep, fb.Error = Failure, step, r.cfg.Redact(err.Error())
		st.State, st.Description = StatusFailure, fmt.Sprintf("%s failed: %s", step, Summary(err))
		tail.Line(ctx, fb.BuildID, spec.Name, step, "error: "+err.Error())
		log.Info("function failed", "step", step, "err", err)
	default:
		fb.State = Success
		var line string
		var step Step
		st.State = StatusSuccess
		st.Description, line, step = outcome(spec, fb, why)
		tail.Line(ctx, fb.BuildID, spec.Name, step, line)
	}
	saved, serr := r.cfg.Store.SaveFunctionBuild(ctx, fb)
	if serr != nil {
		return functionResult{fb: fb, err: err, storeErr: fmt.Errorf("record function %s: %w", spec.Name, serr)}
	}
	r.cfg.Observer.FunctionDone(functionOutcome(spec, saved, why))
	r.reporting(ctx, ev, fb.BuildID, spec.Name, st)
	st.Log = tail.String()
	r.report(ctx, log, ev, fb.BuildID, spec.Name, st)
	r.exportCache(ctx, spec, saved, tail)
	return functionResult{fb: saved, err: err}
}

// buildAndDeploy runs the stages of one function and says which failed,
// or why what it built was not deployed. A prebuilt function is not
// built: its image is resolved to a digest, which it is deployed by.
func (r *Runner) buildAndDeploy(ctx context.Context, log *slog.Logger, ev Event, lin *lineage, spec FunctionSpec, fb *FunctionBuild, tail *logTail) (Step, string, error) {
	start := time.Now().UTC()
	if spec.Prebuilt {
		err := r.resolvePrebuilt(ctx, spec, fb, tail)
		r.clock(fb).done(StageBuild, "prebuilt", start, err)
		if err != nil {
			return StepDeploy, "", err
		}
	} else if reused, err := r.reuseAsAsked(ctx, ev, spec, fb, tail); err != nil || reused {
		r.clock(fb).done(StageBuild, "reused", start, err)
		if err != nil {
			return StepBuild, "", err
		}
	} else {
		pushed, err := r.build(ctx, ev, spec, fb, tail)
		r.clock(fb).built(start, pushed, err)
		if err != nil {
			return StepBuild, "", err
		}
	}
	if why := r.notDeployed(ev); why != "" {
		return "", why, nil
	}
	return r.deploy(ctx, log, ev, lin, spec, fb, tail)
}

// build builds and pushes the function's image and records its digest.
// pushed is how long the push took, as the builder timed it (0 when it
// did not say).
func (r *Runner) build(ctx context.Context, ev Event, spec FunctionSpec, fb *FunctionBuild, tail *logTail) (pushed time.Duration, err error) {
	secrets, err := r.buildSecrets(ctx, ev, spec, fb.BuildID, tail)
	if err != nil {
		return 0, err
	}
	spec.Secrets = secrets
	if spec.TemplateFrom != "" {
		tail.Line(ctx, fb.BuildID, spec.Name, StepBuild, "building "+spec.Lang+" from the "+spec.TemplateFrom)
	}
	if err := r.slots.acquire(ctx, fb.BuildID, func() {
		tail.Line(ctx, fb.BuildID, spec.Name, StepBuild, "waiting for a free build slot, shared with the other builds on this builder")
	}); err != nil {
		return 0, Transient(fmt.Errorf("wait for a build slot: %w", err))
	}
	defer r.slots.release(fb.BuildID)
	w := NewLineWriter(ctx, tail, fb.BuildID, spec.Name, StepBuild)
	// BuildTimeout: a build that runs past it is the user's failure (a
	// build that never ends), unless ctx itself ended (the builder
	// stopping), which the caller retries as before.
	buildCtx, cancelBuild := context.WithTimeout(ctx, r.cfg.BuildTimeout)
	var pushTime atomic.Int64
	buildCtx = WithBuildTrace(buildCtx, &BuildTrace{Pushed: func(d time.Duration) { pushTime.Store(int64(d)) }})
	digest, err := r.cfg.Builder.Build(buildCtx, spec, w)
	timedOut := err != nil && ctx.Err() == nil && errors.Is(buildCtx.Err(), context.DeadlineExceeded)
	cancelBuild()
	w.Close()
	if timedOut {
		return 0, fmt.Errorf("build took longer than %s", r.cfg.BuildTimeout)
	}
	if err != nil {
		return 0, err
	}
	fb.Digest = digest
	tail.Line(ctx, fb.BuildID, spec.Name, StepBuild, "pushed "+spec.Image+" ("+digest+")")
	return time.Duration(pushTime.Load()), nil
}

// deploy runs fb's image, pinned by digest, under the function's deploy
// name if production may move to this build, and waits until it is ready.
// The record names the image as fb does: by its tag when the service
// built it, by digest when it is prebuilt (see NotBuilt).
func (r *Runner) deploy(ctx context.Context, log *slog.Logger, ev Event, lin *lineage, spec FunctionSpec, fb *FunctionBuild, tail *logTail) (Step, string, error) {
	image := fb.ImageByDigest()
	spec = fingerprinted(spec, image)
	start := time.Now().UTC()
	why, err := r.cfg.Deployments.Advance(ctx, Deployed{
		DeployName: spec.DeployName, Function: spec.Name, Branch: ev.Branch, Preview: ev.PreviewBranch() != "",
		PullRequest: ev.PullRequest, Commit: ev.Commit, Image: fb.Image, Digest: fb.Digest, BuildID: fb.BuildID,
	}, lin.mayReplace, func(ctx context.Context) error {
		// The gateway runs this image with these settings already: an
		// unchanged function of a later commit, or an attempt killed after
		// the gateway took its deploy, before the record. Deploying again
		// would only restart it (on faasd, dropping its calls).
		if img, ann, err := r.cfg.Deployer.Running(ctx, spec.DeployName); err == nil && img == image &&
			ann[AnnotationDeployment] == spec.Deployment.Annotations[AnnotationDeployment] {
			fb.Unchanged = true
			since := ann[LabelCommit]
			tail.Line(ctx, fb.BuildID, spec.Name, StepDeploy, fmt.Sprintf("%s runs %s with the same settings already (deployed for %s): not deployed again",
				spec.DeployName, image, ShortSHA(since)))
			return nil
		}
		tail.Line(ctx, fb.BuildID, spec.Name, StepDeploy, "deploying "+spec.DeployName+" with "+image)
		return r.cfg.Deployer.Deploy(ctx, spec, image)
	})
	r.clock(fb).done(StageDeploy, deployHow(*fb, why), start, err)
	if err != nil || why != "" {
		return StepDeploy, why, err
	}
	readyCtx, cancel := context.WithTimeout(ctx, r.cfg.ReadyTimeout)
	defer cancel()
	start = time.Now().UTC()
	err = r.cfg.Deployer.WaitReady(readyCtx, spec.DeployName)
	r.clock(fb).done(StageReady, "", start, err)
	if err != nil {
		return StepReady, "", err
	}
	if !fb.Unchanged && !ev.ReceivedAt.IsZero() {
		r.cfg.Observer.Live(time.Since(ev.ReceivedAt))
	}
	log.Info("function deployed", "deploy_name", spec.DeployName, "digest", fb.Digest, "prebuilt", spec.Prebuilt)
	return "", "", nil
}

// lastLines keeps the end of a long message, where a compiler or a failed
// command puts what matters, for the short room of a status description.
func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " | ")
}
