package io.tollgate.store;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32;
import javax.sql.DataSource;

/**
 * The whole schema of a new, empty SQLite store, created without Flyway: the jar's migration scripts run in order in
 * one {@code BEGIN IMMEDIATE} transaction, and {@code flyway_schema_history} is created and filled exactly as
 * Flyway's migrate would have (same table, same rows, same checksums), so that Flyway takes the store over for the
 * next migration as if it had made it. Flyway's migrate of an empty store was about a quarter of a first start's CPU
 * (docs/performance.md). A store that is not empty (any table, index or view), a script this class cannot split
 * with certainty, or any failure leaves the store as it was and the decision to Flyway.
 */
final class FreshSchema {
  /** Where the SQLite scripts are on the class path (Flyway's location {@code classpath:db/migration/sqlite}). */
  static final String LOCATION = "db/migration/sqlite/";
  /**
   * The jar's SQLite migrations in order; {@code MigrationsTest} checks it against the files (Flyway finds them by
   * scanning the jar, which is part of what is saved here).
   */
  static final List<String> SCRIPTS = List.of("V1__registry.sql", "V2__usage.sql", "V4__registry_feed.sql",
      "V5__applied_batches_node.sql", "V6__secret_fingerprint.sql", "V7__audit_via.sql", "V8__webhooks.sql",
      "V9__event_marks.sql", "V10__purged_keys.sql", "V11__keys_by_expiry.sql", "V12__registry_tiers.sql");

  /** Flyway's history table on SQLite, as Flyway 13 creates it ({@code FreshSchemaTest} compares the two). */
  private static final String HISTORY_TABLE = """
      CREATE TABLE IF NOT EXISTS "flyway_schema_history" (
          "installed_rank" INT NOT NULL PRIMARY KEY,
          "version" VARCHAR(50),
          "description" VARCHAR(200) NOT NULL,
          "type" VARCHAR(20) NOT NULL,
          "script" VARCHAR(1000) NOT NULL,
          "checksum" INT,
          "installed_by" VARCHAR(100) NOT NULL,
          "installed_on" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f','now')),
          "execution_time" INT NOT NULL,
          "success" BOOLEAN NOT NULL
      )""";
  private static final String HISTORY_INDEX =
      "CREATE INDEX \"flyway_schema_history_s_idx\" ON \"flyway_schema_history\" (\"success\")";
  private static final String HISTORY_ROW = "INSERT INTO \"flyway_schema_history\" (\"installed_rank\", \"version\","
      + " \"description\", \"type\", \"script\", \"checksum\", \"installed_by\", \"execution_time\", \"success\")"
      + " VALUES (?, ?, ?, 'SQL', ?, ?, '', ?, 1)";

  private FreshSchema() {}

  /** One migration script: its file name, its text and what Flyway derives from them. */
  record Script(String file, String text) {
    /** {@code 4} for {@code V4__registry_feed.sql}. */
    String version() {
      return file.substring(1, file.indexOf("__"));
    }

    /** {@code registry feed} for {@code V4__registry_feed.sql}, as Flyway writes it. */
    String description() {
      return file.substring(file.indexOf("__") + 2, file.length() - ".sql".length()).replace('_', ' ');
    }

