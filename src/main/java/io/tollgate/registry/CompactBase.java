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
  /** Bits of the hash a radix pass sorts by: 11, so three passes cover its top 32 bits. */
  private static final int RADIX_BITS = 11;
  private static final int RADIX_MASK = (1 << RADIX_BITS) - 1;

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
    customerTable = b.customerTable.length == tableLength(customers) ? BuildTable.rows(b.customerTable)
        : table(customers, row -> hash(customerIds, start(customerIdEnds, row), customerIdEnds[row]));
    KeyColumns k = b.keyColumns;
    keys = k.keys;
    digests = fit(k.digests, keys * 4);
    keyCustomer = fit(k.keyCustomer, keys);
    keyIds = fit(k.keyIds, k.keyIdsLength);
    keyIdEnds = fit(k.keyIdEnds, keys);
    keyProfile = fit(k.keyProfile, keys);
    keyRevoked = k.keyRevoked == null ? null : fit(k.keyRevoked, keys);
    keyExpires = k.keyExpires == null ? null : fit(k.keyExpires, keys);
    keyProfiles = k.keyProfiles.toArray(KeyProfile[]::new);
    keyTable = k.tableInSlotOrder != null && k.tableInSlotOrder.length == tableLength(keys) ? k.tableInSlotOrder
        : k.digestTable != null && k.digestTable.length == tableLength(keys) ? BuildTable.rows(k.digestTable)
        : table(keys, row -> hash(digests[row * 4]));
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
   * The open-addressing tables while a base is built: each slot holds, next to the row (plus one, 0 for a free
   * slot), the low 32 bits of the row's hash, so that a probe passing an occupied slot compares the hash held there
   * instead of reading the row's digest or id from its column (a cache miss in a column of megabytes, one per
   * occupied slot passed). A slot's position is what {@link #slot} gives for the same hash and length, so
   * {@link #rows} keeps the positions and drops the hashes: the built base's table of ints, as lookups read it.
   */
  private static final class BuildTable {
    private BuildTable() {}

    static long entry(long hash, int row) {
      return (hash << 32) | ((row + 1) & 0xffffffffL);
    }

    /** The row the slot holds, or -1 when it is free. */
    static int row(long entry) {
      return (int) entry - 1;
    }

    static boolean sameHash(long entry, long hash) {
      return (int) (entry >>> 32) == (int) hash;
    }

    static void insert(long[] t, long hash, int row) {
      int slot = slot(hash, t.length);
      while (t[slot] != 0) {
        slot = slot + 1 == t.length ? 0 : slot + 1;
      }
      t[slot] = entry(hash, row);
    }

    static int[] rows(long[] t) {
      int[] rows = new int[t.length];
      for (int i = 0; i < t.length; i++) {
        rows[i] = (int) t[i];
      }
      return rows;
    }
  }

  /** A sink that keeps ids as bytes: a key given with text ids is encoded, then taken as {@link #keyUtf8}. */
  private interface KeysAsBytes extends RegistryLoadSink {
    @Override
    default void key(String id, String customerId, KeyEnvironment environment, long w0, long w1, long w2, long w3,
        List<String> namespaces, long revokedAtMillis, long expiresAtMillis) {
      keyUtf8(id.getBytes(StandardCharsets.UTF_8), customerId.getBytes(StandardCharsets.UTF_8), environment, w0, w1,
          w2, w3, namespaces, revokedAtMillis, expiresAtMillis);
    }

    @Override
    void keyUtf8(byte[] id, byte[] customerId, KeyEnvironment environment, long w0, long w1, long w2, long w3,
        List<String> namespaces, long revokedAtMillis, long expiresAtMillis);
  }

  /**
   * Builds a base from streamed rows. A customer streamed twice keeps its last row; a key whose digest is already
   * held replaces the earlier one; a key whose customer was not streamed is dropped.
   */
  static final class Builder implements KeysAsBytes {
    private final TierCatalog tiers;
    private final Map<ProfileKey, Integer> profileIndex = new HashMap<>();
    private final List<CustomerProfile> customerProfiles = new ArrayList<>();
    private ProfileKey last;
    private int lastProfile;
    private int lastOwner = -1;
    private final Map<List<String>, List<String>> namespaceLists = new HashMap<>();
    private KeyColumns keyColumns = new KeyColumns(false);

    private int customers;
    private byte[] customerIds = new byte[256];
    private int customerIdsLength;
    private int[] customerIdEnds = new int[16];
    private int[] customerProfile = new int[16];
    private long[] customerCreated = new long[16];
    private long[] customerVersion = new long[16];
    private long[] customerTable = new long[tableLength(16)];

    private record ProfileKey(String tier, List<String> namespaces, CustomerStatus status, LimitOverrides o) {}

    Builder(TierCatalog tiers) {
      this.tiers = tiers;
    }

    @Override
    public void expect(int customerRows, int keyRows) {
      growCustomers(Math.max(customerRows, 16));
      customerIds = Arrays.copyOf(customerIds, Math.max(customerIds.length, customerRows * 12));
      keyColumns.expect(keyRows);
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
      int row = findCustomer(id, 0, id.length, h);
      if (row < 0) {
        int free = -row - 1;
        row = customers;
        customerIds = append(customerIds, customerIdsLength, id);
        customerIdsLength += id.length;
        customerIdEnds[row] = customerIdsLength;
        customers++;
        customerTable[free] = BuildTable.entry(h, row);
      }
      customerProfile[row] = profile;
      customerCreated[row] = createdAtMillis;
      customerVersion[row] = version;
    }

    @Override
    public void keyUtf8(byte[] id, byte[] customerId, KeyEnvironment environment, long w0, long w1, long w2, long w3,
        List<String> namespaces, long revokedAtMillis, long expiresAtMillis) {
      int owner = owner(customerId, 0, customerId.length);
      if (owner < 0) {
        return;
      }
      lastOwner = owner;
      keyColumns.add(id, owner, customerId, environment, w0, w1, w2, w3, namespaces, revokedAtMillis,
          expiresAtMillis);
    }

    /**
     * Takes the keys {@code part} was given (on another thread, while this builder was given the customers) as this
     * builder's keys, each resolved to its customer here. False, with this builder's keys unchanged, when that
     * cannot give what streaming the same rows into this builder would: this builder already has keys, the part
     * saw one digest twice, or a key's customer is not here. The part is not used again.
     */
    boolean adopt(KeyPart part) {
      KeyColumns k = part.columns;
      if (keyColumns.keys > 0 || !k.tableInSlotOrder()) {
        return false;
      }
      int[] owners = new int[k.keys];
      for (int row = 0; row < k.keys; row++) {
        int owner = owner(k.ownerIds, start(k.ownerIdEnds, row), k.ownerIdEnds[row]);
        if (owner < 0) {
          return false;
        }
        owners[row] = owner;
        lastOwner = owner;
      }
      System.arraycopy(owners, 0, k.keyCustomer, 0, k.keys);
      k.ownerIds = null;
      k.ownerIdEnds = null;
      keyColumns = k;
      return true;
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

    private List<String> intern(List<String> names) {
      return CompactBase.intern(namespaceLists, names);
    }

    /**
     * The row of a key's customer: keys mostly come in their customers' order (or several in a row for one), so
     * the previous key's owner and the next row are tried before the table.
     */
    private int owner(byte[] customerId, int from, int to) {
      for (int guess = Math.max(0, lastOwner); guess <= lastOwner + 1 && guess < customers; guess++) {
        if (Arrays.equals(customerIds, start(customerIdEnds, guess), customerIdEnds[guess], customerId, from, to)) {
          return guess;
        }
      }
      int row = findCustomer(customerId, from, to, hash(customerId, from, to));
      return Math.max(row, -1);
    }

    /** The row of the customer with this id, or -(free slot + 1): where it goes in the table. */
    private int findCustomer(byte[] id, int from, int to, long h) {
      long[] t = customerTable;
      int slot = slot(h, t.length);
      while (true) {
        long e = t[slot];
        int row = BuildTable.row(e);
        if (row < 0) {
          return -slot - 1;
        }
        if (BuildTable.sameHash(e, h)
            && Arrays.equals(customerIds, start(customerIdEnds, row), customerIdEnds[row], id, from, to)) {
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
      customerTable = new long[tableLength(capacity)];
      for (int row = 0; row < customers; row++) {
        BuildTable.insert(customerTable, hash(customerIds, start(customerIdEnds, row), customerIdEnds[row]), row);
      }
    }

  }

  /**
   * A key's part of a base being built: the key columns and the digest table. A builder's own resolves each key's
   * customer as it comes; a {@link KeyPart}'s keeps each key's customer id as bytes instead, to be resolved by
   * {@link Builder#adopt} once the customers are in.
   */
  private static final class KeyColumns {
    private final Map<KeyProfile, Integer> keyProfileIndex = new HashMap<>();
    private final List<KeyProfile> keyProfiles = new ArrayList<>();
    private final Map<List<String>, List<String>> namespaceLists = new HashMap<>();
    private KeyEnvironment lastKeyEnvironment;
    private List<String> lastKeyNamespaces;
    private int lastKeyProfile;

    private int keys;
    private long[] digests = new long[64];
    private int[] keyCustomer = new int[16];
    private byte[] keyIds = new byte[256];
    private int keyIdsLength;
    private int[] keyIdEnds = new int[16];
    private int[] keyProfile = new int[16];
    private long[] keyRevoked;
    private long[] keyExpires;
    /** The digest table while rows come, probed for each; null in a key part, which builds its table at the end. */
    private long[] digestTable;
    /** A key part's table, once {@link #tableInSlotOrder()} has built it. */
    private int[] tableInSlotOrder;
    /** Only while the owners are not resolved (a key part): each key's customer id. */
    private byte[] ownerIds;
    private int ownerIdsLength;
    private int[] ownerIdEnds;

    KeyColumns(boolean ownersAsIds) {
      if (ownersAsIds) {
        ownerIds = new byte[256];
        ownerIdEnds = new int[16];
      } else {
        digestTable = new long[tableLength(16)];
      }
    }

    void expect(int keyRows) {
      growKeys(Math.max(keyRows, 16));
      keyIds = Arrays.copyOf(keyIds, Math.max(keyIds.length, keyRows * 20));
      if (ownerIds != null) {
        ownerIds = Arrays.copyOf(ownerIds, Math.max(ownerIds.length, keyRows * 12));
      }
    }

    /** One key, of the customer at row {@code owner} (or, while owners are ids, of {@code ownerId}). */
    void add(byte[] id, int owner, byte[] ownerId, KeyEnvironment environment, long w0, long w1, long w2, long w3,
        List<String> namespaces, long revokedAtMillis, long expiresAtMillis) {
      if (keys == keyCustomer.length) {
        growKeys(keys + (keys >> 1) + 16); // before the probe: growing rebuilds the table
      }
      long h = hash(w0);
      int row = digestTable == null ? -1 : findDigest(h, w0, w1, w2, w3); // a key part looks for twins at the end
      if (row < 0) {
        int free = -row - 1;
        row = keys;
        keyIds = append(keyIds, keyIdsLength, id);
        keyIdsLength += id.length;
        keyIdEnds[row] = keyIdsLength;
        if (ownerIds != null) {
          ownerIds = append(ownerIds, ownerIdsLength, ownerId);
          ownerIdsLength += ownerId.length;
          ownerIdEnds[row] = ownerIdsLength;
        }
        digests[row * 4] = w0;
        digests[row * 4 + 1] = w1;
        digests[row * 4 + 2] = w2;
        digests[row * 4 + 3] = w3;
        keys++;
        if (digestTable != null) {
          digestTable[free] = BuildTable.entry(h, row);
        }
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

    private int keyProfile(KeyEnvironment environment, List<String> namespaces) {
      if (environment == lastKeyEnvironment && namespaces == lastKeyNamespaces) {
        return lastKeyProfile; // the stream hands rows of one profile the same list: no hashing of it per row
      }
      int index = keyProfileIndex.computeIfAbsent(new KeyProfile(environment, intern(namespaceLists, namespaces)),
          p -> {
            keyProfiles.add(p);
            return keyProfiles.size() - 1;
          });
      lastKeyEnvironment = environment;
      lastKeyNamespaces = namespaces;
      lastKeyProfile = index;
      return index;
    }

    /** The row of the key with this digest, or -(free slot + 1): where it goes in the table. */
    private int findDigest(long h, long w0, long w1, long w2, long w3) {
      long[] t = digestTable;
      int slot = slot(h, t.length);
      while (true) {
        long e = t[slot];
        int row = BuildTable.row(e);
        if (row < 0) {
          return -slot - 1;
        }
        int at = row * 4;
        if (BuildTable.sameHash(e, h) && digests[at] == w0 && digests[at + 1] == w1 && digests[at + 2] == w2
            && digests[at + 3] == w3) {
          return row;
        }
        slot = slot + 1 == t.length ? 0 : slot + 1;
      }
    }

    /**
     * A key part's digest table, built once all its rows are in: the rows sorted by their hash (a radix sort of
     * {@code hash's top 32 bits | row}, in passes over the rows in order), then placed in that order, each in its home
     * slot or the next free one after the slot placed before it. Every write then goes to the slot after the
     * previous one or further on, where inserting the rows as they came wrote to a random slot of a table of
     * megabytes for each (a cache miss each, and more for each occupied slot passed). Two rows with one digest
     * have equal hashes, so they come next to each other: false (the table not built) when a digest came twice,
     * which only the rows' order could settle (a builder keeps the later row), and the load is read again.
     */
    boolean tableInSlotOrder() {
      if (tableInSlotOrder != null) {
        return true;
      }
      long[] sorted = new long[keys];
      for (int row = 0; row < keys; row++) {
        sorted[row] = (hash(digests[row * 4]) & 0xffffffff00000000L) | row;
      }
      long[] spare = new long[keys];
      for (int shift = 32; shift < 64; shift += RADIX_BITS) {
        int[] starts = new int[(1 << RADIX_BITS) + 1];
        for (long e : sorted) {
          starts[(int) ((e >>> shift) & RADIX_MASK) + 1]++;
        }
        for (int d = 0; d < 1 << RADIX_BITS; d++) {
          starts[d + 1] += starts[d];
        }
        for (long e : sorted) {
          spare[starts[(int) ((e >>> shift) & RADIX_MASK)]++] = e;
        }
        long[] swap = sorted;
        sorted = spare;
        spare = swap;
      }
      int[] t = new int[tableLength(keys)];
      long[] wrapped = spare; // no longer needed for sorting
      int wrappedCount = 0;
      int next = 0;
      int sameHashFrom = 0;
      for (int i = 0; i < keys; i++) {
        long e = sorted[i];
        int row = (int) e;
        if (i == 0 || e >>> 32 != sorted[i - 1] >>> 32) {
          sameHashFrom = i;
        }
        for (int j = sameHashFrom; j < i; j++) { // rows of one hash: hardly ever more than one
          if (sameDigest(row, (int) sorted[j])) {
            return false;
          }
        }
        int slot = Math.max(slot(e, t.length), next);
        if (slot == t.length) { // past the end: from the table's start on, after what is there (below)
          wrapped[wrappedCount++] = e;
          continue;
        }
        t[slot] = row + 1;
        next = slot + 1;
      }
      for (int i = 0, slot = 0; i < wrappedCount; i++) {
        while (t[slot] != 0) {
          slot++;
        }
        t[slot] = (int) wrapped[i] + 1;
      }
      tableInSlotOrder = t;
      return true;
    }

    private boolean sameDigest(int a, int b) {
      return Arrays.equals(digests, a * 4, a * 4 + 4, digests, b * 4, b * 4 + 4);
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
      if (ownerIdEnds != null) {
        ownerIdEnds = Arrays.copyOf(ownerIdEnds, capacity);
      }
      if (digestTable != null) {
        digestTable = new long[tableLength(capacity)];
        for (int row = 0; row < keys; row++) {
          BuildTable.insert(digestTable, hash(digests[row * 4]), row);
        }
      }
    }

  }

  /**
   * The keys of a load given on a second thread while the builder gets the customers (see {@link Builder#adopt}).
   * Takes keys only: a customer is refused. Not thread-safe: one thread gives it the keys, then hands it over.
   */
  static final class KeyPart implements KeysAsBytes {
    private final KeyColumns columns = new KeyColumns(true);

    @Override
    public void expect(int customers, int keys) {
      columns.expect(keys);
    }

    @Override
    public void customer(String id, String tier, List<String> namespaces, CustomerStatus status,
        LimitOverrides overrides, long createdAtMillis, long version) {
      throw new UnsupportedOperationException("a key part takes keys only");
    }

    @Override
    public void keyUtf8(byte[] id, byte[] customerId, KeyEnvironment environment, long w0, long w1, long w2, long w3,
        List<String> namespaces, long revokedAtMillis, long expiresAtMillis) {
      columns.add(id, -1, customerId, environment, w0, w1, w2, w3, namespaces, revokedAtMillis, expiresAtMillis);
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

  private static List<String> intern(Map<List<String>, List<String>> lists, List<String> names) {
    List<String> held = lists.get(names);
    if (held == null) {
      held = List.copyOf(names);
      lists.put(held, held);
    }
    return held;
  }
}
