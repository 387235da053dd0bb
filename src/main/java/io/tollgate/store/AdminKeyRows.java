package io.tollgate.store;

import io.tollgate.keys.KeyDigest;
import io.tollgate.registry.AdminKey;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.StatementContext;

/** The {@code admin_keys} table: an id, a digest and a creation time. */
final class AdminKeyRows implements RowMapper<AdminKey> {
  static final AdminKeyRows MAPPER = new AdminKeyRows();
  static final String SELECT = "SELECT admin_key_id, digest, created_at FROM admin_keys ORDER BY created_at, admin_key_id";
  static final String INSERT = "INSERT INTO admin_keys (admin_key_id, digest, created_at) VALUES (:id, :digest, :createdAt)";

  private AdminKeyRows() {}

  @Override
  public AdminKey map(ResultSet rs, StatementContext ctx) throws SQLException {
    return new AdminKey(rs.getString("admin_key_id"), KeyDigest.fromHex(rs.getString("digest")),
        Columns.instant(rs, "created_at"));
  }
}
