package io.tollgate.registry;

/** Thrown inside a transaction to roll it back with a {@link Failure}; turned into {@link Outcome.Refused}. */
final class RefusedChange extends RuntimeException {
  final Failure failure;

  RefusedChange(Failure failure, String detail) {
    super(detail, null, false, false);
    this.failure = failure;
  }

  static RefusedChange customerNotFound(String id) {
    return new RefusedChange(Failure.CUSTOMER_NOT_FOUND, "no customer with id " + id);
  }
}
