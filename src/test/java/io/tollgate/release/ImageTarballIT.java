package io.tollgate.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image tarball that {@code ./mvnw package} builds with Jib ({@code target/tollgate-image.tar}), as a container
 * runtime would take it: its manifest, configuration and layers, and then its root file system run with
 * {@code chroot} as the image's user, without Docker. Runs in the integration-test phase (the tarball exists only
 * after {@code package}); a missing tarball fails, and {@code -Djib.skip=true} skips the image and this test.
 */
final class ImageTarballIT {
  private static final Path TARBALL = Path.of("target", "tollgate-image.tar");
  private static final Path JAR = Path.of("target", "tollgate.jar");
  private static final String UID = "65532";
  private static final String ADMIN_KEY = "image-admin-key-0123456789abcdef";
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode config;
  private static List<Path> layers;
  /** Every layer's entries by name (a later layer's entry replaces an earlier one's). */
  private static Map<String, TarReader.Entry> files;
  /** The entries' names of each layer, in the manifest's order. */
  private static List<List<String>> layerNames;
  /** The contents of etc/passwd and etc/group. */
  private static final Map<String, ByteArrayOutputStream> ETC = new LinkedHashMap<>();
  private static String jarDigestInImage;

  @BeforeAll
  static void readTarball(@TempDir Path dir) throws Exception {
    assertThat(TARBALL).as("the image tarball: build it with ./mvnw package (not with -Djib.skip=true)")
        .isRegularFile();
    try (InputStream in = Files.newInputStream(TARBALL)) {
      TarReader.read(in, e -> newFile(dir.resolve(e.name())));
    }
    assertThat(JSON.readTree(dir.resolve("oci-layout").toFile()).path("imageLayoutVersion").asText())
        .as("an OCI image layout").isEqualTo("1.0.0");
    JsonNode index = JSON.readTree(dir.resolve("index.json").toFile());
    assertThat(index.get("manifests")).hasSize(1);
    JsonNode manifest = JSON.readTree(blob(dir, index.at("/manifests/0/digest").asText()).toFile());
    assertThat(manifest.at("/config/mediaType").asText()).isEqualTo("application/vnd.oci.image.config.v1+json");
    config = JSON.readTree(blob(dir, manifest.at("/config/digest").asText()).toFile());
    layers = new ArrayList<>();
    for (JsonNode l : manifest.get("layers")) {
      Path layer = blob(dir, l.get("digest").asText());
      assertThat("sha256:" + sha256(layer)).as("a layer's digest names its bytes")
          .isEqualTo(l.get("digest").asText());
      layers.add(layer);
    }
    files = new LinkedHashMap<>();
    layerNames = new ArrayList<>();
    List<String> diffIds = new ArrayList<>();
    for (Path layer : layers) {
      MessageDigest uncompressed = MessageDigest.getInstance("SHA-256");
      try (InputStream in = new DigestInputStream(new GZIPInputStream(Files.newInputStream(layer)), uncompressed)) {
        List<String> names = new ArrayList<>();
        for (TarReader.Entry e : TarReader.read(in, ImageTarballIT::contents)) {
          files.put(e.name(), e);
          names.add(e.name());
        }
        layerNames.add(names);
        in.transferTo(OutputStream.nullOutputStream());
      }
      diffIds.add("sha256:" + HexFormat.of().formatHex(uncompressed.digest()));
    }
    assertThat(config.at("/rootfs/diff_ids")).as("diff_ids name the layers' contents")
        .map(JsonNode::asText).containsExactlyElementsOf(diffIds);
  }

