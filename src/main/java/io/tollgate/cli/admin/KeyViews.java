package io.tollgate.cli.admin;

import static io.tollgate.cli.admin.Cells.text;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;

/** Human views of key documents; the secret is printed only by {@link #issued}, once. */
final class KeyViews {
  static final String SECRET_LABEL = "secret (shown once, store it now): ";

  private KeyViews() {}

  static void key(JsonNode k, PrintWriter out) {
    Table.fields()
        .row("key_id", text(k.path("key_id")))
        .row("customer_id", text(k.path("customer_id")))
        .row("name", text(k.path("name")))
        .row("environment", text(k.path("environment")))
        .row("prefix", text(k.path("prefix")))
        .row("status", text(k.path("status")))
        .row("namespaces", scope(k))
        .row("created_at", text(k.path("created_at")))
        .row("expires_at", text(k.path("expires_at")))
        .row("revoked_at", text(k.path("revoked_at")))
        .row("last_used_at", text(k.path("last_used_at")))
        .row("replaces", text(k.path("replaces")))
        .print(out);
  }

  static void list(JsonNode document, PrintWriter out) {
    Table t = Table.of("KEY_ID", "NAME", "ENV", "PREFIX", "STATUS", "NAMESPACES", "CREATED_AT", "EXPIRES_AT",
        "REVOKED_AT", "LAST_USED_AT");
    for (JsonNode k : document.path("keys")) {
      t.row(text(k.path("key_id")), text(k.path("name")), text(k.path("environment")), text(k.path("prefix")),
          text(k.path("status")), scope(k), text(k.path("created_at")), text(k.path("expires_at")),
          text(k.path("revoked_at")), text(k.path("last_used_at")));
    }
    t.printOr("no keys", out);
  }

  /** A key just issued (created or rotated): its fields, then its secret on one clearly marked line. */
  static void issued(JsonNode k, PrintWriter out) {
    key(k, out);
    out.println();
    out.println(SECRET_LABEL + text(k.path("key")));
  }

  private static String scope(JsonNode k) {
    return k.path("namespaces").isEmpty() ? "(every namespace of the customer)" : Cells.list(k.path("namespaces"));
  }
}
