package janitor

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// JobLogRetention is the name under which the log-retention job's runs
// are claimed.
const JobLogRetention = "log-retention"

// Logs is what the log-retention job needs of the build history. Both
// methods delete the logs of ended builds only (a builder may still be
// writing the others), and record on each build that its log was
// removed, when, and why, so that its readers are told. They return how
// many builds' logs they removed, also along with an error: what is
// removed stays removed, and the next run goes on with the rest. Safe for
// concurrent use.
type Logs interface {
	// RemoveLogsFinishedBefore removes the logs of the builds that ended
	// before cutoff.
	RemoveLogsFinishedBefore(ctx context.Context, cutoff time.Time, why string) (int64, error)
	// RemoveLogsBeyondLatest removes the logs of each repository's builds
	// but its latest keep, keep at least 1.
	RemoveLogsBeyondLatest(ctx context.Context, keep int, why string) (int64, error)
}

// retainsLogs reports whether cfg sets a limit to the logs kept.
func retainsLogs(cfg Config) bool { return cfg.LogMaxAge > 0 || cfg.LogKeepBuilds > 0 }

// removeLogs applies the retention policy: each rule set removes the logs
// it finds, and the reason it records is what a reader of the build is
// shown. One rule failing does not keep the other from running, since
// each frees space of its own.
func (j *Janitor) removeLogs(ctx context.Context) error {
	var errs []error
	if age := j.cfg.LogMaxAge; age > 0 {
		why := "older than " + humanDuration(age)
		errs = append(errs, j.logsRemoved(why, func() (int64, error) {
			return j.cfg.Logs.RemoveLogsFinishedBefore(ctx, j.cfg.Now().Add(-age), why)
		}))
	}
	if keep := j.cfg.LogKeepBuilds; keep > 0 && ctx.Err() == nil {
		why := fmt.Sprintf("not among the repository's latest %d builds", keep)
		errs = append(errs, j.logsRemoved(why, func() (int64, error) {
			return j.cfg.Logs.RemoveLogsBeyondLatest(ctx, keep, why)
		}))
	}
	return errors.Join(errs...)
}

// logsRemoved runs one rule and logs what it removed.
func (j *Janitor) logsRemoved(why string, remove func() (int64, error)) error {
	start := time.Now()
	n, err := remove()
	log := j.log.With("job", JobLogRetention, "why", why, "builds", n, "took", time.Since(start))
	switch {
	case err != nil:
		log.Warn("could not remove every build log the retention policy lets go", "err", err)
	case n > 0:
		log.Info("removed build logs")
	default:
		log.Debug("no build log to remove")
	}
	return err
}
