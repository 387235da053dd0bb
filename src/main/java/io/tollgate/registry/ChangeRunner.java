package io.tollgate.registry;

import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one admin change as one transaction, turns a {@link RefusedChange} into {@link Outcome.Refused}, and
 * publishes the committed change to the {@link ChangeFeed} before answering, so the next request sees it. When the
 * publication fails (the store failed between the commit and the re-read), the change is still committed and
 * answered as done: the {@link ChangeReceiver}'s next catch-up, at most one poll interval later, applies it.
 */
final class ChangeRunner {
  private static final Logger LOG = LoggerFactory.getLogger(ChangeRunner.class);
  private final RegistryStore store;
  private final ChangeFeed feed;

  /**
   * What a change produced, and the customer version it committed.
   *
   * @param value the answer
   * @param customerId the customer changed
   * @param version its version after the change
   */
  record Committed<T>(T value, String customerId, long version) {}

  ChangeRunner(RegistryStore store, ChangeFeed feed) {
    this.store = store;
    this.feed = feed;
  }

  <T> Outcome<T> run(Function<RegistryTransaction, Committed<T>> work) {
    Committed<T> committed;
    try {
      committed = inTransactionRetryingOnce(work);
    } catch (RefusedChange refused) {
      return Outcome.refused(refused.failure, refused.getMessage());
    } catch (TierNotInCatalogException refused) {
      return Outcome.refused(Failure.UNKNOWN_TIER, refused.getMessage());
    }
    try {
      feed.publish(new Change(committed.customerId(), committed.version()));
    } catch (RuntimeException e) {
      LOG.warn("change of customer {} committed but not yet in the view ({}); the feed's catch-up applies it",
          committed.customerId(), e.toString());
    }
    return Outcome.done(committed.value());
  }

  /**
   * A constraint violation means a concurrent change committed first (e.g. two creates of one id): the work runs
   * once more on the new state, where its own checks give the right answer (409, not 500).
   */
  private <T> Committed<T> inTransactionRetryingOnce(Function<RegistryTransaction, Committed<T>> work) {
    try {
      return store.inTransaction(work);
    } catch (IllegalStateException conflict) {
      return store.inTransaction(work);
    }
  }
}