    /** Flyway's checksum: CRC-32 of the UTF-8 bytes of every line without its line break, a BOM dropped. */
    int checksum() {
      CRC32 crc = new CRC32();
      try (BufferedReader lines = new BufferedReader(new java.io.StringReader(text))) {
        String line = lines.readLine();
        if (line != null && line.startsWith("\uFEFF")) {
          line = line.substring(1);
        }
        for (; line != null; line = lines.readLine()) {
          crc.update(line.getBytes(StandardCharsets.UTF_8));
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return (int) crc.getValue();
    }

    /** The statements, or empty when the text holds what only Flyway's parser handles (see {@link #split}). */
    Optional<List<String>> statements() {
      return split(text);
    }
  }

  /** Reads every script of {@link #SCRIPTS} from the class path. */
  static List<Script> scripts() {
    List<Script> scripts = new ArrayList<>(SCRIPTS.size());
    for (String file : SCRIPTS) {
      try (InputStream in = FreshSchema.class.getClassLoader().getResourceAsStream(LOCATION + file)) {
        if (in == null) {
          throw new IllegalStateException("migration " + LOCATION + file + " is missing from the jar");
        }
        scripts.add(new Script(file, new String(in.readAllBytes(), StandardCharsets.UTF_8)));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return scripts;
  }

  /**
   * Creates the schema when the store is empty; returns how many migrations it applied, or empty when it did
   * nothing (the store is not empty, or a script needs Flyway): then the caller runs Flyway.
   */
  static Optional<Integer> createIfEmpty(DataSource dataSource) {
    List<Script> scripts = scripts();
    List<List<String>> statements = new ArrayList<>(scripts.size());
    for (Script script : scripts) {
      Optional<List<String>> split = script.statements();
      if (split.isEmpty()) {
        return Optional.empty();
      }
      statements.add(split.get());
    }
    try (Connection c = dataSource.getConnection()) {
      boolean autoCommit = c.getAutoCommit();
      c.setAutoCommit(false); // the pool's connections begin IMMEDIATE: the write lock is taken at the first statement
      try {
        if (!empty(c)) {
          c.rollback();
          return Optional.empty();
        }
        try (Statement s = c.createStatement()) {
          s.executeUpdate(HISTORY_TABLE);
          s.executeUpdate(HISTORY_INDEX);
        }
        try (Statement s = c.createStatement(); PreparedStatement history = c.prepareStatement(HISTORY_ROW)) {
          for (int i = 0; i < scripts.size(); i++) {
            long start = System.nanoTime();
            for (String sql : statements.get(i)) {
              s.executeUpdate(sql);
            }
            Script script = scripts.get(i);
            history.setInt(1, i + 1);
            history.setString(2, script.version());
            history.setString(3, script.description());
            history.setString(4, script.file());
            history.setInt(5, script.checksum());
            history.setInt(6, (int) ((System.nanoTime() - start) / 1_000_000));
            history.executeUpdate();
          }
        }
        c.commit();
        return Optional.of(scripts.size());
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(autoCommit);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create the schema of the new store: " + e.getMessage(), e);
    }
  }

  /** Whether the database holds no table, index, view or trigger (read inside the write transaction). */
  private static boolean empty(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rows = s.executeQuery("SELECT count(*) FROM sqlite_master")) {
      return rows.next() && rows.getLong(1) == 0;
    }
  }

  /**
   * The statements of a script, split at each {@code ;} outside quotes and comments, each without its
   * {@code ;} and with the text around it as written; empty when the script holds a trigger or a {@code BEGIN}
   * block (whose inner {@code ;} Flyway's parser keeps) or a Flyway placeholder ({@code ${...}}): those are left
   * to Flyway.
   */
  static Optional<List<String>> split(String text) {
    if (text.contains("${")) {
      return Optional.empty();
    }
    List<String> statements = new ArrayList<>();
    StringBuilder code = new StringBuilder(); // the statement without its comments and literals, to check keywords
    int start = 0;
    int i = 0;
    while (i < text.length()) {
      char ch = text.charAt(i);
      if (ch == '-' && text.startsWith("--", i)) {
        int end = text.indexOf('\n', i);
        i = end < 0 ? text.length() : end;
      } else if (ch == '/' && text.startsWith("/*", i)) {
        int end = text.indexOf("*/", i + 2);
        if (end < 0) {
          return Optional.empty();
        }
        i = end + 2;
        code.append(' ');
      } else if (ch == '\'' || ch == '"' || ch == '`' || ch == '[') {
        int end = closing(text, i);
        if (end < 0) {
          return Optional.empty();
        }
        i = end + 1;
        code.append(' ');
      } else if (ch == ';') {
        if (!add(statements, text.substring(start, i), code)) {
          return Optional.empty();
        }
        code.setLength(0);
        i++;
        start = i;
      } else {
        code.append(ch);
        i++;
      }
    }
    if (!add(statements, text.substring(start), code)) {
      return Optional.empty();
    }
    return Optional.of(List.copyOf(statements));
  }

  /** The index of the quote that closes the one at {@code open} (doubled quotes are part of the text), or -1. */
  private static int closing(String text, int open) {
    char close = text.charAt(open) == '[' ? ']' : text.charAt(open);
    int i = open + 1;
    while (i < text.length()) {
      if (text.charAt(i) == close) {
        if (close != ']' && i + 1 < text.length() && text.charAt(i + 1) == close) {
          i += 2;
          continue;
        }
        return i;
      }
      i++;
    }
    return -1;
  }

  /** Adds a statement that holds code; false when its code names a trigger or a block that needs Flyway. */
  private static boolean add(List<String> statements, String statement, StringBuilder code) {
    String words = " " + code.toString().toUpperCase(java.util.Locale.ROOT).replaceAll("\\s+", " ") + " ";
    if (words.isBlank()) {
      return true;
    }
    if (words.matches(".*[^A-Z_0-9](TRIGGER|BEGIN|END)[^A-Z_0-9].*")) {
      return false;
    }
    statements.add(statement);
    return true;
  }
}
