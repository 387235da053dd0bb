package io.tollgate.store;

import io.tollgate.store.internal.Dialect;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.OptionalInt;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Brings the schema up to date with Flyway, from the dialect's own migration history. A store whose history already
 * ends at {@link #LATEST_VERSION} with every migration successful is left to itself: Flyway is not even loaded (its
 * migrate and validate cost about a second of a start, see docs/performance.md).
 */
final class Migrations {
  /**
   * The version of the newest migration this jar carries, the same for every dialect ({@code V12__registry_tiers.sql});
   * {@code MigrationsTest} checks it against the files.
   */
  static final int LATEST_VERSION = 12;
  /** Flyway's default history table. */
  private static final String HISTORY = "flyway_schema_history";

  private Migrations() {}

  /** What opening a store did to its schema. */
  sealed interface Outcome {
    /** For the start line, e.g. {@code 7 migrations applied}. */
    String describe();
  }

  /** The history already ended at the jar's newest version: nothing was run, Flyway was not loaded. */
  record UpToDate(int version) implements Outcome {
    @Override
    public String describe() {
      return "schema at version " + version + ", up to date";
    }
  }

  /**
   * The store was empty: every migration was applied without Flyway, with the history Flyway would have written
   * ({@link FreshSchema}).
   */
  record Created(int applied) implements Outcome {
    @Override
    public String describe() {
      return applied + " migrations applied, new store";
    }
  }

  /** Flyway ran: {@code applied} pending migrations (0 when the store is ahead of the jar). */
  record Migrated(int applied) implements Outcome {
    @Override
    public String describe() {
      return applied + " migrations applied";
    }
  }

  /**
   * Leaves an up-to-date store as it is ({@link #schemaVersion}); creates the schema of an empty SQLite store
   * without Flyway ({@link FreshSchema}); otherwise applies the pending migrations with Flyway (which also validates
   * the history and waits for another node migrating the same database).
   */
  static Outcome bringUpToDate(DataSource dataSource, Dialect dialect) {
    OptionalInt version = schemaVersion(dataSource, dialect);
    if (version.isPresent() && version.getAsInt() == LATEST_VERSION) {
      return new UpToDate(version.getAsInt());
    }
    if (version.isEmpty() && dialect.name().equals("sqlite")) {
      Optional<Integer> created = FreshSchema.createIfEmpty(dataSource);
      if (created.isPresent()) {
        return new Created(created.get());
      }
    }
    return new Migrated(migrate(dataSource, dialect));
  }

  /** Applies the pending migrations; returns how many were applied. */
  static int migrate(DataSource dataSource, Dialect dialect) {
    MigrateResult result = flyway(dataSource, dialect).migrate();
    return result.migrationsExecuted;
  }

  /**
   * The newest version in the store's migration history, read with one query and without Flyway; empty when there
   * is no history (a new store), when a migration in it failed, or when a version is not a whole number (then Flyway
   * decides).
   */
  static OptionalInt schemaVersion(DataSource dataSource, Dialect dialect) {
    String table = dialect.schema().map(s -> "\"" + s.replace("\"", "\"\"") + "\"." + HISTORY).orElse(HISTORY);
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
        ResultSet rows = s.executeQuery("SELECT version, success FROM " + table + " WHERE version IS NOT NULL")) {
      int newest = -1;
      while (rows.next()) {
        if (!rows.getBoolean(2)) {
          return OptionalInt.empty();
        }
        newest = Math.max(newest, Integer.parseInt(rows.getString(1).strip()));
      }
      return newest < 0 ? OptionalInt.empty() : OptionalInt.of(newest);
    } catch (SQLException | NumberFormatException e) {
      return OptionalInt.empty(); // no history table yet (a new store), or one Flyway must judge
    }
  }

  /** The version of the newest migration applied to the store, e.g. {@code 5}; empty for a store never migrated. */
  static Optional<String> currentVersion(DataSource dataSource, Dialect dialect) {
    return Optional.ofNullable(flyway(dataSource, dialect).info().current())
        .map(m -> m.getVersion().getVersion());
  }

  private static Flyway flyway(DataSource dataSource, Dialect dialect) {
    FluentConfiguration config = Flyway.configure(Migrations.class.getClassLoader())
        .dataSource(dataSource)
        .locations(dialect.migrations())
        .failOnMissingLocations(true)
        .cleanDisabled(true);
    dialect.schema().ifPresent(schema -> config.schemas(schema).defaultSchema(schema));
    return config.load();
  }
}
