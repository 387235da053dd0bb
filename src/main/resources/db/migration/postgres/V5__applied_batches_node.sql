-- applied_batches is pruned (docs/decisions.md, "Usage": "applied_batches keeps only the ids that can still be
-- replayed"): each row names the node whose flusher wrote it (the batch id up to its last ':', the whole id without
-- one), so that a node can forget its own acknowledged batches, and both prunes find their rows through an index.
ALTER TABLE applied_batches ADD COLUMN node_id TEXT COLLATE "C" NOT NULL DEFAULT '';

UPDATE applied_batches SET node_id = regexp_replace(batch_id, ':[^:]*$', '');

-- What the pruning would remove at the first batch anyway, removed here rather than in a flush transaction.
DELETE FROM applied_batches WHERE applied_at < (CAST(EXTRACT(EPOCH FROM now()) AS BIGINT) - 7 * 86400) * 1000;

CREATE INDEX applied_batches_by_node ON applied_batches (node_id, applied_at);
CREATE INDEX applied_batches_by_age ON applied_batches (applied_at);
