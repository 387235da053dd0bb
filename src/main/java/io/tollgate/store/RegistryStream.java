package io.tollgate.store;

import io.tollgate.keys.KeyEnvironment;
import io.tollgate.registry.CustomerStatus;
import io.tollgate.registry.LimitOverrides;
import io.tollgate.registry.RegistryLoadSink;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;

/**
 * The registry's load path: streams the columns the gate decides from straight from the result sets into a
 * {@link RegistryLoadSink}, one row at a time, without a row mapper, a {@code Customer}/{@code CustomerKey} or a
 * list. Run inside one read snapshot (a transaction, so autocommit is off): PostgreSQL then reads through a
 * server-side cursor {@link #FETCH} rows at a time; SQLite steps its statement row by row anyway. The JSON columns
 * repeat a handful of values (most rows hold {@code []} or {@code {}}): each distinct text is parsed once.
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
  private static final String KEYS = "SELECT key_id, customer_id, environment || '\t' || namespaces, digest,"
      + " revoked_at, expires_at FROM api_keys";

  private record CustomerProfile(CustomerStatus status, LimitOverrides overrides, List<String> namespaces,
      String tier) {}

  private record KeyProfile(KeyEnvironment environment, List<String> namespaces) {}

  private final Map<String, CustomerProfile> customerProfiles = new HashMap<>();
  private final Map<String, KeyProfile> keyProfiles = new HashMap<>();
  private final Map<String, List<String>> namespaces = new HashMap<>();

  private RegistryStream() {}

  /** Streams every customer, then every key, and returns the feed version of the snapshot {@code h} reads. */
  static long into(Handle h, RegistryLoadSink sink) {
    RegistryStream s = new RegistryStream();
    sink.expect(count(h, "customers"), count(h, "api_keys"));
    h.createQuery(CUSTOMERS).setFetchSize(FETCH).scanResultSet((rows, ctx) -> {
      s.customers(rows.get(), sink);
      return null;
    });
    h.createQuery(KEYS).setFetchSize(FETCH).scanResultSet((rows, ctx) -> {
      s.keys(rows.get(), sink);
      return null;
    });
    return FeedLog.current(h);
  }

  private static int count(Handle h, String table) {
    return h.createQuery("SELECT COUNT(*) FROM " + table).mapTo(Integer.class).one();
  }

  private void customers(ResultSet rs, RegistryLoadSink sink) throws SQLException {
    while (rs.next()) {
      CustomerProfile p = remembered(customerProfiles, rs.getString(2), this::customerProfile);
      sink.customer(rs.getString(1), p.tier(), p.namespaces(), p.status(), p.overrides(), rs.getLong(3),
          rs.getLong(4));
    }
  }

  private void keys(ResultSet rs, RegistryLoadSink sink) throws SQLException {
    while (rs.next()) {
      KeyProfile p = remembered(keyProfiles, rs.getString(3), this::keyProfile);
      byte[] digest = rs.getBytes(4);
      if (digest.length != 64) {
        throw new IllegalStateException("stored digest of key " + rs.getString(1) + " is not 64 hex digits");
      }
      long revoked = rs.getLong(5);
      revoked = rs.wasNull() ? RegistryLoadSink.NONE : revoked;
      long expires = rs.getLong(6);
      expires = rs.wasNull() ? RegistryLoadSink.NONE : expires;
      sink.key(rs.getString(1), rs.getString(2), p.environment(), hexWord(digest, 0), hexWord(digest, 16),
          hexWord(digest, 32), hexWord(digest, 48), p.namespaces(), revoked, expires);
    }
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
