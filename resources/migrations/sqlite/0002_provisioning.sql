-- Files, organizations, templates, provisioner jobs, workspaces and their builds.
-- Mirrors postgres/0002_provisioning.sql column for column. Times are BIGINT milliseconds since
-- the epoch (UTC); JSON columns are TEXT; ids are UUID text. The store keeps every column that
-- is derived (provisioner_jobs.status) in step with the columns it is derived from.

CREATE TABLE files (
    id         TEXT PRIMARY KEY,
    hash       TEXT NOT NULL, -- SHA-256 of data, hex
    mimetype   TEXT NOT NULL DEFAULT '',
    data       BLOB NOT NULL,
    created_by TEXT, -- no foreign key: like audit_logs, a file outlives whoever uploaded it
    created_at BIGINT NOT NULL
);

CREATE UNIQUE INDEX files_hash_uniq ON files (hash);

CREATE TABLE organizations (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    display_name TEXT NOT NULL DEFAULT '',
    description  TEXT NOT NULL DEFAULT '',
    is_default   INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);

CREATE UNIQUE INDEX organizations_name_uniq ON organizations (lower(name));

-- The one organization of a deployment; its id is the same everywhere.
INSERT INTO organizations (id, name, display_name, description, is_default, created_at, updated_at)
VALUES ('c0de0000-0000-4000-8000-000000000001', 'coder', 'Coder', '', TRUE,
        CAST(strftime('%s', 'now') AS INTEGER) * 1000,
        CAST(strftime('%s', 'now') AS INTEGER) * 1000);

CREATE TABLE provisioner_jobs (
    id              TEXT PRIMARY KEY,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    started_at      BIGINT,
    completed_at    BIGINT,
    canceled_at     BIGINT,
    heartbeat_at    BIGINT,
    -- pending | running | succeeded | failed | canceling | canceled, from the times and error
    status          TEXT NOT NULL DEFAULT 'pending',
    error           TEXT NOT NULL DEFAULT '',
    error_code      TEXT NOT NULL DEFAULT '',
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    initiator_id    TEXT, -- no foreign key: autostart and autostop builds are initiated by coderd
    provisioner     TEXT NOT NULL,
    type            TEXT NOT NULL,
    file_id         TEXT REFERENCES files (id),
    input           TEXT NOT NULL DEFAULT '{}', -- JSON object
    tags            TEXT NOT NULL DEFAULT '{}', -- JSON object of strings
    worker_id       TEXT -- the daemon that acquired the job
);

-- Acquiring walks the pending jobs oldest first; the stale-job sweep looks at the running ones.
CREATE INDEX provisioner_jobs_status_idx ON provisioner_jobs (status, created_at);

CREATE TABLE provisioner_job_logs (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    job_id     TEXT NOT NULL REFERENCES provisioner_jobs (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    source     TEXT NOT NULL DEFAULT 'provisioner',
    level      TEXT NOT NULL DEFAULT 'info',
    stage      TEXT NOT NULL DEFAULT '',
    output     TEXT NOT NULL DEFAULT ''
);

CREATE INDEX provisioner_job_logs_job_idx ON provisioner_job_logs (job_id, id);

CREATE TABLE provisioner_daemons (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    provisioners TEXT NOT NULL DEFAULT '[]', -- JSON array
    tags         TEXT NOT NULL DEFAULT '{}', -- JSON object of strings
    version      TEXT NOT NULL DEFAULT '',
    created_at   BIGINT NOT NULL,
    last_seen_at BIGINT
);

CREATE UNIQUE INDEX provisioner_daemons_name_uniq ON provisioner_daemons (name);

-- templates.active_version_id and template_versions.template_id point at each other; SQLite
-- accepts the forward reference and checks it when a row is written.
CREATE TABLE templates (
    id                               TEXT PRIMARY KEY,
    organization_id                  TEXT NOT NULL REFERENCES organizations (id),
    name                             TEXT NOT NULL,
    display_name                     TEXT NOT NULL DEFAULT '',
    description                      TEXT NOT NULL DEFAULT '',
    icon                             TEXT NOT NULL DEFAULT '',
    provisioner                      TEXT NOT NULL,
    active_version_id                TEXT NOT NULL REFERENCES template_versions (id),
    default_ttl_ms                   BIGINT NOT NULL DEFAULT 0,
    activity_bump_ms                 BIGINT NOT NULL DEFAULT 3600000,
    allow_user_autostart             INTEGER NOT NULL DEFAULT 1 CHECK (allow_user_autostart IN (0, 1)),
    allow_user_autostop              INTEGER NOT NULL DEFAULT 1 CHECK (allow_user_autostop IN (0, 1)),
    allow_user_cancel_workspace_jobs INTEGER NOT NULL DEFAULT 1
        CHECK (allow_user_cancel_workspace_jobs IN (0, 1)),
    created_by                       TEXT,
    created_at                       BIGINT NOT NULL,
    updated_at                       BIGINT NOT NULL,
    deleted                          INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1))
);

-- A deleted template frees its name.
CREATE UNIQUE INDEX templates_name_uniq ON templates (organization_id, lower(name))
    WHERE deleted = FALSE;

CREATE TABLE template_versions (
    id              TEXT PRIMARY KEY,
    template_id     TEXT REFERENCES templates (id), -- NULL until attached to a template
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    name            TEXT NOT NULL,
    message         TEXT NOT NULL DEFAULT '',
    readme          TEXT NOT NULL DEFAULT '',
    file_id         TEXT REFERENCES files (id),
    job_id          TEXT NOT NULL REFERENCES provisioner_jobs (id),
    parameters      TEXT NOT NULL DEFAULT '[]', -- JSON array, set by the import job
    created_by      TEXT,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    archived        INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1))
);

