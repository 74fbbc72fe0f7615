-- A SQL migration on the same timeline as the Swift ones.
-- migrate:up
CREATE VIEW open_todos AS SELECT id, title, "userId" FROM todos WHERE status <> 'done';

-- migrate:down
DROP VIEW open_todos;
