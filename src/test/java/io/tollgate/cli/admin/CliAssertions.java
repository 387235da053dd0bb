package io.tollgate.cli.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.cli.admin.CliProcess.Run;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The exit-code contract of the CLI, asserted with the run's output in the failure message. */
final class CliAssertions {
  private CliAssertions() {}

  /** Exit 0; returns the run. */
  static Run ok(Run run) {
    assertThat(run.exit()).as("%s", run).isZero();
    return run;
  }

  /** Exit 1, the problem's code on stderr, nothing on stdout. */
  static Run refused(Run run, String code) {
    assertThat(run.exit()).as("%s", run).isEqualTo(1);
    assertThat(run.err()).as("%s", run).contains(code);
    assertThat(run.out()).as("%s", run).isEmpty();
    return run;
  }

  /** Exit 2 (picocli's usage error), the reason on stderr. */
  static Run usageError(Run run, String reason) {
    assertThat(run.exit()).as("%s", run).isEqualTo(2);
    assertThat(run.err()).as("%s", run).contains(reason);
    return run;
  }

  /** The one {@code tg_live_...}/{@code tg_test_...} secret in {@code text}; fails when there is none. */
  static String secretIn(String text) {
    Matcher m = Pattern.compile("tg_(live|test)_[A-Za-z0-9]{28}").matcher(text);
    assertThat(m.find()).as("a secret in:%n%s", text).isTrue();
    return m.group();
  }
}
