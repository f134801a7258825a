package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/ofcbuild/ofc/pipeline"
)

// saveFunctionBuild writes every field given, so the row always equals the
// caller's latest value.
const saveFunctionBuild = `INSERT INTO function_builds
	(build_id, name, deploy_name, image, digest, state, failed_step, error, started_at, finished_at,
	content_hash, reused_from, unchanged, stages)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
ON CONFLICT (build_id, name) DO UPDATE SET
	deploy_name = EXCLUDED.deploy_name,
	image       = EXCLUDED.image,
	digest      = EXCLUDED.digest,
	state       = EXCLUDED.state,
	failed_step = EXCLUDED.failed_step,
	error       = EXCLUDED.error,
	started_at  = EXCLUDED.started_at,
	finished_at = EXCLUDED.finished_at,
	content_hash = EXCLUDED.content_hash,
	reused_from  = EXCLUDED.reused_from,
	unchanged    = EXCLUDED.unchanged,
	stages       = EXCLUDED.stages,
	updated_at  = now()
RETURNING ` + functionColumns

// foreignKeyViolation is Postgres's SQLSTATE for a missing referenced row.
const foreignKeyViolation = "23503"

// SaveFunctionBuild inserts fb, or updates the function build of the same
// build and name, and returns it with its id. An empty state is stored as
// queued. A build that does not exist is an error wrapping
// pipeline.ErrNotFound.
func (s *Store) SaveFunctionBuild(ctx context.Context, fb pipeline.FunctionBuild) (pipeline.FunctionBuild, error) {
	if fb.Name == "" {
		return pipeline.FunctionBuild{}, fmt.Errorf("save function build of build %d: no name", fb.BuildID)
	}
	switch fb.State {
	case "":
		fb.State = pipeline.Queued
	case pipeline.Queued, pipeline.Running, pipeline.Success, pipeline.Failure, pipeline.Error:
	default:
		return pipeline.FunctionBuild{}, fmt.Errorf("save function %s of build %d: unknown state %q", fb.Name, fb.BuildID, fb.State)
	}
	rows, _ := s.pool.Query(ctx, saveFunctionBuild,
		fb.BuildID, fb.Name, fb.DeployName, fb.Image, fb.Digest, fb.State, fb.FailedStep, fb.Error,
		fb.StartedAt, fb.FinishedAt, fb.ContentHash, fb.ReusedFrom, fb.Unchanged, stagesOf(fb))
	row, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[functionRow])
	if err != nil {
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) && pgErr.Code == foreignKeyViolation {
			err = pipeline.ErrNotFound
		}
		return pipeline.FunctionBuild{}, fmt.Errorf("save function %s of build %d: %w", fb.Name, fb.BuildID, err)
	}
	return row.functionBuild(), nil
}

// stagesOf is fb's timeline as the stages column takes it: a list, empty
// rather than null.
func stagesOf(fb pipeline.FunctionBuild) []pipeline.StageTiming {
	if fb.Stages == nil {
		return []pipeline.StageTiming{}
	}
	return fb.Stages
}
