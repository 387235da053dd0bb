package io.tollgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The training run of the start-up cache profiles what a gate mostly does, the proxied and metered path, and each
 * refusal as well.
 */
final class AotTrainCommandTest {
  private static final Pattern COUNT = Pattern.compile("(\\d{3})=(\\d+)");

  @Test
  void aotTrain_sendsMostlyProxiedRequests_andEveryKindOfRefusal() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream before = System.out;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    int exit;
    try {
      exit = new CommandLine(new AotTrainCommand()).execute("--seconds", "2", "--concurrency", "4");
    } finally {
      System.setOut(before);
    }

    String said = out.toString(StandardCharsets.UTF_8);
    assertThat(exit).as(said).isZero();
    java.util.Map<Integer, Long> statuses = new java.util.TreeMap<>();
    Matcher m = COUNT.matcher(said.substring(said.indexOf("by status")));
    while (m.find()) {
      statuses.put(Integer.parseInt(m.group(1)), Long.parseLong(m.group(2)));
    }
    assertThat(statuses).as(said).containsKeys(200, 401, 403, 429);
    long refused = statuses.get(401) + statuses.get(403) + statuses.get(429);
    assertThat(statuses.get(200)).as(said).isGreaterThan(3 * refused); // 13 in 16 pass; 1 of train-limited's too
  }
}
