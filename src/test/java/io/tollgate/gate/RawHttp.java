package io.tollgate.gate;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Bytes on a socket, for requests an HTTP client library would refuse to send. */
final class RawHttp {
  private static final Pattern STATUS = Pattern.compile("HTTP/1\\.[01] (\\d{3})");

  private RawHttp() {}

  /** Sends {@code request} and reads until the server closes or {@code timeoutMs} of silence. */
  static String exchange(int port, String request, int timeoutMs) throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(timeoutMs);
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      try {
        int n;
        while ((n = in.read(buf)) >= 0) {
          got.write(buf, 0, n);
        }
      } catch (SocketTimeoutException | java.net.SocketException e) {
        // silence or reset: return what arrived
      }
      return got.toString(StandardCharsets.ISO_8859_1);
    }
  }

  /** The status codes of every response in {@code answer}, in order. */
  static List<Integer> statuses(String answer) {
    List<Integer> out = new ArrayList<>();
    Matcher m = STATUS.matcher(answer);
    while (m.find()) {
      out.add(Integer.parseInt(m.group(1)));
    }
    return out;
  }

  /**
   * One response read off a connection.
   *
   * @param status the status code
   * @param head the status line and headers, as sent
   * @param body the body, de-chunked
   */
  record Response(int status, String head, byte[] body) {
    String header(String name) {
      String prefix = name.toLowerCase(Locale.ROOT) + ":";
      return head.lines().filter(l -> l.toLowerCase(Locale.ROOT).startsWith(prefix))
          .map(l -> l.substring(prefix.length()).trim()).findFirst().orElse(null);
    }

    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  /**
   * A keep-alive connection that reads one response at a time, for tests that count answers exactly or watch when
   * the server closes. Not thread-safe.
   */
  static final class Connection implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private Connection(Socket socket) throws IOException {
      this.socket = socket;
      this.in = new BufferedInputStream(socket.getInputStream());
      this.out = socket.getOutputStream();
    }

    static Connection open(int port, Duration readTimeout) throws IOException {
      Socket s = new Socket("127.0.0.1", port);
      s.setTcpNoDelay(true);
      s.setSoTimeout((int) readTimeout.toMillis());
      return new Connection(s);
    }

    void send(String bytes) throws IOException {
      send(bytes.getBytes(StandardCharsets.ISO_8859_1));
    }

    void send(byte[] bytes) throws IOException {
      out.write(bytes);
      out.flush();
    }

    /** Reads one whole response (Content-Length or chunked); throws when the connection ends before. */
    Response read() throws IOException {
      String statusLine = line();
      Matcher m = STATUS.matcher(statusLine);
      if (!m.lookingAt()) {
        throw new IOException("not a status line: " + statusLine);
      }
      StringBuilder head = new StringBuilder(statusLine).append("\r\n");
      long length = -1;
      boolean chunked = false;
      for (String h = line(); !h.isEmpty(); h = line()) {
        head.append(h).append("\r\n");
        String lower = h.toLowerCase(Locale.ROOT);
        if (lower.startsWith("content-length:")) {
          length = Long.parseLong(h.substring(15).trim());
        } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
          chunked = true;
        }
      }
      int status = Integer.parseInt(m.group(1));
      boolean bodiless = status == 204 || status == 304 || status < 200;
      byte[] body = bodiless ? new byte[0] : chunked ? chunks() : length >= 0 ? exactly(length) : in.readAllBytes();
      return new Response(status, head.toString(), body);
    }

    /** Reads a response's status line and headers only, leaving its body unread; returns the status code. */
    int readHead() throws IOException {
      String statusLine = line();
      Matcher m = STATUS.matcher(statusLine);
      if (!m.lookingAt()) {
        throw new IOException("not a status line: " + statusLine);
      }
      while (!line().isEmpty()) {
        // headers are not needed
      }
      return Integer.parseInt(m.group(1));
    }

    /** Closes with a TCP reset instead of a FIN, as a client that crashes does. */
    void reset() throws IOException {
      socket.setSoLinger(true, 0);
      socket.close();
    }

    /**
     * Reads until the server closes the connection and returns what it sent after the last response read (a reset
     * counts as a close). Throws {@link SocketTimeoutException} when the server neither closes nor sends within the
     * read timeout.
     */
    String readUntilClosed() throws IOException {
      ByteArrayOutputStream rest = new ByteArrayOutputStream();
      try {
        in.transferTo(rest);
      } catch (java.net.SocketException e) {
        // reset: closed
      }
      return rest.toString(StandardCharsets.ISO_8859_1);
    }

    private byte[] chunks() throws IOException {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      for (long size = Long.parseLong(line().split(";")[0].trim(), 16); size > 0;
          size = Long.parseLong(line().split(";")[0].trim(), 16)) {
        body.writeBytes(exactly(size));
        line();
      }
      for (String trailer = line(); !trailer.isEmpty(); trailer = line()) {
        // trailers are ignored
      }
      return body.toByteArray();
    }

    private byte[] exactly(long n) throws IOException {
      byte[] b = in.readNBytes((int) n);
      if (b.length < n) {
        throw new EOFException("connection ended after " + b.length + " of " + n + " body bytes");
      }
      return b;
    }

    private String line() throws IOException {
      StringBuilder sb = new StringBuilder();
      for (int c = in.read(); c != '\n'; c = in.read()) {
        if (c < 0) {
          throw new EOFException("connection ended" + (sb.isEmpty() ? "" : " in the line '" + sb + "'"));
        }
        if (c != '\r') {
          sb.append((char) c);
        }
      }
      return sb.toString();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
