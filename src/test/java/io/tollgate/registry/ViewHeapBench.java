package io.tollgate.registry;

import io.tollgate.config.Catalog;
import io.tollgate.config.ConfigLoader;
import io.tollgate.config.TierCatalog;
import io.tollgate.keys.KeyEnvironment;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * The view's heap per key without a store: N customers of one key each (ids and key ids shaped as the
 * {@code bench/keys-1m.sh} store's, random digests) streamed straight into the base's builder, then the used heap
 * after full GCs, before and after. Measures the layout at sizes a store would take long to populate (10M). Not a
 * test (surefire never picks it up); run with {@code java -cp target/classes:target/test-classes:target/tollgate.jar
 * io.tollgate.registry.ViewHeapBench N}. Prints {@code name=value} lines.
 */
public final class ViewHeapBench {
  private ViewHeapBench() {}

  public static void main(String[] args) {
    int n = Integer.parseInt(args[0]);
    TierCatalog tiers = Catalog.of(ConfigLoader.load(Optional.empty(), Map.of())).tiers();
    List<String> ns = List.of("default");
    long before = usedAfterGc();
    long t0 = System.nanoTime();
    RegistryView view = build(tiers, n, ns);
    long t1 = System.nanoTime();
    long after = usedAfterGc();
    System.out.printf("keys=%d%nbuild_s=%.3f%nview_heap_bytes=%d%nheap_bytes_per_key=%.1f%n", view.keyCount(),
        (t1 - t0) / 1e9, after - before, (after - before) / (double) n);
    System.out.println(view.findCustomer("c0000000").isPresent() ? "lookup=ok" : "lookup=MISSING");
  }

  /** The view alone: the builder is unreachable once this returns, as in {@link LiveRegistry}. */
  private static RegistryView build(TierCatalog tiers, int n, List<String> ns) {
    CompactBase.Builder b = new CompactBase.Builder(tiers);
    b.expect(n, n);
    SplittableRandom r = new SplittableRandom(1);
    for (int i = 0; i < n; i++) {
      String id = String.format("c%07d", i);
      b.customer(id, "starter", ns, CustomerStatus.ACTIVE, LimitOverrides.NONE, 1_765_000_000_000L, 1);
      b.key(String.format("key_bench%011d", i), id, KeyEnvironment.LIVE, r.nextLong(), r.nextLong(), r.nextLong(),
          r.nextLong(), List.of(), RegistryLoadSink.NONE, RegistryLoadSink.NONE);
    }
    return new RegistryView(tiers, b.build());
  }

  private static long usedAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    Runtime rt = Runtime.getRuntime();
    return rt.totalMemory() - rt.freeMemory();
  }
}
