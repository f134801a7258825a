package janitor

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/ofcbuild/ofc/pipeline"
)

// JobReap is the name under which the reaper's runs are claimed.
const JobReap = "reap-builds"

// reapBatch bounds the builds one run looks at; the next run takes the
// rest.
const reapBatch = 100

// QuietBuilds is what the reaper needs of the build records. Safe for
// concurrent use.
type QuietBuilds interface {
	// QuietBuilds lists, oldest first, up to limit unfinished builds not
	// heard from since quietSince.
	QuietBuilds(ctx context.Context, quietSince time.Time, limit int) ([]pipeline.QuietBuild, error)
	// ReapBuild requeues build id, with requeued as its error, if it is
	// still unfinished and quiet since quietSince, and returns how many
	// times it was reaped; once it was reaped max times, it ends as an
	// error with the message gaveUp instead. moved says a runner spoke
	// for the build meanwhile, and nothing changed.
	ReapBuild(ctx context.Context, id int64, quietSince time.Time, max int, requeued, gaveUp string) (state pipeline.State, n int, moved bool, err error)
}

// Requests is what the reaper needs of the queue. Safe for concurrent use.
type Requests interface {
	// Waiting reports whether build id's request is in the queue and not
	// yet delivered.
	Waiting(ctx context.Context, id int64) (bool, error)
	// Requeue puts req on the queue again, as the reaper's nth, replacing
	// what is left of its earlier request.
	Requeue(ctx context.Context, req pipeline.BuildRequest, n int) error
}

// reap finds the builds whose runner went quiet and whose request no
// builder will get: a runner killed after the queue gave up on its
// delivery, a request whose deliveries were spent on another runner's
// claim, or one the queue never stored. Each goes back to the queue, or,
// after MaxReaps hand-backs, ends as an error saying why.
func (j *Janitor) reap(ctx context.Context) error {
	quietSince := j.cfg.Now().Add(-j.cfg.ReapAfter)
	quiet, err := j.cfg.Builds.QuietBuilds(ctx, quietSince, reapBatch)
	if err != nil {
		return err
	}
	var errs []error
	for _, q := range quiet {
		id := q.Request.BuildID
		log := j.log.With("job", JobReap, "build_id", id, "state", q.State, "reaped", q.Reaped)
		waiting, err := j.cfg.Requests.Waiting(ctx, id)
		if err != nil {
			errs = append(errs, err)
			break // the queue is unwell: the next run tries again
		}
		if waiting {
			continue // a builder gets it in its turn
		}
		quietFor := "no builder heard from for " + humanDuration(j.cfg.ReapAfter)
		requeued := quietFor + ": handed back to the queue by the reaper"
		gaveUp := fmt.Sprintf("%s after %d hand-backs by the reaper: given up", quietFor, j.cfg.MaxReaps)
		state, n, moved, err := j.cfg.Builds.ReapBuild(ctx, id, quietSince, j.cfg.MaxReaps, requeued, gaveUp)
		switch {
		case err != nil:
			errs = append(errs, err)
			continue
		case moved:
			continue
		case state == pipeline.Error:
			log.Error("quiet build given up", "why", gaveUp)
			j.reportGivenUp(ctx, log, q.Request, gaveUp)
			continue
		}
		if err := j.cfg.Requests.Requeue(ctx, q.Request, n); err != nil {
			// Queued in the records and not in the queue: the next run
			// finds it quiet again.
			errs = append(errs, fmt.Errorf("requeue build %d: %w", id, err))
			continue
		}
		log.Warn("quiet build handed back to the queue", "why", quietFor, "reaped", n)
	}
	return errors.Join(errs...)
}

// reportGivenUp says on the build's commit that it ended as an error, as
// the runner would have: no builder will report on it any more.
func (j *Janitor) reportGivenUp(ctx context.Context, log *slog.Logger, req pipeline.BuildRequest, why string) {
	if j.cfg.Reporter == nil || req.Event.Kind == pipeline.Cleanup {
		return
	}
	st := pipeline.CommitStatus{Context: j.cfg.StatusContext, State: pipeline.StatusError, Description: why}
	if j.cfg.TargetURL != nil {
		st.TargetURL = j.cfg.TargetURL(req.BuildID)
	}
	if err := j.cfg.Reporter.Report(ctx, req.Event, st); err != nil {
		log.Warn("report the given-up build on its commit", "err", err)
	}
}
