package io.tollgate.edge;

import io.netty.buffer.ByteBuf;

/**
 * Checks a chunked request body against RFC 9112 §7.1, byte by byte, ahead of Netty's decoder, which is lenient
 * where a proxy must not be: it reads a chunk size that overflows, skips whatever follows a chunk's data up to the
 * next line feed (so data longer than its declared size goes through), takes a bare line feed for CRLF and accepts
 * any bytes in extensions and trailers. Here a chunk line is {@code 1*16HEXDIG [BWS ";" ext] CRLF} with visible
 * ASCII in the extension, the data is followed by exactly CRLF, and trailer lines are {@code token ":" value CRLF}
 * without folding or control characters. Not thread-safe: one per body, on the connection's event loop.
 */
final class ChunkedBodyScanner {
  /** What a scan found. */
  enum Outcome { MORE, DONE, ERROR }

  private enum State {
    SIZE, EXT, SIZE_LF, DATA, DATA_CR, DATA_LF, TRAILER_START, TRAILER_NAME, TRAILER_VALUE, TRAILER_LF, END_LF, DONE
  }

  private static final int MAX_SIZE_DIGITS = 16;
  private static final int MAX_EXTENSION = 4096;

  private final int maxTrailerBytes;
  private State state = State.SIZE;
  private int digits;
  private long size;
  private boolean extensionStarted;
  private int extensionLength;
  private long remaining;
  private int trailerBytes;
  private int stoppedAt;

  ChunkedBodyScanner(int maxTrailerBytes) {
    this.maxTrailerBytes = maxTrailerBytes;
  }

  /**
   * Scans {@code in} from index {@code from} to {@code to}; afterwards {@link #stoppedAt()} is the index of the
   * offending byte (ERROR), of the first byte after the body (DONE), or {@code to} (MORE).
   */
  Outcome scan(ByteBuf in, int from, int to) {
    int i = from;
    while (i < to) {
      if (state == State.DONE) {
        break;
      }
      if (state == State.DATA) {
        int n = (int) Math.min(remaining, to - i);
        remaining -= n;
        i += n;
        if (remaining == 0) {
          state = State.DATA_CR;
        }
        continue;
      }
      if (!step(in.getByte(i) & 0xff)) {
        stoppedAt = i;
        return Outcome.ERROR;
      }
      i++;
    }
    stoppedAt = i;
    return state == State.DONE ? Outcome.DONE : Outcome.MORE;
  }

  int stoppedAt() {
    return stoppedAt;
  }

  /** One byte outside chunk data; false when it breaks the framing. */
  private boolean step(int b) {
    return switch (state) {
      case SIZE -> size(b);
      case EXT -> extension(b);
      case SIZE_LF -> b == '\n' && endOfSizeLine();
      case DATA_CR -> expect(b == '\r', State.DATA_LF);
      case DATA_LF -> expect(b == '\n', State.SIZE) && resetSize();
      case TRAILER_START -> trailerStart(b);
      case TRAILER_NAME -> trailerByte() && (b == ':' ? expect(true, State.TRAILER_VALUE) : FieldSyntax.isTokenChar(b));
      case TRAILER_VALUE -> trailerByte() && (b == '\r' ? expect(true, State.TRAILER_LF) : FieldSyntax.isFieldValueChar(b));
      case TRAILER_LF -> trailerByte() && expect(b == '\n', State.TRAILER_START);
      case END_LF -> expect(b == '\n', State.DONE);
      case DATA, DONE -> false;
    };
  }

  private boolean size(int b) {
    int d = Character.digit(b, 16);
    if (d >= 0 && b < 0x80) {
      if (++digits > MAX_SIZE_DIGITS || size > (Long.MAX_VALUE >> 4)) {
        return false; // a size beyond 63 bits: refused rather than wrapped
      }
      size = size << 4 | d;
      return true;
    }
    if (digits == 0) {
      return false;
    }
    if (b == '\r') {
      state = State.SIZE_LF;
      return true;
    }
    if (b == ' ' || b == '\t' || b == ';') {
      state = State.EXT;
      return extension(b);
    }
    return false;
  }

  /** {@code BWS ";" ...}: whitespace may only come before the first semicolon or inside the extension. */
  private boolean extension(int b) {
    if (++extensionLength > MAX_EXTENSION) {
      return false;
    }
    if (b == '\r') {
      if (!extensionStarted) {
        return false; // whitespace after the size with no extension behind it
      }
      state = State.SIZE_LF;
      return true;
    }
    if (b == ';') {
      extensionStarted = true;
      return true;
    }
    if (b == ' ' || b == '\t') {
      return true;
    }
    return extensionStarted && b > 0x20 && b < 0x7f;
  }

  private boolean endOfSizeLine() {
    if (size == 0) {
      state = State.TRAILER_START;
    } else {
      remaining = size;
      state = State.DATA;
    }
    return true;
  }

  private boolean resetSize() {
    digits = 0;
    size = 0;
    extensionStarted = false;
    extensionLength = 0;
    return true;
  }

  private boolean trailerStart(int b) {
    if (b == '\r') {
      state = State.END_LF;
      return true;
    }
    if (!FieldSyntax.isTokenChar(b)) {
      return false; // obsolete folding, a space before a name, a bare line feed, a control character
    }
    state = State.TRAILER_NAME;
    return trailerByte();
  }

  private boolean trailerByte() {
    return ++trailerBytes <= maxTrailerBytes;
  }

  private boolean expect(boolean ok, State next) {
    if (ok) {
      state = next;
    }
    return ok;
  }
}
