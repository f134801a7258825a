package main

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// target is a repository whose listing is measured.
type target struct {
	kind, owner, name string
	// builds is how many builds it has, counted after the fill.
	builds int
}

func (t target) String() string {
	return fmt.Sprintf("%s (%s/%s, %s builds)", t.kind, t.owner, t.name, thousands(t.builds))
}

// measuredTargets returns the repositories whose listing is measured, with
// their builds counted: the largest, where a listing that reads the
// repository's history costs the most; a typical one, of the long tail's
// median size; and a quiet one whose builds all lie in the oldest
// twentieth of the history, so that a walk from the newest build finds
// none of them early.
func measuredTargets(ctx context.Context, pool *pgxpool.Pool) ([]target, error) {
	ts := []target{
		{kind: "large", owner: "acme", name: "platform"},
		{kind: "typical", owner: "org500", name: "fn-500"},
		{kind: "quiet", owner: "acme", name: "status-page"},
	}
	for i, t := range ts {
		err := pool.QueryRow(ctx, `SELECT count(*) FROM builds b JOIN repos r ON r.id = b.repo_id
			WHERE r.owner = $1 AND r.name = $2`, t.owner, t.name).Scan(&ts[i].builds)
		if err != nil {
			return nil, fmt.Errorf("count builds of %s/%s: %w", t.owner, t.name, err)
		}
	}
	return ts, nil
}

// spread is how many builds the repositories of the long tail have.
type spread struct {
	min, median, max int
}

// tailSpread reads the sizes of repositories 3 to 1000, the ones fill
// sizes at random.
func tailSpread(ctx context.Context, pool *pgxpool.Pool) (spread, error) {
	var s spread
	err := pool.QueryRow(ctx, `SELECT min(n), percentile_disc(0.5) WITHIN GROUP (ORDER BY n), max(n)
		FROM (SELECT count(*) AS n FROM builds WHERE repo_id > 2 GROUP BY repo_id) c`).Scan(&s.min, &s.median, &s.max)
	if err != nil {
		return s, fmt.Errorf("read repository sizes: %w", err)
	}
	return s, nil
}

