package io.tollgate.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * HTTP/1.1 on one kept-alive socket, one request at a time, with as little client work as possible between the
 * write and the last byte of the answer: the request bytes are built once by the caller, the answer is read into
 * a reused buffer and decoded only after the clock is read. Reconnects (and counts it) when the server closed the
 * connection. Not thread-safe.
 */
final class KeptAliveClient implements AutoCloseable {
  /** One answer: the status line and header lines as received, and the body. */
  record Answer(String statusLine, List<String> headerLines, String body) {}

  private final InetSocketAddress address;
  private Socket socket;
  private OutputStream out;
  private InputStream in;
  private final ByteArrayOutputStream head = new ByteArrayOutputStream(512);
  private byte[] body = new byte[1024];
  private int bodyLength;
  private int reconnects = -1;

  KeptAliveClient(String host, int port) {
    this.address = new InetSocketAddress(host, port);
  }

  static byte[] get(String host, int port, String path, String authorization) {
    return ("GET " + path + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\nAuthorization: " + authorization
        + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
  }

  /** Connections opened after the first one: the server closed a kept-alive connection that many times. */
  int reconnects() {
    return Math.max(0, reconnects);
  }

  /**
   * Sends {@code request} and reads its whole answer; returns the nanoseconds from just before the write to the
   * last byte read. A connection found closed before any byte of the answer is reopened and the request sent
   * again (not timed twice: the time of the try that got the answer is returned).
   */
  long exchange(byte[] request) throws IOException {
    for (int attempt = 0; ; attempt++) {
      if (socket == null) {
        connect();
      }
      long t0 = System.nanoTime();
      try {
        out.write(request);
        out.flush();
        if (readAnswer()) {
          return System.nanoTime() - t0;
        }
      } catch (IOException e) {
        if (attempt > 0) {
          throw e;
        }
      }
      closeSocket();
      if (attempt > 0) {
        throw new IOException("the server closed the connection twice before answering");
      }
    }
  }

  /** The last answer, decoded (outside the timed part). */
  Answer lastAnswer() {
    String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
    List<String> headers = new ArrayList<>(List.of(lines).subList(1, lines.length));
    return new Answer(lines[0], headers, new String(body, 0, bodyLength, StandardCharsets.UTF_8));
  }

  /** False when the connection was closed before the first byte of the answer. */
  private boolean readAnswer() throws IOException {
    head.reset();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        if (head.size() == 0) {
          return false;
        }
        throw new IOException("connection closed inside an answer's head");
      }
      head.write(b);
      matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
          ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    String headText = head.toString(StandardCharsets.ISO_8859_1);
    int length = contentLength(headText);
    if (body.length < length) {
      body = new byte[length];
    }
    int read = 0;
    while (read < length) {
      int n = in.read(body, read, length - read);
      if (n < 0) {
        throw new IOException("connection closed inside an answer's body");
      }
      read += n;
    }
    bodyLength = length;
    if (connectionClose(headText)) {
      closeSocket();
    }
    return true;
  }

  private static int contentLength(String headText) throws IOException {
    String value = headerValue(headText, "content-length");
    if (value == null) {
      throw new IOException("an answer without Content-Length: " + headText);
    }
    return Integer.parseInt(value.trim());
  }

  private static boolean connectionClose(String headText) {
    String value = headerValue(headText, "connection");
    return value != null && value.trim().equalsIgnoreCase("close");
  }

  private static String headerValue(String headText, String lowerName) {
    for (String line : headText.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals(lowerName)) {
        return line.substring(colon + 1);
      }
    }
    return null;
  }

  private void connect() throws IOException {
    socket = new Socket();
    socket.setTcpNoDelay(true);
    socket.connect(address, 5_000);
    socket.setSoTimeout(10_000);
    out = socket.getOutputStream();
    in = new BufferedInputStream(socket.getInputStream(), 8192);
    reconnects++;
  }

  private void closeSocket() {
    try {
      if (socket != null) {
        socket.close();
      }
    } catch (IOException ignored) {
      // closing a socket we are done with
    } finally {
      socket = null;
    }
  }

  @Override
  public void close() {
    closeSocket();
  }
}
