-- Log retention deletes the log chunks of old builds and records it on the
-- build, so that readers are told the log was removed rather than shown an
-- empty one. log_removed_why says which rule removed it.
ALTER TABLE builds
    ADD COLUMN log_removed_at  timestamptz,
    ADD COLUMN log_removed_why text NOT NULL DEFAULT '';

-- The builds whose log is still kept: after the first run of the
-- retention job, the recent ones only. Each run walks these rather than a
-- repository's whole history: a repository's builds beyond its latest N
-- by id, and builds finished before the cutoff by finished_at.
CREATE INDEX builds_log_kept_idx ON builds (repo_id, id)
    WHERE log_removed_at IS NULL;
CREATE INDEX builds_log_kept_finished_idx ON builds (finished_at)
    WHERE log_removed_at IS NULL;
