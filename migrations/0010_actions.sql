-- What users asked of the service through its API, with who asked: the
-- name of the API token (OFC_API_TOKENS). build_id is the build acted on
-- (rebuilt, cancelled, rolled back to); result_id the build the action
-- made, NULL for a cancel.
CREATE TABLE actions (
    id         bigserial   PRIMARY KEY,
    kind       text        NOT NULL CHECK (kind IN ('rebuild', 'cancel', 'rollback')),
    build_id   bigint      NOT NULL REFERENCES builds (id) ON DELETE CASCADE,
    result_id  bigint      REFERENCES builds (id) ON DELETE SET NULL,
    by_name    text        NOT NULL,
    functions  text[]      NOT NULL DEFAULT '{}',
    reuse      boolean     NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX actions_build_idx ON actions (build_id);
CREATE INDEX actions_result_idx ON actions (result_id) WHERE result_id IS NOT NULL;
