package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/ofcbuild/ofc/pipeline"
)

// upsertDeployed inserts or replaces a name's record.
const upsertDeployed = `INSERT INTO deployments
	(deploy_name, repo_id, function, branch, preview, pull_request, commit_sha, image, digest, build_id)
SELECT $1, b.repo_id, $2, $3, $4, $5, $6, $7, $8, b.id FROM builds b WHERE b.id = $9
ON CONFLICT (deploy_name) DO UPDATE SET
	repo_id = EXCLUDED.repo_id, function = EXCLUDED.function, branch = EXCLUDED.branch,
	preview = EXCLUDED.preview, pull_request = EXCLUDED.pull_request, commit_sha = EXCLUDED.commit_sha,
	image = EXCLUDED.image, digest = EXCLUDED.digest, build_id = EXCLUDED.build_id,
	deployed_at = now(), removed_at = NULL, removed_by = NULL, removed_why = ''`

// recordDeployed is upsertDeployed unless the record comes from a later
// build. Advance, which decides by git ancestry under the name's lock,
// records unconditionally: an earlier build of a newer commit may follow
// a later build of its parent. RecordDeployed takes no lock and has only
// the order of builds to go by.
const recordDeployed = upsertDeployed + `
WHERE deployments.build_id <= EXCLUDED.build_id`

// RecordDeployed records that d.DeployName runs d, unless a later build
// is recorded: for deployments made outside the pipeline's Advance, such
// as a system's seed data.
func (s *Store) RecordDeployed(ctx context.Context, d pipeline.Deployed) error {
	_, err := s.pool.Exec(ctx, recordDeployed, d.DeployName, d.Function, d.Branch, d.Preview,
		d.PullRequest, d.Commit, d.Image, d.Digest, d.BuildID)
	if err != nil {
		return fmt.Errorf("record deployment of %s by build %d: %w", d.DeployName, d.BuildID, err)
	}
	return nil
}

const liveOnBranch = `SELECT deploy_name, function, branch, preview, pull_request, commit_sha, image, digest, build_id, deployed_at
FROM deployments
WHERE repo_id = (SELECT repo_id FROM builds WHERE id = $1) AND branch = $2 AND removed_at IS NULL AND (preview OR NOT $3)
ORDER BY deploy_name`

// LivePreviews implements pipeline.Deployments.
func (s *Store) LivePreviews(ctx context.Context, id int64, branch string) ([]pipeline.Deployed, error) {
	return s.live(ctx, id, branch, true)
}

// LiveOnBranch implements pipeline.Deployments.
func (s *Store) LiveOnBranch(ctx context.Context, id int64, branch string) ([]pipeline.Deployed, error) {
	return s.live(ctx, id, branch, false)
}

func (s *Store) live(ctx context.Context, id int64, branch string, previewsOnly bool) ([]pipeline.Deployed, error) {
	rows, err := s.pool.Query(ctx, liveOnBranch, id, branch, previewsOnly)
	if err != nil {
		return nil, fmt.Errorf("deployments of %q: %w", branch, err)
	}
	ds, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (pipeline.Deployed, error) {
		var d pipeline.Deployed
		err := row.Scan(&d.DeployName, &d.Function, &d.Branch, &d.Preview, &d.PullRequest,
			&d.Commit, &d.Image, &d.Digest, &d.BuildID, &d.DeployedAt)
		return d, err
	})
	if err != nil {
		return nil, fmt.Errorf("deployments of %q: %w", branch, err)
	}
	return ds, nil
}

// MarkRemoved implements pipeline.Deployments. id 0 records a removal no
// build made, such as the stale-preview job's.
func (s *Store) MarkRemoved(ctx context.Context, name string, id int64, why string) error {
	_, err := s.pool.Exec(ctx, `UPDATE deployments SET removed_at = now(), removed_by = NULLIF($2::bigint, 0), removed_why = $3
		WHERE deploy_name = $1 AND removed_at IS NULL`, name, id, why)
	if err != nil {
		return fmt.Errorf("mark %s removed: %w", name, err)
	}
	return nil
}

const prunableImages = `SELECT DISTINCT fb.image, fb.digest
FROM function_builds fb JOIN builds b ON b.id = fb.build_id
WHERE b.repo_id = (SELECT repo_id FROM builds WHERE id = $1) AND b.branch = $2 AND fb.digest <> ''
	AND NOT EXISTS (SELECT 1 FROM deployments d WHERE d.digest = fb.digest AND d.removed_at IS NULL)
	-- An image another branch's build made or reused is that branch's
	-- too: a retagged image and an identical build share one manifest.
	AND NOT EXISTS (SELECT 1 FROM function_builds o JOIN builds ob ON ob.id = o.build_id
		WHERE o.digest = fb.digest AND ob.repo_id = b.repo_id AND ob.branch <> $2)
ORDER BY fb.image, fb.digest`

// PrunableImages implements pipeline.Deployments.
func (s *Store) PrunableImages(ctx context.Context, id int64, branch string) ([]pipeline.PrunableImage, error) {
	rows, err := s.pool.Query(ctx, prunableImages, id, branch)
	if err != nil {
		return nil, fmt.Errorf("images of %q: %w", branch, err)
	}
	imgs, err := pgx.CollectRows(rows, pgx.RowToStructByPos[pipeline.PrunableImage])
	if err != nil {
		return nil, fmt.Errorf("images of %q: %w", branch, err)
	}
	return imgs, nil
}
