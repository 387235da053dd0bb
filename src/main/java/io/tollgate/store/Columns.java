package io.tollgate.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/**
 * How instants and absent values are kept in columns: epoch milliseconds (sub-millisecond precision is truncated)
 * and SQL {@code NULL} for an empty {@link Optional}.
 */
final class Columns {
  private Columns() {}

  static long millis(Instant at) {
    return at.toEpochMilli();
  }

  static Long millis(Optional<Instant> at) {
    return at.map(Instant::toEpochMilli).orElse(null);
  }

  static Instant instant(ResultSet rs, String column) throws SQLException {
    return Instant.ofEpochMilli(rs.getLong(column));
  }

  static Optional<Instant> optionalInstant(ResultSet rs, String column) throws SQLException {
    long millis = rs.getLong(column);
    return rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(millis));
  }

  static Optional<String> optionalText(ResultSet rs, String column) throws SQLException {
    return Optional.ofNullable(rs.getString(column));
  }
}
