-- Webhooks (docs/webhooks.md). An endpoint's secret is kept so that deliveries can be signed; the Admin API shows
-- it only in the answer that creates the endpoint. events is a JSON array of event types.
CREATE TABLE webhook_endpoints (
  endpoint_id     TEXT    NOT NULL PRIMARY KEY,
  url             TEXT    NOT NULL,
  events          TEXT    NOT NULL,
  description     TEXT,
  secret          TEXT    NOT NULL,
  enabled         INTEGER NOT NULL CHECK (enabled IN (0, 1)),
  created_at      INTEGER NOT NULL,
  disabled_reason TEXT,
  failing_since   INTEGER  -- the first failed attempt since the last delivered one; NULL while it delivers
) STRICT;

-- The outbox: one row per event, written in the transaction of the change that causes it. event_id is the
-- webhook-id every delivery of it carries. payload is the JSON body sent.
CREATE TABLE webhook_events (
  event_id   TEXT    NOT NULL PRIMARY KEY,
  type       TEXT    NOT NULL,
  payload    TEXT    NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;

-- One row per event and endpoint subscribed when the event was written. A row is claimed by one node at a time
-- (claimed_by, claim_token, claimed_until) and retried with back-off until delivered or deadline_at.
CREATE TABLE webhook_deliveries (
  delivery_id     TEXT    NOT NULL PRIMARY KEY,
  event_id        TEXT    NOT NULL REFERENCES webhook_events (event_id),
  endpoint_id     TEXT    NOT NULL REFERENCES webhook_endpoints (endpoint_id) ON DELETE CASCADE,
  status          TEXT    NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts        INTEGER NOT NULL,
  created_at      INTEGER NOT NULL,
  next_attempt_at INTEGER NOT NULL,
  deadline_at     INTEGER NOT NULL,
  last_attempt_at INTEGER,
  last_status     INTEGER,
  last_error      TEXT,  -- at most 1 KB of the answer's body or of the failure
  claimed_by      TEXT,
  claim_token     TEXT,
  claimed_until   INTEGER NOT NULL,
  UNIQUE (event_id, endpoint_id)
) STRICT;

CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX webhook_deliveries_by_endpoint ON webhook_deliveries (endpoint_id, created_at);

-- Each usage threshold crossed, once per customer, period and threshold (percent): the primary key is what keeps
-- a replayed batch, a restart or a tier change from writing a second usage.threshold event.
CREATE TABLE usage_thresholds (
  customer_id TEXT    NOT NULL,
  period      TEXT    NOT NULL,
  threshold   INTEGER NOT NULL,
  event_id    TEXT    NOT NULL,
  crossed_at  INTEGER NOT NULL,
  PRIMARY KEY (customer_id, period, threshold)
) STRICT, WITHOUT ROWID;
