package io.tollgate.config;

/** A configuration file or environment variable that cannot be used; the message names the key and the line. */
public final class InvalidConfigException extends RuntimeException {
  public InvalidConfigException(String message) {
    super(message);
  }

  public InvalidConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
