package io.tollgate.metering;

import java.time.Instant;

/**
 * One request refused by the gate, or failed by the engine, counted apart from usage.
 *
 * @param customerId the customer the key belongs to
 * @param keyId the key, or empty text when none could be named
 * @param code the problem code, e.g. {@code rate_limited}, {@code quota_exceeded}, {@code engine_error}
 * @param at when it happened
 */
public record RefusalEvent(String customerId, String keyId, String code, Instant at) {}
