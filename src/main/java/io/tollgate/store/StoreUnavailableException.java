package io.tollgate.store;

/**
 * The store cannot be opened, migrated or reached, or a statement failed for a reason other than a violated
 * constraint. Unchecked: callers map it to {@code 503} in one place. The message names where the store is but
 * never contains a password.
 */
public final class StoreUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  StoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
