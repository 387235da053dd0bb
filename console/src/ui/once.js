// A new key's secret crosses from the page that created it to the customer page in memory only, once:
// never in the URL, sessionStorage or localStorage, and a reload or a later visit no longer has it.
let pending = null;

export function remember(issued) { pending = issued; }

export function takeRemembered(customerId) {
  const issued = pending && pending.customer_id === customerId ? pending : null;
  pending = null;
  return issued;
}
