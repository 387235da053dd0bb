package io.tollgate.registry;

/**
 * Notice that a customer (or one of its keys) changed and committed with {@code version}; a purged customer is
 * announced with {@link Long#MAX_VALUE}.
 *
 * @param customerId the customer
 * @param version its version after the change
 */
public record Change(String customerId, long version) {}
