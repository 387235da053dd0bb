package io.tollgate.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The signature against the Standard Webhooks specification's own example, the back-off, the address rules. */
final class SignatureTest {
  @Test
  void sign_standardWebhooksExample_givesThePublishedSignature() {
    assertThat(Signature.sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330L,
        "{\"test\": 2432232314}")).isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  }

  @Test
  void newSecret_isWhsecAnd32RandomBytes() {
    String secret = Signature.newSecret();
    assertThat(secret).startsWith("whsec_");
    assertThat(Base64.getDecoder().decode(secret.substring(6))).hasSize(32);
    assertThat(Signature.newSecret()).isNotEqualTo(secret);
  }

  @Test
  void backoff_doublesWithJitter_capsAtMax_andStopsAtTheDeadline() {
    Backoff b = new Backoff(Duration.ofSeconds(5), Duration.ofHours(1));
    Instant now = Instant.parse("2026-12-01T00:00:00Z");
    Instant deadline = now.plus(Duration.ofHours(24));
    assertThat(b.next(1, now, deadline).orElseThrow()).isBetween(now.plusMillis(2500), now.plusSeconds(5));
    assertThat(b.next(3, now, deadline).orElseThrow()).isBetween(now.plusSeconds(10), now.plusSeconds(20));
    assertThat(b.next(40, now, deadline).orElseThrow()).isBetween(now.plus(Duration.ofMinutes(30)),
        now.plus(Duration.ofHours(1)));
    assertThat(b.next(40, deadline.minusSeconds(10), deadline)).isEmpty();
  }

  @Test
  void destinations_refuseHttpAndNonPublicAddresses_unlessAllowPrivate() throws Exception {
    Destinations strict = new Destinations(false);
    assertThat(strict.refusal("https://hooks.example.com/x")).isEmpty();
    assertThat(strict.refusal("http://hooks.example.com/x")).isPresent();
    assertThat(strict.refusal("ftp://hooks.example.com/x")).isPresent();
    assertThat(strict.refusal("https://user:pw@hooks.example.com/x")).isPresent();
    assertThat(new Destinations(true).refusal("http://127.0.0.1:9/x")).isEmpty();
    for (String a : new String[] {"127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "0.0.0.0",
        "100.64.0.1", "::1", "fe80::1", "fd00::1"}) {
      assertThat(Destinations.isPrivate(InetAddress.getByName(a))).as(a).isTrue();
    }
    assertThat(Destinations.isPrivate(InetAddress.getByName("93.184.216.34"))).isFalse();
    assertThat(Destinations.isPrivate(InetAddress.getByName("2606:4700::1111"))).isFalse();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> strict.resolve("localhost"))
        .isInstanceOf(Destinations.RefusedAddress.class);
  }
}
