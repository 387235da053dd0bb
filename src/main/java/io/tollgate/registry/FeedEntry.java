package io.tollgate.registry;

/**
 * One committed registry change as the feed across nodes carries it, numbered by the store's feed version (one
 * version per transaction, handed out in commit order, so a node that applied version N has seen everything before).
 */
public sealed interface FeedEntry {
  /** The feed version the change committed with; increasing, gaps possible after a prune. */
  long version();

  /**
   * A customer, or one of its keys, changed; {@code change.version()} is {@link Long#MAX_VALUE} for a purge.
   *
   * @param version the feed version
   * @param change the customer and its version after the change (0 when the store did not learn it)
   */
  record CustomerChanged(long version, Change change) implements FeedEntry {}

  /**
   * A node reloaded its configuration and the registry ({@code POST /admin/registry/reload}); the others do too.
   *
   * @param version the feed version
   * @param nodeId the node that reloaded
   */
  record Reloaded(long version, String nodeId) implements FeedEntry {}
}
