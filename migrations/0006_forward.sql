-- A build a newer push of its branch or pull request made pointless.
-- superseded_by is that push's commit: set on a queued build, which
-- then ends as superseded; set on a running one, whose builder stops it
-- at its next heartbeat and deploys nothing of it meanwhile.
ALTER TABLE builds
    ADD COLUMN superseded_by text NOT NULL DEFAULT '',
    -- How many times the reaper handed the build back to the queue.
    ADD COLUMN reaped integer NOT NULL DEFAULT 0,
    DROP CONSTRAINT builds_state_check,
    ADD CONSTRAINT builds_state_check
        CHECK (state IN ('queued', 'running', 'success', 'failure', 'error', 'superseded'));

ALTER TABLE function_builds
    DROP CONSTRAINT function_builds_state_check,
    ADD CONSTRAINT function_builds_state_check
        CHECK (state IN ('queued', 'running', 'success', 'failure', 'error', 'superseded'));

-- Unfinished builds of one branch or pull request, found when a newer
-- push supersedes them.
CREATE INDEX builds_unfinished_lane_idx ON builds (repo_id, kind, branch)
    WHERE state IN ('queued', 'running');
