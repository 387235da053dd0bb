package io.tollgate.store;

import io.tollgate.keys.KeyEnvironment;
import io.tollgate.registry.CustomerStatus;
import io.tollgate.registry.LimitOverrides;
import io.tollgate.registry.RegistryLoadSink;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeSet;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;

/**
 * The registry's load path: streams the columns the gate decides from straight from the result sets into a
 * {@link RegistryLoadSink}, one row at a time, without a row mapper, a {@code Customer}/{@code CustomerKey} or a
 * list. Run inside one read snapshot (a transaction, so autocommit is off): PostgreSQL then reads through a
 * server-side cursor {@link #FETCH} rows at a time; SQLite steps its statement row by row anyway. Ids are read as
 * their UTF-8 bytes (both drivers hand a text column's bytes to {@code getBytes}) and passed on as such, so no
 * {@code String} is made per row. The JSON columns repeat a handful of values (most rows hold {@code []} or
 * {@code {}}): each distinct text is parsed once, found again by its bytes.
 */
final class RegistryStream {
  /** Rows per round trip of PostgreSQL's cursor. */
  static final int FETCH = 10_000;
  /** Distinct JSON texts remembered per column; a registry with more parses the rest each time. */
  private static final int REMEMBERED = 4_096;
  /**
   * What rows share comes as one text, its parts joined by a tab (JSON as the store writes it never holds a raw
   * tab; the tier, which might, comes last): one column read and one map lookup per row instead of four.
   */
  private static final String CUSTOMERS = "SELECT customer_id, status || '\t' || overrides || '\t' || namespaces"
      + " || '\t' || tier, created_at, version FROM customers";
  /**
   * A key comes as two columns, one driver call each (ten calls a row before: sqlite-jdbc's {@code getLong} asks
   * the type first and {@code wasNull} asks again, and each call is a synchronised JNI call):
   * <ol>
   *   <li>the digest's 64 hex digits, then the environment and the scope (what keys share, remembered by its bytes),
   *       the key id and the customer id, each of the last three after a tab: the digest has a fixed length, JSON as
   *       the store writes it never holds a raw tab, and key ids are generated ({@code key_} and base62), so only
   *       the customer id, last, may hold anything;
   *   <li>the revocation and the expiry, NULL when the key has neither (most keys), else {@code "REVOKED,EXPIRES"}
   *       with an absent one empty.
   * </ol>
   */
  private static final String KEYS = "SELECT digest || environment || '\t' || namespaces || '\t' || key_id"
      + " || '\t' || customer_id,"
      + " CASE WHEN revoked_at IS NULL AND expires_at IS NULL THEN NULL"
      + " ELSE COALESCE(CAST(revoked_at AS TEXT), '') || ',' || COALESCE(CAST(expires_at AS TEXT), '') END"
      + " FROM api_keys";
  /** The digest's length in a key's first column. */
  private static final int DIGEST_HEX = 64;

  private record CustomerProfile(CustomerStatus status, LimitOverrides overrides, List<String> namespaces,
      String tier) {}

  private record KeyProfile(KeyEnvironment environment, List<String> namespaces) {}

  private final Remembered<CustomerProfile> customerProfiles = new Remembered<>(this::customerProfile);
  private final Remembered<KeyProfile> keyProfiles = new Remembered<>(this::keyProfile);
  private final Map<String, List<String>> namespaces = new HashMap<>();

  private RegistryStream() {}

  /** Streams every customer, then every key, and returns the feed version of the snapshot {@code h} reads. */
  static long into(Handle h, RegistryLoadSink sink) {
    RegistryStream s = new RegistryStream();
    sink.expect(count(h, "customers"), count(h, "api_keys"));
    s.customersOf(h, sink);
    s.keysOf(h, sink);
    return FeedLog.current(h);
  }

  /**
   * Streams every customer on the calling thread through {@code forCustomers} and every key on a second thread
   * through {@code forKeys}, two connections whose read transactions are meant to share one snapshot; returns its
   * feed version, or empty, with nothing streamed, when their first reads saw different feed versions (SQLite: a
   * registry change committed between them). Equal feed versions mean equal registry rows: every change to a
   * column streamed here takes a feed version in its transaction, as the change feed itself relies on.
   */
  static OptionalLong inParallel(Handle forCustomers, Handle forKeys, RegistryLoadSink customers,
      RegistryLoadSink keys) {
    long version = FeedLog.current(forCustomers);
    if (FeedLog.current(forKeys) != version) {
      return OptionalLong.empty();
    }
    Throwable[] keysFailed = new Throwable[1];
    Thread keysThread = Thread.ofPlatform().name("registry-load-keys").daemon().start(() -> {
      try {
        keys.expect(0, count(forKeys, "api_keys"));
        new RegistryStream().keysOf(forKeys, keys);
      } catch (Throwable e) {
        keysFailed[0] = e;
      }
    });
    try {
      customers.expect(count(forCustomers, "customers"), 0);
      new RegistryStream().customersOf(forCustomers, customers);
    } finally {
      joinUninterruptibly(keysThread); // its connection is closed once this returns
    }
    if (keysFailed[0] instanceof RuntimeException e) {
      throw e;
    } else if (keysFailed[0] instanceof Error e) {
      throw e;
    } else if (keysFailed[0] != null) {
      throw new IllegalStateException(keysFailed[0]);
    }
    return OptionalLong.of(version);
  }

