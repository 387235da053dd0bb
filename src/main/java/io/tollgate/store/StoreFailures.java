package io.tollgate.store;

import io.tollgate.store.internal.Dialect;
import java.sql.SQLException;
import java.util.Optional;
import org.jdbi.v3.core.JdbiException;

/** Builds every exception the store throws, so that messages stay consistent and never quote a secret or a URL. */
final class StoreFailures {
  private StoreFailures() {}

  static StoreUnavailableException cannotOpen(String where, Throwable cause) {
    return new StoreUnavailableException("cannot open the store at " + where + ": " + rootMessage(cause), cause);
  }

  static StoreUnavailableException copyFailed(String from, String to, Throwable cause) {
    return new StoreUnavailableException("the copy from " + from + " to " + to + " failed and was rolled back: "
        + rootMessage(cause), cause);
  }

  static StoreUnavailableException unsupportedUrl(String url) {
    return new StoreUnavailableException("unsupported store URL (scheme " + scheme(url)
        + "): use sqlite:PATH, jdbc:sqlite:PATH or jdbc:postgresql://HOST:PORT/DB?user=..&password=..", null);
  }

  static StoreUnavailableException invalidUrl(IllegalArgumentException cause) {
    return new StoreUnavailableException("invalid store URL: " + cause.getMessage(), cause);
  }

  static IllegalStateException missing(String what, String id) {
    return new IllegalStateException("no " + what + " " + id + " to update");
  }

  static IllegalArgumentException notJson(String what, Throwable cause) {
    return new IllegalArgumentException(what + " cannot be written as JSON: " + cause.getMessage(), cause);
  }

  static IllegalStateException corruptJson(String column, Throwable cause) {
    return new IllegalStateException("stored " + column + " is not the JSON the store wrote", cause);
  }

  /**
   * What a failure of Jdbi or the driver means to callers: a violated constraint is an {@link IllegalStateException}
   * (the caller's check raced another writer), anything else a {@link StoreUnavailableException}. Exceptions that
   * do not come from Jdbi are returned as they are.
   */
  static RuntimeException translate(RuntimeException e, Dialect dialect) {
    if (!(e instanceof JdbiException)) {
      return e;
    }
    Optional<SQLException> sql = sqlCause(e);
    if (sql.isPresent() && dialect.isConstraintViolation(sql.get())) {
      return new IllegalStateException("the change conflicts with stored data: " + sql.get().getMessage(), e);
    }
    return new StoreUnavailableException("the store at " + dialect.describe() + " failed: " + rootMessage(e), e);
  }

  /**
   * SQLSTATE prefixes of "the server cannot be talked to now": class 08 (connection exception), 57P01-57P03 (the
   * server shuts down, crashed, or cannot connect now) and 53300 (too many connections).
   */
  private static final java.util.List<String> UNREACHABLE_STATES = java.util.List.of("08", "57P01", "57P02", "57P03",
      "53300");

  /**
   * Whether a failure says the store cannot be reached: the pool gave no connection within its wait (Hikari's
   * {@link java.sql.SQLTransientConnectionException}), a connection could not be made or was lost, or the server
   * answered a connection-level SQLSTATE (see {@link #UNREACHABLE_STATES}). A statement's own failure is not.
   */
  static boolean isUnreachable(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof java.sql.SQLTransientConnectionException || t instanceof java.sql.SQLNonTransientConnectionException
          || t instanceof java.net.ConnectException) {
        return true;
      }
      if (t instanceof SQLException sql && sql.getSQLState() != null
          && UNREACHABLE_STATES.stream().anyMatch(sql.getSQLState()::startsWith)) {
        return true;
      }
    }
    return false;
  }

  private static Optional<SQLException> sqlCause(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql) {
        return Optional.of(sql);
      }
    }
    return Optional.empty();
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }

  private static String scheme(String url) {
    String rest = url.startsWith("jdbc:") ? url.substring("jdbc:".length()) : url;
    int colon = rest.indexOf(':');
    String scheme = colon < 0 ? "none" : rest.substring(0, colon);
    return scheme.matches("[A-Za-z0-9+.-]{1,20}") ? scheme : "unknown";
  }
}
