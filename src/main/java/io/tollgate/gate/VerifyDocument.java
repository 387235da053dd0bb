package io.tollgate.gate;

import io.tollgate.limits.Limits;
import io.tollgate.registry.RegistryView.KeyEntry;
import io.vertx.core.json.JsonObject;
import java.util.Optional;

/**
 * The answer of {@code /v1/verify}: {@code valid}, {@code code}, and who the key belongs to with its rate limit
 * and quota. A key that is unknown, revoked, expired or malformed gets the same answer with no identity.
 */
final class VerifyDocument {
  private VerifyDocument() {}

  static JsonObject of(Decision d) {
    return switch (d) {
      case Decision.Allowed a -> identity(a.entry(), a.rate().remaining(), RateLimitHeaders.seconds(a.rate().reset()),
          Optional.of(a.quota())).put("valid", true).put("code", "ok");
      case Decision.Refused r -> r.entry()
          .map(e -> identity(e, r.rate().map(v -> v.remaining()).orElse(-1L),
              r.rate().map(v -> RateLimitHeaders.seconds(v.reset())).orElse(-1L), r.quota()))
          .orElseGet(VerifyDocument::anonymous)
          .put("valid", false).put("code", r.reason().code());
    };
  }

  private static JsonObject anonymous() {
    return new JsonObject().putNull("customer_id").putNull("key_id").putNull("tier").putNull("rate_limit")
        .putNull("quota");
  }

  private static JsonObject identity(KeyEntry e, long remaining, long reset,
      Optional<io.tollgate.limits.QuotaLedger.Verdict> quota) {
    Limits l = e.owner().limits();
    JsonObject rate = new JsonObject().put("limit", l.rateLimit().requests()).put("window_s", l.rateLimit().windowSeconds())
        .put("burst", l.rateLimit().burst());
    if (remaining >= 0) {
      rate.put("remaining", remaining).put("reset_s", reset);
    }
    JsonObject q = new JsonObject().put("limit", l.quota().units().toDecimal()).put("period", l.quota().period().wireName());
    quota.ifPresent(v -> q.put("used", v.used().toDecimal()).put("remaining", v.remaining().toDecimal())
        .put("reset_s", RateLimitHeaders.seconds(v.untilReset())));
    return new JsonObject().put("customer_id", e.owner().customer().id()).put("key_id", e.key().id())
        .put("tier", e.owner().customer().tier()).put("rate_limit", rate).put("quota", q);
  }
}
