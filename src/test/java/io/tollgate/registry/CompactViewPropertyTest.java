package io.tollgate.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.config.Catalog;
import io.tollgate.config.ConfigLoader;
import io.tollgate.config.Tier;
import io.tollgate.config.TierCatalog;
import io.tollgate.keys.KeyDigest;
import io.tollgate.keys.KeyEnvironment;
import io.tollgate.limits.Limits;
import io.tollgate.limits.QuotaPeriod;
import io.tollgate.limits.Units;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The compact view (a base built by the load path, an overlay of changes, compactions) against the straightforward
 * model it replaces: customers and their keys in plain maps, a change applied when its version is newer, a purge
 * dropping the customer. Random customers (tiers, namespaces, statuses, overrides), keys (environments, scopes,
 * revocations and expiries in the past and the future), then random changes: tier changes, suspensions and
 * deactivations, revocations, new keys, scope changes, purges, re-creations under a purged id, stale changes, and
 * compactions. The base is fed ids as strings or, as the stores stream them, as UTF-8 bytes, some of them
 * non-ASCII. After every step, every key ever issued (and unknown digests) and every customer id ever used are
 * looked up: each answers what the gate reads exactly as the model does, and the counts agree.
 */
final class CompactViewPropertyTest {
  private static final Instant NOW = Instant.parse("2026-06-01T12:00:00.000Z");
  private static final List<String> NAMESPACES = List.of("default", "eu", "prod", "staging");
  private static final TierCatalog TIERS = Catalog.of(ConfigLoader.load(Optional.empty(), Map.of())).tiers();

  /** What the gate reads of a key lookup; equal for equal answers. */
  private record Seen(String keyId, String customerId, KeyEnvironment environment, KeyDigest digest,
      List<String> keyNamespaces, Optional<Instant> revokedAt, Optional<Instant> expiresAt, KeyStatus statusNow,
      SeenCustomer owner) {}

  private record SeenCustomer(String id, String tier, List<String> namespaces, CustomerStatus status,
      LimitOverrides overrides, Instant createdAt, long version, Limits limits) {}

  @Property(tries = 300)
  void everyLookup_answersAsTheModelDoes(@ForAll @IntRange(min = 0, max = 30) int customers,
      @ForAll @IntRange(min = 0, max = 60) int changes, @ForAll long seed) {
    Scenario s = new Scenario(new Random(seed));
    CompactBase.Builder builder = new CompactBase.Builder(TIERS);
    List<Runnable> streamed = new ArrayList<>();
    boolean asBytes = s.r.nextBoolean(); // as a store streams: ids as UTF-8 bytes
    // as a store streams on two threads: the keys into a part of their own, adopted once the customers are in
    CompactBase.KeyPart part = new CompactBase.KeyPart();
    boolean apart = s.r.nextBoolean();
    RegistryLoadSink keySink = apart ? part : builder;
    for (int i = 0; i < customers; i++) {
      Customer c = s.newCustomer((s.r.nextInt(4) == 0 ? "k\u00fcnde-\u6771" : "c") + i, 1 + s.r.nextInt(5));
      List<CustomerKey> keys = s.newKeys(c, s.r.nextInt(4));
      s.model.put(c.id(), c);
      s.modelKeys.put(c.id(), keys);
      streamed.add(() -> {
        if (asBytes) {
          builder.customerUtf8(c.id().getBytes(StandardCharsets.UTF_8), c.tier(), c.namespaces(), c.status(),
              c.overrides(), c.createdAt().toEpochMilli(), c.version());
        } else {
          builder.customer(c);
        }
      });
      keys.forEach(k -> s.keyStream.add(() -> {
        if (asBytes) {
          keySink.keyUtf8(k.id().getBytes(StandardCharsets.UTF_8), k.customerId().getBytes(StandardCharsets.UTF_8),
              k.environment(), k.digest().w0(), k.digest().w1(), k.digest().w2(), k.digest().w3(), k.namespaces(),
              k.revokedAt().map(Instant::toEpochMilli).orElse(RegistryLoadSink.NONE),
              k.expiresAt().map(Instant::toEpochMilli).orElse(RegistryLoadSink.NONE));
        } else {
          keySink.key(k);
        }
      }));
    }
    if (s.r.nextBoolean()) {
      builder.expect(customers, apart ? 0 : s.keyStream.size());
      part.expect(0, s.keyStream.size());
    }
    Collections.shuffle(streamed, s.r);
    Collections.shuffle(s.keyStream, s.r);
    streamed.forEach(Runnable::run);
    s.keyStream.forEach(Runnable::run);
    if (apart) {
      assertThat(builder.adopt(part)).as("every key's customer was streamed, no digest twice").isTrue();
    }
    RegistryView view = new RegistryView(TIERS, builder.build());
    s.check(view);
    for (int step = 0; step < changes; step++) {
      view = s.change(view);
      s.check(view);
    }
  }

