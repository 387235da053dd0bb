-- The registry's change feed across nodes. Every committed registry transaction takes the next feed version
-- (registry_feed is one row, updated last in the transaction, so versions are handed out in commit order) and logs
-- what it changed in registry_changes; each node asks "anything newer than version N?" to catch up. On SQLite
-- there is one node; the same catch-up repairs a change whose publication to the view failed after its commit.

CREATE TABLE registry_feed (
  id             INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
  version        INTEGER NOT NULL,  -- the newest version handed out
  pruned_through INTEGER NOT NULL   -- changes up to this version were deleted; a node behind it reloads
) STRICT;

INSERT INTO registry_feed (id, version, pruned_through) VALUES (1, 0, 0);

CREATE TABLE registry_changes (
  version          INTEGER NOT NULL PRIMARY KEY,
  kind             TEXT    NOT NULL CHECK (kind IN ('customer', 'purge', 'reload')),
  customer_id      TEXT,             -- empty for a reload
  customer_version INTEGER NOT NULL, -- the customer's version after the change; 0 when not known
  node_id          TEXT    NOT NULL, -- the node that made the change
  at               INTEGER NOT NULL
) STRICT;
