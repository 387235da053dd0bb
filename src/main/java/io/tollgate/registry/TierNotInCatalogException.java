package io.tollgate.registry;

/**
 * Thrown by {@link RegistryTransaction#insertCustomer} and {@link RegistryTransaction#updateCustomer} when the write
 * would put a customer on a tier that the catalog in force (as the last start or reload recorded it in the store)
 * does not have; the transaction rolls back and the change is refused as {@link Failure#UNKNOWN_TIER}.
 */
public final class TierNotInCatalogException extends RuntimeException {
  public TierNotInCatalogException(String tier) {
    super("no tier named '" + tier + "' in the catalog", null, false, false);
  }
}