// fillStatements make the history: 1,000 repositories and 1,000,000
// builds. Repository 1 has 100,000 builds spread over the whole history,
// repository 2 has 60 in its oldest twentieth, and repositories 3 to 1000
// share the rest with sizes from about 28,000 down to about 400 (the
// square of a uniform draw picks the repository, so the first few are
// big). Builds are numbered and inserted in time order, as the webhook
// appends them. The seed makes every run fill the same history.
func fillStatements() []string {
	return []string{
		`SELECT setseed(0.42)`,

		`INSERT INTO repos (id, provider, owner, name, clone_url, html_url, default_branch, private)
		SELECT i,
			CASE WHEN i % 5 = 0 THEN 'gitlab' ELSE 'github' END,
			CASE i WHEN 1 THEN 'acme' WHEN 2 THEN 'acme' ELSE 'org' || i END,
			CASE i WHEN 1 THEN 'platform' WHEN 2 THEN 'status-page' ELSE 'fn-' || i END,
			'', '', 'main', i > 2 AND i % 10 = 3
		FROM generate_series(1, 1000) i`,
		`UPDATE repos SET
			html_url = CASE provider WHEN 'gitlab' THEN 'https://gitlab.com/' ELSE 'https://github.com/' END || owner || '/' || name,
			clone_url = CASE provider WHEN 'gitlab' THEN 'https://gitlab.com/' ELSE 'https://github.com/' END || owner || '/' || name || '.git'`,
		`SELECT setval('repos_id_seq', 1000)`,

		`CREATE TEMP TABLE plan AS
		SELECT repo_id, t, random() AS k, random() AS s FROM (
			SELECT 1 AS repo_id, random() AS t FROM generate_series(1, 100000)
			UNION ALL SELECT 2, random() * 0.05 FROM generate_series(1, 60)
			UNION ALL SELECT 3 + floor(998 * power(random(), 2))::int, random() FROM generate_series(1, 899940)
		) p`,

		// k picks the kind and branch, s the state; created_at runs over the
		// last year. The event is the normalised one the webhook stores.
		`INSERT INTO builds (id, repo_id, delivery_id, kind, ref, branch, commit_sha, message, author,
			state, failed_step, error, attempts, event, created_at, started_at, finished_at)
		SELECT n, repo_id, delivery, kind, ref, branch, sha, message, author,
			state, CASE state WHEN 'failure' THEN 'build' WHEN 'error' THEN 'deploy' ELSE '' END,
			CASE state WHEN 'failure' THEN 'function ' || fn || ': RUN go build ./...: exit code 1'
				WHEN 'error' THEN 'deploy ' || fn || ': gateway answered 502' ELSE '' END,
			CASE WHEN state = 'queued' THEN 0 ELSE 1 END,
			jsonb_strip_nulls(jsonb_build_object(
				'delivery_id', delivery, 'kind', kind,
				'repo', jsonb_build_object('provider', r.provider, 'owner', r.owner, 'name', r.name,
					'clone_url', r.clone_url, 'html_url', r.html_url, 'default_branch', 'main', 'private', r.private),
				'ref', ref, 'branch', branch, 'commit', sha, 'message', message, 'author', author,
				'tag', CASE WHEN kind = 'tag' THEN substr(ref, 11) END,
				'pull_request', CASE WHEN kind IN ('pull_request', 'cleanup') THEN 1 + n % 900 END,
				'received_at', created)),
			created,
			CASE WHEN state <> 'queued' THEN created + interval '2 seconds' END,
			CASE WHEN state NOT IN ('queued', 'running') THEN created + (30 + s * 240) * interval '1 second' END
		FROM (
			SELECT n, repo_id, s, created, kind, sha, md5(n::text) AS delivery, fn, author,
				CASE kind WHEN 'tag' THEN 'refs/tags/v1.' || n % 40 || '.' || n % 7 ELSE 'refs/heads/' || branch END AS ref,
				CASE kind WHEN 'tag' THEN '' ELSE branch END AS branch,
				subject || CASE WHEN n % 3 = 0 THEN E'\n\nThe handler now returns 400 on a malformed body instead of 500,\nand the timeout comes from the environment.' ELSE '' END AS message,
				CASE WHEN n > 999980 THEN (CASE WHEN n % 2 = 0 THEN 'running' ELSE 'queued' END)
					WHEN s < 0.85 THEN 'success' WHEN s < 0.95 THEN 'failure' ELSE 'error' END AS state
			FROM (
				SELECT row_number() OVER (ORDER BY t) AS n, repo_id, s,
					now() - interval '365 days' * (1 - t) AS created,
					CASE WHEN k < 0.80 THEN 'push' WHEN k < 0.95 THEN 'pull_request' WHEN k < 0.98 THEN 'tag' ELSE 'cleanup' END AS kind,
					CASE WHEN k < 0.50 THEN 'main' ELSE (ARRAY['feature/login', 'fix/timeout', 'deps/bump-pgx', 'feature/search-api', 'docs/readme'])[1 + (k * 1000)::int % 5] END AS branch,
					md5(t::text) || substr(md5(k::text), 1, 8) AS sha,
					(ARRAY['api', 'resize-image', 'send-mail', 'webhook-relay'])[1 + (s * 1000)::int % 4] AS fn,
					(ARRAY['Ada Lovelace', 'Grace Hopper', 'Linus Torvalds', 'Barbara Liskov', 'Ken Thompson', 'dependabot[bot]'])[1 + (t * 10000)::int % 6] AS author,
					(ARRAY['Fix the timeout of the resize function', 'Add a search endpoint', 'Bump github.com/jackc/pgx/v5 from 5.11.0 to 5.12.0',
						'Merge pull request #42 from feature/login', 'Return 400 on a malformed body', 'Update README', 'Cache the template between builds',
						'Release v1.4.0'])[1 + (k * 10000)::int % 8] AS subject
				FROM plan
			) g
		) b
		JOIN repos r ON r.id = b.repo_id`,
		`SELECT setval('builds_id_seq', 1000000)`,
		`DROP TABLE plan`,
		// A table that has lived has its visibility map set and fresh
		// statistics; a benchmark right after a bulk insert would have neither.
		`VACUUM (ANALYZE) repos, builds`,
	}
}

// fill makes the history in the database at url, on one connection so
// that the seed holds for every random draw.
func fill(ctx context.Context, url string) error {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return fmt.Errorf("connect to fill: %w", err)
	}
	defer conn.Close(ctx)
	for i, q := range fillStatements() {
		if _, err := conn.Exec(ctx, q); err != nil {
			return fmt.Errorf("fill, statement %d: %w", i+1, err)
		}
	}
	return nil
}
