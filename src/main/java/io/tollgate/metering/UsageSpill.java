package io.tollgate.metering;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tollgate.files.PrivateFiles;
import io.tollgate.limits.Units;
import io.tollgate.metering.UsageBatch.RefusalRow;
import io.tollgate.metering.UsageBatch.UsageRow;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Usage batches the store did not take, kept on local disk until it does: {@code <data_dir>/spill/usage-spill.log}
 * ({@code 0600}, its directory {@code 0700}), so that a crash while the store is down loses no more than it does
 * while the store is up.
 *
 * <p><b>Format.</b> One line per batch: the CRC32C of the JSON text as 8 lowercase hex digits, a space, then one JSON
 * object (batch id, node, events, usage, taken-back and refusal rows), then {@code \n}. Each append is followed by
 * {@code fsync}, so a batch counts as spilled only once it is on disk. A last line cut short by a crash (no
 * {@code \n}, or a checksum that does not match) is ignored and cut off when the file is opened; a damaged line
 * before a good one is skipped at replay and logged.
 *
 * <p><b>Replay.</b> {@link #replay} hands the batches to the store in the order they were written, each with its own
 * id. Once the store has taken a batch, the first character of its line becomes {@code -} (one byte written in
 * place, synced once per pass), so a replay cut short by a crash goes on after the batches already taken; a batch
 * taken whose mark was lost (a crash between the commit and the mark, or a power loss before the sync) is offered
 * again and the store's applied-batch ids recognise it. Once every batch has been applied the file is removed.
 *
 * <p><b>Bound.</b> An append that would make the file larger than {@code maxBytes} is refused ({@link #append}
 * answers {@code false}); the caller keeps the batch in memory as it did before spilling existed. {@code maxBytes} 0
 * turns spilling off.
 *
 * <p><b>One file per process.</b> Processes that share a data directory never write one file: each holds an
 * exclusive lock ({@code usage-spill.lock}, then {@code usage-spill-1.lock}, {@code -2}, … for the next process)
 * for as long as it runs, and spills to the file of the slot it holds ({@code usage-spill.log},
 * {@code usage-spill-1.log}, …). The operating system releases the lock when the process ends, {@code kill -9}
 * included, so the next process to take the slot replays what its last holder left.
 *
 * <p>Thread-safe: one thread appends (the usage flusher) while another replays (the spill replayer).
 */
public final class UsageSpill implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(UsageSpill.class);
  /** The file's name in its directory (of the first process on it; the next ones' are numbered). */
  public static final String FILE_NAME = "usage-spill.log";
  /** More processes than this on one data directory is a mistake, not a cluster. */
  private static final int MAX_SLOTS = 64;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int CHECKSUM_CHARS = 8;
  private static final int FORMAT = 1;
  /** Written over the first checksum character of a record once the store has taken its batch. */
  private static final byte APPLIED = '-';

  private final Optional<Path> file;
  private final long maxBytes;
  /** The slot's lock, held while this spill is open; empty for {@link #none()}. */
  private final Optional<FileChannel> slot;
  private FileChannel channel;
  /** Offset just past the last good record: the file's length while it is open. */
  private long end;
  /** Offset of the first record not applied yet. */
  private long replayFrom;
  private volatile long batches;
  private volatile long bytes;
  private volatile boolean full;

  /**
   * What waits in the spill file.
   *
   * @param batches batches written and not applied to the store yet
   * @param bytes their size on disk
   * @param full whether the last batch that should have been spilled did not fit in {@code maxBytes} (or could not
   *     be written): usage then waits in memory, as it would without a spill file
   */
  public record Status(long batches, long bytes, boolean full) {}

  private UsageSpill(Optional<Path> file, long maxBytes, Optional<FileChannel> slot) {
    this.file = file;
    this.maxBytes = maxBytes;
    this.slot = slot;
  }

  /** A spill that takes nothing: every append is refused, there is never anything to replay. */
  public static UsageSpill none() {
    return new UsageSpill(Optional.empty(), 0, Optional.empty());
  }

  /**
   * Takes the first slot of {@code dir} no other process holds, then opens its spill file ({@code
   * dir/usage-spill.log} for the first slot) when it exists (it is created at the first append), counts the
   * batches it holds and cuts off a torn last record.
   *
   * @param maxBytes the most the file may hold; 0 turns spilling off (a file left by an earlier start is still
   *     replayed)
   * @throws UncheckedIOException when no slot can be taken, or an existing file cannot be read or cut
   */
  public static UsageSpill open(Path dir, long maxBytes) {
    if (maxBytes < 0) {
      throw new IllegalArgumentException("spill size bound must not be negative, not " + maxBytes);
    }
    for (int n = 0; n < MAX_SLOTS; n++) {
      Optional<FileChannel> lock = lockSlot(dir.resolve(n == 0 ? "usage-spill.lock" : "usage-spill-" + n + ".lock"));
      if (lock.isEmpty()) {
        continue; // another process spills there
      }
      Path f = dir.resolve(n == 0 ? FILE_NAME : "usage-spill-" + n + ".log");
      UsageSpill spill = new UsageSpill(Optional.of(f), maxBytes, lock);
      try {
        spill.scan();
      } catch (IOException e) {
        spill.close();
        throw new UncheckedIOException("cannot read the usage spill file " + f, e);
      }
      return spill;
    }
    throw new UncheckedIOException(new IOException("every one of the " + MAX_SLOTS + " usage spill slots of " + dir
        + " is held by another process: give each node its own data_dir"));
  }

  /** The exclusive lock on {@code lockFile}; empty when another process (or another spill here) holds it. */
  private static Optional<FileChannel> lockSlot(Path lockFile) {
    try {
      PrivateFiles.file(lockFile);
      FileChannel c = FileChannel.open(lockFile, StandardOpenOption.READ, StandardOpenOption.WRITE);
      FileLock held;
      try {
        held = c.tryLock();
      } catch (OverlappingFileLockException e) {
        held = null;
      }
      if (held == null) {
        c.close();
        return Optional.empty();
      }
      return Optional.of(c);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot lock the usage spill slot " + lockFile, e);
    }
  }

  public Status status() {
    return new Status(batches, bytes, full);
  }

  /** Whether no batch waits in the file. */
  boolean isEmpty() {
    return batches == 0;
  }

  /**
   * Writes {@code batch} at the end of the file and syncs it to disk.
   *
   * @param events the usage events and refusals the batch holds, for the metrics at replay
   * @return {@code true} once the batch is on disk; {@code false} when it would not fit in the bound or the write
   *     failed (logged; the file is left as it was)
   */
  synchronized boolean append(UsageBatch batch, long events) {
    if (file.isEmpty()) {
      return false;
    }
    byte[] record = encode(batch, events);
    if (end + record.length > maxBytes) {
      if (!full) {
        LOG.error("usage spill file {} is full ({} bytes, metering.spill_max_bytes {}): batch {} and what follows "
            + "wait in memory until the store is back, and a crash before then loses them", file.get(), end,
            maxBytes, batch.id());
      }
      full = true;
      return false;
    }
    try {
      FileChannel c = channel();
      if (c.size() != end) {
        c.truncate(end); // what a failed append left behind
      }
      ByteBuffer buffer = ByteBuffer.wrap(record);
      while (buffer.hasRemaining()) {
        c.write(buffer, end + buffer.position());
      }
      c.force(true);
    } catch (IOException e) {
      if (!full) {
        LOG.error("usage batch {} not written to the spill file {}: {}; it waits in memory", batch.id(), file.get(),
            e.toString());
      }
      full = true;
      return false;
    }
    end += record.length;
    full = false;
    batches++;
    bytes = end - replayFrom;
    return true;
  }

  /** The batches that did not fit have reached the store directly: the spill is no longer full. */
  void drainedFromMemory() {
    full = false;
  }

  /** Takes one spilled batch: applies it to the store, or throws (the batch and every later one stay spilled). */
  @FunctionalInterface
  interface Replayer {
    void apply(UsageBatch batch, long events);
  }

  /**
   * Hands every batch not applied yet to {@code replayer}, in the order written, also those appended meanwhile (by
   * another thread); once all are taken, removes the file. When the replayer throws, the batch it was given and
   * every later one stay for the next call. The replayer runs without the spill's lock, so appends go on while it
   * waits on the store.
   *
   * @throws RuntimeException what the replayer threw, or an {@link UncheckedIOException} when the file cannot be
   *     read or removed
   */
  void replay(Replayer replayer) {
    while (true) {
      long from;
      long to;
      synchronized (this) {
        if (replayFrom == end) {
          if (end > 0) {
            remove();
          }
          return;
        }
        from = replayFrom;
        to = end;
      }
      replayRange(replayer, from, to);
    }
  }

  /** Replays the records in {@code [from, to)}: synced to disk, so they can be read while appends go on after them. */
  private void replayRange(Replayer replayer, long from, long to) {
    try (InputStream in = Files.newInputStream(file.orElseThrow())) {
      in.skipNBytes(from);
      LineReader lines = new LineReader(in);
      long at = from;
      while (at < to) {
        long offset = at;
        byte[] line = lines.next().orElseThrow(() -> new IOException("spill file shorter than " + to + " bytes"));
        at += line.length + 1;
        Optional<Decoded> decoded = isApplied(line) ? Optional.empty() : decode(line);
        if (decoded.isPresent()) {
          replayer.apply(decoded.get().batch(), decoded.get().events());
        } else if (!isApplied(line)) {
          LOG.error("damaged record at byte {} of the usage spill file {} skipped: its usage is lost", offset,
              file.get());
        }
        synchronized (this) {
          replayFrom = at;
          if (decoded.isPresent()) {
            batches--;
            markApplied(offset);
          }
          bytes = end - replayFrom;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the usage spill file " + file.get(), e);
    } finally {
      syncMarks();
    }
  }

  /**
   * Marks the record at {@code offset} as taken by the store (one byte, so never torn), so that a replay cut short
   * by a crash does not send it again at the next start; the marks are synced once per pass ({@link #syncMarks}).
   * A mark that did not reach the disk costs nothing but a second offer, which the store's applied-batch ids
   * recognise. Under the lock.
   */
  private void markApplied(long offset) throws IOException {
    channel().write(ByteBuffer.wrap(new byte[] {APPLIED}), offset);
  }

  private synchronized void syncMarks() {
    if (channel == null) {
      return;
    }
    try {
      channel.force(false);
    } catch (IOException e) {
      LOG.warn("replay marks of the usage spill file {} not synced: {}", file.orElseThrow(), e.toString());
    }
  }

  private static boolean isApplied(byte[] line) {
    return line.length > 0 && line[0] == APPLIED;
  }

  /** Under the lock. */
  private void remove() {
    try {
      closeChannel();
      Files.deleteIfExists(file.get());
      syncDirectory();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove the replayed usage spill file " + file.get(), e);
    }
    end = 0;
    replayFrom = 0;
    batches = 0;
    bytes = 0;
    LOG.info("every spilled usage batch applied; {} removed", file.get());
  }

  @Override
  public synchronized void close() {
    try {
      closeChannel();
    } catch (IOException e) {
      LOG.warn("usage spill file {} not closed cleanly: {}", file.orElseThrow(), e.toString());
    }
    try {
      if (slot.isPresent()) {
        slot.get().close(); // releases the slot's lock
      }
    } catch (IOException e) {
      LOG.warn("usage spill slot of {} not released cleanly: {}", file.orElseThrow(), e.toString());
    }
  }

  private void closeChannel() throws IOException {
    if (channel != null) {
      FileChannel c = channel;
      channel = null;
      c.close();
    }
  }

  private FileChannel channel() throws IOException {
    if (channel == null) {
      Path f = file.orElseThrow();
      boolean created = !Files.exists(f);
      PrivateFiles.file(f);
      channel = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE);
      if (created) {
        syncDirectory();
      }
    }
    return channel;
  }

  /** Makes the file's creation or removal durable. */
  private void syncDirectory() throws IOException {
    Path dir = file.orElseThrow().toAbsolutePath().getParent();
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (NoSuchFileException e) {
      // nothing to make durable
    }
  }

  /** Counts the good records of an existing file and cuts off a torn tail. */
  private void scan() throws IOException {
    Path f = file.orElseThrow();
    if (!Files.isRegularFile(f)) {
      return;
    }
    PrivateFiles.tighten(f);
    long offset = 0;
    long good = 0;
    long goodEnd = 0;
    long damaged = 0;
    long damagedSince = 0;
    long firstPending = -1;
    try (InputStream in = Files.newInputStream(f)) {
      LineReader lines = new LineReader(in);
      for (Optional<byte[]> line = lines.next(); line.isPresent(); line = lines.next()) {
        if (firstPending < 0 && !isApplied(line.get())) {
          firstPending = offset;
        }
        offset += line.get().length + 1;
        if (isApplied(line.get())) {
          goodEnd = offset;
          damaged = damagedSince;
        } else if (decode(line.get()).isPresent()) {
          good++;
          goodEnd = offset;
          damaged = damagedSince;
        } else {
          damagedSince++;
        }
      }
      offset += lines.rest();
    }
    if (offset > goodEnd) {
      LOG.warn("usage spill file {}: {} bytes after the last complete record cut off (a write a crash cut short)",
          f, offset - goodEnd);
      try (FileChannel c = FileChannel.open(f, StandardOpenOption.WRITE)) {
        c.truncate(goodEnd);
        c.force(true);
      }
    }
    if (damaged > 0) {
      LOG.error("usage spill file {}: {} damaged records before the last good one; their usage is lost", f, damaged);
    }
    if (good == 0) {
      Files.delete(f); // every batch in it was applied, or nothing in it can be
      syncDirectory();
      return;
    }
    end = goodEnd;
    replayFrom = firstPending;
    batches = good;
    bytes = end - replayFrom;
    LOG.info("usage spill file {} holds {} batches ({} bytes) not applied yet; replaying them", f, good, bytes);
  }

  /** A spilled batch read back. */
  private record Decoded(UsageBatch batch, long events) {}

  static byte[] encode(UsageBatch batch, long events) {
    ObjectNode o = JSON.createObjectNode().put("v", FORMAT).put("id", batch.id()).put("node", batch.node())
        .put("events", events);
    usageRows(o.putArray("usage"), batch.usage());
    usageRows(o.putArray("taken_back"), batch.takenBack());
    ArrayNode refusals = o.putArray("refusals");
    for (RefusalRow r : batch.refusals()) {
      refusals.addArray().add(r.customerId()).add(r.keyId()).add(r.code()).add(r.day().toString()).add(r.count());
    }
    byte[] json;
    try {
      json = JSON.writeValueAsBytes(o);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    byte[] checksum = (checksum(json) + " ").getBytes(StandardCharsets.US_ASCII);
    byte[] record = new byte[checksum.length + json.length + 1];
    System.arraycopy(checksum, 0, record, 0, checksum.length);
    System.arraycopy(json, 0, record, checksum.length, json.length);
    record[record.length - 1] = '\n';
    return record;
  }

  private static void usageRows(ArrayNode into, List<UsageRow> rows) {
    for (UsageRow r : rows) {
      into.addArray().add(r.customerId()).add(r.keyId()).add(r.operation()).add(r.day().toString())
          .add(r.units().milli()).add(r.requests());
    }
  }

  /** The batch of one line (without its {@code \n}); empty when the checksum or the JSON is wrong. */
  private static Optional<Decoded> decode(byte[] line) {
    if (line.length <= CHECKSUM_CHARS + 1 || line[CHECKSUM_CHARS] != ' ') {
      return Optional.empty();
    }
    String expected = new String(line, 0, CHECKSUM_CHARS, StandardCharsets.US_ASCII);
    byte[] json = Arrays.copyOfRange(line, CHECKSUM_CHARS + 1, line.length);
    if (!expected.equals(checksum(json))) {
      return Optional.empty();
    }
    try {
      JsonNode o = JSON.readTree(json);
      if (o.path("v").asInt() != FORMAT) {
        return Optional.empty();
      }
      List<RefusalRow> refusals = new ArrayList<>();
      for (JsonNode r : o.path("refusals")) {
        refusals.add(new RefusalRow(r.get(0).asText(), r.get(1).asText(), r.get(2).asText(),
            LocalDate.parse(r.get(3).asText()), r.get(4).asLong()));
      }
      UsageBatch batch = new UsageBatch(o.get("id").asText(), usageRows(o.path("usage")),
          usageRows(o.path("taken_back")), refusals);
      return Optional.of(new Decoded(batch, o.path("events").asLong()));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static List<UsageRow> usageRows(JsonNode rows) {
    List<UsageRow> out = new ArrayList<>();
    for (JsonNode r : rows) {
      out.add(new UsageRow(r.get(0).asText(), r.get(1).asText(), r.get(2).asText(),
          LocalDate.parse(r.get(3).asText()), new Units(r.get(4).asLong()), r.get(5).asLong()));
    }
    return out;
  }

  private static String checksum(byte[] bytes) {
    CRC32C crc = new CRC32C();
    crc.update(bytes);
    return HexFormat.of().toHexDigits((int) crc.getValue());
  }

  /** Reads {@code \n}-terminated lines of bytes. */
  private static final class LineReader {
    private final InputStream in;
    private final byte[] buffer = new byte[1 << 16];
    private int position;
    private int limit;
    private long rest;

    LineReader(InputStream in) {
      this.in = in;
    }

    /** The next complete line without its {@code \n}; empty at the end (a last line without one is not returned). */
    Optional<byte[]> next() throws IOException {
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      while (true) {
        if (position == limit) {
          limit = in.read(buffer);
          position = 0;
          if (limit <= 0) {
            limit = 0;
            rest = line.size();
            return Optional.empty();
          }
        }
        int start = position;
        while (position < limit && buffer[position] != '\n') {
          position++;
        }
        line.write(buffer, start, position - start);
        if (position < limit) {
          position++; // the \n
          return Optional.of(line.toByteArray());
        }
      }
    }

    /** Bytes of a last line without {@code \n}, once {@link #next} has answered empty. */
    long rest() {
      return rest;
    }
  }
}
