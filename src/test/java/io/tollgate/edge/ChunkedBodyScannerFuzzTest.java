package io.tollgate.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Fuzzes the chunked-body scanner against an independent model of the grammar it enforces (RFC 9112 §7.1 with the
 * scanner's documented rule for extensions: {@code *WSP ";" *(VCHAR / WSP)}): for valid bodies cut at any points,
 * and for those bodies with random edits (bytes replaced, inserted or removed, chosen among the ones that break
 * parsers), the scanner must answer exactly what the model answers, including where a complete body ends.
 */
final class ChunkedBodyScannerFuzzTest {
  private static final int MAX_TRAILER_BYTES = 1 << 20;
  private static final byte[] INTERESTING = "\r\n;: \t0fFgG=\"\u0000\u007f\u0080\u00ff-+xX9".getBytes(
      StandardCharsets.ISO_8859_1);

  /** What the model says of a body: complete (and where it ends), needing more bytes, or invalid. */
  private record Verdict(Kind kind, int end) {
    enum Kind { DONE, MORE, ERROR }

    static final Verdict MORE = new Verdict(Kind.MORE, -1);
    static final Verdict ERROR = new Verdict(Kind.ERROR, -1);
  }

  @Property(tries = 1500)
  void validBodies_cutAnywhere_areCompleteExactlyAtTheirEnd(@ForAll("validBodies") byte[] body,
      @ForAll("cuts") List<Integer> cuts) {
    byte[] withNext = concat(body, "GET / HTTP/1.1\r\n".getBytes(StandardCharsets.ISO_8859_1));
    assertThat(model(withNext)).isEqualTo(new Verdict(Verdict.Kind.DONE, body.length));
    assertThat(scanInPieces(withNext, cuts)).isEqualTo(new Verdict(Verdict.Kind.DONE, body.length));
  }

  @Property(tries = 4000)
  void editedBodies_areJudgedAsTheModelJudgesThem(@ForAll("editedBodies") byte[] body,
      @ForAll("cuts") List<Integer> cuts) {
    assertThat(scanInPieces(body, cuts)).as(FuzzBytes.printable(body)).isEqualTo(model(body));
  }

  @Provide
  Arbitrary<byte[]> validBodies() {
    Arbitrary<String> ext = Arbitraries.of("", ";a", ";a=b", " ;name=\"quoted value\"", ";a;b=c", "\t; x = y ");
    Arbitrary<String> chunk = Combinators.combine(
        Arbitraries.strings().withCharRange((char) 0, (char) 255).ofMinLength(1).ofMaxLength(40), ext,
        Arbitraries.of(true, false)).as((data, e, upper) -> {
          String size = Integer.toHexString(data.length());
          return (upper ? size.toUpperCase() : size) + e + "\r\n" + data + "\r\n";
        });
    Arbitrary<String> trailer = Arbitraries.of("", "X-Trailer: v\r\n", "A: \r\nB:c d\r\n", "Digest:sha-256=abc\r\n");
    Arbitrary<String> last = Arbitraries.of("0", "000", "0;end");
    return Combinators.combine(chunk.list().ofMaxSize(6), last, trailer).as((chunks, l, t) ->
        (String.join("", chunks) + l + "\r\n" + t + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
  }

  @Provide
  Arbitrary<byte[]> editedBodies() {
    Arbitrary<Edit> edit = Combinators.combine(Arbitraries.integers().between(0, 2),
        Arbitraries.integers().between(0, 1 << 16), Arbitraries.of(FuzzBytes.asList(INTERESTING))).as(Edit::new);
    return Combinators.combine(validBodies(), edit.list().ofMinSize(1).ofMaxSize(3)).as((body, edits) -> {
      byte[] b = body;
      for (Edit e : edits) {
        b = e.apply(b);
      }
      return b;
    });
  }

  @Provide
  Arbitrary<List<Integer>> cuts() {
    return Arbitraries.integers().between(1, 64).list().ofMaxSize(8);
  }

  private record Edit(int kind, int at, byte value) {
    byte[] apply(byte[] b) {
      int i = b.length == 0 ? 0 : at % b.length;
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.write(b, 0, i);
      switch (kind) {
        case 0 -> { out.write(value); out.write(b, Math.min(b.length, i + 1), Math.max(0, b.length - i - 1)); }
        case 1 -> { out.write(value); out.write(b, i, b.length - i); }
        default -> out.write(b, Math.min(b.length, i + 1), Math.max(0, b.length - i - 1));
      }
      return out.toByteArray();
    }
  }

  /** Feeds the scanner {@code body} in pieces of the given sizes (the rest in one), as reads off a socket come. */
  private static Verdict scanInPieces(byte[] body, List<Integer> cuts) {
    ChunkedBodyScanner scanner = new ChunkedBodyScanner(MAX_TRAILER_BYTES);
    ByteBuf buf = Unpooled.wrappedBuffer(body);
    int from = 0;
    for (int k = 0; from < body.length; k++) {
      int to = k < cuts.size() ? Math.min(body.length, from + cuts.get(k)) : body.length;
      ChunkedBodyScanner.Outcome o = scanner.scan(buf, from, to);
      switch (o) {
        case ERROR -> { return Verdict.ERROR; }
        case DONE -> { return new Verdict(Verdict.Kind.DONE, scanner.stoppedAt()); }
        case MORE -> from = to;
      }
    }
    return Verdict.MORE;
  }

  /** The grammar, written out on its own. */
  static Verdict model(byte[] b) {
    int i = 0;
    while (true) {
      long size = 0;
      int digits = 0;
      while (i < b.length && Character.digit(b[i] & 0xff, 16) >= 0 && (b[i] & 0xff) < 0x80) {
        if (++digits > 16 || size > (Long.MAX_VALUE - 15) / 16) {
          return Verdict.ERROR;
        }
        size = size * 16 + Character.digit(b[i] & 0xff, 16);
        i++;
      }
      if (i == b.length) {
        return Verdict.MORE;
      }
      if (digits == 0) {
        return Verdict.ERROR;
      }
      while (i < b.length && (b[i] == ' ' || b[i] == '\t')) {
        i++;
      }
      if (i < b.length && b[i] == ';') {
        while (i < b.length && (b[i] == ';' || b[i] == ' ' || b[i] == '\t' || (b[i] > 0x20 && b[i] < 0x7f))) {
          i++;
        }
      } else if (i < b.length && b[i] == '\r' && (b[i - 1] == ' ' || b[i - 1] == '\t')) {
        return Verdict.ERROR; // whitespace after the size and no extension
      }
      Verdict crlf = crlf(b, i);
      if (crlf != null) {
        return crlf;
      }
      i += 2;
      if (size == 0) {
        return trailers(b, i);
      }
      if (b.length - i < size) {
        return Verdict.MORE;
      }
      i += (int) size;
      crlf = crlf(b, i);
      if (crlf != null) {
        return crlf;
      }
      i += 2;
    }
  }

  private static Verdict trailers(byte[] b, int i) {
    while (true) {
      if (i == b.length) {
        return Verdict.MORE;
      }
      if (b[i] == '\r') {
        Verdict end = crlf(b, i);
        return end != null ? end : new Verdict(Verdict.Kind.DONE, i + 2);
      }
      int nameStart = i;
      while (i < b.length && FieldSyntax.isTokenChar(b[i] & 0xff)) {
        i++;
      }
      if (i == b.length) {
        return Verdict.MORE;
      }
      if (i == nameStart || b[i] != ':') {
        return Verdict.ERROR;
      }
      i++;
      while (i < b.length && b[i] != '\r' && FieldSyntax.isFieldValueChar(b[i] & 0xff)) {
        i++;
      }
      Verdict crlf = crlf(b, i);
      if (crlf != null) {
        return crlf;
      }
      i += 2;
    }
  }

  /** Null when a CRLF is at {@code i}; otherwise what its absence means. */
  private static Verdict crlf(byte[] b, int i) {
    if (i == b.length) {
      return Verdict.MORE;
    }
    if (b[i] != '\r') {
      return Verdict.ERROR;
    }
    if (i + 1 == b.length) {
      return Verdict.MORE;
    }
    return b[i + 1] == '\n' ? null : Verdict.ERROR;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
