package pipeline

import (
	"context"
	"fmt"
	"log/slog"
	"time"
)

// cleanup removes the previews of a deleted branch or a closed pull
// request: each function comes off the gateway and its record says so,
// then the images the branch's builds pushed, and nothing live runs any
// more, are pruned from the registry. Every step is idempotent, so a
// retried cleanup finishes what an interrupted one began.
func (r *Runner) cleanup(ctx context.Context, log *slog.Logger, req BuildRequest) error {
	ev, id := req.Event, req.BuildID
	branch := ev.Branch
	if branch == "" || branch == ev.Repo.DefaultBranch {
		r.line(ctx, id, "", StepCleanup, fmt.Sprintf("branch %q is the default branch: production is never cleaned up", branch))
		return r.finish(ctx, log, ev, id, Success, "", "")
	}
	why := "branch " + branch + " deleted"
	if ev.PullRequest > 0 {
		why = fmt.Sprintf("pull request #%d closed", ev.PullRequest)
	}
	log.Info("cleanup started", "branch", branch, "why", why)

	previews, err := r.cfg.Deployments.LivePreviews(ctx, id, branch)
	if err != nil {
		return Transient(err)
	}
	for _, d := range previews {
		if err := r.removePreview(ctx, id, d, why); err != nil {
			return err
		}
	}
	imgs, err := r.cfg.Deployments.PrunableImages(ctx, id, branch)
	if err != nil {
		return Transient(err)
	}
	imgs = OwnImages(imgs)
	for _, img := range imgs {
		if err := r.cfg.Remover.PruneImage(ctx, img); err != nil {
			if IsTransient(err) {
				return err
			}
			// An image that cannot be deleted costs disk, not correctness.
			r.line(ctx, id, "", StepCleanup, fmt.Sprintf("could not prune %s@%s: %v", img.Image, img.Digest, err))
			continue
		}
		r.line(ctx, id, "", StepCleanup, fmt.Sprintf("pruned %s@%s", img.Image, img.Digest))
	}
	r.line(ctx, id, "", StepCleanup, fmt.Sprintf("%s: removed %d previews, pruned %d images", why, len(previews), len(imgs)))
	if err := r.finish(ctx, log, ev, id, Success, "", ""); err != nil {
		return err
	}
	if len(previews) > 0 || !ev.Fork {
		// An untrusted fork's comment says it was never deployed; that
		// stays true.
		r.comment(ctx, log, ev, removedComment(ev, previews))
	}
	return nil
}

// removePreview takes one preview off the gateway, records it removed,
// and lists it on the cleanup's build as a function it removed.
func (r *Runner) removePreview(ctx context.Context, id int64, d Deployed, why string) error {
	if err := r.takeDown(ctx, id, d, why); err != nil {
		return err
	}
	now := time.Now().UTC()
	_, err := r.cfg.Store.SaveFunctionBuild(ctx, FunctionBuild{
		BuildID: id, Name: d.Function, DeployName: d.DeployName, Image: d.Image, Digest: d.Digest,
		State: Success, StartedAt: &now, FinishedAt: &now,
	})
	if err != nil {
		return Transient(fmt.Errorf("record removal of %s: %w", d.DeployName, err))
	}
	r.line(ctx, id, d.Function, StepCleanup, "removed "+d.DeployName+" from the gateway")
	return nil
}

// takeDown deletes d from the gateway, then records it removed by build
// id. Any failure is worth a retry: both steps are idempotent, and a
// function left running unrecorded would be found by nothing.
func (r *Runner) takeDown(ctx context.Context, id int64, d Deployed, why string) error {
	if err := r.cfg.Remover.RemoveFunction(ctx, d.DeployName); err != nil {
		if IsTransient(err) {
			return err
		}
		return Transient(fmt.Errorf("remove %s: %w", d.DeployName, err))
	}
	if err := r.cfg.Deployments.MarkRemoved(ctx, d.DeployName, id, why); err != nil {
		return Transient(err)
	}
	return nil
}
