package io.tollgate.registry;

import java.util.function.Function;

/** The result of an admin operation: done with a value, or refused with a reason. */
public sealed interface Outcome<T> {

  record Done<T>(T value) implements Outcome<T> {}

  /**
   * @param failure the stable reason
   * @param detail a human explanation naming the offending value (never a secret)
   */
  record Refused<T>(Failure failure, String detail) implements Outcome<T> {}

  static <T> Outcome<T> done(T value) {
    return new Done<>(value);
  }

  static <T> Outcome<T> refused(Failure failure, String detail) {
    return new Refused<>(failure, detail);
  }

  default <R> Outcome<R> map(Function<T, R> f) {
    return switch (this) {
      case Done<T> d -> new Done<>(f.apply(d.value()));
      case Refused<T> r -> new Refused<>(r.failure(), r.detail());
    };
  }
}
