package io.tollgate.bench;

import io.tollgate.keys.ApiKeyFormat;
import io.tollgate.keys.KeyEnvironment;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.regex.Pattern;

/**
 * The measuring half of {@code bench/unauthorized-uniformity.sh}, run with {@code java -cp
 * target/tollgate.jar:target/test-classes}; {@code UnauthorizedUniformityTest} runs it briefly against a real
 * server. Not a test itself.
 *
 * <p>Sends every class of refused key (malformed, unknown, revoked, ...) the same number of times, interleaved in a
 * shuffled order, on one kept-alive connection, and times each try client-side from the write to the answer's last
 * byte. A warm-up of the same shape runs first, untimed. Every answer (status line, headers and body, apart from
 * the request id and the date) must be the same as the first one, in every class. Reports each class's median and
 * p90 and the largest gap between class medians.
 *
 * <ul>
 *   <li>{@code new-key PREFIX}: prints a fresh well-formed customer key with a valid checksum that no server
 *       issued (the "unknown" class).
 *   <li>{@code measure PORT PATH TRIES WARMUP MAX_GAP_US NAME=KEY...}: measures against the gate on
 *       {@code 127.0.0.1:PORT}; exits 1 when the gap is at least {@code MAX_GAP_US} or an answer differs.
 * </ul>
 */
public final class UnauthorizedUniformity {
  private static final Pattern REQUEST_ID = Pattern.compile("\"request_id\":\"[^\"]*\"");
  private static final long SEED = 20261206L;

  /** The figures of one class, in microseconds. */
  record ClassFigures(String name, int tries, double medianUs, double p90Us) {}

  /** The first answer of a class that differs from the reference (the first answer of all). */
  record Difference(String className, String reference, String answer) {}

  /**
   * The outcome of one measurement.
   *
   * @param classes one entry per class, in the order given
   * @param gapUs the largest median minus the smallest median
   * @param differences one entry per class whose answers were not all the reference
   * @param reconnects how often the server closed the kept-alive connection
   */
  record Result(List<ClassFigures> classes, double gapUs, List<Difference> differences, int reconnects) {
    ClassFigures slowest() {
      return classes.stream().max((a, b) -> Double.compare(a.medianUs, b.medianUs)).orElseThrow();
    }

    ClassFigures fastest() {
      return classes.stream().min((a, b) -> Double.compare(a.medianUs, b.medianUs)).orElseThrow();
    }
  }

