-- The keys that have an expiry, by it: the key.expiring scan (every webhooks.key_expiry_scan, and once at each start)
-- reads the keys expiring in the next 7 days, which was a scan of every key (about 1 s of CPU with a million keys,
-- inside a transaction); keys without an expiry are not in the index.
CREATE INDEX api_keys_by_expiry ON api_keys (expires_at) WHERE expires_at IS NOT NULL;
