-- Step 1 of the seed's workflow: create the users table.
-- The up section and its history row commit in one transaction: if any statement
-- fails, nothing is applied and nothing is recorded.

-- migrate:up
CREATE TABLE IF NOT EXISTS users (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT NOT NULL,
    email      TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- Keep updated_at current; the trigger body's semicolons stay inside the statement.
CREATE TRIGGER IF NOT EXISTS users_touch_updated_at
AFTER UPDATE ON users
FOR EACH ROW WHEN NEW.updated_at = OLD.updated_at
BEGIN
    UPDATE users SET updated_at = CURRENT_TIMESTAMP WHERE id = NEW.id;
END;

-- migrate:down
DROP TRIGGER IF EXISTS users_touch_updated_at;
DROP TABLE IF EXISTS users;
