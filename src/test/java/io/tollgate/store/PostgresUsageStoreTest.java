package io.tollgate.store;

/** The usage store contract on the test PostgreSQL server, in a schema of its own per test; fails without it. */
final class PostgresUsageStoreTest extends UsageStoreContract {
  private final PostgresTestDatabase postgres = PostgresTestDatabase.create();

  @Override
  Database openDatabase() {
    return Database.open(postgres.url(), clock);
  }

  @Override
  String jdbcUrl() {
    return postgres.url();
  }

  @Override
  void discardStorage() {
    postgres.close();
  }
}
