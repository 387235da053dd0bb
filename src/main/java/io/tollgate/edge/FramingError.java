package io.tollgate.edge;

/**
 * A request the strict decoder refused while reading it: the status and problem code to answer with, after which
 * the connection is closed so nothing behind the request is processed.
 */
public enum FramingError {
  CONTENT_LENGTH_WITH_TRANSFER_ENCODING(400, "bad_request", "Content-Length with Transfer-Encoding"),
  OBSOLETE_LINE_FOLDING(400, "bad_request", "Obsolete line folding in a header"),
  UNSUPPORTED_TRANSFER_CODING(501, "not_implemented", "Only the chunked transfer coding is supported"),
  UNSUPPORTED_VERSION(505, "http_version_not_supported", "HTTP version not supported"),
  REQUEST_LINE_TOO_LONG(414, "uri_too_long", "Request line too long"),
  HEADERS_TOO_LARGE(431, "request_header_fields_too_large", "Request header fields too large"),
  MALFORMED_BODY(400, "bad_request", "Malformed chunked body"),
  MALFORMED(400, "bad_request", "Malformed request");

  private final int status;
  private final String code;
  private final String title;

  FramingError(int status, String code, String title) {
    this.status = status;
    this.code = code;
    this.title = title;
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  public String title() {
    return title;
  }
}
