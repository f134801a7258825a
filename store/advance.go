package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/ofcbuild/ofc/pipeline"
)

// liveOf reads what a name runs, with the build that deployed it and
// whether that build's own run is superseded. The transaction-scoped
// advisory lock taken first is what makes the check, the gateway's deploy
// and the record one step for every builder: a second Advance of the same
// name waits on it until the first commits or its connection dies.
const liveOf = `SELECT d.deploy_name, d.function, d.branch, d.preview, d.pull_request, d.commit_sha, d.image, d.digest,
	d.build_id, d.deployed_at, r.provider, r.owner, r.name
FROM deployments d JOIN repos r ON r.id = d.repo_id WHERE d.deploy_name = $1 AND d.removed_at IS NULL`

// Advance implements pipeline.Deployments.
func (s *Store) Advance(ctx context.Context, d pipeline.Deployed,
	decide func(ctx context.Context, live *pipeline.Deployed) (string, error),
	deploy func(ctx context.Context) error) (string, error) {
	what := fmt.Sprintf("deploy %s from build %d", d.DeployName, d.BuildID)
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return "", pipeline.Transient(fmt.Errorf("%s: %w", what, err))
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('ofc.deploy:' || $1, 0))`, d.DeployName); err != nil {
		return "", pipeline.Transient(fmt.Errorf("%s: lock: %w", what, err))
	}
	var supersededBy string
	if err := tx.QueryRow(ctx, `SELECT superseded_by FROM builds WHERE id = $1`, d.BuildID).Scan(&supersededBy); err != nil {
		return "", pipeline.Transient(fmt.Errorf("%s: read build: %w", what, err))
	}
	if supersededBy != "" {
		return "", &pipeline.SupersededError{By: supersededBy}
	}
	var live *pipeline.Deployed
	var l pipeline.Deployed
	err = tx.QueryRow(ctx, liveOf, d.DeployName).Scan(&l.DeployName, &l.Function, &l.Branch, &l.Preview,
		&l.PullRequest, &l.Commit, &l.Image, &l.Digest, &l.BuildID, &l.DeployedAt, &l.Repo.Provider, &l.Repo.Owner, &l.Repo.Name)
	switch {
	case err == nil:
		live = &l
	case !errors.Is(err, pgx.ErrNoRows):
		return "", pipeline.Transient(fmt.Errorf("%s: read what runs: %w", what, err))
	}
	why, err := decide(ctx, live)
	if err != nil || why != "" {
		return why, err
	}
	if live != nil && live.BuildID == d.BuildID && live.Digest == d.Digest {
		// Deployed already by an earlier attempt of this build, which
		// stopped before it could say so: deploying the same image again
		// would only restart it.
		return "", nil
	}
	if err := deploy(ctx); err != nil {
		return "", err
	}
	if _, err := tx.Exec(ctx, upsertDeployed, d.DeployName, d.Function, d.Branch, d.Preview,
		d.PullRequest, d.Commit, d.Image, d.Digest, d.BuildID); err != nil {
		return "", pipeline.Transient(fmt.Errorf("%s: record: %w", what, err))
	}
	if err := tx.Commit(ctx); err != nil {
		return "", pipeline.Transient(fmt.Errorf("%s: record: %w", what, err))
	}
	return "", nil
}
