-- What runs on the gateway: one row per function name, saying which
-- build's commit and image it runs, until a cleanup removes it.
CREATE TABLE deployments (
    deploy_name  text        PRIMARY KEY,
    repo_id      bigint      NOT NULL REFERENCES repos (id),
    function     text        NOT NULL,
    -- The branch deployed from; preview is false on the default branch.
    branch       text        NOT NULL,
    preview      boolean     NOT NULL,
    pull_request integer     NOT NULL DEFAULT 0,
    commit_sha   text        NOT NULL,
    image        text        NOT NULL,
    digest       text        NOT NULL,
    build_id     bigint      NOT NULL REFERENCES builds (id) ON DELETE CASCADE,
    deployed_at  timestamptz NOT NULL DEFAULT now(),
    removed_at   timestamptz,
    -- The build (a cleanup) that removed it, and why.
    removed_by   bigint      REFERENCES builds (id) ON DELETE SET NULL,
    removed_why  text        NOT NULL DEFAULT ''
);

-- A cleanup finds a branch's live previews; the stale-preview job finds
-- old ones.
CREATE INDEX deployments_live_idx ON deployments (repo_id, branch)
    WHERE removed_at IS NULL;

-- Pruning asks whether an image is still live anywhere.
CREATE INDEX deployments_live_digest_idx ON deployments (digest)
    WHERE removed_at IS NULL;
