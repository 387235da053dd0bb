package io.tollgate.store;

import io.tollgate.registry.Customer;
import io.tollgate.registry.CustomerStatus;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.SqlStatement;
import org.jdbi.v3.core.statement.StatementContext;

/** The {@code customers} table: its columns, how a {@link Customer} is bound to them and read back. */
final class CustomerRows implements RowMapper<Customer> {
  static final CustomerRows MAPPER = new CustomerRows();
  static final String SELECT = "SELECT customer_id, name, email, tier, namespaces, status, metadata, overrides,"
      + " created_at, updated_at, deactivated_at, version FROM customers";
  static final String INSERT = "INSERT INTO customers (customer_id, name, email, tier, namespaces, status, metadata,"
      + " overrides, created_at, updated_at, deactivated_at, version) VALUES (:id, :name, :email, :tier, :namespaces,"
      + " :status, :metadata, :overrides, :createdAt, :updatedAt, :deactivatedAt, :version)";
  static final String UPDATE = "UPDATE customers SET name = :name, email = :email, tier = :tier,"
      + " namespaces = :namespaces, status = :status, metadata = :metadata, overrides = :overrides,"
      + " created_at = :createdAt, updated_at = :updatedAt, deactivated_at = :deactivatedAt, version = :version"
      + " WHERE customer_id = :id";

  private CustomerRows() {}

  static <S extends SqlStatement<S>> S bind(S statement, Customer c) {
    return statement
        .bind("id", c.id())
        .bind("name", c.name().orElse(null))
        .bind("email", c.email().orElse(null))
        .bind("tier", c.tier())
        .bind("namespaces", JsonColumns.writeStrings(c.namespaces()))
        .bind("status", c.status().wireName())
        .bind("metadata", JsonColumns.writeObject(c.metadata()))
        .bind("overrides", JsonColumns.writeOverrides(c.overrides()))
        .bind("createdAt", Columns.millis(c.createdAt()))
        .bind("updatedAt", Columns.millis(c.updatedAt()))
        .bind("deactivatedAt", Columns.millis(c.deactivatedAt()))
        .bind("version", c.version());
  }

  @Override
  public Customer map(ResultSet rs, StatementContext ctx) throws SQLException {
    String status = rs.getString("status");
    return new Customer(
        rs.getString("customer_id"),
        Columns.optionalText(rs, "name"),
        Columns.optionalText(rs, "email"),
        rs.getString("tier"),
        JsonColumns.readStrings("customer namespaces", rs.getString("namespaces")),
        CustomerStatus.fromWire(status).orElseThrow(() -> new IllegalStateException("unknown status " + status)),
        JsonColumns.readObject("customer metadata", rs.getString("metadata")),
        JsonColumns.readOverrides(rs.getString("overrides")),
        Columns.instant(rs, "created_at"),
        Columns.instant(rs, "updated_at"),
        Columns.optionalInstant(rs, "deactivated_at"),
        rs.getLong("version"));
  }
}