  @Test
  void adopt_keyOfACustomerNotStreamed_isRefused_andTheBuilderKeepsNoKey() {
    CompactBase.Builder builder = builderOfC1();
    assertThat(builder.adopt(twoKeys("gone", 5))).isFalse();
    assertThat(builder.build().keyCount()).isZero();
  }

  @Test
  void adopt_oneDigestTwice_isRefused() {
    assertThat(builderOfC1().adopt(twoKeys("c1", 1))).isFalse();
  }

  @Test
  void adopt_digestsSharingTheirFirstWord_areEachFound_andATwinBehindAnotherIsRefused() {
    CompactBase.KeyPart part = new CompactBase.KeyPart();
    for (int i = 0; i < 3; i++) { // one first word: one hash, one home slot
      part.key("key_" + i, "c1", KeyEnvironment.LIVE, 7, i, 3, 4, List.of(), RegistryLoadSink.NONE,
          RegistryLoadSink.NONE);
    }
    CompactBase.Builder builder = builderOfC1();
    assertThat(builder.adopt(part)).isTrue();
    RegistryView view = new RegistryView(TIERS, builder.build());
    for (int i = 0; i < 3; i++) {
      assertThat(view.findKey(new KeyDigest(7, i, 3, 4))).map(e -> e.key().id()).contains("key_" + i);
    }
    assertThat(view.findKey(new KeyDigest(7, 3, 3, 4))).isEmpty();
    CompactBase.KeyPart twins = new CompactBase.KeyPart();
    for (long w1 : new long[] {1, 2, 1}) {
      twins.key("key_w" + w1, "c1", KeyEnvironment.LIVE, 7, w1, 3, 4, List.of(),
          RegistryLoadSink.NONE, RegistryLoadSink.NONE);
    }
    assertThat(builderOfC1().adopt(twins)).as("the twins have another row of their hash between them").isFalse();
  }

