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

// recordEvent inserts the repository and the queued build in one
// statement. A delivery already recorded inserts nothing and returns no
// row; a concurrent insert of the same delivery waits for the first to
// commit and then does the same.
const recordEvent = `WITH ` + upsertRepo + `, build AS (
	INSERT INTO builds (repo_id, delivery_id, kind, ref, branch, commit_sha, message, author, event)
	SELECT repo.id, $8, $9, $10, $11, $12, $13, $14, $15 FROM repo
	ON CONFLICT (delivery_id) DO NOTHING
	RETURNING id, created_at
)
SELECT build.id, build.created_at, repo.clone_url, repo.html_url, repo.default_branch, repo.private
FROM build, repo`

// RecordEvent records ev and its queued build. A delivery recorded before
// returns the build it made, with created false.
func (s *Store) RecordEvent(ctx context.Context, ev pipeline.Event) (pipeline.Build, bool, error) {
	if ev.DeliveryID == "" {
		return pipeline.Build{}, false, fmt.Errorf("record event for %s@%s: no delivery id", ev.Repo.FullName(), ev.ShortCommit())
	}
	event, err := json.Marshal(ev)
	if err != nil {
		return pipeline.Build{}, false, fmt.Errorf("record delivery %s: encode event: %w", ev.DeliveryID, err)
	}
	r := ev.Repo
	var id int64
	var createdAt time.Time
	err = s.pool.QueryRow(ctx, recordEvent,
		r.Provider, r.Owner, r.Name, r.CloneURL, r.HTMLURL, r.DefaultBranch, r.Private,
		ev.DeliveryID, ev.Kind, ev.Ref, ev.Branch, ev.Commit, ev.Message, ev.Author, event,
	).Scan(&id, &createdAt, &r.CloneURL, &r.HTMLURL, &r.DefaultBranch, &r.Private)
	if err == nil {
		// The new row is what ev says: no second round trip to read it.
		return pipeline.Build{ID: id, Repo: r, DeliveryID: ev.DeliveryID, Branch: ev.Branch,
			Commit: ev.Commit, Message: ev.Message, Author: ev.Author, State: pipeline.Queued,
			CreatedAt: createdAt.UTC()}, true, nil
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return pipeline.Build{}, false, fmt.Errorf("record delivery %s for %s@%s: %w", ev.DeliveryID, r.FullName(), ev.ShortCommit(), err)
	}
	b, err := s.buildWhere(ctx, "b.delivery_id = $1", ev.DeliveryID)
	if err != nil {
		return pipeline.Build{}, false, fmt.Errorf("record delivery %s: %w", ev.DeliveryID, err)
	}
	return b, false, nil
}
