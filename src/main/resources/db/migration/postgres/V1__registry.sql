-- Customers, their keys, admin keys and the audit log. Instants are epoch milliseconds (UTC); JSON is TEXT.
-- Ids collate "C" so that they sort by code point, as on SQLite and in Java, whatever the database's locale.

CREATE TABLE customers (
  customer_id    TEXT COLLATE "C" NOT NULL PRIMARY KEY,
  name           TEXT,
  email          TEXT,
  tier           TEXT   NOT NULL,
  namespaces     TEXT   NOT NULL,  -- JSON array of names, sorted
  status         TEXT   NOT NULL CHECK (status IN ('active', 'suspended', 'deactivated')),
  metadata       TEXT   NOT NULL,  -- JSON object
  overrides      TEXT   NOT NULL,  -- JSON object holding only the overridden limits
  created_at     BIGINT NOT NULL,
  updated_at     BIGINT NOT NULL,
  deactivated_at BIGINT,
  version        BIGINT NOT NULL
);

CREATE INDEX customers_by_tier ON customers (tier, customer_id);
CREATE INDEX customers_by_status ON customers (status, customer_id);

CREATE TABLE api_keys (
  key_id         TEXT COLLATE "C" NOT NULL PRIMARY KEY,
  customer_id    TEXT COLLATE "C" NOT NULL REFERENCES customers (customer_id),
  name           TEXT,
  environment    TEXT   NOT NULL CHECK (environment IN ('live', 'test')),
  display_prefix TEXT   NOT NULL,
  digest         TEXT   NOT NULL UNIQUE CHECK (length(digest) = 64),  -- lowercase hex of the keyed hash
  namespaces     TEXT   NOT NULL,  -- JSON array; empty means all of the customer's
  created_at     BIGINT NOT NULL,
  revoked_at     BIGINT,
  expires_at     BIGINT,
  last_used_at   BIGINT,
  replaces       TEXT COLLATE "C"
);

CREATE INDEX api_keys_by_customer ON api_keys (customer_id, created_at, key_id);

CREATE TABLE admin_keys (
  admin_key_id TEXT COLLATE "C" NOT NULL PRIMARY KEY,
  digest       TEXT   NOT NULL UNIQUE CHECK (length(digest) = 64),
  created_at   BIGINT NOT NULL
);

-- Kept when a customer is purged, so customer_id is no foreign key.
CREATE TABLE audit_log (
  id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at          BIGINT NOT NULL,
  actor       TEXT   NOT NULL,
  action      TEXT   NOT NULL,
  customer_id TEXT COLLATE "C" NOT NULL,
  key_id      TEXT COLLATE "C",
  changes     TEXT   NOT NULL  -- JSON object: {"field": {"before": …, "after": …}}
);

CREATE INDEX audit_log_by_customer ON audit_log (customer_id, id);
