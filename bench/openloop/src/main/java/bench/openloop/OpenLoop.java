package bench.openloop;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;

/**
 * The open-loop load generator of bench/proxy.sh. It reads one run a line from standard input,
 * {@code RATE CONNECTIONS URL KEY SECONDS} (KEY {@code -} for none), sends GET URL at RATE requests a second for
 * SECONDS over at most CONNECTIONS keep-alive connections, and prints one line a run on standard output (see
 * {@link PacedRun.Result#line()}). It exits at the end of its input.
 *
 * <p>Open loop: request i is due at start + i / RATE, and is sent then whatever the answers before it do (when every
 * connection is busy it waits for one, and that wait counts). Its latency runs from that intended send time to the
 * end of its answer, so a stall of the target counts against every request it delays (no coordinated omission, as
 * wrk2 and HdrHistogram mean it). One event loop sends and receives; the lines it prints say how late the loop ever
 * was to send (late_ms), which bounds what the generator itself adds.
 */
public final class OpenLoop {

  private OpenLoop() {
  }

  public static void main(String[] args) throws Exception {
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setPreferNativeTransport(true));
    Context context = vertx.getOrCreateContext();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      if (line.isBlank()) {
        continue;
      }
      System.out.println(run(vertx, context, line.trim().split("\\s+")));
      System.out.flush();
    }
    vertx.close().toCompletionStage().toCompletableFuture().get();
  }

  private static String run(Vertx vertx, Context context, String[] words) throws InterruptedException {
    if (words.length != 5) {
      return "ERROR expected RATE CONNECTIONS URL KEY SECONDS, got " + words.length + " words";
    }
    PacedRun.Plan plan = new PacedRun.Plan(Double.parseDouble(words[0]), Integer.parseInt(words[1]), words[2],
        words[3].equals("-") ? "" : words[3], Double.parseDouble(words[4]));
    try {
      return new PacedRun(vertx, context, plan).start().toCompletionStage().toCompletableFuture().get().line();
    } catch (ExecutionException e) {
      return "ERROR " + e.getCause();
    }
  }
}
