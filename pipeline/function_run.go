package pipeline

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
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
	case why != "" && spec.Prebuilt:
		fb.State = Success
		st.State, st.Description = StatusSuccess, "image found; not deployed: "+why
		tail.Line(ctx, fb.BuildID, spec.Name, StepDeploy, "found "+fb.Image+"; not deployed: "+why)
	case why != "":
		fb.State = Success
		st.State, st.Description = StatusSuccess, "built; not deployed: "+why
		tail.Line(ctx, fb.BuildID, spec.Name, StepBuild, "built "+fb.ImageByDigest()+"; not deployed: "+why)
	case spec.Prebuilt:
		fb.State = Success
		st.State, st.Description = StatusSuccess, prebuiltStatus(spec, fb)
		tail.Line(ctx, fb.BuildID, spec.Name, StepReady, prebuiltDone(spec, fb))
	default:
		fb.State = Success
		st.State, st.Description = StatusSuccess, "deployed "+spec.DeployName
		tail.Line(ctx, fb.BuildID, spec.Name, StepReady, "deployed "+spec.DeployName+" ("+fb.ImageByDigest()+")")
	}
	saved, serr := r.cfg.Store.SaveFunctionBuild(ctx, fb)
	if serr != nil {
		return functionResult{fb: fb, err: err, storeErr: fmt.Errorf("record function %s: %w", spec.Name, serr)}
	}
	r.reporting(ctx, ev, fb.BuildID, spec.Name, st)
	st.Log = tail.String()
	r.report(ctx, log, ev, fb.BuildID, spec.Name, st)
	return functionResult{fb: saved, err: err}
}

// buildAndDeploy runs the stages of one function and says which failed,
// or why what it built was not deployed. A prebuilt function is not
// built: its image is resolved to a digest, which it is deployed by.
func (r *Runner) buildAndDeploy(ctx context.Context, log *slog.Logger, ev Event, lin *lineage, spec FunctionSpec, fb *FunctionBuild, tail *logTail) (Step, string, error) {
	if spec.Prebuilt {
		if err := r.resolvePrebuilt(ctx, spec, fb, tail); err != nil {
			return StepDeploy, "", err
		}
	} else if err := r.build(ctx, ev, spec, fb, tail); err != nil {
		return StepBuild, "", err
	}
	if why := r.notDeployed(ev); why != "" {
		return "", why, nil
	}
	return r.deploy(ctx, log, ev, lin, spec, fb, tail)
}

// build builds and pushes the function's image and records its digest.
func (r *Runner) build(ctx context.Context, ev Event, spec FunctionSpec, fb *FunctionBuild, tail *logTail) error {
	secrets, err := r.buildSecrets(ctx, ev, spec, fb.BuildID, tail)
	if err != nil {
		return err
	}
	spec.Secrets = secrets
	if spec.TemplateFrom != "" {
		tail.Line(ctx, fb.BuildID, spec.Name, StepBuild, "building "+spec.Lang+" from the "+spec.TemplateFrom)
	}
	w := NewLineWriter(ctx, tail, fb.BuildID, spec.Name, StepBuild)
	// BuildTimeout: a build that runs past it is the user's failure (a
	// build that never ends), unless ctx itself ended (the builder
	// stopping), which the caller retries as before.
	buildCtx, cancelBuild := context.WithTimeout(ctx, r.cfg.BuildTimeout)
	digest, err := r.cfg.Builder.Build(buildCtx, spec, w)
	timedOut := err != nil && ctx.Err() == nil && errors.Is(buildCtx.Err(), context.DeadlineExceeded)
	cancelBuild()
	w.Close()
	if timedOut {
		return fmt.Errorf("build took longer than %s", r.cfg.BuildTimeout)
	}
	if err != nil {
		return err
	}
	fb.Digest = digest
	tail.Line(ctx, fb.BuildID, spec.Name, StepBuild, "pushed "+spec.Image+" ("+digest+")")
	return nil
}

// deploy runs fb's image, pinned by digest, under the function's deploy
// name if production may move to this build, and waits until it is ready.
// The record names the image as fb does: by its tag when the service
// built it, by digest when it is prebuilt (see NotBuilt).
func (r *Runner) deploy(ctx context.Context, log *slog.Logger, ev Event, lin *lineage, spec FunctionSpec, fb *FunctionBuild, tail *logTail) (Step, string, error) {
	image := fb.ImageByDigest()
	why, err := r.cfg.Deployments.Advance(ctx, Deployed{
		DeployName: spec.DeployName, Function: spec.Name, Branch: ev.Branch, Preview: ev.PreviewBranch() != "",
		PullRequest: ev.PullRequest, Commit: ev.Commit, Image: fb.Image, Digest: fb.Digest, BuildID: fb.BuildID,
	}, lin.mayReplace, func(ctx context.Context) error {
		// An attempt killed after the gateway took its deploy, before the
		// record: the gateway already runs this image, as this build
		// deploys it (its annotations say the commit, the branch and the
		// pull request exactly).
		if img, ann, err := r.cfg.Deployer.Running(ctx, spec.DeployName); err == nil && img == image && holds(ann, spec.Deployment.Annotations) {
			tail.Line(ctx, fb.BuildID, spec.Name, StepDeploy, spec.DeployName+" runs "+image+" already: not deployed again")
			return nil
		}
		tail.Line(ctx, fb.BuildID, spec.Name, StepDeploy, "deploying "+spec.DeployName+" with "+image)
		return r.cfg.Deployer.Deploy(ctx, spec, image)
	})
	if err != nil || why != "" {
		return StepDeploy, why, err
	}
	readyCtx, cancel := context.WithTimeout(ctx, r.cfg.ReadyTimeout)
	defer cancel()
	if err := r.cfg.Deployer.WaitReady(readyCtx, spec.DeployName); err != nil {
		return StepReady, "", err
	}
	log.Info("function deployed", "deploy_name", spec.DeployName, "digest", fb.Digest, "prebuilt", spec.Prebuilt)
	return "", "", nil
}

// holds reports whether got has every key of want, with its value.
func holds(got, want map[string]string) bool {
	for k, v := range want {
		if g, ok := got[k]; !ok || g != v {
			return false
		}
	}
	return true
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
