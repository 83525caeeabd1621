-- The workspace list is ordered by the owner's username, then the workspace's name. Sorting
-- every workspace through a join to users for each page cost milliseconds per request at a
-- few thousand workspaces, so the owner's username is copied onto the workspace, where one
-- index gives that order and a page reads only its own rows. The store fills the copy when it
-- inserts a workspace; the trigger keeps it in step when a username changes.
-- Mirrors sqlite/0003_workspace_list_order.sql.

ALTER TABLE workspaces ADD COLUMN owner_username text NOT NULL DEFAULT '';

UPDATE workspaces w SET owner_username = u.username FROM users u WHERE u.id = w.owner_id;

CREATE INDEX workspaces_list_order ON workspaces (lower(owner_username), lower(name), id)
    WHERE deleted = FALSE;

CREATE FUNCTION users_username_to_workspaces() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE workspaces SET owner_username = NEW.username WHERE owner_id = NEW.id;
    RETURN NULL;
END
$$;

CREATE TRIGGER users_username_to_workspaces AFTER UPDATE OF username ON users
    FOR EACH ROW WHEN (OLD.username IS DISTINCT FROM NEW.username)
    EXECUTE FUNCTION users_username_to_workspaces();
