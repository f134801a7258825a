package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ofcbuild/ofc/pipeline"
)

// claimBuild is the one UPDATE that decides which runner gets a build.
// Runners racing on it queue on the row lock; each after the first sees
// the row the winner wrote, whose heartbeat is fresh, and changes nothing.
// The other columns, read from the row as it was before the UPDATE, tell
// a build that does not exist (no row) from a final one and, for one held
// elsewhere, how long its claim stays good without a heartbeat.
const claimBuild = `WITH claimed AS (
	UPDATE builds SET
		state        = 'running',
		started_at   = now(),
		heartbeat_at = now(),
		attempts     = attempts + 1
	WHERE id = $1
	  AND (state = 'queued'
	       OR (state = 'running' AND heartbeat_at < now() - $2::bigint * interval '1 microsecond'))
	RETURNING id
)
SELECT EXISTS (SELECT 1 FROM claimed), b.state, b.superseded_by,
       COALESCE(GREATEST(0, EXTRACT(EPOCH FROM (b.heartbeat_at + $2::bigint * interval '1 microsecond' - now())) * 1000000), 0)::bigint
FROM builds b WHERE b.id = $1`

// ClaimBuild moves build id to running when it is queued, or running and
// not heard from within staleAfter (its runner is taken to be gone). A
// build that does not exist is an error wrapping pipeline.ErrNotFound.
func (s *Store) ClaimBuild(ctx context.Context, id int64, staleAfter time.Duration) (pipeline.Claim, error) {
	var won bool
	var state, supersededBy string
	var heldFor int64
	err := s.pool.QueryRow(ctx, claimBuild, id, staleAfter.Microseconds()).Scan(&won, &state, &supersededBy, &heldFor)
	if errors.Is(err, pgx.ErrNoRows) {
		return pipeline.Claim{}, fmt.Errorf("claim build %d: %w", id, pipeline.ErrNotFound)
	}
	if err != nil {
		return pipeline.Claim{}, fmt.Errorf("claim build %d: %w", id, err)
	}
	switch {
	case won:
		return pipeline.Claim{Won: true}, nil
	case pipeline.State(state) == pipeline.Superseded:
		return pipeline.Claim{Final: true, SupersededBy: supersededBy}, nil
	case pipeline.State(state).Final():
		return pipeline.Claim{Final: true}, nil
	case pipeline.State(state) == pipeline.Queued:
		// Queued as this statement began, claimed by another runner's
		// UPDATE before ours took the row: just now, so for a whole
		// staleAfter.
		return pipeline.Claim{HeldFor: staleAfter}, nil
	}
	return pipeline.Claim{HeldFor: time.Duration(heldFor) * time.Microsecond}, nil
}

// Heartbeat records that build id is still being worked on. It fails,
// wrapping pipeline.ErrNotFound, when there is no running build id: the
// build was finished or handed back meanwhile, and the caller should stop.
// It fails with a *pipeline.SupersededError when a newer push superseded
// the build.
func (s *Store) Heartbeat(ctx context.Context, id int64) error {
	var supersededBy string
	err := s.pool.QueryRow(ctx,
		`UPDATE builds SET heartbeat_at = now() WHERE id = $1 AND state = 'running' RETURNING superseded_by`, id).Scan(&supersededBy)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return fmt.Errorf("heartbeat build %d: no running build: %w", id, pipeline.ErrNotFound)
	case err != nil:
		return fmt.Errorf("heartbeat build %d: %w", id, err)
	case supersededBy != "":
		return &pipeline.SupersededError{By: supersededBy}
	}
	return nil
}

// requeueBuild hands a running build back; the next delivery claims a
// queued build whatever its heartbeat, which now dates the hand-back for
// the reaper. A final build is left alone.
const requeueBuild = `WITH requeued AS (
	UPDATE builds SET state = 'queued', error = $2, heartbeat_at = now()
	WHERE id = $1 AND state = 'running'
	RETURNING id
)
SELECT EXISTS (SELECT 1 FROM builds WHERE id = $1)`

// RequeueBuild sets running build id back to queued, keeping msg as its
// error so the reason for the retry shows. A build that is not running is
// left as it is; one that does not exist is an error wrapping
// pipeline.ErrNotFound.
func (s *Store) RequeueBuild(ctx context.Context, id int64, msg string) error {
	var exists bool
	if err := s.pool.QueryRow(ctx, requeueBuild, id, msg).Scan(&exists); err != nil {
		return fmt.Errorf("requeue build %d: %w", id, err)
	}
	if !exists {
		return fmt.Errorf("requeue build %d: %w", id, pipeline.ErrNotFound)
	}
	return nil
}
