package io.tollgate.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code tollgate ARGS} as a user does: a separate JVM ({@code io.tollgate.cli.Main} on this JVM's class
 * path) with only the {@code TOLLGATE_*} variables given, its stdout and stderr captured whole.
 */
final class CliProcess {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Map<String, String> env;
  private final Path dir;

  /** {@code env}: the {@code TOLLGATE_*} variables of the user's shell; {@code dir}: the working directory. */
  CliProcess(Map<String, String> env, Path dir) {
    this.env = Map.copyOf(env);
    this.dir = dir;
  }

  /** A CLI aimed at {@code adminUrl} with the test admin key in {@code TOLLGATE_ADMIN_KEY}. */
  static CliProcess against(String adminUrl, String adminKey, Path dir) {
    return new CliProcess(Map.of("TOLLGATE_ADMIN_URL", adminUrl, "TOLLGATE_ADMIN_KEY", adminKey), dir);
  }

  CliProcess withEnv(Map<String, String> replacement) {
    return new CliProcess(replacement, dir);
  }

  /**
   * What one run printed and how it exited.
   *
   * @param exit the process's exit code
   */
  record Run(int exit, String out, String err) {
    JsonNode json() {
      try {
        return JSON.readTree(out);
      } catch (IOException e) {
        throw new AssertionError("stdout is not JSON:\n" + out + "\nstderr:\n" + err, e);
      }
    }

    /** Everything printed, for "never appears" checks. */
    String all() {
      return out + err;
    }

    @Override
    public String toString() {
      return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  Run run(String... args) {
    return run(Optional.empty(), args);
  }

  /**
   * Runs with stdout written to {@code stdout} (such as {@code /dev/full}, a disk with no space left); the
   * {@link Run}'s {@code out} is then empty.
   */
  Run runWritingStdoutTo(Path stdout, String... args) {
    return run(Optional.of(stdout), args);
  }

  private Run run(Optional<Path> stdout, String... args) {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElseThrow());
    // a short-lived client: C1 only and the CDS archive start the JVM faster
    command.addAll(List.of("-XX:TieredStopAtLevel=1", "-Xshare:auto", "-cp", System.getProperty("java.class.path"),
        "io.tollgate.cli.Main"));
    command.addAll(List.of(args));
    try {
      Path out = Files.createTempFile(dir, "cli-", ".out");
      Path err = Files.createTempFile(dir, "cli-", ".err");
      ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
          .redirectOutput(stdout.orElse(out).toFile()).redirectError(err.toFile());
      Map<String, String> e = pb.environment();
      e.keySet().removeIf(k -> k.startsWith("TOLLGATE_"));
      e.putAll(env);
      Process p = pb.start();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor();
        throw new AssertionError("tollgate " + String.join(" ", args) + " did not exit within 60 s");
      }
      return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    } catch (IOException e) {
      throw new AssertionError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
