package io.tollgate.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.admin.RunningTollgate.Answer;
import java.util.List;
import java.util.stream.StreamSupport;

/** What the Admin API tests assert of every answer: a JSON document, or an RFC 9457 problem with its code. */
final class AdminAnswers {
  private AdminAnswers() {}

  /** JSON written with single quotes, for readability. */
  static String json(String singleQuoted) {
    return singleQuoted.replace('\'', '"');
  }

  /** A 200 with a JSON document; answers the document. */
  static JsonNode ok(Answer a) {
    assertThat(a.status()).as("answer %s", a.text()).isEqualTo(200);
    assertThat(a.header("Content-Type")).startsWith("application/json");
    return a.json();
  }

  /** A problem of {@code status} with {@code code}, a title and a detail; answers the problem document. */
  static JsonNode problem(Answer a, int status, String code) {
    assertThat(a.status()).as("answer %s", a.text()).isEqualTo(status);
    assertThat(a.header("Content-Type")).startsWith("application/problem+json");
    JsonNode p = a.json();
    assertThat(p.path("code").asText()).isEqualTo(code);
    assertThat(p.path("status").asInt()).isEqualTo(status);
    assertThat(p.path("title").asText()).isNotBlank();
    assertThat(p.path("detail").asText()).isNotBlank();
    return p;
  }

  /** The {@code field} of each entry of a problem's {@code errors}. */
  static List<String> errorFields(JsonNode problem) {
    return StreamSupport.stream(problem.path("errors").spliterator(), false)
        .map(e -> e.path("field").asText()).toList();
  }

  /** The texts of a JSON array. */
  static List<String> texts(JsonNode array) {
    assertThat(array.isArray()).as("array: %s", array).isTrue();
    return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
  }
}
