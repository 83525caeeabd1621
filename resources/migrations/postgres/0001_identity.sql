-- Users, API keys and the audit log.
-- Times are BIGINT milliseconds since the epoch (UTC) in both backends: portable, exact and
-- cheap to compare; the SQLite schema mirrors this one column for column.

CREATE TABLE users (
    id              uuid PRIMARY KEY,
    email           text NOT NULL,
    username        text NOT NULL,
    name            text NOT NULL DEFAULT '',
    hashed_password bytea NOT NULL DEFAULT '\x',
    status          text NOT NULL DEFAULT 'active',
    rbac_roles      text NOT NULL DEFAULT '[]', -- JSON array of site roles
    login_type      text NOT NULL DEFAULT 'password',
    created_at      bigint NOT NULL,
    updated_at      bigint NOT NULL,
    last_seen_at    bigint,
    deleted         boolean NOT NULL DEFAULT false
);

-- A soft-deleted user frees its username and email for someone else.
CREATE UNIQUE INDEX users_username_uniq ON users (lower(username)) WHERE deleted = FALSE;
CREATE UNIQUE INDEX users_email_uniq ON users (lower(email)) WHERE deleted = FALSE;

CREATE TABLE api_keys (
    id               text PRIMARY KEY,
    hashed_secret    bytea NOT NULL,
    user_id          uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    login_type       text NOT NULL,
    token_name       text NOT NULL DEFAULT '',
    scope            text NOT NULL DEFAULT 'all',
    lifetime_seconds bigint NOT NULL DEFAULT 0,
    ip_address       text NOT NULL DEFAULT '',
    last_used        bigint,
    expires_at       bigint,
    created_at       bigint NOT NULL,
    updated_at       bigint NOT NULL
);

CREATE UNIQUE INDEX api_keys_token_name_uniq ON api_keys (user_id, token_name)
    WHERE login_type = 'token';
CREATE INDEX api_keys_user_id_idx ON api_keys (user_id);

CREATE TABLE audit_logs (
    id                uuid PRIMARY KEY,
    time              bigint NOT NULL,
    user_id           uuid, -- no foreign key: anonymous actions have none, users are never removed
    ip_address        text NOT NULL DEFAULT '',
    user_agent        text NOT NULL DEFAULT '',
    resource_type     text NOT NULL,
    resource_id       text NOT NULL DEFAULT '',
    resource_target   text NOT NULL DEFAULT '',
    action            text NOT NULL,
    diff              text NOT NULL DEFAULT '{}', -- JSON object
    status_code       integer NOT NULL DEFAULT 0,
    request_id        text NOT NULL DEFAULT '',
    additional_fields text NOT NULL DEFAULT '{}' -- JSON object
);

CREATE INDEX audit_logs_time_idx ON audit_logs (time DESC, id DESC);
