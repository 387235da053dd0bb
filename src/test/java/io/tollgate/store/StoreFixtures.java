package io.tollgate.store;

import io.tollgate.keys.KeyDigest;
import io.tollgate.keys.KeyEnvironment;
import io.tollgate.registry.Actor;
import io.tollgate.registry.AuditEntry;
import io.tollgate.registry.Customer;
import io.tollgate.registry.CustomerKey;
import io.tollgate.registry.CustomerStatus;
import io.tollgate.registry.LimitOverrides;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/** Records for store tests, with millisecond instants (what the store keeps) and every field filled. */
final class StoreFixtures {
  static final Instant T0 = Instant.parse("2026-01-15T10:00:00.123Z");

  private StoreFixtures() {}

  static KeyDigest randomDigest() {
    byte[] bytes = new byte[32];
    ThreadLocalRandom.current().nextBytes(bytes);
    return KeyDigest.fromHex(HexFormat.of().formatHex(bytes));
  }

  static CustomerBuilder customer(String id) {
    return new CustomerBuilder(id);
  }

  static KeyBuilder key(String customerId, String keyId) {
    return new KeyBuilder(customerId, keyId);
  }

  static AuditEntry audit(String customerId, String action) {
    return new AuditEntry(0, T0, Actor.adminApi("adm_test"), action, customerId, Optional.empty(),
        Map.of("name", new AuditEntry.FieldChange(null, "Acme")));
  }

  /** A customer with every field set; change what a test needs. */
  static final class CustomerBuilder {
    private final String id;
    private Optional<String> name = Optional.of("Acme Corp");
    private Optional<String> email = Optional.of("ops@acme.example");
    private String tier = "starter";
    private List<String> namespaces = List.of("default", "staging");
    private CustomerStatus status = CustomerStatus.ACTIVE;
    private Map<String, Object> metadata = Map.of("crm_id", "A-17");
    private LimitOverrides overrides = LimitOverrides.NONE;
    private Instant createdAt = T0;
    private Optional<Instant> deactivatedAt = Optional.empty();
    private long version = 1;

    private CustomerBuilder(String id) {
      this.id = id;
    }

    CustomerBuilder name(Optional<String> value) {
      name = value;
      return this;
    }

    CustomerBuilder email(Optional<String> value) {
      email = value;
      return this;
    }

    CustomerBuilder tier(String value) {
      tier = value;
      return this;
    }

    CustomerBuilder namespaces(List<String> value) {
      namespaces = value;
      return this;
    }

    CustomerBuilder metadata(Map<String, Object> value) {
      metadata = value;
      return this;
    }

    CustomerBuilder overrides(LimitOverrides value) {
      overrides = value;
      return this;
    }

    CustomerBuilder createdAt(Instant value) {
      createdAt = value;
      return this;
    }

    CustomerBuilder version(long value) {
      version = value;
      return this;
    }

    CustomerBuilder status(CustomerStatus value) {
      status = value;
      return this;
    }

    CustomerBuilder deactivatedAt(Instant at) {
      status = CustomerStatus.DEACTIVATED;
      deactivatedAt = Optional.of(at);
      return this;
    }

    Customer build() {
      return new Customer(id, name, email, tier, namespaces, status, metadata, overrides, createdAt,
          createdAt.plusSeconds(60), deactivatedAt, version);
    }
  }

  /** A key with every field set; change what a test needs. */
  static final class KeyBuilder {
    private final String customerId;
    private final String keyId;
    private Optional<String> name = Optional.of("ci");
    private KeyDigest digest = randomDigest();
    private List<String> namespaces = List.of("staging");
    private Instant createdAt = T0;
    private Optional<Instant> revokedAt = Optional.of(T0.plusSeconds(3600));
    private Optional<Instant> expiresAt = Optional.of(T0.plusSeconds(86_400));
    private Optional<Instant> lastUsedAt = Optional.of(T0.plusSeconds(10));
    private Optional<String> replaces = Optional.of("key_old");

    private KeyBuilder(String customerId, String keyId) {
      this.customerId = customerId;
      this.keyId = keyId;
    }

    KeyBuilder digest(KeyDigest value) {
      digest = value;
      return this;
    }

    KeyBuilder createdAt(Instant value) {
      createdAt = value;
      return this;
    }

    KeyBuilder revokedAt(Optional<Instant> value) {
      revokedAt = value;
      return this;
    }

    KeyBuilder expiresAt(Optional<Instant> value) {
      expiresAt = value;
      return this;
    }

    /** Name, namespaces, timestamps and {@code replaces} all empty. */
    KeyBuilder bare() {
      name = Optional.empty();
      namespaces = List.of();
      revokedAt = Optional.empty();
      expiresAt = Optional.empty();
      lastUsedAt = Optional.empty();
      replaces = Optional.empty();
      return this;
    }

    CustomerKey build() {
      return new CustomerKey(keyId, customerId, name, KeyEnvironment.LIVE, "tg_live_4fJ", digest, namespaces,
          createdAt, revokedAt, expiresAt, lastUsedAt, replaces);
    }
  }
}
