package io.tollgate.store;

import io.tollgate.keys.KeyDigest;
import io.tollgate.keys.KeyEnvironment;
import io.tollgate.registry.CustomerKey;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.SqlStatement;
import org.jdbi.v3.core.statement.StatementContext;

/** The {@code api_keys} table: its columns, how a {@link CustomerKey} is bound to them and read back. */
final class KeyRows implements RowMapper<CustomerKey> {
  static final KeyRows MAPPER = new KeyRows();
  static final String SELECT = "SELECT key_id, customer_id, name, environment, display_prefix, digest, namespaces,"
      + " created_at, revoked_at, expires_at, last_used_at, replaces FROM api_keys";
  static final String ORDER = " ORDER BY created_at, key_id";
  static final String INSERT = "INSERT INTO api_keys (key_id, customer_id, name, environment, display_prefix, digest,"
      + " namespaces, created_at, revoked_at, expires_at, last_used_at, replaces) VALUES (:id, :customerId, :name,"
      + " :environment, :displayPrefix, :digest, :namespaces, :createdAt, :revokedAt, :expiresAt, :lastUsedAt,"
      + " :replaces)";
  static final String UPDATE = "UPDATE api_keys SET name = :name, namespaces = :namespaces, revoked_at = :revokedAt,"
      + " expires_at = :expiresAt, last_used_at = :lastUsedAt WHERE key_id = :id AND customer_id = :customerId";

  private KeyRows() {}

  static <S extends SqlStatement<S>> S bind(S statement, CustomerKey k) {
    return statement
        .bind("id", k.id())
        .bind("customerId", k.customerId())
        .bind("name", k.name().orElse(null))
        .bind("environment", k.environment().wireName())
        .bind("displayPrefix", k.displayPrefix())
        .bind("digest", k.digest().toHex())
        .bind("namespaces", JsonColumns.writeStrings(k.namespaces()))
        .bind("createdAt", Columns.millis(k.createdAt()))
        .bind("revokedAt", Columns.millis(k.revokedAt()))
        .bind("expiresAt", Columns.millis(k.expiresAt()))
        .bind("lastUsedAt", Columns.millis(k.lastUsedAt()))
        .bind("replaces", k.replaces().orElse(null));
  }

  /** Binds what {@link #UPDATE} may change: the key's name, scope and timestamps. */
  static <S extends SqlStatement<S>> S bindMutable(S statement, CustomerKey k) {
    return statement
        .bind("id", k.id())
        .bind("customerId", k.customerId())
        .bind("name", k.name().orElse(null))
        .bind("namespaces", JsonColumns.writeStrings(k.namespaces()))
        .bind("revokedAt", Columns.millis(k.revokedAt()))
        .bind("expiresAt", Columns.millis(k.expiresAt()))
        .bind("lastUsedAt", Columns.millis(k.lastUsedAt()));
  }

  @Override
  public CustomerKey map(ResultSet rs, StatementContext ctx) throws SQLException {
    String environment = rs.getString("environment");
    return new CustomerKey(
        rs.getString("key_id"),
        rs.getString("customer_id"),
        Columns.optionalText(rs, "name"),
        KeyEnvironment.fromWire(environment)
            .orElseThrow(() -> new IllegalStateException("unknown environment " + environment)),
        rs.getString("display_prefix"),
        KeyDigest.fromHex(rs.getString("digest")),
        JsonColumns.readStrings("key namespaces", rs.getString("namespaces")),
        Columns.instant(rs, "created_at"),
        Columns.optionalInstant(rs, "revoked_at"),
        Columns.optionalInstant(rs, "expires_at"),
        Columns.optionalInstant(rs, "last_used_at"),
        Columns.optionalText(rs, "replaces"));
  }
}
