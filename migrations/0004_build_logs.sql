-- A build's log, in chunks of lines as the builder flushes them (every
-- tenth of a second or so while it runs). Lines of all the build's
-- streams share one sequence, so a reader resumes after one number.
CREATE TABLE build_log_chunks (
    build_id  bigint NOT NULL REFERENCES builds (id) ON DELETE CASCADE,
    first_seq bigint NOT NULL,
    last_seq  bigint NOT NULL,
    -- [{"seq":1,"function":"greet","step":"build","time":"...","text":"..."}]
    lines     jsonb  NOT NULL,
    PRIMARY KEY (build_id, first_seq),
    CHECK (last_seq >= first_seq)
);
