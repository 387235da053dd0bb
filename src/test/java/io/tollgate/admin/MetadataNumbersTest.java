package io.tollgate.admin;

import static io.tollgate.admin.AdminAnswers.errorFields;
import static io.tollgate.admin.AdminAnswers.problem;
import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.admin.RunningTollgate.Answer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Metadata numbers come back as they were sent, digit for digit, from the answer, from a read, from the audit log
 * and after a restart on SQLite; a number no 64-bit float can hold (1e999999999) is refused instead of turning
 * into 1.797…e308 or "Infinity".
 */
final class MetadataNumbersTest {
  /** Each as JSON text: 2^64+1, 30 digits, many decimals, trailing zeros, the largest doubles, -0, tiny. */
  private static final List<String> EXACT = List.of("18446744073709551617", "123456789012345678901234567890",
      "-123456789012345678901234567890", "3.141592653589793238462643383279502884197", "0.1", "1.50", "100.0",
      "1e308", "1E+308", "1.7976931348623157e308", "-1.7976931348623157E308", "-0", "-0.0", "0e999999999",
      "4.9e-324", "1e-300", "9007199254740993", "42");

  @TempDir Path dir;

  private static String metadata() {
    StringBuilder m = new StringBuilder("{");
    for (int i = 0; i < EXACT.size(); i++) {
      m.append(i == 0 ? "" : ",").append("\"n").append(i).append("\":").append(EXACT.get(i));
    }
    return m.append(",\"list\":[").append(String.join(",", EXACT)).append("]}").toString();
  }

  /** The number texts of {@code "nI":…} members in {@code json}, as the server wrote them. */
  private static List<String> numbersIn(String json) {
    Matcher m = Pattern.compile("\"n\\d+\":([-+0-9.eE]+)").matcher(json);
    return m.results().map(r -> r.group(1)).toList();
  }

  private static String listIn(String json) {
    Matcher m = Pattern.compile("\"list\":\\[([^\\]]*)]").matcher(json);
    assertThat(m.find()).as(json).isTrue();
    return m.group(1);
  }

  private static void assertExact(Answer a) {
    assertThat(numbersIn(a.text())).as(a.text()).isEqualTo(EXACT);
    assertThat(listIn(a.text())).isEqualTo(String.join(",", EXACT));
  }

  @Test
  void metadataNumbers_roundTripExactly_throughTheApi_theAuditLog_andARestart() {
    Map<String, String> env = Map.of("TOLLGATE_ADMIN_KEY", RunningTollgate.ADMIN_KEY);
    try (RunningTollgate t = RunningTollgate.start(dir.resolve("data"), env, Optional.empty())) {
      Answer created = t.admin("POST", "/admin/customers", "{\"customer_id\":\"num-1\",\"metadata\":" + metadata()
          + "}");
      assertThat(created.status()).as(created.text()).isEqualTo(201);
      assertExact(created);
      assertExact(t.admin("GET", "/admin/customers/num-1"));
      Answer patched = t.admin("PATCH", "/admin/customers/num-2", "{}");
      assertThat(patched.status()).isEqualTo(404);
      assertThat(t.admin("POST", "/admin/customers", "{\"customer_id\":\"num-2\"}").status()).isEqualTo(201);
      assertExact(t.admin("PATCH", "/admin/customers/num-2", "{\"metadata\":" + metadata() + "}"));
      Answer audit = t.admin("GET", "/admin/audit?customer_id=num-1");
      assertThat(numbersIn(audit.text())).as(audit.text()).containsAll(EXACT);
    }
    try (RunningTollgate t = RunningTollgate.start(dir.resolve("data"), env, Optional.empty())) {
      assertExact(t.admin("GET", "/admin/customers/num-1"));
      assertExact(t.admin("GET", "/admin/customers/num-2"));
      Answer list = t.admin("GET", "/admin/customers");
      assertThat(numbersIn(list.text())).containsSequence(EXACT);
      // another change keeps what it does not touch exactly as it was
      assertExact(t.admin("PATCH", "/admin/customers/num-1", "{\"name\":\"Numbers\"}"));
    }
    try (RunningTollgate t = RunningTollgate.start(dir.resolve("data"), env, Optional.empty())) {
      assertExact(t.admin("GET", "/admin/customers/num-1"));
    }
  }

  @Test
  void numbersNoFloatCanHold_orTooLong_return422NamingThem_andStoreNothing() {
    Map<String, String> env = Map.of("TOLLGATE_ADMIN_KEY", RunningTollgate.ADMIN_KEY);
    try (RunningTollgate t = RunningTollgate.start(dir.resolve("data"), env, Optional.empty())) {
      String body = "{\"customer_id\":\"num-bad\",\"metadata\":{\"huge\":1e999999999,\"over\":1.8e308,"
          + "\"neg\":-1e309,\"tiny\":1e-400,\"a\":{\"b\":[1,2e400]},\"long\":1" + "0".repeat(100)
          + ",\"ok\":1e308}}";
      var p = problem(t.admin("POST", "/admin/customers", body), 422, "validation_failed");
      assertThat(errorFields(p)).containsExactlyInAnyOrder("metadata.huge", "metadata.over", "metadata.neg",
          "metadata.tiny", "metadata.a.b[1]", "metadata.long");
      assertThat(t.admin("GET", "/admin/customers/num-bad").status()).isEqualTo(404);
      assertThat(t.admin("POST", "/admin/customers", "{\"customer_id\":\"num-2\"}").status()).isEqualTo(201);
      problem(t.admin("PATCH", "/admin/customers/num-2", "{\"metadata\":{\"x\":1e999999999}}"), 422,
          "validation_failed");
      assertThat(t.admin("GET", "/admin/customers/num-2").json().path("metadata").isEmpty()).isTrue();
    }
  }
}
