package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ofcbuild/ofc/pipeline"
)

// QuietBuilds lists, oldest first, up to limit unfinished builds not
// heard from since quietSince: running with an older heartbeat, or queued
// (recorded, handed back or requeued) before it.
func (s *Store) QuietBuilds(ctx context.Context, quietSince time.Time, limit int) ([]pipeline.QuietBuild, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, event, state, reaped FROM builds
		WHERE state IN ('queued', 'running') AND COALESCE(heartbeat_at, created_at) < $1
		ORDER BY id LIMIT $2`, quietSince, limit)
	if err != nil {
		return nil, fmt.Errorf("quiet builds: %w", err)
	}
	var out []pipeline.QuietBuild
	var (
		id     int64
		event  []byte
		state  string
		reaped int
	)
	_, err = pgx.ForEachRow(rows, []any{&id, &event, &state, &reaped}, func() error {
		q := pipeline.QuietBuild{Request: pipeline.BuildRequest{BuildID: id}, State: pipeline.State(state), Reaped: reaped}
		if err := json.Unmarshal(event, &q.Request.Event); err != nil {
			return fmt.Errorf("build %d: decode its event: %w", id, err)
		}
		out = append(out, q)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("quiet builds: %w", err)
	}
	return out, nil
}

// reapBuild hands a quiet build back to the queue, or ends it as an error
// once it was handed back max times. The conditions are those that made
// it quiet: a builder that spoke for it meanwhile keeps it.
const reapBuild = `WITH reaped AS (
	UPDATE builds SET
		state        = CASE WHEN reaped >= $3 THEN 'error' ELSE 'queued' END,
		error        = CASE WHEN reaped >= $3 THEN $4 ELSE $5 END,
		finished_at  = CASE WHEN reaped >= $3 THEN now() ELSE NULL END,
		reaped       = CASE WHEN reaped >= $3 THEN reaped ELSE reaped + 1 END,
		heartbeat_at = now()
	WHERE id = $1 AND state IN ('queued', 'running') AND COALESCE(heartbeat_at, created_at) < $2
	RETURNING id, state, reaped
), functions AS (
	UPDATE function_builds SET state = 'error', finished_at = now(), updated_at = now()
	WHERE build_id IN (SELECT id FROM reaped WHERE state = 'error') AND state IN ('queued', 'running')
)
SELECT state, reaped FROM reaped`

// ReapBuild requeues build id, with requeued as its error, if it is still
// unfinished and quiet since quietSince, and returns how many times it was
// reaped. Once it was reaped max times it ends as an error, with gaveUp
// as its message, instead. moved is true when a builder spoke for the
// build meanwhile, and nothing was changed.
func (s *Store) ReapBuild(ctx context.Context, id int64, quietSince time.Time, max int, requeued, gaveUp string) (state pipeline.State, n int, moved bool, err error) {
	var st string
	err = s.pool.QueryRow(ctx, reapBuild, id, quietSince, max, gaveUp, requeued).Scan(&st, &n)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", 0, true, nil
	}
	if err != nil {
		return "", 0, false, fmt.Errorf("reap build %d: %w", id, err)
	}
	return pipeline.State(st), n, false, nil
}
