package io.tollgate.config;

import io.tollgate.limits.Limits;
import io.tollgate.limits.Quota;
import io.tollgate.limits.QuotaPeriod;
import io.tollgate.limits.RateLimit;
import io.tollgate.limits.Units;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads a tier catalog file ({@code tiers:} list) into a {@link TierCatalog}, or the built-in one. */
public final class TierCatalogParser {
  private static final Pattern NAME = Pattern.compile("^[a-z0-9][a-z0-9_-]{0,62}$");
  private static final Pattern CURRENCY = Pattern.compile("^[A-Z]{3}$");
  private static final String BUILT_IN = "default-tiers.yaml";

  private TierCatalogParser() {}

  /** The catalog of seed 000 that ships inside the jar. */
  public static TierCatalog builtIn() {
    try (InputStream in = TierCatalogParser.class.getResourceAsStream(BUILT_IN)) {
      if (in == null) {
        throw new IllegalStateException("the built-in tier catalog is missing from the jar");
      }
      return parse("built-in tiers", new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException("the built-in tier catalog cannot be read", e);
    }
  }

  /** Reads the catalog file; errors name the key and the line. */
  public static TierCatalog read(Path file) {
    try {
      return parse(file.toString(), Files.readString(file));
    } catch (IOException e) {
      throw new InvalidConfigException("tiers: cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  static TierCatalog parse(String source, String yaml) {
    ConfigNode root = YamlDocument.parse(source, yaml).root().onlyKeys(Set.of("tiers"));
    List<ConfigNode> items = root.get("tiers").list();
    if (items.isEmpty()) {
      throw root.get("tiers").fail("must list at least one tier");
    }
    List<Tier> tiers = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (ConfigNode item : items) {
      Tier tier = tier(item);
      if (!seen.add(tier.name())) {
        throw item.get("name").fail("tier " + tier.name() + " is listed twice");
      }
      tiers.add(tier);
    }
    return new TierCatalog(tiers);
  }

  private static Tier tier(ConfigNode n) {
    n.onlyKeys(Set.of("name", "display_name", "price", "quota", "rate_limit", "sla", "usage_thresholds"));
    String name = n.get("name").text().orElseThrow(() -> n.get("name").fail("is required"));
    if (!NAME.matcher(name).matches()) {
      throw n.get("name").fail("must match " + NAME.pattern());
    }
    return new Tier(name, n.get("display_name").text(name), price(n.get("price")),
        new Limits(quota(n.get("quota")), rateLimit(n.get("rate_limit"))), sla(n.get("sla")),
        usageThresholds(n.get("usage_thresholds")));
  }

  /**
   * A list of usage thresholds (whole percents of the quota, 1 to 1000), sorted without duplicates; empty when the
   * key is absent. An empty list is kept: no threshold at all.
   */
  static Optional<List<Integer>> usageThresholds(ConfigNode list) {
    if (!list.isPresent()) {
      return Optional.empty();
    }
    java.util.TreeSet<Integer> percents = new java.util.TreeSet<>();
    for (ConfigNode n : list.list()) {
      long percent = n.integer().orElseThrow(() -> n.fail("must be a whole percent"));
      if (percent < 1 || percent > 1000) {
        throw n.fail("must be between 1 and 1000");
      }
      percents.add((int) percent);
    }
    return Optional.of(List.copyOf(percents));
  }

  private static Tier.Price price(ConfigNode p) {
    p.onlyKeys(Set.of("amount", "currency", "period"));
    BigDecimal amount = p.get("amount").decimal().orElse(BigDecimal.ZERO);
    if (amount.signum() < 0) {
      throw p.get("amount").fail("must not be negative");
    }
    String currency = p.get("currency").text("USD");
    if (!CURRENCY.matcher(currency).matches()) {
      throw p.get("currency").fail("must be an ISO 4217 code such as USD");
    }
    String period = p.get("period").text("year");
    QuotaPeriod.fromWire(period).orElseThrow(() -> p.get("period").fail("must be month or year"));
    return new Tier.Price(amount, currency, period);
  }

  private static Quota quota(ConfigNode q) {
    q.onlyKeys(Set.of("units", "period"));
    BigDecimal units = q.get("units").decimal().orElseThrow(() -> q.get("units").fail("is required"));
    Units parsed = Units.parse(units).orElseThrow(
        () -> q.get("units").fail("must be a non-negative number with at most three decimals"));
    String period = q.get("period").text().orElseThrow(() -> q.get("period").fail("is required"));
    return new Quota(parsed, QuotaPeriod.fromWire(period)
        .orElseThrow(() -> q.get("period").fail("must be month or year")));
  }

  private static RateLimit rateLimit(ConfigNode r) {
    r.onlyKeys(Set.of("requests", "window_s", "burst"));
    long requests = positive(r.get("requests"), r.get("requests").integer()
        .orElseThrow(() -> r.get("requests").fail("is required")));
    long window = positive(r.get("window_s"), r.get("window_s").integer().orElse(1L));
    long burst = positive(r.get("burst"), r.get("burst").integer().orElse(requests));
    return new RateLimit(requests, window, burst);
  }

  private static long positive(ConfigNode n, long value) {
    if (value < 1) {
      throw n.fail("must be at least 1");
    }
    return value;
  }

  private static BigDecimal sla(ConfigNode s) {
    BigDecimal sla = s.decimal().orElseThrow(() -> s.fail("is required"));
    if (sla.signum() < 0 || sla.compareTo(BigDecimal.valueOf(100)) > 0) {
      throw s.fail("must be a percentage between 0 and 100");
    }
    return sla;
  }
}
