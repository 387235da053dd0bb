package io.tollgate.store.postgres;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * A {@code jdbc:postgresql://host:port/db?user=..&password=..} URL split into the URL the driver gets (without
 * credentials, so that neither the driver, Flyway nor Hikari can print them) and the credentials.
 *
 * @param jdbcUrl the URL without {@code user} and {@code password}
 * @param user the login role, when the URL names one
 * @param password the password, when the URL names one; never printed
 * @param schema the first schema of {@code currentSchema}, when present
 */
record PostgresUrl(String jdbcUrl, Optional<String> user, Optional<String> password, Optional<String> schema) {
  static final String PREFIX = "jdbc:postgresql:";

  static PostgresUrl parse(String url) {
    if (!url.startsWith(PREFIX)) {
      throw new IllegalArgumentException("a PostgreSQL store URL starts with " + PREFIX);
    }
    int query = url.indexOf('?');
    String base = query < 0 ? url : url.substring(0, query);
    Map<String, String> params = query < 0 ? new LinkedHashMap<>() : parameters(url.substring(query + 1));
    Optional<String> user = Optional.ofNullable(params.remove("user"));
    Optional<String> password = Optional.ofNullable(params.remove("password"));
    Optional<String> schema = Optional.ofNullable(params.get("currentSchema"))
        .map(s -> s.split(",")[0].strip())
        .filter(s -> !s.isEmpty());
    StringJoiner rest = new StringJoiner("&", "?", "").setEmptyValue("");
    params.forEach((k, v) -> rest.add(k + "=" + java.net.URLEncoder.encode(v, StandardCharsets.UTF_8)));
    return new PostgresUrl(base + rest, user, password, schema);
  }

  private static Map<String, String> parameters(String query) {
    Map<String, String> params = new LinkedHashMap<>();
    for (String pair : query.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      // the driver decodes parameter values the same way
      params.put(key, URLDecoder.decode(value, StandardCharsets.UTF_8));
    }
    return params;
  }

  /** The URL as it may be shown: host, port, database and schema, never credentials. */
  String describe() {
    int query = jdbcUrl.indexOf('?');
    String base = query < 0 ? jdbcUrl : jdbcUrl.substring(0, query);
    return base.substring("jdbc:".length()) + schema.map(s -> " (schema " + s + ")").orElse("")
        + user.map(u -> " as " + u).orElse("");
  }

  @Override
  public String toString() {
    return "PostgresUrl[" + describe() + "]";
  }
}
