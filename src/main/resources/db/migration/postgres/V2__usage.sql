-- Usage and refusals per customer, key and UTC day ('YYYY-MM-DD', so text order is day order).
-- No foreign key to customers: a batch that arrives after its customer was purged must not fail the whole batch.
-- The primary keys lead with (customer_id, day), the shape of every read.

CREATE TABLE usage_daily (
  customer_id TEXT COLLATE "C" NOT NULL,
  day         TEXT COLLATE "C" NOT NULL,
  key_id      TEXT COLLATE "C" NOT NULL,
  operation   TEXT COLLATE "C" NOT NULL,
  units_milli BIGINT NOT NULL,
  requests    BIGINT NOT NULL,
  PRIMARY KEY (customer_id, day, key_id, operation)
);

CREATE INDEX usage_daily_by_day ON usage_daily (day);

-- key_id is '' when the refused request named no known key
CREATE TABLE refusals_daily (
  customer_id TEXT COLLATE "C" NOT NULL,
  day         TEXT COLLATE "C" NOT NULL,
  key_id      TEXT COLLATE "C" NOT NULL,
  code        TEXT COLLATE "C" NOT NULL,
  refusals    BIGINT NOT NULL,
  PRIMARY KEY (customer_id, day, key_id, code)
);

CREATE INDEX refusals_daily_by_day ON refusals_daily (day);

-- The id of every batch applied, written in the batch's own transaction: a retried batch is applied once.
CREATE TABLE applied_batches (
  batch_id   TEXT COLLATE "C" NOT NULL PRIMARY KEY,
  applied_at BIGINT NOT NULL
);
