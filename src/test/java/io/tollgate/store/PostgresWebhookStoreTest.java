package io.tollgate.store;

/** The webhook store contract on the test PostgreSQL server, in a schema of its own per test. */
final class PostgresWebhookStoreTest extends WebhookStoreContract {
  private final PostgresTestDatabase postgres = PostgresTestDatabase.create();

  @Override
  Database openDatabase() {
    return Database.open(postgres.url(), clock);
  }

  @Override
  void discardStorage() {
    postgres.close();
  }
}
