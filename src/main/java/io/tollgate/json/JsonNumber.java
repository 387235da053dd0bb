package io.tollgate.json;

import java.math.BigDecimal;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A JSON number kept as the exact text it was written with ({@code 18446744073709551617}, {@code 1.50},
 * {@code 1e308}, {@code -0}), so that metadata comes back as it was sent: no rounding to a {@code double}, no lost
 * digits, no {@code Infinity}. Jackson writes it as its text (a {@link Number} it does not know is written with
 * {@code toString()}). Equal when the texts are equal. Immutable.
 */
public final class JsonNumber extends Number {
  private static final long serialVersionUID = 1L;
  private static final Pattern GRAMMAR = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");
  private final String text;

  private JsonNumber(String text) {
    this.text = text;
  }

  /** {@code text}, which must be a JSON number ({@code -0}, {@code 1.50}, {@code 1e308}). */
  public static JsonNumber of(String text) {
    if (!GRAMMAR.matcher(Objects.requireNonNull(text, "text")).matches()) {
      throw new IllegalArgumentException("not a JSON number: " + text);
    }
    return new JsonNumber(text);
  }

  /** The value; exact. */
  public BigDecimal decimalValue() {
    return new BigDecimal(text);
  }

  @Override
  public int intValue() {
    return (int) doubleValue();
  }

  @Override
  public long longValue() {
    return (long) doubleValue();
  }

  @Override
  public float floatValue() {
    return (float) doubleValue();
  }

  /** The nearest {@code double} (never needs the exact value's digits: cheap for any exponent). */
  @Override
  public double doubleValue() {
    return Double.parseDouble(text);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof JsonNumber n && n.text.equals(text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }

  /** The exact JSON text. */
  @Override
  public String toString() {
    return text;
  }
}
