package io.tollgate.admin;

import static io.tollgate.admin.AdminAnswers.errorFields;
import static io.tollgate.admin.AdminAnswers.ok;
import static io.tollgate.admin.AdminAnswers.problem;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Text an operator later reads in a terminal (names, emails, key names, namespaces, metadata keys and strings)
 * refuses every character that could move the cursor, clear the screen or reorder the line: 422 naming the field
 * and the character, and nothing stored.
 */
final class ControlCharactersApiTest {
  @RegisterExtension static final SharedTollgate server = new SharedTollgate();
  private static final AtomicInteger IDS = new AtomicInteger();

  /** NUL, BEL, BS, TAB, LF, CR, ESC, DEL, CSI (C1), the bidi marks, embeddings, overrides and isolates, LS, PS. */
  private static final List<Integer> REFUSED = List.of(0x00, 0x07, 0x08, 0x09, 0x0A, 0x0D, 0x1B, 0x7F, 0x9B,
      0x061C, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069, 0x2028,
      0x2029, 0xD800);

  /** A request carrying {@code %s} (a JSON string's content) in one field, and the field its 422 names. */
  private record Place(String method, String path, String body, String field) {}

  private static final List<Place> PLACES = List.of(
      new Place("POST", "/admin/customers", "{'customer_id':'ID','name':'Acme%sCorp'}", "name"),
      new Place("POST", "/admin/customers", "{'customer_id':'ID','email':'ops%s@acme.example'}", "email"),
      new Place("POST", "/admin/customers", "{'customer_id':'ID','metadata':{'note':'a%sb'}}", "metadata.note"),
      new Place("POST", "/admin/customers", "{'customer_id':'ID','metadata':{'a':{'tags':['ok','x%s']}}}",
          "metadata.a.tags[1]"),
      new Place("POST", "/admin/customers", "{'customer_id':'ID','metadata':{'k%s':1}}", "metadata"),
      new Place("POST", "/admin/customers", "{'customer_id':'ID','namespaces':['default','n%s']}", "namespaces[1]"),
      new Place("POST", "/admin/customers", "{'customer_id':'ID%s'}", "customer_id"),
      new Place("PATCH", "/admin/customers/ctl-base", "{'name':'Acme%sCorp'}", "name"),
      new Place("PATCH", "/admin/customers/ctl-base", "{'email':'ops%s@acme.example'}", "email"),
      new Place("PATCH", "/admin/customers/ctl-base", "{'metadata':{'note':'%s'}}", "metadata.note"),
      new Place("POST", "/admin/customers/ctl-base/keys", "{'name':'ci%skey'}", "name"),
      new Place("POST", "/admin/customers/ctl-base/namespaces", "{'namespace':'n%s'}", "namespace"));

  static Stream<Arguments> everyCharacterInEveryField() {
    return REFUSED.stream().flatMap(c -> PLACES.stream().map(p -> Arguments.of(String.format("U+%04X", c), p)));
  }

  @BeforeAll
  static void baseCustomer() {
    server.get().admin("POST", "/admin/customers", "{\"customer_id\":\"ctl-base\",\"name\":\"Base\"}");
  }

  @ParameterizedTest(name = "{0} in {1}")
  @MethodSource("everyCharacterInEveryField")
  void refusedCharacter_inAnyTextField_returns422NamingFieldAndCharacter_andStoresNothing(String character,
      Place place) {
    String id = "ctl-" + IDS.incrementAndGet();
    String escaped = "\\u" + character.substring(2).toLowerCase(java.util.Locale.ROOT);
    String body = AdminAnswers.json(place.body().replace("ID", id)).formatted(escaped);
    JsonNode p = problem(server.get().admin(place.method(), place.path(), body), 422, "validation_failed");
    assertThat(errorFields(p)).as(body).contains(place.field());
    assertThat(p.path("errors").toString()).contains(character);
    assertThat(server.get().admin("GET", "/admin/customers/" + id).status()).isEqualTo(404);
    JsonNode base = ok(server.get().admin("GET", "/admin/customers/ctl-base"));
    assertThat(base.path("name").asText()).isEqualTo("Base");
    assertThat(base.path("email").isNull()).isTrue();
    assertThat(base.path("metadata").isEmpty()).isTrue();
    assertThat(base.path("keys").path("total").asInt()).isEqualTo(1);
  }

  @Test
  void printableUnicode_joinersAndOtherFormatCharacters_areStoredAsSent() {
    String name = "Zoë Ltd – 中文 עברית 👩\u200D💻 zero\u200Bwidth";
    String body = "{\"customer_id\":\"ctl-unicode\",\"name\":" + com.fasterxml.jackson.databind.node.TextNode
        .valueOf(name) + ",\"metadata\":{\"note\":\"Ünïcödé\"}}";
    assertThat(server.get().admin("POST", "/admin/customers", body).status()).isEqualTo(201);
    JsonNode c = ok(server.get().admin("GET", "/admin/customers/ctl-unicode"));
    assertThat(c.path("name").asText()).isEqualTo(name);
    assertThat(c.path("metadata").path("note").asText()).isEqualTo("Ünïcödé");
  }
}