  @Test
  void config_runsServeAsTheNonRootUser_withDataAsVolume() {
    JsonNode c = config.get("config");
    assertThat(config.get("os").asText()).isEqualTo("linux");
    assertThat(config.get("architecture").asText()).isEqualTo("amd64");
    assertThat(c.get("User").asText()).isEqualTo(UID + ":" + UID);
    assertThat(c.get("Volumes").has("/data")).isTrue();
    assertThat(c.get("ExposedPorts").has("8080/tcp")).isTrue();
    assertThat(c.get("ExposedPorts").has("8081/tcp")).isTrue();
    assertThat(c.get("Entrypoint")).map(JsonNode::asText).startsWith("/opt/java/bin/java").endsWith("-jar",
        "/app/tollgate.jar");
    assertThat(c.get("Cmd")).map(JsonNode::asText).containsExactly("serve");
    assertThat(c.get("Env")).map(JsonNode::asText).contains("TOLLGATE_DATA_DIR=/data");
  }

  @Test
  void layers_holdTheJar_theRuntime_andTheUser() throws IOException {
    assertThat(files).containsKey("app/tollgate.jar");
    assertThat(jarDigestInImage).as("the jar in the image is target/tollgate.jar").isEqualTo(sha256(JAR));
    assertThat(files.get("opt/java/bin/java").mode() & 0111).isNotZero();
    assertThat(files.get("lib64/ld-linux-x86-64.so.2").mode() & 0111).isNotZero();
    assertThat(files).containsKeys("lib/x86_64-linux-gnu/libc.so.6", "opt/java/lib/server/libjvm.so");
    assertThat(files.get("data").isDirectory()).isTrue();
    assertThat(files.get("data").mode() & 0777).as("/data writable by the image's user").isEqualTo(0777);
    assertThat(files.get("tmp").mode() & 0777).as("/tmp writable by the image's user").isEqualTo(0777);
    assertThat(ETC.get("etc/passwd").toString(StandardCharsets.UTF_8)).contains("tollgate:x:" + UID + ":" + UID + ":");
    assertThat(ETC.get("etc/group").toString(StandardCharsets.UTF_8)).contains("tollgate:x:" + UID + ":");
    assertThat(layerNames.getLast()).as("the jar is the last layer, apart from the runtime")
        .containsExactlyInAnyOrder("app", "app/tollgate.jar");
  }

