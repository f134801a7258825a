package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/ofcbuild/ofc/pipeline"
)

var _ pipeline.RepoLister = (*Store)(nil)

// RepoListLimit is the most repositories ListRepos returns: the most
// recently built ones.
const RepoListLimit = 200

// listRepos takes each repository's latest build from the (repo_id, id
// DESC) index. Repositories are few next to builds, so walking all of
// them is cheaper than finding the latest builds over the whole history.
const listRepos = `SELECT ` + readColumns + `
FROM repos r
CROSS JOIN LATERAL (
	SELECT * FROM builds WHERE builds.repo_id = r.id ORDER BY builds.id DESC LIMIT 1
) b
ORDER BY b.id DESC
LIMIT $1`

// ListRepos returns the repositories that have builds, each with its
// latest build, the most recently built first, at most RepoListLimit.
func (s *Store) ListRepos(ctx context.Context) ([]pipeline.RepoSummary, error) {
	rows, _ := s.pool.Query(ctx, listRepos, RepoListLimit)
	list, err := pgx.CollectRows(rows, pgx.RowToStructByName[readRow])
	if err != nil {
		return nil, fmt.Errorf("list repositories: %w", err)
	}
	repos := make([]pipeline.RepoSummary, len(list))
	for i, r := range list {
		b := r.build()
		repos[i] = pipeline.RepoSummary{Repo: b.Repo, LastBuild: pipeline.LastBuild{
			ID: b.ID, Kind: b.Kind, State: b.State, Branch: b.Branch, Commit: b.Commit, CreatedAt: b.CreatedAt}}
	}
	return repos, nil
}

// upsertRepos is a CTE that inserts the repositories of a batch of events,
// or brings their details up to date, and yields, as repo, their ids with
// n, the 1-based position of each in the parameter arrays. Text details an
// event leaves empty keep their stored value, since not every forge event
// carries all. Parameters, one array element per repository: $1 provider,
// $2 owner, $3 name, $4 clone_url, $5 html_url, $6 default_branch,
// $7 private.
//
// A repository whose details have not changed is only read: an upsert
// would lock its row until commit, and every push to the repository would
// queue behind the one before. Changed ones are written in key order, so
// that two batches changing the same repositories never deadlock.
const upsertRepos = `want AS (
	SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bool[])
		WITH ORDINALITY AS w(provider, owner, name, clone_url, html_url, default_branch, private, n)
), found AS (
	SELECT w.n, r.id, r.clone_url, r.html_url, r.default_branch, r.private
	FROM want w JOIN repos r ON r.owner = w.owner AND r.name = w.name AND r.provider = w.provider
	WHERE (w.clone_url = '' OR r.clone_url = w.clone_url) AND (w.html_url = '' OR r.html_url = w.html_url)
		AND (w.default_branch = '' OR r.default_branch = w.default_branch) AND r.private = w.private
), changed AS (
	INSERT INTO repos AS r (provider, owner, name, clone_url, html_url, default_branch, private)
	SELECT w.provider, w.owner, w.name, w.clone_url, w.html_url, w.default_branch, w.private
	FROM want w WHERE NOT EXISTS (SELECT 1 FROM found f WHERE f.n = w.n)
	ORDER BY w.owner, w.name, w.provider
	ON CONFLICT (owner, name, provider) DO UPDATE SET
		clone_url      = COALESCE(NULLIF(EXCLUDED.clone_url, ''), r.clone_url),
		html_url       = COALESCE(NULLIF(EXCLUDED.html_url, ''), r.html_url),
		default_branch = COALESCE(NULLIF(EXCLUDED.default_branch, ''), r.default_branch),
		private        = EXCLUDED.private,
		updated_at     = now()
	RETURNING r.id, r.provider, r.owner, r.name, r.clone_url, r.html_url, r.default_branch, r.private
), repo AS (
	SELECT n, id, clone_url, html_url, default_branch, private FROM found
	UNION ALL
	SELECT w.n, c.id, c.clone_url, c.html_url, c.default_branch, c.private
	FROM changed c JOIN want w ON w.owner = c.owner AND w.name = c.name AND w.provider = c.provider
)`