CREATE UNIQUE INDEX template_versions_name_uniq ON template_versions (template_id, lower(name))
    WHERE template_id IS NOT NULL;
CREATE UNIQUE INDEX template_versions_job_uniq ON template_versions (job_id);

CREATE TABLE workspaces (
    id                 TEXT PRIMARY KEY,
    owner_id           TEXT NOT NULL REFERENCES users (id),
    organization_id    TEXT NOT NULL REFERENCES organizations (id),
    template_id        TEXT NOT NULL REFERENCES templates (id),
    name               TEXT NOT NULL,
    autostart_schedule TEXT NOT NULL DEFAULT '',
    ttl_ms             BIGINT NOT NULL DEFAULT 0,
    last_used_at       BIGINT,
    created_at         BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL,
    deleted            INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1))
);

-- A deleted workspace frees its name.
CREATE UNIQUE INDEX workspaces_name_uniq ON workspaces (owner_id, lower(name))
    WHERE deleted = FALSE;
CREATE INDEX workspaces_template_idx ON workspaces (template_id) WHERE deleted = FALSE;

CREATE TABLE workspace_builds (
    id                  TEXT PRIMARY KEY,
    workspace_id        TEXT NOT NULL REFERENCES workspaces (id),
    template_version_id TEXT NOT NULL REFERENCES template_versions (id),
    build_number        INTEGER NOT NULL,
    transition          TEXT NOT NULL, -- start | stop | delete
    initiator_id        TEXT,
    reason              TEXT NOT NULL DEFAULT 'initiator',
    job_id              TEXT NOT NULL REFERENCES provisioner_jobs (id),
    provisioner_state   BLOB NOT NULL DEFAULT x'',
    parameters          TEXT NOT NULL DEFAULT '[]', -- JSON array of {"name","value"}
    deadline            BIGINT,
    max_deadline        BIGINT,
    created_at          BIGINT NOT NULL,
    updated_at          BIGINT NOT NULL
);

-- Numbers builds per workspace and finds the latest one (a backward scan per workspace).
CREATE UNIQUE INDEX workspace_builds_number_uniq
    ON workspace_builds (workspace_id, build_number DESC);
CREATE UNIQUE INDEX workspace_builds_job_uniq ON workspace_builds (job_id);

CREATE TABLE workspace_resources (
    id         TEXT PRIMARY KEY,
    job_id     TEXT NOT NULL REFERENCES provisioner_jobs (id) ON DELETE CASCADE,
    ordinal    INTEGER NOT NULL DEFAULT 0, -- the provisioner's order within the job
    transition TEXT NOT NULL,
    type       TEXT NOT NULL,
    name       TEXT NOT NULL,
    persistent INTEGER NOT NULL DEFAULT 0 CHECK (persistent IN (0, 1)),
    hide       INTEGER NOT NULL DEFAULT 0 CHECK (hide IN (0, 1)),
    icon       TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);

CREATE INDEX workspace_resources_job_idx ON workspace_resources (job_id);

CREATE TABLE workspace_agents (
    id                             TEXT PRIMARY KEY,
    resource_id                    TEXT NOT NULL
        REFERENCES workspace_resources (id) ON DELETE CASCADE,
    ordinal                        INTEGER NOT NULL DEFAULT 0,
    name                           TEXT NOT NULL,
    auth_token_hash                BLOB, -- SHA-256 of the agent's token; NULL: no token
    operating_system               TEXT NOT NULL DEFAULT 'linux',
    architecture                   TEXT NOT NULL DEFAULT 'amd64',
    directory                      TEXT NOT NULL DEFAULT '',
    environment_variables          TEXT NOT NULL DEFAULT '{}', -- JSON object
    startup_script                 TEXT NOT NULL DEFAULT '',
    startup_script_timeout_seconds INTEGER NOT NULL DEFAULT 300,
    lifecycle_state                TEXT NOT NULL DEFAULT 'created',
    first_connected_at             BIGINT,
    last_connected_at              BIGINT,
    disconnected_at                BIGINT,
    created_at                     BIGINT NOT NULL,
    updated_at                     BIGINT NOT NULL
);

CREATE INDEX workspace_agents_resource_idx ON workspace_agents (resource_id);
CREATE UNIQUE INDEX workspace_agents_token_uniq ON workspace_agents (auth_token_hash);

CREATE TABLE workspace_apps (
    id            TEXT PRIMARY KEY,
    agent_id      TEXT NOT NULL REFERENCES workspace_agents (id) ON DELETE CASCADE,
    ordinal       INTEGER NOT NULL DEFAULT 0,
    slug          TEXT NOT NULL,
    display_name  TEXT NOT NULL DEFAULT '',
    icon          TEXT NOT NULL DEFAULT '',
    url           TEXT NOT NULL DEFAULT '',
    command       TEXT NOT NULL DEFAULT '',
    sharing_level TEXT NOT NULL DEFAULT 'owner',
    subdomain     INTEGER NOT NULL DEFAULT 0 CHECK (subdomain IN (0, 1)),
    healthcheck   TEXT NOT NULL DEFAULT '{}', -- JSON object
    created_at    BIGINT NOT NULL
);

CREATE UNIQUE INDEX workspace_apps_slug_uniq ON workspace_apps (agent_id, slug);
