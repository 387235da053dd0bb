package io.tollgate.edge;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The request targets the gate accepts: ones that every engine reads as the gate does. A target is refused when
 * it holds a byte outside visible ASCII (control characters, space, DEL, raw UTF-8) or a {@code #}, and when its
 * path could be read as another path by an engine that normalises: a dot segment ({@code .} or {@code ..}, also
 * percent-encoded, also followed by a {@code ;} path parameter as Tomcat and Jetty strip them), an encoded
 * {@code /} or {@code \}, a raw {@code \}, an encoded control character, an invalid percent escape or percent-encoded
 * bytes that are not UTF-8 (overlong forms of {@code .} among them). This is Envoy's path normalisation with
 * rejection instead of rewriting: the gate forwards the path exactly as it matched it, so the engine must not be
 * able to resolve it elsewhere. Stateless; thread-safe.
 */
public final class RequestTarget {
  private RequestTarget() {}

  /** Why {@code target} (origin-form, absolute-form or {@code *}, as on the request line) is refused, if it is. */
  public static Optional<String> problem(String target) {
    for (int i = 0; i < target.length(); i++) {
      char c = target.charAt(i);
      if (c <= 0x20 || c >= 0x7f) {
        return Optional.of("the request target holds a control character, a space or a byte outside ASCII");
      }
      if (c == '#') {
        return Optional.of("the request target holds a fragment");
      }
    }
    return pathProblem(pathOf(target));
  }

  /** Why {@code path} (no query) could be resolved elsewhere by an engine, if it could. */
  public static Optional<String> pathProblem(String path) {
    int start = 0;
    while (start <= path.length()) {
      int end = path.indexOf('/', start);
      if (end < 0) {
        end = path.length();
      }
      Optional<String> p = segmentProblem(path.substring(start, end));
      if (p.isPresent()) {
        return p;
      }
      start = end + 1;
    }
    return Optional.empty();
  }

  private static Optional<String> segmentProblem(String raw) {
    if (raw.indexOf('\\') >= 0) {
      return Optional.of("the path holds a backslash");
    }
    Optional<String> decoded = decode(raw);
    if (decoded.isEmpty()) {
      return Optional.of("the path holds an invalid percent escape or percent-encoded bytes that are not UTF-8");
    }
    String s = decoded.get();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '/' || c == '\\') {
        return Optional.of("the path holds an encoded slash or backslash");
      }
      if (c < 0x20 || c == 0x7f) {
        return Optional.of("the path holds an encoded control character");
      }
    }
    int param = s.indexOf(';');
    String name = param < 0 ? s : s.substring(0, param);
    if (name.equals(".") || name.equals("..")) {
      return Optional.of("the path holds a dot segment");
    }
    return Optional.empty();
  }

  /** The segment with its percent escapes decoded as UTF-8; empty when an escape or the bytes are invalid. */
  private static Optional<String> decode(String raw) {
    if (raw.indexOf('%') < 0) {
      return Optional.of(raw);
    }
    ByteBuffer bytes = ByteBuffer.allocate(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c != '%') {
        bytes.put((byte) c);
        continue;
      }
      if (i + 2 >= raw.length()) {
        return Optional.empty();
      }
      int hi = Character.digit(raw.charAt(i + 1), 16);
      int lo = Character.digit(raw.charAt(i + 2), 16);
      if (hi < 0 || lo < 0) {
        return Optional.empty();
      }
      bytes.put((byte) (hi << 4 | lo));
      i += 2;
    }
    bytes.flip();
    try {
      return Optional.of(StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(bytes).toString());
    } catch (CharacterCodingException e) {
      return Optional.empty();
    }
  }

  /** The path of an origin-form or absolute-form target, without its query; {@code *} and others as they are. */
  static String pathOf(String target) {
    String t = target;
    int scheme = t.indexOf("://");
    if (!t.startsWith("/") && scheme > 0) {
      int slash = t.indexOf('/', scheme + 3);
      t = slash < 0 ? "/" : t.substring(slash);
    }
    int q = t.indexOf('?');
    return q < 0 ? t : t.substring(0, q);
  }
}
