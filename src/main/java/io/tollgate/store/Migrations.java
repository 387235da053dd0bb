package io.tollgate.store;

import io.tollgate.store.internal.Dialect;
import java.util.Optional;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.output.MigrateResult;

/** Brings the schema up to date with Flyway, from the dialect's own migration history. */
final class Migrations {
  private Migrations() {}

  /** Applies the pending migrations; returns how many were applied. */
  static int migrate(DataSource dataSource, Dialect dialect) {
    MigrateResult result = flyway(dataSource, dialect).migrate();
    return result.migrationsExecuted;
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
