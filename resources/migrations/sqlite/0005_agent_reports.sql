-- What a template says about an agent beyond its startup (the shutdown script, the metadata it
-- measures), and the latest of what the agent reports while it runs: its metadata values, the
-- ports listening in the workspace and its stream statistics. Each report replaces the last, so
-- they are JSON columns on the agent, read with its state. Mirrors the other backend's file.

ALTER TABLE workspace_agents ADD COLUMN shutdown_script TEXT NOT NULL DEFAULT '';
ALTER TABLE workspace_agents ADD COLUMN shutdown_script_timeout_seconds INTEGER NOT NULL DEFAULT 300;
ALTER TABLE workspace_agents ADD COLUMN metadata_definitions TEXT NOT NULL DEFAULT '[]'; -- JSON array
ALTER TABLE workspace_agents ADD COLUMN metadata_results TEXT NOT NULL DEFAULT '{}'; -- key -> result
ALTER TABLE workspace_agents ADD COLUMN listening_ports TEXT NOT NULL DEFAULT '[]'; -- JSON array
ALTER TABLE workspace_agents ADD COLUMN stats TEXT NOT NULL DEFAULT '{}'; -- JSON object
