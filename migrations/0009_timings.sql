-- When each stage of a function ran (build, push, deploy, ready), as a
-- list of {stage, started_at, finished_at, how, failed}, for the build
-- page's timeline. A list read whole with its function build, never
-- queried into: jsonb rather than a table of its own.
ALTER TABLE function_builds
    ADD COLUMN stages jsonb NOT NULL DEFAULT '[]';
