package io.tollgate.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;

/** What the Admin API answered to one request, or why it could not be asked; each case carries its exit code. */
sealed interface Reply {
  /** Exit 0: the request succeeded. */
  int OK = 0;
  /** Exit 1: the server refused the request (its problem {@code code} is on stderr). */
  int REFUSED = 1;
  /** Exit 2: the command line is wrong (picocli's usage error code). */
  int USAGE = 2;
  /** Exit 3: no answer from the server (connection refused, timeout, not an HTTP server). */
  int UNREACHABLE = 3;

  int exitCode();

  /**
   * A 2xx answer with a JSON document.
   *
   * @param document the parsed body
   * @param text the body exactly as the server sent it (what {@code --json} prints)
   */
  record Answered(int status, JsonNode document, String text) implements Reply {
    @Override
    public int exitCode() {
      return OK;
    }
  }

  /** A 2xx answer whose body was copied to a file or stdout as it arrived. */
  record Streamed(int status, long bytes) implements Reply {
    @Override
    public int exitCode() {
      return OK;
    }
  }

  /**
   * A non-2xx answer: the RFC 9457 problem's {@code code} and {@code detail}, or {@code http_STATUS} when the body
   * is not a problem document.
   *
   * @param document the parsed body (a missing node when it is not JSON)
   */
  record Refused(int status, String code, String detail, JsonNode document) implements Reply {
    @Override
    public int exitCode() {
      return REFUSED;
    }
  }

  /** No HTTP answer at all. */
  record Unreachable(String url, String reason) implements Reply {
    @Override
    public int exitCode() {
      return UNREACHABLE;
    }
  }
}
