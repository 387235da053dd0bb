package io.tollgate.registry;

import io.tollgate.keys.KeyDigest;
import io.tollgate.keys.KeyEnvironment;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Receives the columns the gate decides from, row by row, while a store streams its registry into a
 * {@link RegistryView} ({@link RegistryStore#loadInto}): no {@link Customer} or {@link CustomerKey} is made and no
 * list of rows is kept. Every customer comes before any key; a key whose customer was not streamed is dropped.
 * Instants are epoch milliseconds, {@link #NONE} for an absent one. Not thread-safe: one loading thread calls it.
 */
public interface RegistryLoadSink {
  /** An absent instant (a key never revoked, or without expiry). */
  long NONE = Long.MIN_VALUE;

  /** How many rows are about to come (a hint to size the columns; the stream may hold more or fewer). */
  void expect(int customers, int keys);

  /**
   * One customer.
   *
   * @param namespaces sorted, no duplicates; equal lists may be the same instance (the sink keeps one of each); a
   *     list once passed is never changed
   * @throws IllegalArgumentException naming the customer when its tier is not in the catalog
   */
  void customer(String id, String tier, List<String> namespaces, CustomerStatus status, LimitOverrides overrides,
      long createdAtMillis, long version);

  /**
   * One key; {@code w0}–{@code w3} are its {@link io.tollgate.keys.KeyDigest}'s four words.
   *
   * @param namespaces the key's scope, sorted, no duplicates; empty means all of its customer's namespaces; equal
   *     lists may be the same instance, and a list once passed is never changed (the sink may keep it, or know it
   *     again by identity)
   */
  void key(String id, String customerId, KeyEnvironment environment, long w0, long w1, long w2, long w3,
      List<String> namespaces, long revokedAtMillis, long expiresAtMillis);

  /**
   * {@link #customer(String, String, List, CustomerStatus, LimitOverrides, long, long)} with the id as its UTF-8
   * bytes, as a store reads it: a sink that keeps ids as bytes stores them without decoding and re-encoding. The
   * sink does not keep {@code id} (the caller may reuse it). By default the id is decoded.
   */
  default void customerUtf8(byte[] id, String tier, List<String> namespaces, CustomerStatus status,
      LimitOverrides overrides, long createdAtMillis, long version) {
    customer(new String(id, StandardCharsets.UTF_8), tier, namespaces, status, overrides, createdAtMillis, version);
  }

  /**
   * {@link #key(String, String, KeyEnvironment, long, long, long, long, List, long, long)} with the key's and its
   * customer's ids as UTF-8 bytes; the sink keeps neither array. By default they are decoded.
   */
  default void keyUtf8(byte[] id, byte[] customerId, KeyEnvironment environment, long w0, long w1, long w2, long w3,
      List<String> namespaces, long revokedAtMillis, long expiresAtMillis) {
    key(new String(id, StandardCharsets.UTF_8), new String(customerId, StandardCharsets.UTF_8), environment, w0, w1,
        w2, w3, namespaces, revokedAtMillis, expiresAtMillis);
  }

  /** {@link #customer(String, String, List, CustomerStatus, LimitOverrides, long, long)} of a customer object. */
  default void customer(Customer c) {
    customer(c.id(), c.tier(), c.namespaces(), c.status(), c.overrides(), c.createdAt().toEpochMilli(), c.version());
  }

  /** {@link #key(String, String, KeyEnvironment, long, long, long, long, List, long, long)} of a key object. */
  default void key(CustomerKey k) {
    KeyDigest d = k.digest();
    key(k.id(), k.customerId(), k.environment(), d.w0(), d.w1(), d.w2(), d.w3(), k.namespaces(),
        millis(k.revokedAt()), millis(k.expiresAt()));
  }

  private static long millis(Optional<Instant> at) {
    return at.map(Instant::toEpochMilli).orElse(NONE);
  }
}
