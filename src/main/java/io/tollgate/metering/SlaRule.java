package io.tollgate.metering;

import java.util.Map;
import java.util.Set;

/**
 * Which counted outcomes fail the SLA. A request is SLA-eligible when the gate let it through and it was answered
 * (billed: the engine answered below 500, its 4xx included) or when it failed for a reason that is not the
 * customer's: a 5xx the gate produced (502 {@code engine_unavailable}, 504 {@code engine_timeout}, 503
 * {@code store_unavailable} / {@code limits_unavailable} / {@code registry_stale}, 500 {@code internal_error}) or a
 * 5xx the engine answered and the gate passed on ({@code engine_error}); the gate counts one against a customer only
 * when it can name it (a stale refusal: the key's owner in the stale view; a 500: an allowed request's). Refusals that are the customer's (401, 403, 404, 429, 413, 400, a
 * client that left before the engine answered) are neither eligible nor failed. See docs/decisions.md.
 */
public final class SlaRule {
  /** The refusal codes that count against the SLA. */
  public static final Set<String> FAILURES = Set.of("engine_error", "engine_unavailable", "engine_timeout",
      "store_unavailable", "limits_unavailable", "registry_stale", "internal_error");

  private SlaRule() {}

  /** Whether a refusal counted under {@code code} fails the SLA. */
  public static boolean fails(String code) {
    return FAILURES.contains(code);
  }

  /** The failed requests among refusals counted by code. */
  public static long failures(Map<String, Long> refusalsByCode) {
    long failed = 0;
    for (Map.Entry<String, Long> e : refusalsByCode.entrySet()) {
      if (fails(e.getKey())) {
        failed = Math.addExact(failed, e.getValue());
      }
    }
    return failed;
  }
}
