-- What a workspace agent reports once it runs: when its startup script started and finished,
-- how much it logged (its logs are capped per agent, as Coder caps them), and the logs
-- themselves. Mirrors postgres/0004_agents.sql.

ALTER TABLE workspace_agents ADD COLUMN started_at BIGINT;
ALTER TABLE workspace_agents ADD COLUMN ready_at BIGINT;
ALTER TABLE workspace_agents ADD COLUMN logs_length BIGINT NOT NULL DEFAULT 0;
ALTER TABLE workspace_agents ADD COLUMN logs_overflowed INTEGER NOT NULL DEFAULT 0
    CHECK (logs_overflowed IN (0, 1));
ALTER TABLE workspace_agents ADD COLUMN version TEXT NOT NULL DEFAULT '';

CREATE TABLE workspace_agent_logs (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    agent_id   TEXT NOT NULL REFERENCES workspace_agents (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    level      TEXT NOT NULL DEFAULT 'info',
    output     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX workspace_agent_logs_agent_idx ON workspace_agent_logs (agent_id, id);
