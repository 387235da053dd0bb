package io.tollgate.metering;

import io.tollgate.limits.Units;
import java.time.LocalDate;
import java.util.List;

/**
 * Usage counted in memory and written in one transaction.
 *
 * @param id unique per batch, {@code <node id>:<sequence>}; a batch is applied at most once
 * @param usage units and requests to add
 * @param refusals refusal counts to add
 */
public record UsageBatch(String id, List<UsageRow> usage, List<RefusalRow> refusals) {
  public UsageBatch {
    usage = List.copyOf(usage);
    refusals = List.copyOf(refusals);
  }

  /** The node that made the batch: the id up to its last {@code ':'}, or the whole id when it has none. */
  public String node() {
    int colon = id.lastIndexOf(':');
    return colon < 0 ? id : id.substring(0, colon);
  }

  /** Units and requests of one customer × key × operation × day. */
  public record UsageRow(String customerId, String keyId, String operation, LocalDate day, Units units, long requests) {}

  /** Refusals of one customer × key × code × day; {@code keyId} is empty text when no key could be named. */
  public record RefusalRow(String customerId, String keyId, String code, LocalDate day, long count) {}
}
