-- Customers, their keys, admin keys and the audit log. Instants are epoch milliseconds (UTC); JSON is TEXT.
-- STRICT tables refuse a value of the wrong type instead of storing it.

CREATE TABLE customers (
  customer_id    TEXT    NOT NULL PRIMARY KEY,
  name           TEXT,
  email          TEXT,
  tier           TEXT    NOT NULL,
  namespaces     TEXT    NOT NULL,  -- JSON array of names, sorted
  status         TEXT    NOT NULL CHECK (status IN ('active', 'suspended', 'deactivated')),
  metadata       TEXT    NOT NULL,  -- JSON object
  overrides      TEXT    NOT NULL,  -- JSON object holding only the overridden limits
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL,
  deactivated_at INTEGER,
  version        INTEGER NOT NULL
) STRICT;

CREATE INDEX customers_by_tier ON customers (tier, customer_id);
CREATE INDEX customers_by_status ON customers (status, customer_id);

CREATE TABLE api_keys (
  key_id         TEXT    NOT NULL PRIMARY KEY,
  customer_id    TEXT    NOT NULL REFERENCES customers (customer_id),
  name           TEXT,
  environment    TEXT    NOT NULL CHECK (environment IN ('live', 'test')),
  display_prefix TEXT    NOT NULL,
  digest         TEXT    NOT NULL UNIQUE CHECK (length(digest) = 64),  -- lowercase hex of the keyed hash
  namespaces     TEXT    NOT NULL,  -- JSON array; empty means all of the customer's
  created_at     INTEGER NOT NULL,
  revoked_at     INTEGER,
  expires_at     INTEGER,
  last_used_at   INTEGER,
  replaces       TEXT
) STRICT;

CREATE INDEX api_keys_by_customer ON api_keys (customer_id, created_at, key_id);

CREATE TABLE admin_keys (
  admin_key_id TEXT    NOT NULL PRIMARY KEY,
  digest       TEXT    NOT NULL UNIQUE CHECK (length(digest) = 64),
  created_at   INTEGER NOT NULL
) STRICT;

-- Kept when a customer is purged, so customer_id is no foreign key. AUTOINCREMENT never reuses an id.
CREATE TABLE audit_log (
  id          INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
  at          INTEGER NOT NULL,
  actor       TEXT    NOT NULL,
  action      TEXT    NOT NULL,
  customer_id TEXT    NOT NULL,
  key_id      TEXT,
  changes     TEXT    NOT NULL  -- JSON object: {"field": {"before": …, "after": …}}
) STRICT;

CREATE INDEX audit_log_by_customer ON audit_log (customer_id, id);
