-- How an agent's connection status is judged: the template's connection timeout (how long it
-- may take to connect before it shows "timeout"; 0: never) and the heartbeat interval of the
-- replica holding its tunnel (two silent intervals and it shows "disconnected", on any replica).
-- Mirrors the other backend's file.

ALTER TABLE workspace_agents ADD COLUMN connection_timeout_seconds integer NOT NULL DEFAULT 120;
ALTER TABLE workspace_agents ADD COLUMN heartbeat_interval_ms integer NOT NULL DEFAULT 15000;
