package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ofcbuild/ofc/pipeline"
)

// claimRun decides which builder runs a job at a scheduled time: every
// builder inserts the same key, the primary key lets one insert land, and
// only that one gets a row back. While a run of the job is unfinished, and
// not so old that its builder must have died, no other is claimed: a run
// that outlasts the interval would otherwise work on the same things as
// the next. The claim's time is taken once the lock is held, after any
// run it waited for ended.
const claimRun = `INSERT INTO job_runs (job, scheduled_at, claimed_by, claimed_at)
SELECT $1, $2, $3, clock_timestamp()
WHERE NOT EXISTS (SELECT 1 FROM job_runs
	WHERE job = $1 AND finished_at IS NULL AND claimed_at > now() - $4::bigint * interval '1 microsecond')
ON CONFLICT (job, scheduled_at) DO NOTHING
RETURNING true`

// jobLockSpace is the first key of the advisory locks claims take, one
// per job. It spells "job".
const jobLockSpace = 0x6a6f62

// AbandonedAfter is how long a claimed run may stay unfinished before
// it is taken for dead, its builder stopped during it, and the job is
// claimed again.
const AbandonedAfter = time.Hour

// ClaimRun records that by runs job at its scheduled time at. It returns
// true for exactly one caller per (job, at), whichever process or
// connection it comes from; false, with no error, means another has the
// run, or a run of the job claimed within AbandonedAfter is still going.
// at is stored to the microsecond, so callers that mean the same time
// must pass the same instant.
func (s *Store) ClaimRun(ctx context.Context, job string, at time.Time, by string) (bool, error) {
	var won bool
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		// Claims of one job take turns, so that each sees the runs the
		// others claimed, whatever time they claimed them for.
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, hashtext($2))`, jobLockSpace, job); err != nil {
			return err
		}
		err := tx.QueryRow(ctx, claimRun, job, at, by, AbandonedAfter.Microseconds()).Scan(&won)
		if errors.Is(err, pgx.ErrNoRows) {
			won = false
			return nil
		}
		return err
	})
	if err != nil {
		return false, fmt.Errorf("claim job %s at %s: %w", job, at.UTC().Format(time.RFC3339), err)
	}
	return won, nil
}

// FinishRun records that the claimed run of job at at ended, with failure
// "" when it did everything it found to do. A run never claimed is an
// error wrapping pipeline.ErrNotFound.
func (s *Store) FinishRun(ctx context.Context, job string, at time.Time, failure string) error {
	tag, err := s.pool.Exec(ctx, `UPDATE job_runs SET finished_at = now(), error = $3
		WHERE job = $1 AND scheduled_at = $2`, job, at, failure)
	if err != nil {
		return fmt.Errorf("finish job %s at %s: %w", job, at.UTC().Format(time.RFC3339), err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("finish job %s at %s: no such run: %w", job, at.UTC().Format(time.RFC3339), pipeline.ErrNotFound)
	}
	return nil
}

// stalePreviews finds live previews deployed before $1 whose branch has
// had no build since then either: a push that is still building, or
// failed, or changed no function, shows the branch is in use all the same.
const stalePreviews = `SELECT d.deploy_name, d.function, d.branch, d.preview, d.pull_request, d.commit_sha,
	d.image, d.digest, d.build_id, d.deployed_at
FROM deployments d
WHERE d.preview AND d.removed_at IS NULL AND d.deployed_at < $1
	AND NOT EXISTS (SELECT 1 FROM builds b
		WHERE b.repo_id = d.repo_id AND b.branch = d.branch AND b.created_at >= $1)
ORDER BY d.deployed_at, d.deploy_name`

// StalePreviews lists the live previews of every repository that were
// deployed before olderThan and whose branch has had no push since,
// oldest first.
func (s *Store) StalePreviews(ctx context.Context, olderThan time.Time) ([]pipeline.Deployed, error) {
	rows, err := s.pool.Query(ctx, stalePreviews, olderThan)
	if err != nil {
		return nil, fmt.Errorf("previews older than %s: %w", olderThan.UTC().Format(time.RFC3339), err)
	}
	ds, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (pipeline.Deployed, error) {
		var d pipeline.Deployed
		err := row.Scan(&d.DeployName, &d.Function, &d.Branch, &d.Preview, &d.PullRequest,
			&d.Commit, &d.Image, &d.Digest, &d.BuildID, &d.DeployedAt)
		d.DeployedAt = d.DeployedAt.UTC()
		return d, err
	})
	if err != nil {
		return nil, fmt.Errorf("previews older than %s: %w", olderThan.UTC().Format(time.RFC3339), err)
	}
	return ds, nil
}
