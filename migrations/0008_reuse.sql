-- A function's image is found again by what makes it: its content hash.
-- A build whose function has the hash of an image built before reuses
-- that image (reused_from is the commit it was built for); unchanged says
-- the gateway ran that image with the same settings already, so the
-- function was not redeployed.
ALTER TABLE function_builds
    ADD COLUMN content_hash text NOT NULL DEFAULT '',
    ADD COLUMN reused_from text NOT NULL DEFAULT '',
    ADD COLUMN unchanged boolean NOT NULL DEFAULT false;

CREATE INDEX function_builds_content_idx ON function_builds (name, content_hash)
    WHERE content_hash <> '' AND digest <> '';
