package io.tollgate.gate;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The requests in {@code src/test/resources/fuzz/refusals.txt}, which the gate must refuse before the engine. */
final class RefusalCorpus {
  /** One case: its name and its bytes, with {@code {KEY}} and {@code {MARK}} still to fill in. */
  record Case(String name, String template) {
    byte[] bytes(String key, String mark) {
      return template.replace("{KEY}", key).replace("{MARK}", mark).getBytes(StandardCharsets.ISO_8859_1);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  private RefusalCorpus() {}

  static List<Case> cases() {
    try (InputStream in = RefusalCorpus.class.getResourceAsStream("/fuzz/refusals.txt")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
          .filter(l -> !l.isBlank() && !l.startsWith("#"))
          .map(l -> new Case(l.substring(0, l.indexOf('\t')), unescape(l.substring(l.indexOf('\t') + 1))))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code \r \n \t \\ \xNN} to the bytes they name (as ISO-8859-1 characters). */
  static String unescape(String s) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != '\\') {
        out.write(c);
        continue;
      }
      char n = s.charAt(++i);
      switch (n) {
        case 'r' -> out.write('\r');
        case 'n' -> out.write('\n');
        case 't' -> out.write('\t');
        case '\\' -> out.write('\\');
        case 'x' -> {
          out.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
          i += 2;
        }
        default -> throw new IllegalArgumentException("unknown escape \\" + n + " in " + s);
      }
    }
    return out.toString(StandardCharsets.ISO_8859_1);
  }
}
