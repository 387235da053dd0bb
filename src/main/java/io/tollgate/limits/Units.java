package io.tollgate.limits;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * An amount of metered units, held as integer milli-units so that sums never drift ({@code 0.5} is 500).
 * Immutable and thread-safe.
 *
 * @param milli the amount in thousandths of a unit, never negative
 */
public record Units(long milli) implements Comparable<Units> {
  public static final Units ZERO = new Units(0);

  public Units {
    if (milli < 0) {
      throw new IllegalArgumentException("units must not be negative");
    }
  }

  /** Parses a decimal with at most three fraction digits, e.g. {@code 0.5}; empty when it is not one. */
  public static java.util.Optional<Units> parse(BigDecimal value) {
    if (value == null || value.signum() < 0) {
      return java.util.Optional.empty();
    }
    try {
      BigDecimal milli = value.movePointRight(3);
      if (milli.stripTrailingZeros().scale() > 0) {
        return java.util.Optional.empty();
      }
      return java.util.Optional.of(new Units(milli.longValueExact()));
    } catch (ArithmeticException e) {
      return java.util.Optional.empty();
    }
  }

  public static Units of(long whole) {
    return new Units(Math.multiplyExact(whole, 1000));
  }

  public Units plus(Units other) {
    return new Units(Math.addExact(milli, other.milli));
  }

  /** The amount as a decimal without trailing zeros: {@code 12450.5}, {@code 500000}. */
  public BigDecimal toDecimal() {
    BigDecimal d = BigDecimal.valueOf(milli, 3).stripTrailingZeros();
    return d.scale() < 0 ? d.setScale(0, RoundingMode.UNNECESSARY) : d;
  }

  @Override
  public int compareTo(Units o) {
    return Long.compare(milli, o.milli);
  }

  @Override
  public String toString() {
    return toDecimal().toPlainString();
  }
}
