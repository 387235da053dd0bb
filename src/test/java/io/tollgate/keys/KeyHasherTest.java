package io.tollgate.keys;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class KeyHasherTest {
  private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);

  @Test
  void digest_sameKeySameSecret_isEqual_otherSecretDiffers() {
    KeyHasher a = KeyHasher.hmac(SECRET);
    KeyHasher b = KeyHasher.hmac("another-secret-of-32-characters!".getBytes(StandardCharsets.UTF_8));
    assertThat(a.digest("tg_live_x")).isEqualTo(a.digest("tg_live_x"));
    assertThat(a.digest("tg_live_x")).isNotEqualTo(b.digest("tg_live_x"));
    assertThat(a.digest("tg_live_x")).isNotEqualTo(KeyHasher.unkeyed().digest("tg_live_x"));
  }

  @Test
  void digest_hexRoundTrip_isExact() {
    KeyDigest d = KeyHasher.hmac(SECRET).digest("tg_live_abc");
    assertThat(d.toHex()).hasSize(64);
    assertThat(KeyDigest.fromHex(d.toHex())).isEqualTo(d);
  }

  @Test
  void unkeyed_isPlainSha256() throws Exception {
    byte[] sha = java.security.MessageDigest.getInstance("SHA-256").digest("k".getBytes(StandardCharsets.UTF_8));
    assertThat(KeyHasher.unkeyed().digest("k").toHex()).isEqualTo(java.util.HexFormat.of().formatHex(sha));
  }

  @Test
  void matches_rightAndWrongKey() {
    KeyHasher h = KeyHasher.hmac(SECRET);
    KeyDigest d = h.digest("tg_live_abc");
    assertThat(h.matches("tg_live_abc", d)).isTrue();
    assertThat(h.matches("tg_live_abd", d)).isFalse();
  }

  @Test
  void serverSecret_generatedOnce_ownerOnly_andStable(@TempDir Path dir) throws Exception {
    byte[] first = ServerSecret.load(Optional.empty(), dir);
    byte[] second = ServerSecret.load(Optional.empty(), dir);
    assertThat(first).hasSize(32).isEqualTo(second);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(ServerSecret.FILE))))
        .isEqualTo("rw-------");
  }

  @Test
  void serverSecret_configured_winsOverFile(@TempDir Path dir) {
    byte[] configured = ServerSecret.load(Optional.of("configured-secret-with-32-chars!!"), dir);
    assertThat(new String(configured, StandardCharsets.UTF_8)).isEqualTo("configured-secret-with-32-chars!!");
    assertThat(dir.resolve(ServerSecret.FILE)).doesNotExist();
  }
}
