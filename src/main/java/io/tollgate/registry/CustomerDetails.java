package io.tollgate.registry;

import io.tollgate.limits.Limits;
import java.util.List;

/**
 * A customer as the Admin API shows it.
 *
 * @param customer the stored customer
 * @param limits its effective limits
 * @param keys all its keys, oldest first
 */
public record CustomerDetails(Customer customer, Limits limits, List<CustomerKey> keys) {
  public CustomerDetails {
    keys = List.copyOf(keys);
  }
}
