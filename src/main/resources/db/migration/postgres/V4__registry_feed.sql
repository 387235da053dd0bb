-- The registry's change feed across nodes. Every committed registry transaction takes the next feed version
-- (registry_feed is one row, updated last in the transaction, so versions are handed out in commit order) and logs
-- what it changed in registry_changes; each node asks "anything newer than version N?" to catch up. PostgreSQL
-- also sends NOTIFY tollgate_registry at commit, only to wake the nodes sooner.

CREATE TABLE registry_feed (
  id             INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
  version        BIGINT  NOT NULL,  -- the newest version handed out
  pruned_through BIGINT  NOT NULL   -- changes up to this version were deleted; a node behind it reloads
);

INSERT INTO registry_feed (id, version, pruned_through) VALUES (1, 0, 0);

CREATE TABLE registry_changes (
  version          BIGINT NOT NULL PRIMARY KEY,
  kind             TEXT   NOT NULL CHECK (kind IN ('customer', 'purge', 'reload')),
  customer_id      TEXT COLLATE "C",  -- empty for a reload
  customer_version BIGINT NOT NULL,   -- the customer's version after the change; 0 when not known
  node_id          TEXT   NOT NULL,   -- the node that made the change
  at               BIGINT NOT NULL
);
