-- The fingerprint of the server secret (keys.hmac_secret, or <data_dir>/hmac.key) that the stored key digests were
-- made with: HMAC-SHA256 of a fixed label keyed with the secret, which does not give the secret back. Recorded by
-- the first start (a store from before this migration adopts the secret of its first start after it); every later
-- start compares its own secret's fingerprint with it and refuses to start on a mismatch, instead of answering
-- every key 401. One row at most. Deleting it (Tollgate stopped) lets the next start adopt a new secret.
CREATE TABLE secret_fingerprint (
  id          SMALLINT NOT NULL PRIMARY KEY CHECK (id = 1),
  fingerprint TEXT    NOT NULL CHECK (length(fingerprint) = 64),  -- lowercase hex
  recorded_at BIGINT  NOT NULL
);
