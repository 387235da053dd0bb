package io.tollgate.gate;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
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
}
