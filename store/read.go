package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ofcbuild/ofc/pipeline"
)

// List limits: a limit of zero or less asks for DefaultListLimit builds,
// and no more than MaxListLimit are returned at once.
const (
	DefaultListLimit = 50
	MaxListLimit     = 500
)

// readColumns are buildColumns, what the build was made for (its kind,
// and the pull request and tag kept in the event it was made from) and
// whether its log was removed.
const readColumns = buildColumns + `, b.kind, b.log_removed_at, b.log_removed_why,
	COALESCE((b.event->>'pull_request')::int, 0) AS pull_request,
	COALESCE(b.event->>'tag', '') AS tag`

// readRow is one row of readColumns.
type readRow struct {
	buildRow
	Kind          pipeline.EventKind `db:"kind"`
	PullRequest   int                `db:"pull_request"`
	Tag           string             `db:"tag"`
	LogRemovedAt  *time.Time         `db:"log_removed_at"`
	LogRemovedWhy string             `db:"log_removed_why"`
}

func (r readRow) build() pipeline.Build {
	b := r.buildRow.build()
	b.Kind, b.PullRequest, b.Tag = r.Kind, r.PullRequest, r.Tag
	b.LogRemovedAt, b.LogRemovedWhy = utc(r.LogRemovedAt), r.LogRemovedWhy
	return b
}

// listBuilds takes the latest builds of each repository called owner/name
// (one per forge, rarely more than one) from the (repo_id, id DESC) index
// and merges them, so the cost follows the limit, not the history.
const listBuilds = `SELECT ` + readColumns + `
FROM repos r
CROSS JOIN LATERAL (
	SELECT * FROM builds WHERE builds.repo_id = r.id ORDER BY builds.id DESC LIMIT $3
) b
WHERE r.owner = $1 AND r.name = $2
ORDER BY b.id DESC
LIMIT $3`

// ListBuilds returns the latest builds of owner/repo, newest first, without
// their function builds. A repository never seen has no builds: the result
// is empty, not an error.
func (s *Store) ListBuilds(ctx context.Context, owner, repo string, limit int) ([]pipeline.Build, error) {
	if limit <= 0 {
		limit = DefaultListLimit
	}
	limit = min(limit, MaxListLimit)
	rows, _ := s.pool.Query(ctx, listBuilds, owner, repo, limit)
	list, err := pgx.CollectRows(rows, pgx.RowToStructByName[readRow])
	if err != nil {
		return nil, fmt.Errorf("list builds of %s/%s: %w", owner, repo, err)
	}
	builds := make([]pipeline.Build, len(list))
	for i, r := range list {
		builds[i] = r.build()
	}
	return builds, nil
}

// GetBuild returns build id with its function builds ordered by name, or
// an error wrapping pipeline.ErrNotFound.
func (s *Store) GetBuild(ctx context.Context, id int64) (pipeline.Build, error) {
	b, err := s.buildWhere(ctx, "b.id = $1", id)
	if err != nil {
		return pipeline.Build{}, fmt.Errorf("get build %d: %w", id, err)
	}
	rows, _ := s.pool.Query(ctx,
		`SELECT `+functionColumns+` FROM function_builds WHERE build_id = $1 ORDER BY name`, id)
	fns, err := pgx.CollectRows(rows, pgx.RowToStructByName[functionRow])
	if err != nil {
		return pipeline.Build{}, fmt.Errorf("get function builds of build %d: %w", id, err)
	}
	for _, f := range fns {
		b.Functions = append(b.Functions, f.functionBuild())
	}
	return b, nil
}

// buildWhere reads the one build matching cond, a condition on builds b
// and repos r with one parameter.
func (s *Store) buildWhere(ctx context.Context, cond string, arg any) (pipeline.Build, error) {
	rows, _ := s.pool.Query(ctx,
		`SELECT `+readColumns+` FROM builds b JOIN repos r ON r.id = b.repo_id WHERE `+cond, arg)
	row, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[readRow])
	if errors.Is(err, pgx.ErrNoRows) {
		return pipeline.Build{}, pipeline.ErrNotFound
	}
	if err != nil {
		return pipeline.Build{}, err
	}
	return row.build(), nil
}
