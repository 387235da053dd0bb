package io.tollgate.release;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.cli.GracefulStop;
import io.tollgate.config.ConfigLoader;
import io.tollgate.config.HostPort;
import io.tollgate.config.TollgateConfig;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The files under deploy/: the systemd unit passes systemd-analyze verify, the example files load. */
final class DeployFilesTest {
  private static final Path UNIT = Path.of("deploy", "tollgate.service");
  private static final String JAVA = "/usr/bin/java";

  /**
   * {@code systemd-analyze verify} on a copy of the unit whose ExecStart names this JVM's java instead of
   * /usr/bin/java (which a test machine may lack, or have in a version too old to run Tollgate): verify checks
   * that the executable exists and nothing else outside the file. Unknown keys only warn, so the output must be
   * empty too. scripts/test-services.sh installs systemd-analyze (package systemd) when it is missing.
   */
  @Test
  void unit_passesSystemdAnalyzeVerify(@TempDir Path dir) throws Exception {
    String unit = Files.readString(UNIT);
    assertThat(unit).contains("\nExecStart=" + JAVA + " ");
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Path copy = dir.resolve("tollgate.service");
    Files.writeString(copy, unit.replace("\nExecStart=" + JAVA + " ", "\nExecStart=" + java + " "));

    Process p = new ProcessBuilder("systemd-analyze", "verify", copy.toString()).redirectErrorStream(true).start();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    p.getInputStream().transferTo(out);
    int code = p.waitFor();

    assertThat(out.toString(StandardCharsets.UTF_8)).as("systemd-analyze verify output").isEmpty();
    assertThat(code).isZero();
  }

  @Test
  void unit_runsServeWithTheDeployedConfig_andTheStateDirectoryAsData() throws Exception {
    String unit = Files.readString(UNIT);
    assertThat(unit).contains("-jar /opt/tollgate/tollgate.jar serve --config /etc/tollgate/tollgate.yaml",
        "StateDirectory=tollgate", "Environment=TOLLGATE_DATA_DIR=/var/lib/tollgate",
        "EnvironmentFile=/etc/tollgate/tollgate.env", "User=tollgate", "SuccessExitStatus=143");
  }

  @Test
  void unit_givesAStopTheTimeToDrainAndFlush_beforeItKills() throws Exception {
    TollgateConfig deployed = ConfigLoader.load(Optional.of(Path.of("deploy", "tollgate.yaml")), Map.of());
    Matcher m = Pattern.compile("(?m)^TimeoutStopSec=(\\d+)$").matcher(Files.readString(UNIT));
    assertThat(m.find()).as("TimeoutStopSec in seconds").isTrue();

    assertThat(Duration.ofSeconds(Long.parseLong(m.group(1))))
        .isGreaterThanOrEqualTo(GracefulStop.longestStop(deployed.gate()));
  }

  @Test
  void exampleConfig_loads_withTheServicesEnvironment() {
    TollgateConfig c = ConfigLoader.load(Optional.of(Path.of("deploy", "tollgate.yaml")),
        Map.of("TOLLGATE_DATA_DIR", "/var/lib/tollgate", "TOLLGATE_ADMIN_KEY", "", "TOLLGATE_HMAC_SECRET", ""));
    assertThat(c.dataDir()).isEqualTo(Path.of("/var/lib/tollgate"));
    assertThat(c.storeUrl()).isEqualTo("sqlite:/var/lib/tollgate/tollgate.db");
    assertThat(c.admin().listen()).isEqualTo(new HostPort("127.0.0.1", 8081));
    assertThat(c.admin().adminKeys()).isEmpty();
    assertThat(c.keys().hmacSecret()).isEmpty();
  }
}
