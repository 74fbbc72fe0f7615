-- Step 2: add a status limited to active / inactive / suspended — the seed's ENUM,
-- written as a CHECK constraint, which SQLite enforces.
-- SQLite has no ADD COLUMN IF NOT EXISTS: the strata:skip-if guard skips the
-- statement when the column is already there, so the migration stays idempotent.

-- migrate:up
-- strata:skip-if SELECT 1 FROM pragma_table_info('users') WHERE name = 'status'
ALTER TABLE users ADD COLUMN status TEXT NOT NULL DEFAULT 'active'
    CHECK (status IN ('active', 'inactive', 'suspended'));

-- migrate:down
-- No `DROP TYPE enum_users_status` is needed: there is no separate type to clean up.
-- strata:skip-if SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM pragma_table_info('users') WHERE name = 'status')
ALTER TABLE users DROP COLUMN status;
