package io.tollgate.gate;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.config.RouteSpec;
import io.tollgate.limits.Units;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The route table compares a request's path segments in place: it picks the same route and the same namespace as
 * the straightforward model does (split the path at every slash, compare segment by segment, first match wins),
 * for templates with literal, {@code {name}}, {@code {namespace}} and {@code **} segments and paths made of their
 * pieces, empty segments, dots and slashes.
 */
final class RouteTableMatchPropertyTest {
  private static final List<String> PIECES = List.of("v1", "default", "serve", "bench", "a", "", ".", "..", "x.y",
      "v2", "%2e");

  @Provide
  Arbitrary<List<RouteSpec>> routes() {
    Arbitrary<String> segment = Arbitraries.of("v1", "serve", "bench", "a", "{namespace}", "{id}", "v2");
    Arbitrary<String> template = segment.list().ofMinSize(0).ofMaxSize(4).flatMap(segs -> Arbitraries.of(true, false)
        .map(tail -> "/" + String.join("/", segs) + (tail ? (segs.isEmpty() ? "**" : "/**") : "")));
    Arbitrary<RouteSpec> spec = Arbitraries.of("GET", "POST", "*").flatMap(m -> template.map(path ->
        new RouteSpec(m, path, "op" + Math.abs(path.hashCode() % 1000) + m.length(), Units.of(1),
            Optional.empty())));
    return spec.list().ofMinSize(1).ofMaxSize(6);
  }

  @Provide
  Arbitrary<String> paths() {
    return Arbitraries.of(PIECES).list().ofMinSize(0).ofMaxSize(6).map(p -> "/" + String.join("/", p));
  }

  @Property(tries = 3000)
  void match_picksWhatTheSplittingModelPicks(@ForAll("routes") List<RouteSpec> specs, @ForAll("paths") String path,
      @ForAll("methods") String method) {
    Optional<RouteTable.Match> got = new RouteTable(specs).match(method, path);
    Optional<RouteTable.Match> model = model(specs, method, path);
    assertThat(got.map(m -> m.route())).as(path).isEqualTo(model.map(m -> m.route()));
    assertThat(got.flatMap(RouteTable.Match::namespace)).as(path).isEqualTo(model.flatMap(RouteTable.Match::namespace));
  }

  @Provide
  Arbitrary<String> methods() {
    return Arbitraries.of("GET", "POST", "PUT");
  }

  @Property(tries = 200)
  void match_refusesWhatIsNotOriginForm(@ForAll("routes") List<RouteSpec> specs) {
    assertThat(new RouteTable(specs).match("GET", "")).isEmpty();
    assertThat(new RouteTable(specs).match("GET", "v1/default")).isEmpty();
  }

  /** The table as it was written before: the path split into substrings, compared one by one. */
  private static Optional<RouteTable.Match> model(List<RouteSpec> specs, String method, String path) {
    String[] parts = path.substring(1).split("/", -1);
    for (RouteSpec s : specs) {
      String[] segs = s.path().substring(1).split("/", -1);
      boolean tail = segs.length > 0 && segs[segs.length - 1].equals("**");
      String[] fixed = tail ? Arrays.copyOf(segs, segs.length - 1) : segs;
      int ns = new ArrayList<>(Arrays.asList(fixed)).lastIndexOf("{namespace}");
      if (!s.method().equals("*") && !s.method().equals(method)) {
        continue;
      }
      if (tail ? parts.length < fixed.length : parts.length != fixed.length) {
        continue;
      }
      boolean ok = true;
      for (int i = 0; i < fixed.length && ok; i++) {
        boolean param = fixed[i].length() > 2 && fixed[i].charAt(0) == '{';
        ok = param ? !parts[i].isEmpty() && !parts[i].equals("..") && !parts[i].equals(".") : fixed[i].equals(parts[i]);
      }
      if (ok) {
        return Optional.of(new RouteTable.Match(s, ns < 0 ? Optional.empty() : Optional.of(parts[ns])));
      }
    }
    return Optional.empty();
  }
}