  @Test
  void adopt_partsOfEverySizeUpTo300_everyKeyFoundThroughTheTableBuiltInSlotOrder() {
    Random r = new Random(13);
    for (int n = 0; n <= 300; n++) { // clusters that run past the table's end wrap to its start in some of them
      CompactBase.KeyPart part = new CompactBase.KeyPart();
      List<KeyDigest> digests = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        KeyDigest d = new KeyDigest(r.nextLong(), r.nextLong(), r.nextLong(), r.nextLong());
        digests.add(d);
        part.key("key_" + i, "c1", KeyEnvironment.LIVE, d.w0(), d.w1(), d.w2(), d.w3(), List.of(),
            RegistryLoadSink.NONE, RegistryLoadSink.NONE);
      }
      if (r.nextBoolean()) {
        part.expect(0, n);
      }
      CompactBase.Builder builder = builderOfC1();
      assertThat(builder.adopt(part)).isTrue();
      RegistryView view = new RegistryView(TIERS, builder.build());
      for (int i = 0; i < n; i++) {
        assertThat(view.findKey(digests.get(i))).as("key %d of %d", i, n).map(e -> e.key().id())
            .contains("key_" + i);
      }
      assertThat(view.findKey(new KeyDigest(r.nextLong(), 0, 0, 0))).isEmpty();
    }
  }

  private static CompactBase.Builder builderOfC1() {
    CompactBase.Builder builder = new CompactBase.Builder(TIERS);
    builder.customer("c1", "starter", List.of("default"), CustomerStatus.ACTIVE, LimitOverrides.NONE, 0, 1);
    return builder;
  }

  /** A key of c1 with the digest (1, 2, 3, 4), then one of {@code owner} whose digest starts with {@code w0}. */
  private static CompactBase.KeyPart twoKeys(String owner, long w0) {
    CompactBase.KeyPart part = new CompactBase.KeyPart();
    part.key("key_1", "c1", KeyEnvironment.LIVE, 1, 2, 3, 4, List.of(), RegistryLoadSink.NONE, RegistryLoadSink.NONE);
    part.key("key_2", owner, KeyEnvironment.LIVE, w0, 2, 3, 4, List.of(), RegistryLoadSink.NONE,
        RegistryLoadSink.NONE);
    return part;
  }

  private static final class Scenario {
    final Random r;
    final Map<String, Customer> model = new LinkedHashMap<>();
    final Map<String, List<CustomerKey>> modelKeys = new HashMap<>();
    final List<Runnable> keyStream = new ArrayList<>();
    final List<KeyDigest> digests = new ArrayList<>();
    final List<String> ids = new ArrayList<>();
    final List<String> purged = new ArrayList<>();
    int keyCounter;

    Scenario(Random r) {
      this.r = r;
    }

    Customer newCustomer(String id, long version) {
      if (!ids.contains(id)) {
        ids.add(id);
      }
      List<Tier> tiers = TIERS.tiers();
      LimitOverrides overrides = switch (r.nextInt(4)) {
        case 0 -> new LimitOverrides(Optional.empty(), Optional.empty(), Optional.of(1L + r.nextInt(3)),
            Optional.empty(), Optional.empty());
        case 1 -> new LimitOverrides(Optional.of(new Units(1000L * (1 + r.nextInt(3)))),
            Optional.of(QuotaPeriod.values()[r.nextInt(QuotaPeriod.values().length)]), Optional.empty(),
            Optional.of(60L), Optional.of(5L));
        default -> LimitOverrides.NONE;
      };
      CustomerStatus status = r.nextInt(4) == 0 ? CustomerStatus.values()[r.nextInt(3)] : CustomerStatus.ACTIVE;
      return new Customer(id, Optional.of("name " + id), Optional.empty(),
          tiers.get(r.nextInt(tiers.size())).name(), subset(), status, Map.of(), overrides,
          NOW.minusSeconds(r.nextInt(1_000_000)).minusMillis(r.nextInt(1000)), NOW, Optional.empty(), version);
    }

    List<String> subset() {
      List<String> out = new ArrayList<>();
      for (String n : NAMESPACES) {
        if (r.nextInt(3) == 0) {
          out.add(n);
        }
      }
      return out;
    }

    List<CustomerKey> newKeys(Customer c, int n) {
      List<CustomerKey> keys = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        keys.add(newKey(c.id()));
      }
      return keys;
    }

    CustomerKey newKey(String customerId) {
      KeyDigest d = new KeyDigest(r.nextLong(), r.nextLong(), r.nextLong(), r.nextLong());
      digests.add(d);
      return new CustomerKey((keyCounter % 3 == 0 ? "schl\u00fcssel_" : "key_") + (keyCounter++), customerId, Optional.empty(),
          r.nextBoolean() ? KeyEnvironment.LIVE : KeyEnvironment.TEST, "tg_live_x", d,
          r.nextBoolean() ? List.of() : subset(), NOW, instant(), instant(), Optional.empty(), Optional.empty());
    }

    /** Absent, in the past or in the future, to the millisecond. */
    Optional<Instant> instant() {
      return switch (r.nextInt(3)) {
        case 0 -> Optional.of(NOW.minusMillis(1 + r.nextInt(100_000)));
        case 1 -> Optional.of(NOW.plusMillis(r.nextInt(100_000)));
        default -> Optional.empty();
      };
    }

    /** One random change, applied to the view as {@link LiveRegistry} does and to the model. */
    RegistryView change(RegistryView view) {
      return change(view, true);
    }

    RegistryView change(RegistryView view, boolean mayCompact) {
      Optional<Customer> some = model.isEmpty() ? Optional.empty()
          : Optional.of(new ArrayList<>(model.values()).get(r.nextInt(model.size())));
      int op = r.nextInt(9);
      if (some.isEmpty() || op == 8) {
        String id = !purged.isEmpty() && r.nextBoolean() ? purged.remove(r.nextInt(purged.size()))
            : "n" + ids.size();
        Customer c = newCustomer(id, 1);
        apply(view, c, newKeys(c, r.nextInt(3)));
        return view;
      }
      Customer c = some.get();
      List<CustomerKey> keys = new ArrayList<>(modelKeys.get(c.id()));
      switch (op) {
        case 0 -> apply(view, withVersion(newCustomer(c.id(), 0), c, c.version() + 1 + r.nextInt(3)), keys);
        case 1 -> {
          if (!keys.isEmpty()) {
            int i = r.nextInt(keys.size());
            keys.set(i, keys.get(i).withRevokedAt(r.nextBoolean() ? NOW.minusMillis(5) : NOW.plusSeconds(60)));
          }
          apply(view, withVersion(c, c, c.version() + 1), keys);
        }
        case 2 -> {
          keys.add(newKey(c.id()));
          apply(view, withVersion(c, c, c.version() + 1), keys);
        }
        case 3 -> {
          if (!keys.isEmpty()) {
            int i = r.nextInt(keys.size());
            CustomerKey k = keys.get(i);
            keys.set(i, new CustomerKey(k.id(), k.customerId(), k.name(), k.environment(), k.displayPrefix(),
                k.digest(), subset(), k.createdAt(), k.revokedAt(), instant(), k.lastUsedAt(), k.replaces()));
          }
          apply(view, withVersion(c, c, c.version() + 1), keys);
        }
        case 4 -> {
          view.remove(c.id());
          model.remove(c.id());
          modelKeys.remove(c.id());
          purged.add(c.id());
        }
        case 5 -> {
          // a stale change (an older or the same version, other content): both ignore it
          keys.add(newKey(c.id()));
          apply(view, withVersion(newCustomer(c.id(), 0), c, c.version() - r.nextInt(2)), keys);
        }
        case 6 -> {
          if (!mayCompact) {
            apply(view, withVersion(c, c, c.version() + 1), keys);
            return view;
          }
          // a compaction, with changes applied to the current view while it builds (as LiveRegistry#compact lets
          // them), brought over to the new view before it is swapped in; every id ever used is a superset of them
          RegistryView.Snapshot snapshot = view.snapshot();
          int meanwhile = r.nextInt(4);
          for (int i = 0; i < meanwhile; i++) {
            change(view, false);
          }
          RegistryView next = view.compacted(snapshot);
          for (String id : ids) {
            next.replay(view, id);
          }
          return next;
        }
        default -> apply(view, withVersion(c, c, c.version() + 1), keys);
      }
      return view;
    }

    /** {@code content} under {@code c}'s id and creation time, at {@code version}. */
    static Customer withVersion(Customer content, Customer c, long version) {
      return new Customer(c.id(), content.name(), content.email(), content.tier(), content.namespaces(),
          content.status(), content.metadata(), content.overrides(), c.createdAt(), content.updatedAt(),
          content.deactivatedAt(), version);
    }

    void apply(RegistryView view, Customer c, List<CustomerKey> keys) {
      view.apply(c, keys);
      Customer held = model.get(c.id());
      if (held == null || c.version() > held.version()) {
        model.put(c.id(), c);
        modelKeys.put(c.id(), List.copyOf(keys));
      }
    }

    void check(RegistryView view) {
      Map<KeyDigest, Seen> expected = new HashMap<>();
      modelKeys.forEach((id, keys) -> keys.forEach(k -> expected.put(k.digest(), seen(k, model.get(id)))));
      List<KeyDigest> asked = new ArrayList<>(digests);
      asked.add(new KeyDigest(r.nextLong(), r.nextLong(), r.nextLong(), r.nextLong()));
      for (KeyDigest d : asked) {
        assertThat(view.findKey(d).map(e -> seen(e.key(), e.owner())))
            .as("lookup of %s", d).isEqualTo(Optional.ofNullable(expected.get(d)));
      }
      for (String id : ids) {
        assertThat(view.findCustomer(id).map(Scenario::seen))
            .as("customer %s", id).isEqualTo(Optional.ofNullable(model.get(id)).map(c -> seen(c, limits(c))));
      }
      assertThat(view.customerCount()).isEqualTo(model.size());
      assertThat(view.keyCount()).isEqualTo(modelKeys.values().stream().mapToInt(List::size).sum());
    }

    static Limits limits(Customer c) {
      return EffectiveLimits.of(c, TIERS);
    }

    static Seen seen(CustomerKey k, Customer owner) {
      return new Seen(k.id(), k.customerId(), k.environment(), k.digest(), k.namespaces(), k.revokedAt(),
          k.expiresAt(), k.statusAt(NOW), seen(owner, limits(owner)));
    }

    static Seen seen(CustomerKey k, RegistryView.CustomerEntry owner) {
      return new Seen(k.id(), k.customerId(), k.environment(), k.digest(), k.namespaces(), k.revokedAt(),
          k.expiresAt(), k.statusAt(NOW), seen(owner));
    }

    static SeenCustomer seen(RegistryView.CustomerEntry e) {
      return seen(e.customer(), e.limits());
    }

    static SeenCustomer seen(Customer c, Limits limits) {
      return new SeenCustomer(c.id(), c.tier(), c.namespaces(), c.status(), c.overrides(), c.createdAt(),
          c.version(), limits);
    }
  }
}
