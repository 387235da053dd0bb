package io.tollgate.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The request-head checks rewritten by hand for the hot path answer exactly what their plain models answer: the
 * Host check against the regular expression it replaced ({@code uri-host [":" port]}), and the obsolete line folding
 * scan (which skips to each line's end) against a byte-by-byte scan, for any input and any state left by earlier
 * reads.
 */
final class RequestHeadScanFuzzTest {
  private static final Pattern HOST = Pattern.compile("(\\[[0-9A-Fa-f:.]+]|[A-Za-z0-9._~!$&'()*+;=%-]*)(:[0-9]*)?");

  @Property(tries = 3000)
  void hostCheck_agreesWithTheGrammar(@ForAll("hosts") String host) {
    assertThat(RequestHead.isHost(host)).as(host).isEqualTo(HOST.matcher(host).matches());
  }

  @Example
  void hostCheck_examples() {
    for (String ok : new String[] {"gate", "gate:8080", "", ":80", "[::1]", "[::1]:443", "a.b-c_~!$&'()*+;=%", "x:"}) {
      assertThat(RequestHead.isHost(ok)).as(ok).isTrue();
    }
    for (String bad : new String[] {"gate, other", "gate other", "gate/x", "[]", "[::1", "[::1]x", "a:b", "[g]", "a@b"}) {
      assertThat(RequestHead.isHost(bad)).as(bad).isFalse();
    }
  }

  @Property(tries = 3000)
  void foldScan_agreesWithAByteByByteScan(@ForAll("heads") String head, @ForAll boolean atLineStart,
      @ForAll boolean started) {
    ByteBuf in = Unpooled.directBuffer().writeBytes(head.getBytes(StandardCharsets.ISO_8859_1));
    try {
      in.readerIndex(Math.min(in.writerIndex(), head.length() / 7));
      assertThat(StrictRequestDecoder.hasFoldedHeaderLine(in, atLineStart, started))
          .isEqualTo(modelFolded(in, atLineStart, started));
    } finally {
      in.release();
    }
  }

  @Provide
  Arbitrary<String> hosts() {
    return Arbitraries.strings().withChars("ab09Ff:.[]_-~!,/ @%gxZ").ofMaxLength(14);
  }

  @Provide
  Arbitrary<String> heads() {
    return Arbitraries.strings().withChars("GET / \t\r\nHost:a x").ofMaxLength(80);
  }

  private static boolean modelFolded(ByteBuf in, boolean atLineStart, boolean started) {
    boolean lineStart = atLineStart;
    boolean text = started;
    for (int i = in.readerIndex(); i < in.writerIndex(); i++) {
      byte b = in.getByte(i);
      if (lineStart && text) {
        if (b == ' ' || b == '\t') {
          return true;
        }
        if (b == '\r' || b == '\n') {
          return false;
        }
      }
      text |= b > ' ';
      lineStart = b == '\n';
    }
    return false;
  }
}
