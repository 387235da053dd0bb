-- The marks that make the sla.at_risk, key.expiring and rate_limit.sustained webhook events happen once
-- (docs/webhooks.md): each event is written with its mark in one transaction, and the primary key refuses a
-- second mark, whichever node, replay or restart tries.

-- One row per customer, period and level ('half': half its SLA error budget spent, 'exhausted': all of it).
CREATE TABLE sla_at_risk (
  customer_id TEXT    NOT NULL,
  period      TEXT    NOT NULL,
  level       TEXT    NOT NULL CHECK (level IN ('half', 'exhausted')),
  event_id    TEXT    NOT NULL,
  crossed_at  INTEGER NOT NULL,
  PRIMARY KEY (customer_id, period, level)
) STRICT, WITHOUT ROWID;

-- One row per key and expiry announced: a key whose expires_at changes is announced again for the new time.
CREATE TABLE key_expiring (
  key_id      TEXT    NOT NULL,
  expires_at  INTEGER NOT NULL,
  customer_id TEXT    NOT NULL,
  event_id    TEXT    NOT NULL,
  sent_at     INTEGER NOT NULL,
  PRIMARY KEY (key_id, expires_at)
) STRICT;

CREATE INDEX key_expiring_by_customer ON key_expiring (customer_id);

-- A customer's current (or last) episode of 429 refusals, as usage batches report them: started_at is the first
-- batch of the episode holding a 429, last_refused_at the newest; event_id is set once rate_limit.sustained is
-- written for the episode.
CREATE TABLE rate_limit_episodes (
  customer_id     TEXT    NOT NULL PRIMARY KEY,
  started_at      INTEGER NOT NULL,
  last_refused_at INTEGER NOT NULL,
  event_id        TEXT
) STRICT;
