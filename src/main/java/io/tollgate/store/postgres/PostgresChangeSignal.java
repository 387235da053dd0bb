package io.tollgate.store.postgres;

import io.tollgate.registry.ChangeSignal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * {@code LISTEN} on a dedicated connection of its own: PgJDBC's {@link PGConnection#getNotifications(int)} blocks
 * for at most the timeout and returns the notices that arrived. The connection is outside the pool (a pooled one
 * would be reset and shared) and is named {@code tollgate-feed <node>} in {@code pg_stat_activity}. A broken
 * connection fails the wait; the next wait reconnects and reports a signal, because notices sent meanwhile are lost.
 * A quiet connection is pinged every {@value #PING_AFTER_MS} ms, so that a half-open one is found. Used by one
 * thread; {@link #close()} may be called from another.
 */
final class PostgresChangeSignal implements ChangeSignal {
  static final String CHANNEL = "tollgate_registry";
  static final long PING_AFTER_MS = 5_000;

  private final PostgresUrl url;
  private final String applicationName;
  private volatile Connection connection;
  private long lastHeardNanos;

  PostgresChangeSignal(PostgresUrl url, String nodeId) {
    this.url = url;
    this.applicationName = "tollgate-feed " + nodeId;
  }

  /**
   * The channel of a store: {@value #CHANNEL}, or {@code tollgate_registry:<schema>} for a named schema (with a hash
   * of the schema instead when that would pass PostgreSQL's 63-byte limit on names).
   */
  static String channel(Optional<String> schema) {
    return schema.map(s -> {
      String named = CHANNEL + ":" + s;
      return named.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= 63 ? named
          : CHANNEL + ":" + Integer.toHexString(s.hashCode());
    }).orElse(CHANNEL);
  }

  @Override
  public boolean await(Duration timeout) {
    Connection c = connection;
    try {
      if (c == null) {
        connection = connect();
        return true;
      }
      if (System.nanoTime() - lastHeardNanos > PING_AFTER_MS * 1_000_000) {
        try (Statement s = c.createStatement()) {
          s.execute("SELECT 1");
        }
        lastHeardNanos = System.nanoTime();
      }
      int millis = (int) Math.max(1, Math.min(timeout.toMillis(), Integer.MAX_VALUE));
      PGNotification[] notices = c.unwrap(PGConnection.class).getNotifications(millis);
      if (notices != null && notices.length > 0) {
        lastHeardNanos = System.nanoTime();
        return true;
      }
      return false;
    } catch (SQLException e) {
      close();
      throw new IllegalStateException("the change feed's LISTEN connection to " + url.describe() + " failed: "
          + e.getMessage(), e);
    }
  }

  private Connection connect() throws SQLException {
    Properties p = new Properties();
    url.user().ifPresent(u -> p.setProperty("user", u));
    url.password().ifPresent(pw -> p.setProperty("password", pw));
    p.setProperty("ApplicationName", applicationName);
    p.setProperty("logServerErrorDetail", "false");
    p.setProperty("connectTimeout", "5");
    p.setProperty("socketTimeout", "10");
    p.setProperty("tcpKeepAlive", "true");
    Connection c = DriverManager.getConnection(url.jdbcUrl(), p);
    try (Statement s = c.createStatement()) {
      s.execute("LISTEN \"" + channel(url.schema()).replace("\"", "\"\"") + "\"");
    } catch (SQLException e) {
      c.close();
      throw e;
    }
    lastHeardNanos = System.nanoTime();
    return c;
  }

  @Override
  public void close() {
    Connection c = connection;
    connection = null;
    if (c != null) {
      try {
        c.close();
      } catch (SQLException e) {
        // already broken: nothing to release
      }
    }
  }
}
