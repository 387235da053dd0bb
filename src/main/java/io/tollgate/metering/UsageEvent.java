package io.tollgate.metering;

import io.tollgate.limits.Units;
import java.time.Instant;

/**
 * One billed request: the engine answered with a status below 500.
 *
 * @param customerId who pays
 * @param keyId the key it came with
 * @param operation the route's operation
 * @param units what it costs (the route's units, or what the engine reported)
 * @param at when it was answered; its UTC day is the day it is billed on
 */
public record UsageEvent(String customerId, String keyId, String operation, Units units, Instant at) {}
