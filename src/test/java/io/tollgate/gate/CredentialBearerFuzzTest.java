package io.tollgate.gate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The {@code Authorization: Bearer} reader, written by hand for the hot path, takes exactly the keys the grammar it
 * replaced takes ({@code (?i)bearer +([!-~]+) *}, ASCII case), and nothing else.
 */
final class CredentialBearerFuzzTest {
  private static final Pattern BEARER = Pattern.compile("(?i)bearer +([!-~]+) *");

  @Property(tries = 5000)
  void bearerToken_agreesWithTheGrammar(@ForAll("authorizations") String value) {
    Matcher m = BEARER.matcher(value);
    Optional<String> model = m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    assertThat(Credential.bearerToken(value)).as(value).isEqualTo(model);
  }

  @Provide
  Arbitrary<String> authorizations() {
    Arbitrary<String> scheme = Arbitraries.of("Bearer", "bearer", "BEARER", "bEaReR", "Bearer\t", "Basic", "Bearerx",
        "Bea", "");
    Arbitrary<String> rest = Arbitraries.strings().withChars(" \tk_y-1=~!\u00e9\u017f\u0000,").ofMaxLength(12);
    return scheme.flatMap(s -> rest.map(r -> s + r));
  }
}
