-- What a workspace agent reports once it runs: when its startup script started and finished,
-- how much it logged (its logs are capped per agent, as Coder caps them), and the logs
-- themselves. Mirrors sqlite/0004_agents.sql.

ALTER TABLE workspace_agents ADD COLUMN started_at bigint;
ALTER TABLE workspace_agents ADD COLUMN ready_at bigint;
ALTER TABLE workspace_agents ADD COLUMN logs_length bigint NOT NULL DEFAULT 0;
ALTER TABLE workspace_agents ADD COLUMN logs_overflowed boolean NOT NULL DEFAULT false;
ALTER TABLE workspace_agents ADD COLUMN version text NOT NULL DEFAULT '';

CREATE TABLE workspace_agent_logs (
    id         bigserial PRIMARY KEY,
    agent_id   uuid NOT NULL REFERENCES workspace_agents (id) ON DELETE CASCADE,
    created_at bigint NOT NULL,
    level      text NOT NULL DEFAULT 'info',
    output     text NOT NULL DEFAULT ''
);
CREATE INDEX workspace_agent_logs_agent_idx ON workspace_agent_logs (agent_id, id);
