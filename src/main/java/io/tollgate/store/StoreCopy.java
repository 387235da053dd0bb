package io.tollgate.store;

import com.zaxxer.hikari.HikariDataSource;
import io.tollgate.store.internal.Dialect;
import io.tollgate.store.postgres.PostgresDialect;
import io.tollgate.store.sqlite.SqliteDialect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * {@code tollgate migrate}: copies every row of a SQLite store into an empty PostgreSQL store, in one transaction
 * on the target. Both are first brought up to this version's schema; the tables copied are the ones the
 * migrations made (every table but Flyway's history), column by column as stored, so digests stay digests and
 * the audit log keeps its ids. Nothing is written to the target unless every row was copied.
 */
public final class StoreCopy {
  /** Flyway's own table; each store keeps its own history. */
  private static final String HISTORY = "flyway_schema_history";
  /** Rows the migrations insert themselves, and the condition under which a table holding them counts as empty. */
  private static final Map<String, String> SEEDED = Map.of("registry_feed", "version = 0");
  private static final int BATCH = 500;

  private StoreCopy() {}

  /** What a copy did. */
  public sealed interface Outcome {}

  /**
   * Every row was copied and committed.
   *
   * @param from the source, as it may be shown
   * @param to the target, as it may be shown (never a password)
   * @param schemaVersion the schema version of both
   * @param rows rows copied per table, in the order they were copied
   * @param serverSecret the {@code hmac.key} next to the SQLite file, when there is one
   */
  public record Copied(String from, String to, String schemaVersion, Map<String, Long> rows,
      Optional<Path> serverSecret) implements Outcome {}

  /** Nothing was copied: the target holds data already ({@code rows} rows in {@code table}, the first found). */
  public record TargetNotEmpty(String to, String table, long rows) implements Outcome {}

  /** Nothing was copied: the source file does not exist (a copy never creates an empty source). */
  public record NoSource(String from) implements Outcome {}

  /** Nothing was copied: the two stores' schemas differ after migrating both; {@code detail} says how. */
  public record SchemaMismatch(String detail) implements Outcome {}

  /**
   * Copies the SQLite store at {@code fromUrl} into the PostgreSQL store at {@code toUrl}.
   *
   * @param fromUrl {@code sqlite:PATH} or {@code jdbc:sqlite:PATH} of an existing file
   * @param toUrl {@code jdbc:postgresql://…}, as for {@code store.url}
   * @throws StoreUnavailableException when either store cannot be opened, migrated or written, or a URL is not
   *     of the right kind; the target is left as it was (apart from its migrations) and no message names a password
   */
  public static Outcome copy(String fromUrl, String toUrl) {
    Dialect from = Database.dialectFor(Objects.requireNonNull(fromUrl, "fromUrl").strip());
    Dialect to = Database.dialectFor(Objects.requireNonNull(toUrl, "toUrl").strip());
    if (!(from instanceof SqliteDialect sqlite)) {
      throw new StoreUnavailableException("the source must be a SQLite store (sqlite:PATH), not "
          + from.describe(), null);
    }
    if (!(to instanceof PostgresDialect)) {
      throw new StoreUnavailableException("the target must be a PostgreSQL store (jdbc:postgresql://…), not "
          + to.describe(), null);
    }
    if (!Files.isRegularFile(sqlite.file())) {
      return new NoSource(from.describe());
    }
    try (HikariDataSource source = open(from); HikariDataSource target = open(to)) {
      Optional<String> version = Migrations.currentVersion(source, from);
      Optional<String> targetVersion = Migrations.currentVersion(target, to);
      if (!version.equals(targetVersion)) {
        return new SchemaMismatch("the source is at schema version " + version.orElse("none")
            + ", the target at " + targetVersion.orElse("none") + " (a store written by a newer Tollgate?)");
      }
      Copied done = new Copied(from.describe(), to.describe(), version.orElse("none"), Map.of(),
          Optional.of(sqlite.file().resolveSibling("hmac.key")).filter(Files::isRegularFile));
      return copyRows(source, target, done);
    } catch (SQLException | RuntimeException e) {
      if (e instanceof StoreUnavailableException s) {
        throw s;
      }
      throw StoreFailures.copyFailed(from.describe(), to.describe(), e);
    }
  }

  private static HikariDataSource open(Dialect dialect) {
    HikariDataSource pool = dialect.openPool();
    try {
      Migrations.migrate(pool, dialect);
      return pool;
    } catch (RuntimeException e) {
      pool.close();
      throw StoreFailures.cannotOpen(dialect.describe(), e);
    }
  }

  /** Copies in one target transaction; {@code done} is the answer, without its row counts, if it commits. */
  private static Outcome copyRows(HikariDataSource source, HikariDataSource target, Copied done)
      throws SQLException {
    try (Connection in = source.getConnection(); Connection out = target.getConnection()) {
      in.setAutoCommit(false); // one snapshot of the source; on SQLite (BEGIN IMMEDIATE) writers wait meanwhile
      out.setAutoCommit(false);
      try {
        Outcome outcome = copyAll(in, out, done);
        if (outcome instanceof Copied) {
          out.commit();
        } else {
          out.rollback();
        }
        in.rollback();
        return outcome;
      } catch (SQLException | RuntimeException e) {
        out.rollback();
        in.rollback();
        throw e;
      }
    }
  }

  private static Outcome copyAll(Connection in, Connection out, Copied done) throws SQLException {
    Map<String, List<String>> sourceTables = columns(in, tables(in));
    List<String> order = inDependencyOrder(out, tables(out));
    Map<String, List<String>> targetTables = columns(out, order);
    if (!sourceTables.keySet().equals(Set.copyOf(order))) {
      return new SchemaMismatch("the source has the tables " + new TreeSet<>(sourceTables.keySet())
          + ", the target " + new TreeSet<>(order));
    }
    for (String table : order) {
      if (!new TreeSet<>(sourceTables.get(table)).equals(new TreeSet<>(targetTables.get(table)))) {
        return new SchemaMismatch("table " + table + " has the columns " + sourceTables.get(table)
            + " in the source, " + targetTables.get(table) + " in the target");
      }
    }
    try (Statement lock = out.createStatement()) {
      // no other writer (a node started too early) slips in between the check and the commit
      lock.execute("LOCK TABLE " + String.join(", ", order) + " IN EXCLUSIVE MODE");
    }
    for (String table : order) {
      long held = count(out, table, Optional.ofNullable(SEEDED.get(table)).map(c -> "NOT (" + c + ")"));
      if (held > 0) {
        return new TargetNotEmpty(done.to(), table, held);
      }
    }
    Map<String, Long> rows = new LinkedHashMap<>();
    for (String table : order) {
      if (SEEDED.containsKey(table)) {
        try (Statement delete = out.createStatement()) {
          delete.executeUpdate("DELETE FROM " + table);
        }
      }
      rows.put(table, copyTable(in, out, table, sourceTables.get(table)));
    }
    restartIdentities(out);
    return new Copied(done.from(), done.to(), done.schemaVersion(), rows, done.serverSecret());
  }

  private static long copyTable(Connection in, Connection out, String table, List<String> columns)
      throws SQLException {
    String list = String.join(", ", columns);
    int[] types = targetTypes(out, table, columns);
    String insert = "INSERT INTO " + table + " (" + list + ") OVERRIDING SYSTEM VALUE VALUES ("
        + columns.stream().map(c -> "?").collect(Collectors.joining(", ")) + ")";
    long copied = 0;
    try (Statement read = in.createStatement();
        ResultSet rs = read.executeQuery("SELECT " + list + " FROM " + table);
        PreparedStatement write = out.prepareStatement(insert)) {
      while (rs.next()) {
        for (int i = 0; i < columns.size(); i++) {
          bind(write, i + 1, types[i], rs.getObject(i + 1));
        }
        write.addBatch();
        if (++copied % BATCH == 0) {
          write.executeBatch();
        }
      }
      write.executeBatch();
    }
    long there = count(out, table, Optional.empty());
    if (there != copied) {
      throw new IllegalStateException(table + ": " + copied + " rows read, " + there + " in the target");
    }
    return copied;
  }

  private static void bind(PreparedStatement write, int index, int type, Object value) throws SQLException {
    if (value == null) {
      write.setNull(index, type);
    } else if (value instanceof Number n && isInteger(type)) {
      write.setLong(index, n.longValue());
    } else if (value instanceof Number n) {
      write.setObject(index, n, type);
    } else {
      write.setString(index, value.toString());
    }
  }

  private static boolean isInteger(int type) {
    return type == Types.BIGINT || type == Types.INTEGER || type == Types.SMALLINT;
  }

  private static int[] targetTypes(Connection out, String table, List<String> columns) throws SQLException {
    Map<String, Integer> byName = new TreeMap<>();
    try (Statement s = out.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM " + table + " WHERE false")) {
      ResultSetMetaData meta = rs.getMetaData();
      for (int i = 1; i <= meta.getColumnCount(); i++) {
        byName.put(meta.getColumnName(i).toLowerCase(Locale.ROOT), meta.getColumnType(i));
      }
    }
    return columns.stream().mapToInt(byName::get).toArray();
  }

  /** Identity columns continue after the copied ids (the audit log's next entry gets the next id). */
  private static void restartIdentities(Connection out) throws SQLException {
    List<String[]> identities = new ArrayList<>();
    try (Statement s = out.createStatement(); ResultSet rs = s.executeQuery("SELECT table_name, column_name"
        + " FROM information_schema.columns WHERE table_schema = current_schema() AND is_identity = 'YES'")) {
      while (rs.next()) {
        identities.add(new String[] {rs.getString(1), rs.getString(2)});
      }
    }
    for (String[] id : identities) {
      try (PreparedStatement s = out.prepareStatement("SELECT setval(pg_get_serial_sequence(?, ?), "
          + "COALESCE(MAX(" + id[1] + "), 0) + 1, false) FROM " + id[0])) {
        s.setString(1, id[0]);
        s.setString(2, id[1]);
        s.executeQuery().close();
      }
    }
  }

  private static long count(Connection c, String table, Optional<String> where) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table + where.map(w -> " WHERE " + w).orElse(""))) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** The store's tables in its current schema, lower-case, without Flyway's history and SQLite's own tables. */
  private static Set<String> tables(Connection c) throws SQLException {
    Set<String> tables = new TreeSet<>();
    try (ResultSet rs = c.getMetaData().getTables(null, c.getSchema(), "%", new String[] {"TABLE"})) {
      while (rs.next()) {
        String name = rs.getString("TABLE_NAME").toLowerCase(Locale.ROOT);
        if (!name.equals(HISTORY) && !name.startsWith("sqlite_")) {
          tables.add(name);
        }
      }
    }
    return tables;
  }

  private static Map<String, List<String>> columns(Connection c, Iterable<String> tables) throws SQLException {
    Map<String, List<String>> columns = new LinkedHashMap<>();
    for (String table : tables) {
      List<String> names = new ArrayList<>();
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM " + table + " WHERE 1 = 0")) {
        ResultSetMetaData meta = rs.getMetaData();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
          names.add(meta.getColumnName(i).toLowerCase(Locale.ROOT));
        }
      }
      columns.put(table, names);
    }
    return columns;
  }

  /** Tables ordered so that each comes after the tables its foreign keys reference (the target's). */
  private static List<String> inDependencyOrder(Connection c, Set<String> tables) throws SQLException {
    DatabaseMetaData meta = c.getMetaData();
    Map<String, Set<String>> references = new TreeMap<>();
    for (String table : tables) {
      Set<String> refs = new TreeSet<>();
      try (ResultSet rs = meta.getImportedKeys(null, c.getSchema(), table)) {
        while (rs.next()) {
          refs.add(rs.getString("PKTABLE_NAME").toLowerCase(Locale.ROOT));
        }
      }
      refs.remove(table);
      refs.retainAll(tables);
      references.put(table, refs);
    }
    Set<String> ordered = new LinkedHashSet<>();
    while (ordered.size() < tables.size()) {
      int before = ordered.size();
      references.forEach((table, refs) -> {
        if (!ordered.contains(table) && ordered.containsAll(refs)) {
          ordered.add(table);
        }
      });
      if (ordered.size() == before) {
        throw new IllegalStateException("the foreign keys between " + tables + " form a cycle");
      }
    }
    return List.copyOf(ordered);
  }
}
