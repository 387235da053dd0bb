package io.tollgate.gate;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.admin.RunningTollgate;
import io.tollgate.admin.RunningTollgate.Answer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/** A Tollgate in front of a {@link TestEngine}, with helpers to onboard customers and call the gate. */
final class GateFixture implements AutoCloseable {
  final TestEngine engine;
  final RunningTollgate tollgate;

  private GateFixture(TestEngine engine, RunningTollgate tollgate) {
    this.engine = engine;
    this.tollgate = tollgate;
  }

  /** Starts both; {@code gateYaml} is the {@code gate:} section's extra keys (indented by four spaces), or empty. */
  static GateFixture start(Path dir, String gateYaml, Map<String, String> extraEnv) throws Exception {
    TestEngine engine = new TestEngine();
    Path config = dir.resolve("tollgate.yaml");
    Files.writeString(config, "gate:\n  engine: " + engine.url() + "\n" + gateYaml);
    Map<String, String> env = new HashMap<>(extraEnv);
    env.put("TOLLGATE_ADMIN_KEY", RunningTollgate.ADMIN_KEY);
    return new GateFixture(engine, RunningTollgate.start(dir.resolve("data"), env, Optional.of(config)));
  }

  /** Creates a customer from a JSON body and returns its first key. */
  String customer(String json) {
    Answer a = tollgate.admin("POST", "/admin/customers", json);
    if (a.status() != 201) {
      throw new AssertionError("customer not created: " + a.text());
    }
    return a.json().get("api_key").get("key").asText();
  }

  Answer gate(String method, String path, String key) {
    return gate(method, path, key, null, Map.of());
  }

  Answer gate(String method, String path, String key, String body, Map<String, String> headers) {
    Map<String, String> h = new HashMap<>(headers);
    if (key != null) {
      h.put("Authorization", "Bearer " + key);
    }
    return tollgate.send(method, tollgate.gateUri(path), body, h);
  }

  JsonNode usage(String customerId) {
    return tollgate.admin("GET", "/admin/customers/" + customerId + "/usage").json();
  }

  /** The customer's usage document once {@code condition} holds for it (within 5 s). */
  JsonNode awaitUsage(String customerId, Predicate<JsonNode> condition) {
    JsonNode[] last = new JsonNode[1];
    await().atMost(Duration.ofSeconds(5)).until(() -> condition.test(last[0] = usage(customerId)));
    return last[0];
  }

  @Override
  public void close() {
    tollgate.close();
    engine.close();
  }
}
