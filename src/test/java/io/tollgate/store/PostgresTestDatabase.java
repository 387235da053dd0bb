package io.tollgate.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A fresh, empty schema {@code t_<random>} on the test PostgreSQL server, or with {@link #createDatabase()} a fresh
 * database {@code tollgate_t_<random>} (for tests that need a database of their own: LISTEN/NOTIFY channels and
 * connection rules are per database), dropped with everything in it by {@link #close()}. The server is the one {@code scripts/test-services.sh} starts, or {@code TOLLGATE_TEST_PG_URL}.
 * When it cannot be reached, {@link #create()} throws, so a test that needs it fails and never skips.
 */
public final class PostgresTestDatabase implements AutoCloseable {
  /** Where the tests find PostgreSQL when {@code TOLLGATE_TEST_PG_URL} is not set. */
  public static final String DEFAULT_URL = "jdbc:postgresql://127.0.0.1:5432/tollgate?user=tollgate&password=tollgate";

  private final String serverUrl;
  private final String schema;
  private final boolean ownDatabase;

  private PostgresTestDatabase(String serverUrl, String schema, boolean ownDatabase) {
    this.serverUrl = serverUrl;
    this.schema = schema;
    this.ownDatabase = ownDatabase;
  }

  /** Creates a new database on the test server (the role has CREATEDB); {@link #url()} points at it. */
  public static PostgresTestDatabase createDatabase() {
    String url = serverUrl();
    String name = "tollgate_t_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    execute(url, "CREATE DATABASE " + name);
    return new PostgresTestDatabase(url, name, true);
  }

  /** Runs one statement as the test role on the server's own database (not this one). */
  public void executeOnServer(String sql) {
    execute(serverUrl, sql);
  }

  /** Runs one query of one number (a count) as the test role on the server's own database; its answer. */
  public long queryOnServer(String sql) {
    try (Connection c = DriverManager.getConnection(serverUrl); Statement s = c.createStatement();
        var rows = s.executeQuery(sql)) {
      rows.next();
      return rows.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException("query failed: " + e.getMessage(), e);
    }
  }

  /** The database goes away as for a stopped server: new connections refused, every open one terminated. */
  public void refuseConnections() {
    executeOnServer("ALTER DATABASE " + databaseName() + " ALLOW_CONNECTIONS false");
    executeOnServer("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + databaseName() + "'");
  }

  /** The database takes connections again. */
  public void allowConnections() {
    executeOnServer("ALTER DATABASE " + databaseName() + " ALLOW_CONNECTIONS true");
  }

  /** The database's name, for {@link #createDatabase()} only. */
  public String databaseName() {
    if (!ownDatabase) {
      throw new IllegalStateException("a schema, not a database");
    }
    return schema;
  }

  /** Creates a new schema on the test server; fails with a message saying how to start the server. */
  public static PostgresTestDatabase create() {
    String url = serverUrl();
    String schema = "t_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    execute(url, "CREATE SCHEMA " + schema);
    return new PostgresTestDatabase(url, schema, false);
  }

  /** The server's URL: {@code TOLLGATE_TEST_PG_URL}, or {@link #DEFAULT_URL}. */
  public static String serverUrl() {
    String env = System.getenv("TOLLGATE_TEST_PG_URL");
    return env == null || env.isBlank() ? DEFAULT_URL : env.strip();
  }

  /** A store URL for {@code Database.open} whose tables live in this schema. */
  public String url() {
    if (ownDatabase) {
      return serverUrl.replaceFirst("(jdbc:postgresql://[^/]+/)[^?]*", "$1" + schema);
    }
    return serverUrl + (serverUrl.contains("?") ? "&" : "?") + "currentSchema=" + schema;
  }

  public String schema() {
    return schema;
  }

  /** Drops the schema and everything in it. */
  @Override
  public void close() {
    String sql = ownDatabase ? "DROP DATABASE IF EXISTS " + schema + " WITH (FORCE)"
        : "DROP SCHEMA IF EXISTS " + schema + " CASCADE";
    // DROP DATABASE ... WITH (FORCE) fails while a backend of another role (an autovacuum worker, run as the
    // superuser) is connected to the database; such a worker leaves within moments, so the drop is tried again.
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(15);
    while (true) {
      try {
        execute(serverUrl, sql);
        return;
      } catch (IllegalStateException e) {
        boolean otherRole = e.getCause() != null && String.valueOf(e.getCause().getMessage())
            .contains("must be a member of the role whose process is being terminated");
        if (!ownDatabase || !otherRole || System.nanoTime() > deadline) {
          throw e;
        }
        java.util.concurrent.locks.LockSupport.parkNanos(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(200));
      }
    }
  }

  private static void execute(String url, String sql) {
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("the tests need PostgreSQL at " + redacted(url) + " and it failed: "
          + e.getMessage() + " (start it with scripts/test-services.sh, or set TOLLGATE_TEST_PG_URL)", e);
    }
  }

  private static String redacted(String url) {
    return url.replaceAll("(?i)(password=)[^&]*", "$1***");
  }
}
