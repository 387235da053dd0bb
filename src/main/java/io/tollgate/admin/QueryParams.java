package io.tollgate.admin;

import io.tollgate.admin.Problem.FieldError;
import io.tollgate.limits.BillingPeriod;
import io.tollgate.limits.QuotaPeriod;
import io.tollgate.text.ControlCharacters;
import io.vertx.ext.web.RoutingContext;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Typed readers of query parameters; errors are collected and reported at once as a 422. */
public final class QueryParams {
  static final int DEFAULT_LIMIT = 50;
  static final int MAX_LIMIT = 500;
  static final int MAX_SEARCH = 200;

  private final RoutingContext ctx;
  private final List<FieldError> errors = new ArrayList<>();

  public QueryParams(RoutingContext ctx) {
    this.ctx = ctx;
  }

  /** A parameter's value; absent or empty is empty, and so is one with a refused character (an error then). */
  Optional<String> text(String name) {
    return Optional.ofNullable(ctx.request().getParam(name)).filter(s -> !s.isEmpty()).filter(s -> printable(name, s));
  }

  /**
   * Whether {@code value} holds no character the Admin API refuses in the text it stores ({@link ControlCharacters});
   * otherwise an error for {@code name}. Text the API accepted never holds one, and PostgreSQL refuses a NUL in text
   * outright (the request answered {@code 500}).
   */
  private boolean printable(String name, String value) {
    Optional<String> refused = ControlCharacters.firstRefused(value);
    refused.ifPresent(c -> error(name, "must not contain " + JsonInput.REFUSED_CHARACTERS + " (" + c + ")"));
    return refused.isEmpty();
  }

  int limit() {
    return text("limit").map(s -> {
      try {
        int v = Integer.parseInt(s);
        if (v >= 1 && v <= MAX_LIMIT) {
          return v;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      errors.add(new FieldError("limit", "must be a whole number between 1 and " + MAX_LIMIT));
      return DEFAULT_LIMIT;
    }).orElse(DEFAULT_LIMIT);
  }

  /** {@code search}: up to {@value #MAX_SEARCH} characters; present but empty is an error, not "no search". */
  Optional<String> search() {
    String raw = ctx.request().getParam("search");
    if (raw == null) {
      return Optional.empty();
    }
    int length = raw.codePointCount(0, raw.length());
    if (length < 1 || length > MAX_SEARCH) {
      errors.add(new FieldError("search", "must be between 1 and " + MAX_SEARCH + " characters"));
      return Optional.empty();
    }
    return Optional.of(raw).filter(s -> printable("search", s));
  }

  /** The decoded cursor: the last key of the previous page. */
  Optional<String> cursor() {
    return text("cursor").flatMap(c -> {
      // a cursor this API made holds a stored key, which never has a refused character
      Optional<String> decoded = Cursors.decode(c).filter(k -> ControlCharacters.firstRefused(k).isEmpty());
      if (decoded.isEmpty()) {
        errors.add(new FieldError("cursor", "is not a cursor this API returned"));
      }
      return decoded;
    });
  }

  public Optional<BillingPeriod> period() {
    return text("period").flatMap(p -> {
      Optional<BillingPeriod> parsed = QuotaPeriod.parsePeriod(p);
      if (parsed.isEmpty()) {
        errors.add(new FieldError("period", "must be a month (2026-01) or a year (2026)"));
      }
      return parsed;
    });
  }

  Optional<LocalDate> date(String name) {
    return text(name).flatMap(s -> {
      try {
        LocalDate d = LocalDate.parse(s);
        if (Dates.inRange(d)) {
          return Optional.of(d);
        }
      } catch (DateTimeParseException e) {
        // reported below
      }
      errors.add(new FieldError(name, "must be a date in years 0000 to 9999, such as 2026-01-31"));
      return Optional.empty();
    });
  }

  void error(String field, String message) {
    errors.add(new FieldError(field, message));
  }

  /** Sends the 422 and returns true when any parameter was invalid. */
  public boolean refused() {
    if (errors.isEmpty()) {
      return false;
    }
    Problem.validation(errors).send(ctx);
    return true;
  }
}
