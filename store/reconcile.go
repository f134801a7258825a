package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ofcbuild/ofc/pipeline"
)

// RecentBranches lists the latest push event of each branch, in every
// repository, that had a push recorded since since.
func (s *Store) RecentBranches(ctx context.Context, since time.Time) ([]pipeline.Event, error) {
	rows, err := s.pool.Query(ctx, `SELECT DISTINCT ON (repo_id, branch) event FROM builds
		WHERE kind = 'push' AND branch <> '' AND created_at > $1
		ORDER BY repo_id, branch, id DESC`, since)
	if err != nil {
		return nil, fmt.Errorf("branches built since %s: %w", since.Format(time.RFC3339), err)
	}
	var out []pipeline.Event
	var raw []byte
	_, err = pgx.ForEachRow(rows, []any{&raw}, func() error {
		var ev pipeline.Event
		if err := json.Unmarshal(raw, &ev); err != nil {
			return fmt.Errorf("decode event: %w", err)
		}
		out = append(out, ev)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("branches built since %s: %w", since.Format(time.RFC3339), err)
	}
	return out, nil
}

// Built reports whether commit was built for a push of branch in repo:
// a build that a newer push superseded does not count.
func (s *Store) Built(ctx context.Context, repo pipeline.Repo, branch, commit string) (bool, error) {
	var built bool
	err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM builds b JOIN repos r ON r.id = b.repo_id
		WHERE r.provider = $1 AND r.owner = $2 AND r.name = $3
		  AND b.kind = 'push' AND b.branch = $4 AND b.commit_sha = $5 AND b.state <> 'superseded')`,
		repo.Provider, repo.Owner, repo.Name, branch, commit).Scan(&built)
	if err != nil {
		return false, fmt.Errorf("builds of %s@%s on %s: %w", repo.FullName(), pipeline.ShortSHA(commit), branch, err)
	}
	return built, nil
}
