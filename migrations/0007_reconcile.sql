-- The reconciler reads the branches built lately: a walk of recent
-- pushes, however long the history.
CREATE INDEX builds_recent_push_idx ON builds (created_at) WHERE kind = 'push';