  private UnauthorizedUniformity() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 2 && args[0].equals("new-key")) {
      System.out.println(new ApiKeyFormat(args[1]).newKey(KeyEnvironment.LIVE));
    } else if (args.length >= 7 && args[0].equals("measure")) {
      Map<String, String> keys = new LinkedHashMap<>();
      for (String pair : Arrays.asList(args).subList(6, args.length)) {
        int eq = pair.indexOf('=');
        keys.put(pair.substring(0, eq), pair.substring(eq + 1));
      }
      double maxGapUs = Double.parseDouble(args[5]);
      Result r = measure(Integer.parseInt(args[1]), args[2], keys, Integer.parseInt(args[3]),
          Integer.parseInt(args[4]));
      print(r, maxGapUs);
      System.exit(r.differences().isEmpty() && r.gapUs() < maxGapUs ? 0 : 1);
    } else {
      System.err.println("usage: UnauthorizedUniformity new-key PREFIX"
          + " | measure PORT PATH TRIES WARMUP MAX_GAP_US NAME=KEY...");
      System.exit(2);
    }
  }

  /** Warm-up, then {@code tries} timed tries of every class, interleaved in a shuffled (seeded) order. */
  static Result measure(int port, String path, Map<String, String> keyByClass, int tries, int warmup)
      throws IOException {
    List<String> names = new ArrayList<>(keyByClass.keySet());
    byte[][] requests = new byte[names.size()][];
    for (int c = 0; c < names.size(); c++) {
      requests[c] = KeptAliveClient.get("127.0.0.1", port, path, "Bearer " + keyByClass.get(names.get(c)));
    }
    Random random = new Random(SEED);
    Map<String, Difference> differences = new LinkedHashMap<>();
    long[][] nanos = new long[names.size()][tries];
    try (KeptAliveClient client = new KeptAliveClient("127.0.0.1", port)) {
      Optional<String> reference = Optional.empty();
      for (boolean timed : new boolean[] {false, true}) {
        int[] done = new int[names.size()];
        for (int c : shuffledOrder(names.size(), timed ? tries : warmup, random)) {
          long t = client.exchange(requests[c]);
          String answer = normalised(client.lastAnswer());
          if (reference.isEmpty()) {
            reference = Optional.of(answer);
          } else if (!answer.equals(reference.get())) {
            differences.putIfAbsent(names.get(c), new Difference(names.get(c), reference.get(), answer));
          }
          if (timed) {
            nanos[c][done[c]++] = t;
          }
        }
      }
      List<ClassFigures> figures = new ArrayList<>();
      for (int c = 0; c < names.size(); c++) {
        long[] sorted = nanos[c].clone();
        Arrays.sort(sorted);
        figures.add(new ClassFigures(names.get(c), tries, percentile(sorted, 50) / 1e3, percentile(sorted, 90) / 1e3));
      }
      double gap = figures.stream().mapToDouble(ClassFigures::medianUs).max().orElse(0)
          - figures.stream().mapToDouble(ClassFigures::medianUs).min().orElse(0);
      return new Result(figures, gap, List.copyOf(differences.values()), client.reconnects());
    }
  }

  /** Every class index {@code perClass} times, shuffled. */
  private static List<Integer> shuffledOrder(int classes, int perClass, Random random) {
    List<Integer> order = new ArrayList<>(classes * perClass);
    for (int i = 0; i < perClass; i++) {
      for (int c = 0; c < classes; c++) {
        order.add(c);
      }
    }
    Collections.shuffle(order, random);
    return order;
  }

  /** Nearest rank. */
  private static double percentile(long[] sorted, int p) {
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, rank - 1)];
  }

  /** The answer as a client could compare it: everything but the request id (header and body) and the date. */
  static String normalised(KeptAliveClient.Answer a) {
    StringBuilder s = new StringBuilder(a.statusLine()).append('\n');
    for (String line : a.headerLines()) {
      String name = line.substring(0, Math.max(0, line.indexOf(':'))).trim().toLowerCase(Locale.ROOT);
      if (!name.equals("x-request-id") && !name.equals("date")) {
        s.append(line).append('\n');
      }
    }
    return s.append('\n').append(REQUEST_ID.matcher(a.body()).replaceAll("\"request_id\":\"-\"")).toString();
  }

  static void print(Result r, double maxGapUs) {
    System.out.printf("| %-12s | %6s | %10s | %10s |%n", "class", "tries", "median µs", "p90 µs");
    System.out.println("|--------------|--------|------------|------------|");
    for (ClassFigures f : r.classes()) {
      System.out.printf(Locale.ROOT, "| %-12s | %6d | %10.1f | %10.1f |%n", f.name(), f.tries(), f.medianUs(),
          f.p90Us());
    }
    System.out.printf(Locale.ROOT, "largest gap between class medians: %.1f µs (%s - %s)   [aim < %.0f µs]%n",
        r.gapUs(), r.slowest().name(), r.fastest().name(), maxGapUs);
    System.out.printf(Locale.ROOT, "slowest / fastest class median: %.3f%n",
        r.slowest().medianUs() / r.fastest().medianUs());
    System.out.println("server closed the kept-alive connection: " + r.reconnects() + " times");
    if (r.differences().isEmpty()) {
      System.out.println("answers: identical in every class (status line, headers and body, apart from the"
          + " request id and the date)");
    }
    for (Difference d : r.differences()) {
      System.out.println("FAILED: class " + d.className() + " answered differently.\n--- reference:\n"
          + d.reference() + "\n--- " + d.className() + ":\n" + d.answer());
    }
    if (r.gapUs() >= maxGapUs) {
      System.out.printf(Locale.ROOT, "FAILED: the class medians differ by %.1f µs, at least %.0f µs%n", r.gapUs(),
          maxGapUs);
    }
  }
}
