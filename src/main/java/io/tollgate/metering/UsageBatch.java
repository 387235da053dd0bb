package io.tollgate.metering;

import io.tollgate.limits.Units;
import java.time.LocalDate;
import java.util.List;

/**
 * Usage counted in memory and written in one transaction.
 *
 * @param id unique per batch, {@code <node id>:<sequence>}; a batch is applied at most once
 * @param usage units and requests to add
 * @param takenBack units and requests to subtract: billed requests un-billed after their usage was recorded (an
 *     engine that cut its answer after a strict-mode commit, a strict commit that did not finish in time), each
 *     cancelling usage of an earlier batch or of this one
 * @param refusals refusal counts to add
 */
public record UsageBatch(String id, List<UsageRow> usage, List<UsageRow> takenBack, List<RefusalRow> refusals) {
  public UsageBatch {
    usage = List.copyOf(usage);
    takenBack = List.copyOf(takenBack);
    refusals = List.copyOf(refusals);
  }

  /** A batch that takes nothing back. */
  public UsageBatch(String id, List<UsageRow> usage, List<RefusalRow> refusals) {
    this(id, usage, List.of(), refusals);
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
