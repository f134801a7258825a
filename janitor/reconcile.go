package janitor

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ofcbuild/ofc/pipeline"
)

// JobReconcile is the name under which the reconciler's runs are claimed.
const JobReconcile = "reconcile"

// ReconcileMessage is the message of a build the reconciler made.
const ReconcileMessage = "from reconcile: no push of this commit was received"

// BuiltBranches is what the reconciler needs of the build records. Safe
// for concurrent use.
type BuiltBranches interface {
	// RecentBranches lists the latest push event of each branch, in every
	// repository, that had a push recorded since since.
	RecentBranches(ctx context.Context, since time.Time) ([]pipeline.Event, error)
	// Built reports whether commit was built for a push of branch in
	// repo, by a build no newer push superseded.
	Built(ctx context.Context, repo pipeline.Repo, branch, commit string) (bool, error)
}

// BranchHeads reads from a repository's forge the head commit of each of
// its branches. ev is an event of the repository, whose credentials (a
// GitHub App installation) the call uses. Safe for concurrent use.
type BranchHeads interface {
	Heads(ctx context.Context, ev pipeline.Event) (map[string]string, error)
}

// reconcile builds what the forge says a branch holds and no push said:
// GitHub and GitLab do not deliver a webhook again by themselves, so a
// lost one would leave the branch's head unbuilt. For every branch built
// within ReconcileWindow, a head with no build of its own gets one, from
// a delivery named after it, so that no run builds it twice.
func (j *Janitor) reconcile(ctx context.Context) error {
	latest, err := j.cfg.Branches.RecentBranches(ctx, j.cfg.Now().Add(-j.cfg.ReconcileWindow))
	if err != nil {
		return err
	}
	byRepo := map[string][]pipeline.Event{}
	var order []string
	for _, ev := range latest {
		key := string(ev.Repo.Provider) + ":" + ev.Repo.FullName()
		if _, ok := byRepo[key]; !ok {
			order = append(order, key)
		}
		byRepo[key] = append(byRepo[key], ev)
	}
	var errs []error
	for _, key := range order {
		evs := byRepo[key]
		heads, err := j.cfg.Heads.Heads(ctx, evs[0])
		if err != nil {
			errs = append(errs, fmt.Errorf("heads of %s: %w", evs[0].Repo.FullName(), err))
			continue
		}
		for _, ev := range evs {
			if err := j.reconcileBranch(ctx, ev, heads[ev.Branch]); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

// reconcileBranch builds head, the branch of ev's head on the forge, when
// it has no build. A branch gone from the forge is the cleanup's affair.
func (j *Janitor) reconcileBranch(ctx context.Context, last pipeline.Event, head string) error {
	if head == "" || head == last.Commit {
		return nil
	}
	built, err := j.cfg.Branches.Built(ctx, last.Repo, last.Branch, head)
	if err != nil || built {
		return err
	}
	ev := pipeline.Event{
		DeliveryID: fmt.Sprintf("reconcile:%s:%s@%s:%s", last.Repo.Provider, last.Repo.FullName(), last.Branch, head),
		Kind:       pipeline.Push, Repo: last.Repo, Ref: "refs/heads/" + last.Branch, Branch: last.Branch,
		Commit: head, Message: ReconcileMessage, InstallationID: last.InstallationID, ReceivedAt: j.cfg.Now().UTC(),
	}
	b, created, err := j.cfg.Events.RecordEvent(ctx, ev)
	if err != nil {
		return err
	}
	if !created && b.State != pipeline.Queued {
		return nil // recorded and taken by an earlier run
	}
	if err := j.cfg.Queue.Publish(ctx, pipeline.BuildRequest{BuildID: b.ID, Event: ev}); err != nil {
		// Recorded, not queued: the reaper finds it quiet in time.
		return fmt.Errorf("queue the build of %s@%s: %w", last.Repo.FullName(), pipeline.ShortSHA(head), err)
	}
	j.log.Warn("a branch's head had no build: building it", "job", JobReconcile, "repo", last.Repo.FullName(),
		"branch", last.Branch, "commit", head, "build_id", b.ID, "last_built", last.Commit)
	return nil
}
