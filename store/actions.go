package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/ofcbuild/ofc/pipeline"
)

const insertAction = `INSERT INTO actions (kind, build_id, result_id, by_name, functions, reuse)
VALUES ($1, $2, NULLIF($3, 0), $4, $5, $6) RETURNING id, created_at`

// RecordAction implements pipeline.ActionStore.
func (s *Store) RecordAction(ctx context.Context, a pipeline.Action) (pipeline.Action, error) {
	return recordAction(ctx, s.pool, a)
}

// querier is what recordAction needs of a pool or a transaction.
type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

func recordAction(ctx context.Context, q querier, a pipeline.Action) (pipeline.Action, error) {
	fns := a.Functions
	if fns == nil {
		fns = []string{}
	}
	if err := q.QueryRow(ctx, insertAction, a.Kind, a.BuildID, a.ResultID, a.By, fns, a.Reuse).Scan(&a.ID, &a.CreatedAt); err != nil {
		return a, fmt.Errorf("record %s of build %d by %s: %w", a.Kind, a.BuildID, a.By, err)
	}
	a.CreatedAt = a.CreatedAt.UTC()
	return a, nil
}

// Actions implements pipeline.ActionStore.
func (s *Store) Actions(ctx context.Context, id int64) ([]pipeline.Action, error) {
	rows, _ := s.pool.Query(ctx, `SELECT id, kind, build_id, COALESCE(result_id, 0), by_name, functions, reuse, created_at
FROM actions WHERE build_id = $1 OR result_id = $1 ORDER BY id`, id)
	out := []pipeline.Action{}
	var a pipeline.Action
	_, err := pgx.ForEachRow(rows, []any{&a.ID, &a.Kind, &a.BuildID, &a.ResultID, &a.By, &a.Functions, &a.Reuse, &a.CreatedAt}, func() error {
		a.CreatedAt = a.CreatedAt.UTC()
		out = append(out, a)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read the actions of build %d: %w", id, err)
	}
	return out, nil
}

// cancelBuild marks an unfinished build as cancelled through the path a
// newer push takes (superseded_by): a queued build, which no builder
// holds, ends now with its functions; a running one keeps running until
// its builder's next heartbeat, which stops it, and deploys nothing
// meanwhile (Advance refuses a superseded build). A build some push
// supersedes already is left to that.
const cancelBuild = `WITH cancelled AS (
	UPDATE builds SET
		superseded_by = $2,
		state         = CASE WHEN state = 'queued' THEN 'superseded' ELSE state END,
		error         = CASE WHEN state = 'queued' THEN $2 ELSE error END,
		finished_at   = CASE WHEN state = 'queued' THEN now() ELSE finished_at END
	WHERE id = $1 AND state IN ('queued', 'running') AND superseded_by = ''
	RETURNING id, state
), functions AS (
	UPDATE function_builds SET state = 'superseded', finished_at = now(), updated_at = now()
	WHERE build_id IN (SELECT id FROM cancelled WHERE state = 'superseded') AND state IN ('queued', 'running')
)
SELECT EXISTS (SELECT 1 FROM cancelled), b.state, b.superseded_by FROM builds b WHERE b.id = $1`

// CancelBuild implements pipeline.ActionStore.
func (s *Store) CancelBuild(ctx context.Context, a pipeline.Action) (pipeline.Action, error) {
	what := fmt.Sprintf("cancel build %d for %s", a.BuildID, a.By)
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return a, fmt.Errorf("%s: %w", what, err)
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	var done bool
	var state, by string
	err = tx.QueryRow(ctx, cancelBuild, a.BuildID, pipeline.CancelledBy(a.By)).Scan(&done, &state, &by)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return a, fmt.Errorf("%s: %w", what, pipeline.ErrNotFound)
	case err != nil:
		return a, fmt.Errorf("%s: %w", what, err)
	case !done && by != "":
		stop := &pipeline.SupersededError{By: by}
		return a, fmt.Errorf("%s: it is stopping already, %s: %w", what, stop.Error(), pipeline.ErrNotCancellable)
	case !done:
		return a, fmt.Errorf("%s: it has ended already, as %s: %w", what, state, pipeline.ErrNotCancellable)
	}
	a.Kind, a.ResultID = pipeline.ActionCancel, 0
	if a, err = recordAction(ctx, tx, a); err != nil {
		return a, err
	}
	if err := tx.Commit(ctx); err != nil {
		return a, fmt.Errorf("%s: %w", what, err)
	}
	return a, nil
}

// BuildEvent implements pipeline.ActionStore.
func (s *Store) BuildEvent(ctx context.Context, id int64) (pipeline.Event, error) {
	var raw []byte
	err := s.pool.QueryRow(ctx, `SELECT event FROM builds WHERE id = $1`, id).Scan(&raw)
	if errors.Is(err, pgx.ErrNoRows) {
		return pipeline.Event{}, fmt.Errorf("read the event of build %d: %w", id, pipeline.ErrNotFound)
	}
	if err != nil {
		return pipeline.Event{}, fmt.Errorf("read the event of build %d: %w", id, err)
	}
	var ev pipeline.Event
	if err := json.Unmarshal(raw, &ev); err != nil {
		return pipeline.Event{}, fmt.Errorf("read the event of build %d: %w", id, err)
	}
	return ev, nil
}

// rollbackTarget is the newest good build of a push to branch $4 older
// than the first good build of any commit live on it now (the same
// commit built again, or rolled back to, counts from its first build),
// of another commit. Builds users asked for (rebuilds, rollbacks) are
// not targets themselves: their commits were pushed, and built, first.
// With nothing live, the newest good build is the target.
const rollbackTarget = `WITH repo AS (
	SELECT id FROM repos WHERE provider = $1 AND lower(owner) = lower($2) AND lower(name) = lower($3)
), live AS (
	SELECT DISTINCT d.commit_sha FROM deployments d
	WHERE d.repo_id IN (SELECT id FROM repo) AND d.branch = $4 AND d.pull_request = 0 AND d.removed_at IS NULL
), good AS (
	SELECT b.* FROM builds b
	WHERE b.repo_id IN (SELECT id FROM repo) AND b.kind = 'push' AND b.branch = $4 AND b.state = 'success'
	  AND b.event->'trigger' IS NULL
), since AS (
	SELECT COALESCE(min(id), 9223372036854775807) AS id FROM good WHERE commit_sha IN (SELECT commit_sha FROM live)
)
SELECT ` + readColumns + ` FROM good b JOIN repos r ON r.id = b.repo_id
WHERE b.id < (SELECT id FROM since) AND b.commit_sha NOT IN (SELECT commit_sha FROM live)
ORDER BY b.id DESC LIMIT 1`

// RollbackTarget implements pipeline.ActionStore.
func (s *Store) RollbackTarget(ctx context.Context, repo pipeline.Repo, branch string) (pipeline.Build, error) {
	rows, _ := s.pool.Query(ctx, rollbackTarget, repo.Provider, repo.Owner, repo.Name, branch)
	row, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[readRow])
	if errors.Is(err, pgx.ErrNoRows) {
		return pipeline.Build{}, fmt.Errorf("no good build of %s@%s to roll back to: %w", repo.FullName(), branch, pipeline.ErrNotFound)
	}
	if err != nil {
		return pipeline.Build{}, fmt.Errorf("find the build of %s@%s to roll back to: %w", repo.FullName(), branch, err)
	}
	return row.build(), nil
}
