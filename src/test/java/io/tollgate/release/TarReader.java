package io.tollgate.release;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Reads a tar stream (ustar with PAX and GNU long-name headers, as Jib and GNU tar write them) entry by entry, so
 * that a test can look at an image's layers as a container runtime sees them: names, modes, owners, contents.
 */
final class TarReader {
  private static final int BLOCK = 512;

  /** One entry; {@code name} without a leading {@code ./} or {@code /}, directories without a trailing slash. */
  record Entry(String name, char type, int mode, int uid, int gid, long size) {
    boolean isDirectory() {
      return type == '5';
    }

    boolean isFile() {
      return type == '0' || type == '\0';
    }
  }

  private TarReader() {}

  /**
   * Lists every entry of {@code in}. For each regular file, {@code sink} may return a stream that receives its
   * contents (it is closed after), or null to skip them.
   */
  static List<Entry> read(InputStream in, Function<Entry, OutputStream> sink) throws IOException {
    List<Entry> entries = new ArrayList<>();
    Map<String, String> pax = new HashMap<>();
    String longName = null;
    byte[] header = new byte[BLOCK];
    while (true) {
      if (!readBlock(in, header) || isZero(header)) {
        return entries;
      }
      char type = (char) header[156];
      long size = octal(header, 124, 12);
      if (type == 'x' || type == 'g' || type == 'L') {
        byte[] data = readData(in, size);
        if (type == 'x') {
          pax = parsePax(data);
        } else if (type == 'L') {
          longName = new String(data, StandardCharsets.UTF_8).replace("\0", "");
        }
        continue;
      }
      String name = text(header, 0, 100);
      String prefix = text(header, 345, 155);
      if (!prefix.isEmpty()) {
        name = prefix + "/" + name;
      }
      name = pax.getOrDefault("path", longName != null ? longName : name);
      Entry e = new Entry(normalize(name), type, (int) octal(header, 100, 8),
          Integer.parseInt(pax.getOrDefault("uid", Long.toString(octal(header, 108, 8)))),
          Integer.parseInt(pax.getOrDefault("gid", Long.toString(octal(header, 116, 8)))),
          Long.parseLong(pax.getOrDefault("size", Long.toString(size))));
      pax = new HashMap<>();
      longName = null;
      entries.add(e);
      OutputStream out = e.isFile() ? sink.apply(e) : null;
      copy(in, e.size(), out == null ? OutputStream.nullOutputStream() : out);
      if (out != null) {
        out.close();
      }
    }
  }

  private static String normalize(String name) {
    String n = name;
    while (n.startsWith("./") || n.startsWith("/")) {
      n = n.substring(n.indexOf('/') + 1);
    }
    return n.endsWith("/") ? n.substring(0, n.length() - 1) : n;
  }

  private static Map<String, String> parsePax(byte[] data) {
    // records are "<length in bytes> <key>=<value>\n"
    Map<String, String> out = new HashMap<>();
    int i = 0;
    while (i < data.length) {
      int space = i;
      while (data[space] != ' ') {
        space++;
      }
      int length = Integer.parseInt(new String(data, i, space - i, StandardCharsets.US_ASCII));
      String record = new String(data, space + 1, i + length - 1 - (space + 1), StandardCharsets.UTF_8);
      int eq = record.indexOf('=');
      out.put(record.substring(0, eq), record.substring(eq + 1));
      i += length;
    }
    return out;
  }

  private static void copy(InputStream in, long size, OutputStream out) throws IOException {
    byte[] buf = new byte[64 * 1024];
    long left = size;
    while (left > 0) {
      int n = in.read(buf, 0, (int) Math.min(buf.length, left));
      if (n < 0) {
        throw new EOFException("tar entry cut short");
      }
      out.write(buf, 0, n);
      left -= n;
    }
    int padding = (int) ((BLOCK - size % BLOCK) % BLOCK);
    if (in.readNBytes(buf, 0, padding) != padding) { // read, not skipped: a digest may be watching the stream
      throw new EOFException("tar padding cut short");
    }
  }

  private static byte[] readData(InputStream in, long size) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    copy(in, size, out);
    return out.toByteArray();
  }

  private static boolean readBlock(InputStream in, byte[] block) throws IOException {
    int n = in.readNBytes(block, 0, BLOCK);
    if (n == 0) {
      return false;
    }
    if (n < BLOCK) {
      throw new EOFException("tar header cut short");
    }
    return true;
  }

  private static boolean isZero(byte[] block) {
    for (byte b : block) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  private static String text(byte[] b, int offset, int length) {
    int end = offset;
    while (end < offset + length && b[end] != 0) {
      end++;
    }
    return new String(b, offset, end - offset, StandardCharsets.UTF_8);
  }

  private static long octal(byte[] b, int offset, int length) {
    String s = text(b, offset, length).trim();
    return s.isEmpty() ? 0 : Long.parseLong(s, 8);
  }
}
