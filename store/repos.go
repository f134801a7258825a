package store

// upsertRepo is a CTE that inserts the repository of an event, or brings
// its details up to date, and yields its id. Text details an event leaves
// empty keep their stored value, since not every forge event carries all.
// Parameters: $1 provider, $2 owner, $3 name, $4 clone_url, $5 html_url,
// $6 default_branch, $7 private.
//
// A repository whose details have not changed is only read: an upsert
// would lock its row until commit, and every push to the repository would
// queue behind the one before.
const upsertRepo = `found AS (
	SELECT id, clone_url, html_url, default_branch, private FROM repos
	WHERE owner = $2 AND name = $3 AND provider = $1
		AND ($4 = '' OR clone_url = $4) AND ($5 = '' OR html_url = $5)
		AND ($6 = '' OR default_branch = $6) AND private = $7
), changed AS (
	INSERT INTO repos (provider, owner, name, clone_url, html_url, default_branch, private)
	SELECT $1, $2, $3, $4, $5, $6, $7 WHERE NOT EXISTS (SELECT 1 FROM found)
	ON CONFLICT (owner, name, provider) DO UPDATE SET
		clone_url      = COALESCE(NULLIF(EXCLUDED.clone_url, ''), repos.clone_url),
		html_url       = COALESCE(NULLIF(EXCLUDED.html_url, ''), repos.html_url),
		default_branch = COALESCE(NULLIF(EXCLUDED.default_branch, ''), repos.default_branch),
		private        = EXCLUDED.private,
		updated_at     = now()
	RETURNING id, clone_url, html_url, default_branch, private
), repo AS (
	SELECT * FROM found UNION ALL SELECT * FROM changed
)`
