package io.tollgate.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class SqliteDialectTest {
  @TempDir
  Path dir;

  @Test
  void openPool_newFile_createsParentsAndSetsDurablePragmas() throws SQLException {
    Path file = dir.resolve("a/b/tollgate.db");
    try (HikariDataSource pool = SqliteDialect.forUrl("sqlite:" + file).openPool();
        Connection c = pool.getConnection()) {
      assertThat(pragma(c, "journal_mode")).isEqualTo("wal");
      assertThat(pragma(c, "synchronous")).isEqualTo("2"); // FULL
      assertThat(pragma(c, "foreign_keys")).isEqualTo("1");
      assertThat(pragma(c, "busy_timeout")).isEqualTo("5000");
    }
    assertThat(Files.exists(file)).isTrue();
  }

  private static String pragma(Connection c, String name) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA " + name)) {
      rs.next();
      return rs.getString(1);
    }
  }

  @Test
  void forUrl_bothForms_nameTheSameFile() {
    Path file = dir.resolve("x.db");
    assertThat(SqliteDialect.forUrl("jdbc:sqlite:" + file).describe())
        .isEqualTo(SqliteDialect.forUrl("sqlite:" + file).describe())
        .isEqualTo("sqlite:" + file);
  }

  @Test
  void forUrl_relativePath_isResolvedAgainstTheWorkingDirectory() {
    assertThat(SqliteDialect.forUrl("sqlite:./data/t.db").describe())
        .isEqualTo("sqlite:" + Path.of("data/t.db").toAbsolutePath());
  }

  @Test
  void forUrl_inMemoryOrEmpty_isRefused() {
    assertThatThrownBy(() -> SqliteDialect.forUrl("sqlite::memory:")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SqliteDialect.forUrl("jdbc:sqlite:")).isInstanceOf(IllegalArgumentException.class);
  }
}
