package io.tollgate.gate;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The header filters compare names ignoring case without lower-casing each one: they decide exactly as the
 * straightforward model does (lower-case the name, look it up among the lower-case names), for the names they know
 * in any mix of cases, near misses and arbitrary tokens.
 */
final class HeaderNameMatchingPropertyTest {
  private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection",
      "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "http2-settings");
  private static final Set<String> DROPPED = Set.of("x-api-key", "authorization", "host", "expect",
      "x-forwarded-for", "x-forwarded-proto", "x-request-id");
  private static final List<String> KNOWN = List.of("connection", "keep-alive", "proxy-connection",
      "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "http2-settings",
      "x-api-key", "authorization", "host", "expect", "x-forwarded-for", "x-forwarded-proto", "x-request-id",
      "x-forwarded-host", "x-forwarded-", "x-forwarded-port", "forwarded", "x-real-ip", "x-tollgate-customer",
      "x-tollgate-", "x-tollgate-units", "content-type", "accept", "x-forwarde", "tes", "t", "hosts");

  @Provide
  Arbitrary<String> names() {
    Arbitrary<String> known = Arbitraries.of(KNOWN).flatMap(n -> Arbitraries.integers().between(0, 1 << 20)
        .map(mask -> flipCase(n, mask)));
    Arbitrary<String> edited = known.flatMap(n -> Arbitraries.strings().withChars("-_aAeEtTxX0").ofMaxLength(2)
        .map(extra -> n + extra));
    Arbitrary<String> tokens = Arbitraries.strings().withChars("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyz"
        + "ABCDEFGHIJKLMNOPQRSTUVWXYZ").ofMinLength(1).ofMaxLength(24);
    return Arbitraries.oneOf(known, edited, tokens);
  }

  private static String flipCase(String n, int mask) {
    StringBuilder b = new StringBuilder(n.length());
    for (int i = 0; i < n.length(); i++) {
      char c = n.charAt(i);
      b.append((mask >> (i % 20) & 1) == 1 ? Character.toUpperCase(c) : c);
    }
    return b.toString();
  }

  @Property(tries = 3000)
  void engineRequestFilter_decidesAsTheLowerCaseModel(@ForAll("names") String name, @ForAll boolean forwardsHost,
      @ForAll boolean trusted) {
    String lower = name.toLowerCase(Locale.ROOT);
    boolean model = DROPPED.contains(lower) || HOP_BY_HOP.contains(lower) || lower.startsWith("x-tollgate-")
        || forwardsHost && lower.equals("x-forwarded-host")
        || !trusted && (lower.startsWith("x-forwarded-") || lower.equals("forwarded") || lower.equals("x-real-ip"));
    assertThat(EngineRequestHeaders.droppedByName(name, forwardsHost, trusted)).as(name).isEqualTo(model);
  }

  @Property(tries = 3000)
  void answerFilter_copiesWhatTheLowerCaseModelCopies(@ForAll("names") String name) {
    MultiMap source = MultiMap.caseInsensitiveMultiMap().add(name, "v");
    MultiMap target = MultiMap.caseInsensitiveMultiMap();
    HopByHop.copyEndToEnd(source, target, "x-tollgate-units");
    String lower = name.toLowerCase(Locale.ROOT);
    boolean model = !HOP_BY_HOP.contains(lower) && !lower.equals("x-tollgate-units");
    assertThat(target.contains(name)).as(name).isEqualTo(model);
  }

  @Provide
  Arbitrary<List<String>> connectionValues() {
    Arbitrary<String> token = Arbitraries.oneOf(names(), Arbitraries.of("", " ", "\t"));
    Arbitrary<String> value = token.list().ofMinSize(1).ofMaxSize(4).flatMap(t -> Arbitraries.of(",", ", ", " ,",
        ",\t", ",,").map(sep -> String.join(sep, t)));
    return value.list().ofMinSize(0).ofMaxSize(3);
  }

  @Property(tries = 3000)
  void connectionNamed_decidesAsTheSplittingModel(@ForAll("connectionValues") List<String> values,
      @ForAll("names") String name) {
    boolean model = false;
    for (String v : values) {
      for (String named : v.split(",")) {
        String n = named.trim();
        model |= !n.isEmpty() && n.toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT));
      }
    }
    assertThat(HopByHop.named(values, name)).as(values + " " + name).isEqualTo(model);
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    values.forEach(v -> headers.add("Connection", v));
    assertThat(HopByHop.namedByConnection(headers, name)).as(values + " " + name).isEqualTo(model);
  }
}
