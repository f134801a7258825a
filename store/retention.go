package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// retentionBatch is how many builds' logs one statement removes. The
// first run over a long history has millions to remove: in batches, each
// its own short transaction, it holds no lock for long, and a run cut
// short keeps what it did.
const retentionBatch = 1000

// retentionRepoPage is how many repositories with builds beyond the
// latest kept are found at a time.
const retentionRepoPage = 500

// removeDoomed follows a CTE "doomed" of build ids: it deletes their log
// chunks and records on each build that its log was removed, and why
// ($1), in one statement, so that no reader sees a build marked with its
// log still there, or its log gone and the build not marked.
const removeDoomed = `,
chunks AS (
	DELETE FROM build_log_chunks c USING doomed d WHERE c.build_id = d.id
),
marked AS (
	UPDATE builds b SET log_removed_at = now(), log_removed_why = $1
	FROM doomed d WHERE b.id = d.id AND b.log_removed_at IS NULL
	RETURNING 1
)
SELECT count(*) FROM marked`

// finishedBefore removes the logs of a batch of the builds that ended
// before $2, the oldest first, found through builds_log_kept_finished_idx:
// the builds that still have their log, not the whole history.
const finishedBefore = `WITH doomed AS (
	SELECT id FROM builds
	WHERE finished_at < $2 AND log_removed_at IS NULL AND state IN ('success', 'failure', 'error')
	ORDER BY finished_at
	LIMIT $3
)` + removeDoomed

// beyondLatest removes the logs of a batch of the builds of repository $2
// up to build $3, its newest build not among those kept, found through
// builds_log_kept_idx: a repository's builds that still have their log,
// not its whole history.
const beyondLatest = `WITH doomed AS (
	SELECT id FROM builds
	WHERE repo_id = $2 AND id <= $3 AND log_removed_at IS NULL AND state IN ('success', 'failure', 'error')
	ORDER BY id
	LIMIT $4
)` + removeDoomed

// RemoveLogsFinishedBefore deletes the logs of the builds that finished
// before cutoff, recording on each build when and why (for example "older
// than 30 days"). Builds queued or running keep theirs. It works in
// batches until none is left and returns how many builds' logs it
// removed, also when it fails or ctx ends part way.
func (s *Store) RemoveLogsFinishedBefore(ctx context.Context, cutoff time.Time, why string) (int64, error) {
	removed, err := s.removeInBatches(ctx, func() (int64, error) {
		return s.removeBatch(ctx, finishedBefore, why, cutoff, retentionBatch)
	})
	if err != nil {
		return removed, fmt.Errorf("remove logs of builds finished before %s: %w", cutoff.UTC().Format(time.RFC3339), err)
	}
	return removed, nil
}

// RemoveLogsBeyondLatest deletes the logs of every repository's builds
// but its latest keep (newest by id, whatever their state), recording on
// each build when and why (for example "not among the repository's
// latest 200 builds"). Builds queued or running keep theirs. keep must be
// at least 1. It works in batches until none is left and returns how many
// builds' logs it removed, also when it fails or ctx ends part way.
func (s *Store) RemoveLogsBeyondLatest(ctx context.Context, keep int, why string) (int64, error) {
	if keep < 1 {
		return 0, fmt.Errorf("remove logs beyond each repository's latest %d builds: keep at least one", keep)
	}
	var removed int64
	for after := int64(0); ; {
		edges, err := s.edgesAfter(ctx, after, keep)
		if err != nil {
			return removed, fmt.Errorf("remove logs beyond each repository's latest %d builds: %w", keep, err)
		}
		for _, e := range edges {
			n, err := s.removeInBatches(ctx, func() (int64, error) {
				return s.removeBatch(ctx, beyondLatest, why, e.repo, e.build, retentionBatch)
			})
			removed += n
			if err != nil {
				return removed, fmt.Errorf("remove logs of repository %d beyond its latest %d builds: %w", e.repo, keep, err)
			}
		}
		if len(edges) < retentionRepoPage {
			return removed, nil
		}
		after = edges[len(edges)-1].repo
	}
}

// removeInBatches runs batch until it removes fewer than a batch.
func (s *Store) removeInBatches(ctx context.Context, batch func() (int64, error)) (int64, error) {
	var removed int64
	for {
		n, err := batch()
		removed += n
		if err != nil {
			return removed, err
		}
		if n < retentionBatch {
			return removed, nil
		}
		if err := ctx.Err(); err != nil {
			return removed, err
		}
	}
}

// removeBatch runs sql, a removal of one batch, and returns how many
// builds' logs it removed.
func (s *Store) removeBatch(ctx context.Context, sql, why string, args ...any) (int64, error) {
	var n int64
	err := s.pool.QueryRow(ctx, sql, append([]any{why}, args...)...).Scan(&n)
	return n, err
}

// edge is a repository and its newest build beyond the latest ones kept.
type edge struct{ repo, build int64 }

// newestBeyond finds, for a page of repositories after $1 by id, the
// newest build beyond the latest $2: a walk of $2+1 entries of the
// (repo_id, id DESC) index per repository, whatever its history.
// Repositories with no more than $2 builds have none and are left out.
const newestBeyond = `SELECT r.id, e.id
FROM repos r
CROSS JOIN LATERAL (
	SELECT id FROM builds WHERE builds.repo_id = r.id ORDER BY builds.id DESC OFFSET $2 LIMIT 1
) e
WHERE r.id > $1
ORDER BY r.id
LIMIT $3`

// edgesAfter returns the edges of a page of repositories after the
// repository after, by id, leaving out those with no more than keep
// builds.
func (s *Store) edgesAfter(ctx context.Context, after int64, keep int) ([]edge, error) {
	rows, _ := s.pool.Query(ctx, newestBeyond, after, keep, retentionRepoPage)
	edges, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (edge, error) {
		var e edge
		err := row.Scan(&e.repo, &e.build)
		return e, err
	})
	if err != nil {
		return nil, fmt.Errorf("find repositories after %d with more than %d builds: %w", after, keep, err)
	}
	return edges, nil
}
