package io.tollgate.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

final class ApiKeyFormatTest {
  private final ApiKeyFormat format = new ApiKeyFormat("tg");

  @Test
  void newKey_hasPrefixEnvironmentSecretAndChecksum() {
    String key = format.newKey(KeyEnvironment.LIVE);
    assertThat(key).matches("^tg_live_[0-9A-Za-z]{28}$");
    assertThat(format.parseCustomerKey(key)).contains(KeyEnvironment.LIVE);
    assertThat(format.parseCustomerKey(format.newKey(KeyEnvironment.TEST))).contains(KeyEnvironment.TEST);
  }

  @Test
  void newKey_manyKeys_areAllDifferent() {
    Set<String> keys = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      keys.add(format.newKey(KeyEnvironment.LIVE));
    }
    assertThat(keys).hasSize(10_000);
  }

  @Test
  void parse_oneCharacterChanged_isRefusedByChecksum() {
    String key = format.newKey(KeyEnvironment.LIVE);
    int i = 10;
    char c = key.charAt(i) == 'a' ? 'b' : 'a';
    String typo = key.substring(0, i) + c + key.substring(i + 1);
    assertThat(format.parseCustomerKey(typo)).isEmpty();
  }

  @Test
  void parse_anyOtherChecksumCharacter_isRefused_andOnlyTheRightOneAccepted() {
    // the checksum is compared in place, character by character: each position with each other base62 character
    for (int k = 0; k < 20; k++) {
      String key = format.newKey(k % 2 == 0 ? KeyEnvironment.LIVE : KeyEnvironment.TEST);
      for (int i = key.length() - ApiKeyFormat.CHECKSUM_LENGTH; i < key.length(); i++) {
        for (char c : Base62.ALPHABET.toCharArray()) {
          String changed = key.substring(0, i) + c + key.substring(i + 1);
          assertThat(format.parseCustomerKey(changed).isPresent()).as(changed).isEqualTo(c == key.charAt(i));
        }
      }
      String body = key.substring(0, key.length() - ApiKeyFormat.CHECKSUM_LENGTH);
      assertThat(Base62.isFixedWidth(new CRC32Of(body).value, key, body.length(), ApiKeyFormat.CHECKSUM_LENGTH))
          .isTrue();
      assertThat(key).endsWith(ApiKeyFormat.checksum(body));
    }
  }

  private record CRC32Of(long value) {
    CRC32Of(String body) {
      this(crc(body));
    }

    private static long crc(String body) {
      CRC32 crc = new CRC32();
      crc.update(body.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      return crc.getValue();
    }
  }

  @Test
  void parse_garbageWrongPrefixOrLength_isRefused() {
    String key = format.newKey(KeyEnvironment.LIVE);
    assertThat(format.parseCustomerKey(null)).isEmpty();
    assertThat(format.parseCustomerKey("")).isEmpty();
    assertThat(format.parseCustomerKey(key + "x")).isEmpty();
    assertThat(format.parseCustomerKey("sk" + key.substring(2))).isEmpty();
    assertThat(format.parseCustomerKey(key.replace("_live_", "_prod_"))).isEmpty();
    assertThat(new ApiKeyFormat("hx").parseCustomerKey(key)).isEmpty();
  }

  @Test
  void checksum_isPublicCrc32InBase62_soScannersCanValidate() {
    String key = format.newKey(KeyEnvironment.LIVE);
    String body = key.substring(0, key.length() - 6);
    CRC32 crc = new CRC32();
    crc.update(body.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    long v = crc.getValue();
    StringBuilder expected = new StringBuilder();
    for (int i = 0; i < 6; i++) {
      expected.insert(0, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".charAt((int) (v % 62)));
      v /= 62;
    }
    assertThat(key).endsWith(expected.toString());
  }

  @Test
  void adminKey_isNeverACustomerKey_andViceVersa() {
    String admin = format.newAdminKey();
    assertThat(admin).startsWith("tg_admin_");
    assertThat(format.isWellFormedAdminKey(admin)).isTrue();
    assertThat(format.parseCustomerKey(admin)).isEmpty();
    assertThat(format.isWellFormedAdminKey(format.newKey(KeyEnvironment.LIVE))).isFalse();
  }

  @Test
  void displayPrefix_keepsEnvironmentAndFourSecretCharacters() {
    String key = format.newKey(KeyEnvironment.TEST);
    assertThat(ApiKeyFormat.displayPrefix(key)).isEqualTo(key.substring(0, "tg_test_".length() + 4));
  }

  @Test
  void constructor_invalidPrefix_isRefused() {
    assertThatThrownBy(() -> new ApiKeyFormat("T_G")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ApiKeyFormat("x")).isInstanceOf(IllegalArgumentException.class);
  }
}
