package store

import (
	"context"
	"fmt"

	"github.com/ofcbuild/ofc/pipeline"
)

// finishBuild stores a final state unless one is stored already: the first
// result wins, so a late or duplicate runner cannot overwrite it. The
// build's functions that were cut short (it was superseded, or gave up)
// end with it.
const finishBuild = `WITH finished AS (
	UPDATE builds SET state = $2, failed_step = $3, error = $4, finished_at = now()
	WHERE id = $1 AND state IN ('queued', 'running')
	RETURNING id
), functions AS (
	UPDATE function_builds SET state = $2, finished_at = now(), updated_at = now()
	WHERE build_id IN (SELECT id FROM finished) AND state IN ('queued', 'running')
)
SELECT EXISTS (SELECT 1 FROM builds WHERE id = $1)`

// FinishBuild stores the final state of build id, with the failed step and
// message on failure. A build already final keeps its first result and the
// call succeeds; a build that does not exist is an error wrapping
// pipeline.ErrNotFound.
func (s *Store) FinishBuild(ctx context.Context, id int64, state pipeline.State, step pipeline.Step, msg string) error {
	if !state.Final() {
		return fmt.Errorf("finish build %d: state %q is not final", id, state)
	}
	var exists bool
	if err := s.pool.QueryRow(ctx, finishBuild, id, state, step, msg).Scan(&exists); err != nil {
		return fmt.Errorf("finish build %d as %s: %w", id, state, err)
	}
	if !exists {
		return fmt.Errorf("finish build %d: %w", id, pipeline.ErrNotFound)
	}
	return nil
}
