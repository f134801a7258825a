package store

// upsertRepo is a CTE that inserts the repository of an event, or brings
// its details up to date, and yields its id. Text details an event leaves
// empty keep their stored value, since not every forge event carries all.
// Parameters: $1 provider, $2 owner, $3 name, $4 clone_url, $5 html_url,
// $6 default_branch, $7 private.
const upsertRepo = `repo AS (
	INSERT INTO repos (provider, owner, name, clone_url, html_url, default_branch, private)
	VALUES ($1, $2, $3, $4, $5, $6, $7)
	ON CONFLICT (owner, name, provider) DO UPDATE SET
		clone_url      = COALESCE(NULLIF(EXCLUDED.clone_url, ''), repos.clone_url),
		html_url       = COALESCE(NULLIF(EXCLUDED.html_url, ''), repos.html_url),
		default_branch = COALESCE(NULLIF(EXCLUDED.default_branch, ''), repos.default_branch),
		private        = EXCLUDED.private,
		updated_at     = now()
	RETURNING id
)`
