-- The API an admin change came through: admin_api (/admin/*, the CLI and the console), compat (the seed 003
-- routes /gate/*) or system (what Tollgate did on its own). Entries from before this migration came through the
-- Admin API, or from Tollgate itself when their actor is 'system'.
ALTER TABLE audit_log ADD COLUMN via TEXT NOT NULL DEFAULT 'admin_api' CHECK (via IN ('admin_api', 'compat', 'system'));
UPDATE audit_log SET via = 'system' WHERE actor = 'system';
