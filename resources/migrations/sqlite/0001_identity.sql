-- Users, API keys and the audit log.
-- Times are BIGINT milliseconds since the epoch (UTC) in both backends: portable, exact and
-- cheap to compare; booleans are INTEGER 0/1 here and boolean in PostgreSQL.

CREATE TABLE users (
    id              TEXT PRIMARY KEY,
    email           TEXT NOT NULL,
    username        TEXT NOT NULL,
    name            TEXT NOT NULL DEFAULT '',
    hashed_password BLOB NOT NULL DEFAULT x'',
    status          TEXT NOT NULL DEFAULT 'active',
    rbac_roles      TEXT NOT NULL DEFAULT '[]', -- JSON array of site roles
    login_type      TEXT NOT NULL DEFAULT 'password',
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    last_seen_at    BIGINT,
    deleted         INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1))
);

-- A soft-deleted user frees its username and email for someone else.
CREATE UNIQUE INDEX users_username_uniq ON users (lower(username)) WHERE deleted = FALSE;
CREATE UNIQUE INDEX users_email_uniq ON users (lower(email)) WHERE deleted = FALSE;

CREATE TABLE api_keys (
    id               TEXT PRIMARY KEY,
    hashed_secret    BLOB NOT NULL,
    user_id          TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    login_type       TEXT NOT NULL,
    token_name       TEXT NOT NULL DEFAULT '',
    scope            TEXT NOT NULL DEFAULT 'all',
    lifetime_seconds BIGINT NOT NULL DEFAULT 0,
    ip_address       TEXT NOT NULL DEFAULT '',
    last_used        BIGINT,
    expires_at       BIGINT,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL
);

CREATE UNIQUE INDEX api_keys_token_name_uniq ON api_keys (user_id, token_name)
    WHERE login_type = 'token';
CREATE INDEX api_keys_user_id_idx ON api_keys (user_id);

CREATE TABLE audit_logs (
    id                TEXT PRIMARY KEY,
    time              BIGINT NOT NULL,
    user_id           TEXT, -- no foreign key: anonymous actions have none, users are never removed
    ip_address        TEXT NOT NULL DEFAULT '',
    user_agent        TEXT NOT NULL DEFAULT '',
    resource_type     TEXT NOT NULL,
    resource_id       TEXT NOT NULL DEFAULT '',
    resource_target   TEXT NOT NULL DEFAULT '',
    action            TEXT NOT NULL,
    diff              TEXT NOT NULL DEFAULT '{}', -- JSON object
    status_code       INTEGER NOT NULL DEFAULT 0,
    request_id        TEXT NOT NULL DEFAULT '',
    additional_fields TEXT NOT NULL DEFAULT '{}' -- JSON object
);

CREATE INDEX audit_logs_time_idx ON audit_logs (time DESC, id DESC);
