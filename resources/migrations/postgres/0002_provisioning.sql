-- Files, organizations, templates, provisioner jobs, workspaces and their builds.
-- Mirrors sqlite/0002_provisioning.sql column for column. Times are bigint milliseconds since
-- the epoch (UTC); JSON columns are text; ids are uuid. The store keeps every column that
-- is derived (provisioner_jobs.status) in step with the columns it is derived from.

CREATE TABLE files (
    id         uuid PRIMARY KEY,
    hash       text NOT NULL, -- SHA-256 of data, hex
    mimetype   text NOT NULL DEFAULT '',
    data       bytea NOT NULL,
    created_by uuid, -- no foreign key: like audit_logs, a file outlives whoever uploaded it
    created_at bigint NOT NULL
);

CREATE UNIQUE INDEX files_hash_uniq ON files (hash);

CREATE TABLE organizations (
    id           uuid PRIMARY KEY,
    name         text NOT NULL,
    display_name text NOT NULL DEFAULT '',
    description  text NOT NULL DEFAULT '',
    is_default   boolean NOT NULL DEFAULT false,
    created_at   bigint NOT NULL,
    updated_at   bigint NOT NULL
);

CREATE UNIQUE INDEX organizations_name_uniq ON organizations (lower(name));

-- The one organization of a deployment; its id is the same everywhere.
INSERT INTO organizations (id, name, display_name, description, is_default, created_at, updated_at)
VALUES ('c0de0000-0000-4000-8000-000000000001', 'coder', 'Coder', '', TRUE,
        CAST(extract(epoch FROM now()) * 1000 AS bigint),
        CAST(extract(epoch FROM now()) * 1000 AS bigint));

CREATE TABLE provisioner_jobs (
    id              uuid PRIMARY KEY,
    created_at      bigint NOT NULL,
    updated_at      bigint NOT NULL,
    started_at      bigint,
    completed_at    bigint,
    canceled_at     bigint,
    heartbeat_at    bigint,
    -- pending | running | succeeded | failed | canceling | canceled, from the times and error
    status          text NOT NULL DEFAULT 'pending',
    error           text NOT NULL DEFAULT '',
    error_code      text NOT NULL DEFAULT '',
    organization_id uuid NOT NULL REFERENCES organizations (id),
    initiator_id    uuid, -- no foreign key: autostart and autostop builds are initiated by coderd
    provisioner     text NOT NULL,
    type            text NOT NULL,
    file_id         uuid REFERENCES files (id),
    input           text NOT NULL DEFAULT '{}', -- JSON object
    tags            text NOT NULL DEFAULT '{}', -- JSON object of strings
    worker_id       uuid -- the daemon that acquired the job
);

-- Acquiring walks the pending jobs oldest first; the stale-job sweep looks at the running ones.
CREATE INDEX provisioner_jobs_status_idx ON provisioner_jobs (status, created_at);

CREATE TABLE provisioner_job_logs (
    id         bigserial PRIMARY KEY,
    job_id     uuid NOT NULL REFERENCES provisioner_jobs (id) ON DELETE CASCADE,
    created_at bigint NOT NULL,
    source     text NOT NULL DEFAULT 'provisioner',
    level      text NOT NULL DEFAULT 'info',
    stage      text NOT NULL DEFAULT '',
    output     text NOT NULL DEFAULT ''
);

CREATE INDEX provisioner_job_logs_job_idx ON provisioner_job_logs (job_id, id);

CREATE TABLE provisioner_daemons (
    id           uuid PRIMARY KEY,
    name         text NOT NULL,
    provisioners text NOT NULL DEFAULT '[]', -- JSON array
    tags         text NOT NULL DEFAULT '{}', -- JSON object of strings
    version      text NOT NULL DEFAULT '',
    created_at   bigint NOT NULL,
    last_seen_at bigint
);

CREATE UNIQUE INDEX provisioner_daemons_name_uniq ON provisioner_daemons (name);

-- templates.active_version_id and template_versions.template_id point at each other; the
-- first of the two foreign keys is added once both tables exist.
CREATE TABLE templates (
    id                               uuid PRIMARY KEY,
    organization_id                  uuid NOT NULL REFERENCES organizations (id),
    name                             text NOT NULL,
    display_name                     text NOT NULL DEFAULT '',
    description                      text NOT NULL DEFAULT '',
    icon                             text NOT NULL DEFAULT '',
    provisioner                      text NOT NULL,
    active_version_id                uuid NOT NULL,
    default_ttl_ms                   bigint NOT NULL DEFAULT 0,
    activity_bump_ms                 bigint NOT NULL DEFAULT 3600000,
    allow_user_autostart             boolean NOT NULL DEFAULT true,
    allow_user_autostop              boolean NOT NULL DEFAULT true,
    allow_user_cancel_workspace_jobs boolean NOT NULL DEFAULT true,
    created_by                       uuid,
    created_at                       bigint NOT NULL,
    updated_at                       bigint NOT NULL,
    deleted                          boolean NOT NULL DEFAULT false
);

-- A deleted template frees its name.
CREATE UNIQUE INDEX templates_name_uniq ON templates (organization_id, lower(name))
    WHERE deleted = FALSE;

