-- Repositories seen in webhooks, one row per forge repository.
CREATE TABLE repos (
    id             bigserial   PRIMARY KEY,
    provider       text        NOT NULL,
    owner          text        NOT NULL,
    name           text        NOT NULL,
    clone_url      text        NOT NULL DEFAULT '',
    html_url       text        NOT NULL DEFAULT '',
    default_branch text        NOT NULL DEFAULT '',
    private        boolean     NOT NULL DEFAULT false,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    -- Owner and name lead the index: the API finds a repository by
    -- owner/name without knowing its forge.
    CONSTRAINT repos_owner_name_provider_key UNIQUE (owner, name, provider)
);

-- One build per webhook delivery; a redelivery is the same build.
CREATE TABLE builds (
    id           bigserial   PRIMARY KEY,
    repo_id      bigint      NOT NULL REFERENCES repos (id),
    delivery_id  text        NOT NULL UNIQUE,
    kind         text        NOT NULL,
    ref          text        NOT NULL DEFAULT '',
    branch       text        NOT NULL DEFAULT '',
    commit_sha   text        NOT NULL,
    message      text        NOT NULL DEFAULT '',
    author       text        NOT NULL DEFAULT '',
    state        text        NOT NULL DEFAULT 'queued'
                 CHECK (state IN ('queued', 'running', 'success', 'failure', 'error')),
    failed_step  text        NOT NULL DEFAULT '',
    error        text        NOT NULL DEFAULT '',
    attempts     integer     NOT NULL DEFAULT 0,
    -- The normalised event, so a build can be queued again without the forge.
    event        jsonb       NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    started_at   timestamptz,
    finished_at  timestamptz,
    heartbeat_at timestamptz
);

-- A repository's latest builds are a backward walk of this index, however
-- many builds the table holds; it also serves the foreign key.
CREATE INDEX builds_repo_id_id_idx ON builds (repo_id, id DESC);

-- Builds not yet final are few; finding stuck ones must not scan history.
CREATE INDEX builds_unfinished_idx ON builds (heartbeat_at)
    WHERE state IN ('queued', 'running');

-- The build, push and deploy of each function of a build.
CREATE TABLE function_builds (
    id          bigserial   PRIMARY KEY,
    build_id    bigint      NOT NULL REFERENCES builds (id) ON DELETE CASCADE,
    name        text        NOT NULL,
    deploy_name text        NOT NULL DEFAULT '',
    image       text        NOT NULL DEFAULT '',
    digest      text        NOT NULL DEFAULT '',
    state       text        NOT NULL DEFAULT 'queued'
                CHECK (state IN ('queued', 'running', 'success', 'failure', 'error')),
    failed_step text        NOT NULL DEFAULT '',
    error       text        NOT NULL DEFAULT '',
    started_at  timestamptz,
    finished_at timestamptz,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (build_id, name)
);
