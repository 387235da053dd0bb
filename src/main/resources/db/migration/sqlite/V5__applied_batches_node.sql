-- applied_batches is pruned (docs/decisions.md, "Usage": "applied_batches keeps only the ids that can still be
-- replayed"): each row names the node whose flusher wrote it (the batch id up to its last ':', the whole id without
-- one), so that a node can forget its own acknowledged batches, and both prunes find their rows through an index.
ALTER TABLE applied_batches ADD COLUMN node_id TEXT NOT NULL DEFAULT '';

UPDATE applied_batches SET node_id = batch_id;
UPDATE applied_batches SET node_id = rtrim(batch_id, '0123456789') WHERE batch_id LIKE '%:%';
UPDATE applied_batches SET node_id = substr(node_id, 1, length(node_id) - 1) WHERE node_id LIKE '%:';

-- What the pruning would remove at the first batch anyway, removed here rather than in a flush transaction.
DELETE FROM applied_batches WHERE applied_at < (CAST(strftime('%s', 'now') AS INTEGER) - 7 * 86400) * 1000;

CREATE INDEX applied_batches_by_node ON applied_batches (node_id, applied_at);
CREATE INDEX applied_batches_by_age ON applied_batches (applied_at);
