-- The workspace list is ordered by the owner's username, then the workspace's name. Sorting
-- every workspace through a join to users for each page cost milliseconds per request at a
-- few thousand workspaces, so the owner's username is copied onto the workspace, where one
-- index gives that order and a page reads only its own rows. The store fills the copy when it
-- inserts a workspace; the trigger keeps it in step when a username changes.
-- Mirrors postgres/0003_workspace_list_order.sql.

ALTER TABLE workspaces ADD COLUMN owner_username TEXT NOT NULL DEFAULT '';

UPDATE workspaces
    SET owner_username = (SELECT username FROM users WHERE users.id = workspaces.owner_id);

CREATE INDEX workspaces_list_order ON workspaces (lower(owner_username), lower(name), id)
    WHERE deleted = FALSE;

CREATE TRIGGER users_username_to_workspaces AFTER UPDATE OF username ON users
BEGIN
    UPDATE workspaces SET owner_username = NEW.username WHERE owner_id = NEW.id;
END;