CREATE TABLE template_versions (
    id              uuid PRIMARY KEY,
    template_id     uuid REFERENCES templates (id), -- NULL until attached to a template
    organization_id uuid NOT NULL REFERENCES organizations (id),
    name            text NOT NULL,
    message         text NOT NULL DEFAULT '',
    readme          text NOT NULL DEFAULT '',
    file_id         uuid REFERENCES files (id),
    job_id          uuid NOT NULL REFERENCES provisioner_jobs (id),
    parameters      text NOT NULL DEFAULT '[]', -- JSON array, set by the import job
    created_by      uuid,
    created_at      bigint NOT NULL,
    updated_at      bigint NOT NULL,
    archived        boolean NOT NULL DEFAULT false
);

CREATE UNIQUE INDEX template_versions_name_uniq ON template_versions (template_id, lower(name))
    WHERE template_id IS NOT NULL;
CREATE UNIQUE INDEX template_versions_job_uniq ON template_versions (job_id);

ALTER TABLE templates ADD CONSTRAINT templates_active_version_id_fkey
    FOREIGN KEY (active_version_id) REFERENCES template_versions (id);

CREATE TABLE workspaces (
    id                 uuid PRIMARY KEY,
    owner_id           uuid NOT NULL REFERENCES users (id),
    organization_id    uuid NOT NULL REFERENCES organizations (id),
    template_id        uuid NOT NULL REFERENCES templates (id),
    name               text NOT NULL,
    autostart_schedule text NOT NULL DEFAULT '',
    ttl_ms             bigint NOT NULL DEFAULT 0,
    last_used_at       bigint,
    created_at         bigint NOT NULL,
    updated_at         bigint NOT NULL,
    deleted            boolean NOT NULL DEFAULT false
);

-- A deleted workspace frees its name.
CREATE UNIQUE INDEX workspaces_name_uniq ON workspaces (owner_id, lower(name))
    WHERE deleted = FALSE;
CREATE INDEX workspaces_template_idx ON workspaces (template_id) WHERE deleted = FALSE;

CREATE TABLE workspace_builds (
    id                  uuid PRIMARY KEY,
    workspace_id        uuid NOT NULL REFERENCES workspaces (id),
    template_version_id uuid NOT NULL REFERENCES template_versions (id),
    build_number        integer NOT NULL,
    transition          text NOT NULL, -- start | stop | delete
    initiator_id        uuid,
    reason              text NOT NULL DEFAULT 'initiator',
    job_id              uuid NOT NULL REFERENCES provisioner_jobs (id),
    provisioner_state   bytea NOT NULL DEFAULT '\x',
    parameters          text NOT NULL DEFAULT '[]', -- JSON array of {"name","value"}
    deadline            bigint,
    max_deadline        bigint,
    created_at          bigint NOT NULL,
    updated_at          bigint NOT NULL
);

-- Numbers builds per workspace and finds the latest one (a backward scan per workspace).
CREATE UNIQUE INDEX workspace_builds_number_uniq
    ON workspace_builds (workspace_id, build_number DESC);
CREATE UNIQUE INDEX workspace_builds_job_uniq ON workspace_builds (job_id);

CREATE TABLE workspace_resources (
    id         uuid PRIMARY KEY,
    job_id     uuid NOT NULL REFERENCES provisioner_jobs (id) ON DELETE CASCADE,
    ordinal    integer NOT NULL DEFAULT 0, -- the provisioner's order within the job
    transition text NOT NULL,
    type       text NOT NULL,
    name       text NOT NULL,
    persistent boolean NOT NULL DEFAULT false,
    hide       boolean NOT NULL DEFAULT false,
    icon       text NOT NULL DEFAULT '',
    created_at bigint NOT NULL
);

CREATE INDEX workspace_resources_job_idx ON workspace_resources (job_id);

CREATE TABLE workspace_agents (
    id                             uuid PRIMARY KEY,
    resource_id                    uuid NOT NULL
        REFERENCES workspace_resources (id) ON DELETE CASCADE,
    ordinal                        integer NOT NULL DEFAULT 0,
    name                           text NOT NULL,
    auth_token_hash                bytea, -- SHA-256 of the agent's token; NULL: no token
    operating_system               text NOT NULL DEFAULT 'linux',
    architecture                   text NOT NULL DEFAULT 'amd64',
    directory                      text NOT NULL DEFAULT '',
    environment_variables          text NOT NULL DEFAULT '{}', -- JSON object
    startup_script                 text NOT NULL DEFAULT '',
    startup_script_timeout_seconds integer NOT NULL DEFAULT 300,
    lifecycle_state                text NOT NULL DEFAULT 'created',
    first_connected_at             bigint,
    last_connected_at              bigint,
    disconnected_at                bigint,
    created_at                     bigint NOT NULL,
    updated_at                     bigint NOT NULL
);

CREATE INDEX workspace_agents_resource_idx ON workspace_agents (resource_id);
CREATE UNIQUE INDEX workspace_agents_token_uniq ON workspace_agents (auth_token_hash);

CREATE TABLE workspace_apps (
    id            uuid PRIMARY KEY,
    agent_id      uuid NOT NULL REFERENCES workspace_agents (id) ON DELETE CASCADE,
    ordinal       integer NOT NULL DEFAULT 0,
    slug          text NOT NULL,
    display_name  text NOT NULL DEFAULT '',
    icon          text NOT NULL DEFAULT '',
    url           text NOT NULL DEFAULT '',
    command       text NOT NULL DEFAULT '',
    sharing_level text NOT NULL DEFAULT 'owner',
    subdomain     boolean NOT NULL DEFAULT false,
    healthcheck   text NOT NULL DEFAULT '{}', -- JSON object
    created_at    bigint NOT NULL
);

CREATE UNIQUE INDEX workspace_apps_slug_uniq ON workspace_apps (agent_id, slug);
