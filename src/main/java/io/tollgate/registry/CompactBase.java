package io.tollgate.registry;

import io.tollgate.config.TierCatalog;
import io.tollgate.keys.KeyDigest;
import io.tollgate.keys.KeyEnvironment;
import io.tollgate.limits.Limits;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The immutable, read-optimised part of a {@link RegistryView}: customers and keys as rows of primitive columns,
 * found through open-addressing tables of row numbers, with what many rows share (a customer's tier, namespaces,
 * status and overrides; a key's environment and scope) kept once in a profile table. An entry is made only when a
 * lookup asks for it. Never changes once built, so any number of threads read it without locks.
 *
 * <p>Per customer: its id's bytes plus an end offset, a profile index, creation time and version, and a table slot
 * (about 1.5 ints). Per key: the digest's four longs, its owner's row, its id's bytes plus an end offset, a profile
 * index, a table slot, and the revocation and expiry times only once some key has one (a column no key uses is not
 * allocated). See docs/architecture.md.
 */
final class CompactBase {
  private static final long NONE = RegistryLoadSink.NONE;

  /** What customers share: the tier and namespaces they are on, their status and overrides, the limits they give. */
  record CustomerProfile(String tier, List<String> namespaces, CustomerStatus status, LimitOverrides overrides,
      Limits limits) {}

  /** What keys share: the environment and the scope. */
  record KeyProfile(KeyEnvironment environment, List<String> namespaces) {}

  private final int customers;
  private final byte[] customerIds;
  private final int[] customerIdEnds;
  private final int[] customerProfile;
  private final long[] customerCreated;
  private final long[] customerVersion;
  private final int[] customerTable;
  private final CustomerProfile[] customerProfiles;

  private final int keys;
  private final long[] digests;
  private final int[] keyCustomer;
  private final byte[] keyIds;
  private final int[] keyIdEnds;
  private final int[] keyProfile;
  private final long[] keyRevoked;
  private final long[] keyExpires;
  private final int[] keyTable;
  private final KeyProfile[] keyProfiles;
  private volatile int[] keysPerCustomer;

  private CompactBase(Builder b) {
    customers = b.customers;
    customerIds = fit(b.customerIds, b.customerIdsLength);
    customerIdEnds = fit(b.customerIdEnds, customers);
    customerProfile = fit(b.customerProfile, customers);
    customerCreated = fit(b.customerCreated, customers);
    customerVersion = fit(b.customerVersion, customers);
    customerProfiles = b.customerProfiles.toArray(CustomerProfile[]::new);
    customerTable = b.customerTable.length == tableLength(customers) ? b.customerTable
        : table(customers, row -> hash(customerIds, start(customerIdEnds, row), customerIdEnds[row]));
    keys = b.keys;
    digests = fit(b.digests, keys * 4);
    keyCustomer = fit(b.keyCustomer, keys);
    keyIds = fit(b.keyIds, b.keyIdsLength);
    keyIdEnds = fit(b.keyIdEnds, keys);
    keyProfile = fit(b.keyProfile, keys);
    keyRevoked = b.keyRevoked == null ? null : fit(b.keyRevoked, keys);
    keyExpires = b.keyExpires == null ? null : fit(b.keyExpires, keys);
    keyProfiles = b.keyProfiles.toArray(KeyProfile[]::new);
    keyTable = b.digestTable.length == tableLength(keys) ? b.digestTable : table(keys, row -> hash(digests[row * 4]));
  }

  // the builder's column itself when it is full (a load told the exact counts), else a copy of its rows
  private static int[] fit(int[] a, int n) {
    return a.length == n ? a : Arrays.copyOf(a, n);
  }

  private static long[] fit(long[] a, int n) {
    return a.length == n ? a : Arrays.copyOf(a, n);
  }

  private static byte[] fit(byte[] a, int n) {
    return a.length == n ? a : Arrays.copyOf(a, n);
  }

  private static int start(int[] ends, int row) {
    return row == 0 ? 0 : ends[row - 1];
  }

  static CompactBase empty(TierCatalog tiers) {
    return new Builder(tiers).build();
  }

  int customerCount() {
    return customers;
  }

  int keyCount() {
    return keys;
  }

  /**
   * How many keys the customer at {@code row} has. The first call counts every customer's keys in one pass (an
   * int per customer, kept from then on): only a view that changes asks, and only from its one writer.
   */
  int keysOf(int customerRow) {
    int[] counts = keysPerCustomer;
    if (counts == null) {
      counts = new int[customers];
      for (int k = 0; k < keys; k++) {
        counts[keyCustomer[k]]++;
      }
      keysPerCustomer = counts;
    }
    return counts[customerRow];
  }

  /** The row of the key with this digest, or -1. */
  int findKey(KeyDigest d) {
    int[] t = keyTable;
    int slot = slot(hash(d.w0()), t.length);
    while (true) {
      int row = t[slot] - 1;
      if (row < 0) {
        return -1;
      }
      int at = row * 4;
      if (digests[at] == d.w0() && digests[at + 1] == d.w1() && digests[at + 2] == d.w2()
          && digests[at + 3] == d.w3()) {
        return row;
      }
      slot = slot + 1 == t.length ? 0 : slot + 1;
    }
  }

  /** The row of the customer with this id, or -1. */
  int findCustomer(String id) {
    return findCustomer(customerTable, customerIds, customerIdEnds, id);
  }

  int customerOfKey(int keyRow) {
    return keyCustomer[keyRow];
  }

  long version(int customerRow) {
    return customerVersion[customerRow];
  }

  String customerId(int row) {
    return text(customerIds, customerIdEnds, row);
  }

  /** The key at {@code row} with its owner, as the gate reads them; {@code digest} is the key's own. */
  RegistryView.KeyEntry keyEntry(int row, KeyDigest digest) {
    RegistryView.CustomerEntry owner = customerEntry(keyCustomer[row]);
    return new RegistryView.KeyEntry(key(row, digest, owner.customer().id()), owner);
  }

  RegistryView.CustomerEntry customerEntry(int row) {
    CustomerProfile p = customerProfiles[customerProfile[row]];
    Customer c = new Customer(customerId(row), Optional.empty(), Optional.empty(), p.tier(), p.namespaces(),
        p.status(), Map.of(), p.overrides(), Instant.ofEpochMilli(customerCreated[row]), Instant.EPOCH,
        Optional.empty(), customerVersion[row]);
    return new RegistryView.CustomerEntry(c, p.limits());
  }

  private CustomerKey key(int row, KeyDigest digest, String customerId) {
    KeyProfile p = keyProfiles[keyProfile[row]];
    return new CustomerKey(text(keyIds, keyIdEnds, row), customerId, Optional.empty(), p.environment(), "", digest,
        p.namespaces(), Instant.EPOCH, instant(keyRevoked, row), instant(keyExpires, row), Optional.empty(),
        Optional.empty());
  }

  /** Streams the rows for which {@code keep} holds into {@code sink}: what a compaction carries over. */
  void copyInto(RegistryLoadSink sink, java.util.function.IntPredicate keep) {
    for (int c = 0; c < customers; c++) {
      if (keep.test(c)) {
        CustomerProfile p = customerProfiles[customerProfile[c]];
        sink.customer(customerId(c), p.tier(), p.namespaces(), p.status(), p.overrides(), customerCreated[c],
            customerVersion[c]);
      }
    }
    for (int k = 0; k < keys; k++) {
      int c = keyCustomer[k];
      if (keep.test(c)) {
        KeyProfile p = keyProfiles[keyProfile[k]];
        sink.key(text(keyIds, keyIdEnds, k), customerId(c), p.environment(), digests[k * 4], digests[k * 4 + 1],
            digests[k * 4 + 2], digests[k * 4 + 3], p.namespaces(), keyRevoked == null ? NONE : keyRevoked[k],
            keyExpires == null ? NONE : keyExpires[k]);
      }
    }
  }

  private static Optional<Instant> instant(long[] column, int row) {
    return column == null || column[row] == NONE ? Optional.empty() : Optional.of(Instant.ofEpochMilli(column[row]));
  }

  private static String text(byte[] bytes, int[] ends, int row) {
    int start = start(ends, row);
    return new String(bytes, start, ends[row] - start, StandardCharsets.UTF_8);
  }

  private static int findCustomer(int[] t, byte[] ids, int[] ends, String id) {
    byte[] wanted = id.getBytes(StandardCharsets.UTF_8);
    int slot = slot(hash(wanted, 0, wanted.length), t.length);
    while (true) {
      int row = t[slot] - 1;
      if (row < 0) {
        return -1;
      }
      if (Arrays.equals(ids, start(ends, row), ends[row], wanted, 0, wanted.length)) {
        return row;
      }
      slot = slot + 1 == t.length ? 0 : slot + 1;
    }
  }

  private static long hash(byte[] b, int from, int to) {
    long h = 0xcbf29ce484222325L;
    for (int i = from; i < to; i++) {
      h = (h ^ b[i]) * 0x100000001b3L;
    }
    return hash(h);
  }

  private static long hash(long w) {
    w ^= w >>> 33;
    w *= 0xff51afd7ed558ccdL;
    return w ^ (w >>> 33);
  }

  /** A slot in a table of {@code length}: the hash's top 32 bits scaled to the length (no power of two needed). */
  private static int slot(long hash, int length) {
    return (int) (((hash >>> 32) * length) >>> 32);
  }

  /** A table about 1.5 times the rows (load factor 2/3), at least one slot always free. */
  private static int tableLength(int rows) {
    return rows + (rows >> 1) + 2;
  }

  private static int[] table(int rows, java.util.function.IntToLongFunction hashOf) {
    int[] t = new int[tableLength(rows)];
    for (int row = 0; row < rows; row++) {
      insert(t, slot(hashOf.applyAsLong(row), t.length), row);
    }
    return t;
  }

  private static void insert(int[] t, int slot, int row) {
    while (t[slot] != 0) {
      slot = slot + 1 == t.length ? 0 : slot + 1;
    }
    t[slot] = row + 1;
  }

  /**
   * Builds a base from streamed rows. A customer streamed twice keeps its last row; a key whose digest is already
   * held replaces the earlier one; a key whose customer was not streamed is dropped.
   */
  static final class Builder implements RegistryLoadSink {
    private final TierCatalog tiers;
    private final Map<ProfileKey, Integer> profileIndex = new HashMap<>();
    private final List<CustomerProfile> customerProfiles = new ArrayList<>();
    private ProfileKey last;
    private int lastProfile;
    /** Each customer row's id hash (top 32 bits), compared before its bytes; only while building. */
    private int[] customerHashes = new int[16];
    private int lastOwner = -1;
    private final Map<KeyProfile, Integer> keyProfileIndex = new HashMap<>();
    private KeyEnvironment lastKeyEnvironment;
    private List<String> lastKeyNamespaces;
    private int lastKeyProfile;
    private final List<KeyProfile> keyProfiles = new ArrayList<>();
    private final Map<List<String>, List<String>> namespaceLists = new HashMap<>();

    private int customers;
    private byte[] customerIds = new byte[256];
    private int customerIdsLength;
    private int[] customerIdEnds = new int[16];
    private int[] customerProfile = new int[16];
    private long[] customerCreated = new long[16];
    private long[] customerVersion = new long[16];
    private int[] customerTable = new int[tableLength(16)];

    private int keys;
    private long[] digests = new long[64];
    private int[] keyCustomer = new int[16];
    private byte[] keyIds = new byte[256];
    private int keyIdsLength;
    private int[] keyIdEnds = new int[16];
    private int[] keyProfile = new int[16];
    private long[] keyRevoked;
    private long[] keyExpires;
    private int[] digestTable = new int[tableLength(16)];

    private record ProfileKey(String tier, List<String> namespaces, CustomerStatus status, LimitOverrides o) {}

    Builder(TierCatalog tiers) {
      this.tiers = tiers;
    }

    @Override
    public void expect(int customerRows, int keyRows) {
      growCustomers(Math.max(customerRows, 16));
      growKeys(Math.max(keyRows, 16));
      customerIds = Arrays.copyOf(customerIds, Math.max(customerIds.length, customerRows * 12));
      keyIds = Arrays.copyOf(keyIds, Math.max(keyIds.length, keyRows * 20));
    }

    @Override
    public void customer(String id, String tier, List<String> namespaces, CustomerStatus status,
        LimitOverrides overrides, long createdAtMillis, long version) {
      customerUtf8(id.getBytes(StandardCharsets.UTF_8), tier, namespaces, status, overrides, createdAtMillis, version);
    }

    @Override
    public void customerUtf8(byte[] id, String tier, List<String> namespaces, CustomerStatus status,
        LimitOverrides overrides, long createdAtMillis, long version) {
      int profile = customerProfile(id, tier, namespaces, status, overrides);
      if (customers == customerIdEnds.length) {
        growCustomers(customers + (customers >> 1) + 16); // before the probe: growing rebuilds the table
      }
      long h = hash(id, 0, id.length);
      int row = findCustomer(id, h);
      if (row < 0) {
        int free = -row - 1;
        row = customers;
        customerIds = append(customerIds, customerIdsLength, id);
        customerIdsLength += id.length;
        customerIdEnds[row] = customerIdsLength;
        customerHashes[row] = (int) (h >>> 32);
        customers++;
        customerTable[free] = row + 1;
      }
      customerProfile[row] = profile;
      customerCreated[row] = createdAtMillis;
      customerVersion[row] = version;
    }

    @Override
    public void key(String id, String customerId, KeyEnvironment environment, long w0, long w1, long w2, long w3,
        List<String> namespaces, long revokedAtMillis, long expiresAtMillis) {
      keyUtf8(id.getBytes(StandardCharsets.UTF_8), customerId.getBytes(StandardCharsets.UTF_8), environment, w0, w1,
          w2, w3, namespaces, revokedAtMillis, expiresAtMillis);
    }

    @Override
    public void keyUtf8(byte[] id, byte[] customerId, KeyEnvironment environment, long w0, long w1, long w2, long w3,
        List<String> namespaces, long revokedAtMillis, long expiresAtMillis) {
      int owner = owner(customerId);
      if (owner < 0) {
        return;
      }
      lastOwner = owner;
      if (keys == keyCustomer.length) {
        growKeys(keys + (keys >> 1) + 16); // before the probe: growing rebuilds the table
      }
      int row = findDigest(w0, w1, w2, w3);
      if (row < 0) {
        int free = -row - 1;
        row = keys;
        keyIds = append(keyIds, keyIdsLength, id);
        keyIdsLength += id.length;
        keyIdEnds[row] = keyIdsLength;
        digests[row * 4] = w0;
        digests[row * 4 + 1] = w1;
        digests[row * 4 + 2] = w2;
        digests[row * 4 + 3] = w3;
        keys++;
        digestTable[free] = row + 1;
      }
      keyCustomer[row] = owner;
      keyProfile[row] = keyProfile(environment, namespaces);
      if (revokedAtMillis != NONE && keyRevoked == null) {
        keyRevoked = filled(keyCustomer.length);
      }
      if (keyRevoked != null) {
        keyRevoked[row] = revokedAtMillis;
      }
      if (expiresAtMillis != NONE && keyExpires == null) {
        keyExpires = filled(keyCustomer.length);
      }
      if (keyExpires != null) {
        keyExpires[row] = expiresAtMillis;
      }
    }

    CompactBase build() {
      return new CompactBase(this);
    }

    private int customerProfile(byte[] id, String tier, List<String> namespaces, CustomerStatus status,
        LimitOverrides overrides) {
      if (last != null && last.status() == status && last.tier().equals(tier)
          && (last.namespaces() == namespaces || last.namespaces().equals(namespaces))
          && (last.o() == overrides || last.o().equals(overrides))) {
        return lastProfile; // rows in a row mostly share one profile: no hashing of limits and optionals
      }
      ProfileKey key = new ProfileKey(tier, namespaces, status, overrides);
      Integer index = profileIndex.get(key);
      if (index == null) {
        Limits tierLimits = tiers.find(tier).orElseThrow(() -> new IllegalArgumentException(
            "customer " + new String(id, StandardCharsets.UTF_8) + " is on tier " + tier + ", which the catalog does not have")).limits();
        List<String> shared = intern(namespaces);
        customerProfiles.add(new CustomerProfile(tier, shared, status, overrides, overrides.applyTo(tierLimits)));
        index = customerProfiles.size() - 1;
        profileIndex.put(new ProfileKey(tier, shared, status, overrides), index);
      }
      last = key;
      lastProfile = index;
      return index;
    }

    private int keyProfile(KeyEnvironment environment, List<String> namespaces) {
      if (environment == lastKeyEnvironment && namespaces == lastKeyNamespaces) {
        return lastKeyProfile; // the stream hands rows of one profile the same list: no hashing of it per row
      }
      int index = keyProfileIndex.computeIfAbsent(new KeyProfile(environment, intern(namespaces)), p -> {
        keyProfiles.add(p);
        return keyProfiles.size() - 1;
      });
      lastKeyEnvironment = environment;
      lastKeyNamespaces = namespaces;
      lastKeyProfile = index;
      return index;
    }

    private List<String> intern(List<String> names) {
      List<String> held = namespaceLists.get(names);
      if (held == null) {
        held = List.copyOf(names);
        namespaceLists.put(held, held);
      }
      return held;
    }

    /**
     * The row of a key's customer: keys mostly come in their customers' order (or several in a row for one), so
     * the previous key's owner and the next row are tried before the table.
     */
    private int owner(byte[] customerId) {
      for (int guess = Math.max(0, lastOwner); guess <= lastOwner + 1 && guess < customers; guess++) {
        if (Arrays.equals(customerIds, start(customerIdEnds, guess), customerIdEnds[guess], customerId, 0,
            customerId.length)) {
          return guess;
        }
      }
      int row = findCustomer(customerId, hash(customerId, 0, customerId.length));
      return Math.max(row, -1);
    }

    /** The row of the customer with this id, or -(free slot + 1): where it goes in the table. */
    private int findCustomer(byte[] id, long h) {
      int[] t = customerTable;
      int wanted = (int) (h >>> 32);
      int slot = slot(h, t.length);
      while (true) {
        int row = t[slot] - 1;
        if (row < 0) {
          return -slot - 1;
        }
        if (customerHashes[row] == wanted
            && Arrays.equals(customerIds, start(customerIdEnds, row), customerIdEnds[row], id, 0, id.length)) {
          return row;
        }
        slot = slot + 1 == t.length ? 0 : slot + 1;
      }
    }

    /** The row of the key with this digest, or -(free slot + 1): where it goes in the table. */
    private int findDigest(long w0, long w1, long w2, long w3) {
      int[] t = digestTable;
      int slot = slot(hash(w0), t.length);
      while (true) {
        int row = t[slot] - 1;
        if (row < 0) {
          return -slot - 1;
        }
        int at = row * 4;
        if (digests[at] == w0 && digests[at + 1] == w1 && digests[at + 2] == w2 && digests[at + 3] == w3) {
          return row;
        }
        slot = slot + 1 == t.length ? 0 : slot + 1;
      }
    }

    private void growCustomers(int capacity) {
      if (capacity <= customerIdEnds.length) {
        return;
      }
      customerIdEnds = Arrays.copyOf(customerIdEnds, capacity);
      customerProfile = Arrays.copyOf(customerProfile, capacity);
      customerCreated = Arrays.copyOf(customerCreated, capacity);
      customerVersion = Arrays.copyOf(customerVersion, capacity);
      customerHashes = Arrays.copyOf(customerHashes, capacity);
      customerTable = new int[tableLength(capacity)];
      for (int row = 0; row < customers; row++) {
        insert(customerTable, slot(hash(customerIds, start(customerIdEnds, row), customerIdEnds[row]),
            customerTable.length), row);
      }
    }

    private void growKeys(int capacity) {
      if (capacity <= keyCustomer.length) {
        return;
      }
      digests = Arrays.copyOf(digests, capacity * 4);
      keyCustomer = Arrays.copyOf(keyCustomer, capacity);
      keyIdEnds = Arrays.copyOf(keyIdEnds, capacity);
      keyProfile = Arrays.copyOf(keyProfile, capacity);
      if (keyRevoked != null) {
        keyRevoked = grownFilled(keyRevoked, capacity);
      }
      if (keyExpires != null) {
        keyExpires = grownFilled(keyExpires, capacity);
      }
      digestTable = new int[tableLength(capacity)];
      for (int row = 0; row < keys; row++) {
        insert(digestTable, slot(hash(digests[row * 4]), digestTable.length), row);
      }
    }

    private static long[] filled(int length) {
      long[] a = new long[length];
      Arrays.fill(a, NONE);
      return a;
    }

    private static long[] grownFilled(long[] a, int length) {
      int old = a.length;
      long[] b = Arrays.copyOf(a, length);
      Arrays.fill(b, old, length, NONE);
      return b;
    }

    private static byte[] append(byte[] to, int length, byte[] bytes) {
      byte[] out = to;
      if (length + bytes.length > to.length) {
        out = Arrays.copyOf(to, Math.max(length + bytes.length, to.length + (to.length >> 1)));
      }
      System.arraycopy(bytes, 0, out, length, bytes.length);
      return out;
    }
  }
}
