-- The ids of the keys of every purged customer. Usage billed with one of them that reaches the store only after the
-- purge (a request answered after it, a batch written late or replayed from a spill file) belongs to a creation of
-- the customer that no longer exists: it is dropped, never counted for a customer created again with the same id
-- nor left as rows of the billing export that no usage document has.
CREATE TABLE purged_keys (
  key_id TEXT NOT NULL PRIMARY KEY
) STRICT, WITHOUT ROWID;