  private static void joinUninterruptibly(Thread t) {
    boolean interrupted = false;
    while (true) {
      try {
        t.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void customersOf(Handle h, RegistryLoadSink sink) {
    h.createQuery(CUSTOMERS).setFetchSize(FETCH).scanResultSet((rows, ctx) -> {
      customers(rows.get(), sink);
      return null;
    });
  }

  private void keysOf(Handle h, RegistryLoadSink sink) {
    h.createQuery(KEYS).setFetchSize(FETCH).scanResultSet((rows, ctx) -> {
      keys(rows.get(), sink);
      return null;
    });
  }

  private static int count(Handle h, String table) {
    return h.createQuery("SELECT COUNT(*) FROM " + table).mapTo(Integer.class).one();
  }

  private void customers(ResultSet rs, RegistryLoadSink sink) throws SQLException {
    while (rs.next()) {
      CustomerProfile p = customerProfiles.of(rs.getBytes(2));
      sink.customerUtf8(rs.getBytes(1), p.tier(), p.namespaces(), p.status(), p.overrides(), rs.getLong(3),
          rs.getLong(4));
    }
  }

  private void keys(ResultSet rs, RegistryLoadSink sink) throws SQLException {
    while (rs.next()) {
      byte[] row = rs.getBytes(1);
      int profileEnd = tab(row, tab(row, DIGEST_HEX) + 1);
      int idEnd = tab(row, profileEnd + 1);
      KeyProfile p = keyProfiles.of(row, DIGEST_HEX, profileEnd);
      byte[] ends = rs.getBytes(2);
      long revoked = ends == null ? RegistryLoadSink.NONE : instant(ends, true);
      long expires = ends == null ? RegistryLoadSink.NONE : instant(ends, false);
      sink.keyUtf8(Arrays.copyOfRange(row, profileEnd + 1, idEnd), Arrays.copyOfRange(row, idEnd + 1, row.length),
          p.environment(), hexWord(row, 0), hexWord(row, 16), hexWord(row, 32), hexWord(row, 48), p.namespaces(),
          revoked, expires);
    }
  }

  /** The index of the first tab at or after {@code from} in a key's first column. */
  private static int tab(byte[] row, int from) {
    for (int i = from; i < row.length; i++) {
      if (row[i] == '\t') {
        return i;
      }
    }
    throw new IllegalStateException("stored key row is not digest, environment, namespaces, key id, customer id: "
        + new String(row, 0, Math.min(DIGEST_HEX, row.length), StandardCharsets.UTF_8) + "...");
  }

  /** The revocation ({@code first}) or the expiry of a key's {@code "REVOKED,EXPIRES"} column; empty is absent. */
  static long instant(byte[] ends, boolean first) {
    String text = new String(ends, StandardCharsets.US_ASCII);
    int comma = text.indexOf(',');
    String part = first ? text.substring(0, comma) : text.substring(comma + 1);
    return part.isEmpty() ? RegistryLoadSink.NONE : Long.parseLong(part);
  }

  private CustomerProfile customerProfile(String joined) {
    String[] part = joined.split("\t", 4);
    return new CustomerProfile(CustomerStatus.fromWire(part[0])
        .orElseThrow(() -> new IllegalStateException("unknown status " + part[0])),
        JsonColumns.readOverrides(part[1]), names("customer namespaces", part[2]), part[3]);
  }

  private KeyProfile keyProfile(String joined) {
    String[] part = joined.split("\t", 2);
    return new KeyProfile(KeyEnvironment.fromWire(part[0])
        .orElseThrow(() -> new IllegalStateException("unknown environment " + part[0])),
        names("key namespaces", part[1]));
  }

  private List<String> names(String column, String json) {
    return remembered(namespaces, json, j -> List.copyOf(new TreeSet<>(JsonColumns.readStrings(column, j))));
  }

  private static <T> T remembered(Map<String, T> seen, String json, Function<String, T> parse) {
    T held = seen.get(json);
    if (held == null) {
      held = parse.apply(json);
      if (seen.size() < REMEMBERED) {
        seen.put(json, held);
      }
    }
    return held;
  }

  /**
   * What each distinct text of a column parses to, found by the text's bytes: the previous row's first (rows in a
   * row mostly share one), then a map of up to {@link #REMEMBERED} texts; only a text not yet seen is decoded.
   */
  private static final class Remembered<T> {
    private final Function<String, T> parse;
    private final Map<Utf8, T> seen = new HashMap<>();
    private byte[] lastText;
    private T last;

    Remembered(Function<String, T> parse) {
      this.parse = parse;
    }

    T of(byte[] text) {
      return of(text, 0, text.length);
    }

    /** What the text at {@code [from, to)} of {@code bytes} parses to. */
    T of(byte[] bytes, int from, int to) {
      if (lastText != null && Arrays.equals(bytes, from, to, lastText, 0, lastText.length)) {
        return last;
      }
      byte[] text = from == 0 && to == bytes.length ? bytes : Arrays.copyOfRange(bytes, from, to);
      Utf8 key = new Utf8(text);
      T held = seen.get(key);
      if (held == null) {
        held = parse.apply(new String(text, StandardCharsets.UTF_8));
        if (seen.size() < REMEMBERED) {
          seen.put(key, held);
        }
      }
      lastText = text;
      last = held;
      return held;
    }
  }

  /** A text's UTF-8 bytes as a map key, compared by content. */
  private record Utf8(byte[] bytes) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Utf8 other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }

  /** The 16 hex digits at {@code from} as a long (the stored digest's ASCII text, lowercase as {@code toHex} writes it). */
  static long hexWord(byte[] hex, int from) {
    long w = 0;
    for (int i = from; i < from + 16; i++) {
      int d = Character.digit(hex[i], 16);
      if (d < 0) {
        throw new IllegalStateException("stored digest is not hex");
      }
      w = (w << 4) | d;
    }
    return w;
  }
}
