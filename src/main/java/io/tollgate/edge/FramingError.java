package io.tollgate.edge;

/**
 * A request the strict decoder refused while reading it: the status and problem code to answer with, after which
 * the connection is closed so nothing behind the request is processed.
 */
public enum FramingError {
  CONTENT_LENGTH_WITH_TRANSFER_ENCODING(400, "bad_request", "Content-Length with Transfer-Encoding"),
  OBSOLETE_LINE_FOLDING(400, "bad_request", "Obsolete line folding in a header"),
  TRANSFER_ENCODING_IN_HTTP_1_0(400, "bad_request", "Transfer-Encoding in an HTTP/1.0 request"),
  INVALID_HOST(400, "bad_request", "Missing, repeated or invalid Host header"),
  INVALID_TARGET(400, "bad_request", "Request target that an engine could read differently"),
  CONNECTION_NAMES_FRAMING(400, "bad_request", "Connection names a header the request needs end to end"),
  INVALID_HEADER(400, "bad_request", "Header field name or value not allowed by HTTP"),
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
