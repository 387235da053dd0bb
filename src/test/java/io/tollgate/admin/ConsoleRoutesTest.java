package io.tollgate.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.admin.RunningTollgate.Answer;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The console's page and assets over real HTTP: no admin key needed, strict headers, sensible caching. */
final class ConsoleRoutesTest {
  @RegisterExtension static final SharedTollgate server = new SharedTollgate();

  private static Answer get(String path) {
    return server.get().send("GET", server.get().adminUri(path), null, Map.of());
  }

  private static void assertSecured(Answer a) {
    assertThat(a.header("Content-Security-Policy")).isEqualTo(ConsoleRoutes.CSP)
        .contains("default-src 'none'", "script-src 'self'", "frame-ancestors 'none'")
        .doesNotContain("unsafe-inline", "unsafe-eval", "http:", "https:");
    assertThat(a.header("X-Content-Type-Options")).isEqualTo("nosniff");
    assertThat(a.header("Referrer-Policy")).isEqualTo("no-referrer");
    assertThat(a.header("Set-Cookie")).isNull();
  }

  @Test
  void console_withoutSlash_redirectsToTheConsole() {
    Answer a = get("/console");
    assertThat(a.status()).isEqualTo(301);
    assertThat(a.header("Location")).isEqualTo("/console/");
  }

  @Test
  void console_page_isServedWithoutAdminKeyAndNeverStored() {
    Answer a = get("/console/");
    assertThat(a.status()).isEqualTo(200);
    assertThat(a.header("Content-Type")).startsWith("text/html");
    assertThat(a.header("Cache-Control")).isEqualTo("no-store");
    assertThat(a.text()).contains("<div id=\"app\">").doesNotContain("<script>", "style=");
    assertSecured(a);
  }

  @Test
  void console_hashedAssets_areImmutableAndOnlyFromThisOrigin() {
    String page = get("/console/").text();
    Matcher m = Pattern.compile("(?:src|href)=\"(/console/assets/[^\"]+)\"").matcher(page);
    int assets = 0;
    while (m.find()) {
      Answer a = get(m.group(1));
      assertThat(a.status()).as(m.group(1)).isEqualTo(200);
      assertThat(a.header("Cache-Control")).isEqualTo("public, max-age=31536000, immutable");
      assertThat(a.header("Content-Type")).matches("(text/css|text/javascript|application/javascript).*");
      assertSecured(a);
      assets++;
    }
    assertThat(assets).as("script and stylesheet of the page").isGreaterThanOrEqualTo(2);
    assertThat(page).doesNotContain("http://", "https://");
  }

  @Test
  void console_unknownAsset_is404NotCachedForever() {
    Answer a = get("/console/assets/nope-12345678.js");
    assertThat(a.status()).isEqualTo(404);
    assertThat(a.header("Cache-Control")).isEqualTo("no-store");
  }

  @Test
  void console_postToTheConsole_isRefused() {
    Answer a = server.get().send("POST", server.get().adminUri("/console/"), "{}", Map.of());
    assertThat(a.status()).isIn(404, 405);
  }

  @Test
  void adminApi_stillNeedsTheKey_whenTheConsoleIsOpen() {
    assertThat(get("/admin/tiers").status()).isEqualTo(401);
  }
}
