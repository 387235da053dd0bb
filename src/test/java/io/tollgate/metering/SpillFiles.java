package io.tollgate.metering;

import java.nio.file.Path;
import java.util.List;

/** Writes spill files as a process that could not reach its store leaves them, for tests of the next start. */
public final class SpillFiles {
  private SpillFiles() {}

  /** Appends {@code batches}, in order, to the first free slot of {@code spillDir} ({@code <data_dir>/spill}). */
  public static void write(Path spillDir, List<UsageBatch> batches) {
    try (UsageSpill spill = UsageSpill.open(spillDir, Long.MAX_VALUE)) {
      for (UsageBatch b : batches) {
        if (!spill.append(b, b.usage().size() + b.takenBack().size() + b.refusals().size())) {
          throw new AssertionError("batch " + b.id() + " not spilled");
        }
      }
    }
  }
}