  /**
   * Extracts the layers in order, as root (owners and modes as in the image), and runs the image's entrypoint
   * and command in them with chroot as uid 65532, in a mount and PID namespace with /proc and /dev mounted as a
   * container runtime does, with the image's environment plus free listen ports; then asks both listeners and
   * stops the process with SIGTERM.
   */
  @Test
  void rootFileSystem_runsServe_asTheImageUser(@TempDir Path work) throws Exception {
    assertThat(run("id", "-u").trim()).as("running the image with chroot needs root (CI runs as root);"
        + " -Djib.skip=true skips the image and this test").isEqualTo("0");
    Path root = Files.createDirectory(work.resolve("root"));
    for (Path layer : layers) {
      run("tar", "--warning=no-unknown-keyword", "--same-owner", "--same-permissions", "-xzf", layer.toString(),
          "-C", root.toString());
    }
    Files.createDirectories(root.resolve("proc"));
    Files.createDirectories(root.resolve("dev"));
    int gatePort = freePort();
    int adminPort = freePort();
    List<String> command = new ArrayList<>(List.of("unshare", "--mount", "--pid", "--fork", "--kill-child",
        "sh", "-c", "root=$1; user=$2; shift 2; mount -t proc proc \"$root/proc\" && mount --rbind /dev \"$root/dev\""
            + " && exec chroot --userspec=\"$user\" \"$root\" \"$@\"",
        "sh", root.toString(), config.at("/config/User").asText()));
    config.at("/config/Entrypoint").forEach(a -> command.add(a.asText()));
    config.at("/config/Cmd").forEach(a -> command.add(a.asText()));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(work.resolve("tollgate.out").toFile());
    Map<String, String> env = pb.environment();
    env.clear();
    env.put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
    config.at("/config/Env").forEach(v -> env.put(v.asText().split("=", 2)[0], v.asText().split("=", 2)[1]));
    env.put("TOLLGATE_GATE_LISTEN", "127.0.0.1:" + gatePort);
    env.put("TOLLGATE_ADMIN_LISTEN", "127.0.0.1:" + adminPort);
    env.put("TOLLGATE_ADMIN_KEY", ADMIN_KEY);
    Process container = pb.start();
    try {
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
        assertThat(container.isAlive()).as("output: %s", output(work)).isTrue();
        return status(http, get(gatePort, "/health")) == 200;
      });
      assertThat(status(http, get(adminPort, "/health"))).isEqualTo(200);
      HttpRequest create = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/admin/customers"))
          .header("Authorization", "Bearer " + ADMIN_KEY).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"customer_id\":\"image-test\",\"tier\":\"starter\"}"))
          .build();
      assertThat(status(http, create)).as("a write to the store in /data").isEqualTo(201);

      ProcessHandle java = container.descendants()
          .filter(p -> p.info().commandLine().orElse("").contains("/app/tollgate.jar")).findFirst().orElseThrow();
      assertThat(Files.readAllLines(Path.of("/proc", Long.toString(java.pid()), "status")))
          .as("the server runs as the image's user").anyMatch(l -> l.matches("Uid:\\s+" + UID + "\\s.*"));
      java.destroy();
      assertThat(container.waitFor(30, TimeUnit.SECONDS)).isTrue();
      // a JVM stopped by SIGTERM exits with 128 + 15 once its shutdown hooks have run
      assertThat(container.exitValue()).as("exit status after SIGTERM; output: %s", output(work)).isEqualTo(143);
    } finally {
      container.descendants().forEach(ProcessHandle::destroyForcibly);
      container.destroyForcibly().waitFor();
    }
    assertThat(output(work)).contains("tollgate started", "store closed: sqlite:/data/tollgate.db");
    for (String name : List.of("tollgate.db", "hmac.key")) {
      assertThat(Files.getAttribute(root.resolve("data").resolve(name), "unix:uid")).as(name)
          .isEqualTo(Integer.parseInt(UID));
    }
  }

  /** The file of a blob of the OCI layout, by its digest ({@code sha256:…}). */
  private static Path blob(Path dir, String digest) {
    String[] parts = digest.split(":", 2);
    return dir.resolve("blobs").resolve(parts[0]).resolve(parts[1]);
  }

  /** Where a layer's file goes: etc/passwd and etc/group to {@link #ETC}, the jar to a digest, others nowhere. */
  private static OutputStream contents(TarReader.Entry e) {
    if (e.name().equals("etc/passwd") || e.name().equals("etc/group")) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ETC.put(e.name(), out);
      return out;
    }
    if (!e.name().equals("app/tollgate.jar")) {
      return null;
    }
    MessageDigest md = sha256();
    return new DigestOutputStream(OutputStream.nullOutputStream(), md) {
      @Override
      public void close() {
        jarDigestInImage = HexFormat.of().formatHex(md.digest());
      }
    };
  }

  private static String sha256(Path file) throws IOException {
    MessageDigest md = sha256();
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), md)) {
      in.transferTo(OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(md.digest());
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static OutputStream newFile(Path path) {
    try {
      Files.createDirectories(path.getParent());
      return Files.newOutputStream(path);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static HttpRequest get(int port, String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5))
        .build();
  }

  private static int status(HttpClient http, HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private static String output(Path work) {
    try {
      return Files.readString(work.resolve("tollgate.out"));
    } catch (IOException e) {
      return "(no output: " + e + ")";
    }
  }

  /** Runs a host command, fails on a non-zero exit, returns its output. */
  private static String run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    p.getInputStream().transferTo(out);
    int code = p.waitFor();
    String text = out.toString(StandardCharsets.UTF_8);
    assertThat(code).as("%s: %s", String.join(" ", command), text).isZero();
    return text;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
