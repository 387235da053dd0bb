package io.tollgate.store;

import io.tollgate.registry.Actor;
import io.tollgate.registry.AuditEntry;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.SqlStatement;
import org.jdbi.v3.core.statement.StatementContext;

/** The {@code audit_log} table: the store assigns {@code id}, so an entry's own id is never written. */
final class AuditRows implements RowMapper<AuditEntry> {
  static final AuditRows MAPPER = new AuditRows();
  static final String SELECT = "SELECT id, at, actor, via, action, customer_id, key_id, changes FROM audit_log";
  static final String INSERT = "INSERT INTO audit_log (at, actor, via, action, customer_id, key_id, changes)"
      + " VALUES (:at, :actor, :via, :action, :customerId, :keyId, :changes)";

  private AuditRows() {}

  static <S extends SqlStatement<S>> S bind(S statement, AuditEntry e) {
    return statement
        .bind("at", Columns.millis(e.at()))
        .bind("actor", e.actor().id())
        .bind("via", e.actor().via().wireName())
        .bind("action", e.action())
        .bind("customerId", e.customerId())
        .bind("keyId", e.keyId().orElse(null))
        .bind("changes", JsonColumns.writeChanges(e.changes()));
  }

  private static Actor.Via via(String wire) {
    return Actor.Via.fromWire(wire).orElseThrow(() -> new IllegalStateException("audit_log.via holds " + wire));
  }

  @Override
  public AuditEntry map(ResultSet rs, StatementContext ctx) throws SQLException {
    return new AuditEntry(
        rs.getLong("id"),
        Columns.instant(rs, "at"),
        new Actor(rs.getString("actor"), via(rs.getString("via"))),
        rs.getString("action"),
        rs.getString("customer_id"),
        Columns.optionalText(rs, "key_id"),
        JsonColumns.readChanges(rs.getString("changes")));
  }
}
