-- Step 4: list a user's posts, newest first, without scanning the table.

-- migrate:up
CREATE INDEX IF NOT EXISTS posts_user_id_created_at ON posts (user_id, created_at);

-- migrate:down
DROP INDEX IF EXISTS posts_user_id_created_at;
