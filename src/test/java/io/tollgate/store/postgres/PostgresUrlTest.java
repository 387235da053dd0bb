package io.tollgate.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;

final class PostgresUrlTest {

  @Test
  void parse_credentialsInQuery_areTakenOutOfTheDriverUrl() {
    PostgresUrl url = PostgresUrl.parse(
        "jdbc:postgresql://db.internal:5433/billing?user=gate&password=p%26ss+w&sslmode=require&currentSchema=tg");
    assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db.internal:5433/billing?sslmode=require&currentSchema=tg");
    assertThat(url.user()).contains("gate");
    assertThat(url.password()).contains("p&ss w");
    assertThat(url.schema()).contains("tg");
  }

  @Test
  void describe_anyUrl_neverShowsThePassword() {
    PostgresUrl url = PostgresUrl.parse("jdbc:postgresql://h:5432/db?password=hunter2&user=gate");
    assertThat(url.describe()).isEqualTo("postgresql://h:5432/db as gate").doesNotContain("hunter2");
    assertThat(url.toString()).doesNotContain("hunter2");
  }

  @Test
  void parse_noQuery_hasNoCredentialsNorSchema() {
    PostgresUrl url = PostgresUrl.parse("jdbc:postgresql://h/db");
    assertThat(url).isEqualTo(new PostgresUrl("jdbc:postgresql://h/db", Optional.empty(), Optional.empty(),
        Optional.empty()));
  }

  @Test
  void parse_schemaList_usesTheFirstSchema() {
    assertThat(PostgresUrl.parse("jdbc:postgresql://h/db?currentSchema=a,public").schema()).contains("a");
  }

  @Test
  void parse_otherScheme_isRefused() {
    assertThatThrownBy(() -> PostgresUrl.parse("postgres://u:p@h/db")).isInstanceOf(IllegalArgumentException.class)
        .message().doesNotContain("u:p");
  }
}
