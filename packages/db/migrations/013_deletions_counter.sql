-- Up Migration

-- Conversations leave the table only by a data-protection delete. Caches of recent rows that are
-- brought up to date by id (the alert rules' reply window) cannot see a row go; they compare this
-- count instead, which moves only then, not with every fold of old rows as `version` does.
ALTER TABLE rollup_version ADD COLUMN deletions bigint NOT NULL DEFAULT 0;

-- Down Migration
ALTER TABLE rollup_version DROP COLUMN IF EXISTS deletions;
