// The only door to the Admin API. The admin key lives in sessionStorage (this tab only, gone when it closes),
// travels only in the Authorization header, never in a URL, a cookie or localStorage.
const KEY = 'tollgate.admin_key';

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.code = problem?.code || null;
    this.errors = problem?.errors || [];
  }
}

let onUnauthorized = () => {};
export function whenUnauthorized(fn) { onUnauthorized = fn; }

export const session = {
  key: () => sessionStorage.getItem(KEY),
  signIn: (key) => sessionStorage.setItem(KEY, key),
  signOut: () => sessionStorage.removeItem(KEY),
};

async function request(method, path, { body, key = session.key(), raw = false } = {}) {
  const headers = { Accept: raw ? '*/*' : 'application/json', Authorization: `Bearer ${key}` };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(path, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'omit', cache: 'no-store', referrerPolicy: 'no-referrer',
    });
  } catch {
    throw new ApiError(0, { detail: 'The Admin API cannot be reached. Is Tollgate running?' });
  }
  if (!res.ok) {
    let problem = null;
    try { problem = await res.json(); } catch { /* not a problem document */ }
    if (res.status === 401 && key === session.key()) onUnauthorized();
    throw new ApiError(res.status, problem);
  }
  if (raw) return res;
  return res.status === 204 ? null : res.json();
}

const q = (params) => {
  const s = new URLSearchParams();
  Object.entries(params).forEach(([k, v]) => { if (v !== undefined && v !== null && v !== '') s.set(k, v); });
  const text = s.toString();
  return text ? `?${text}` : '';
};
const id = encodeURIComponent;

/** Every page of a cursor-paginated list, concatenated. */
async function all(path, params, field) {
  const out = [];
  let cursor = null;
  do {
    const page = await request('GET', path + q({ ...params, limit: 500, cursor }));
    out.push(...page[field]);
    cursor = page.next_cursor;
  } while (cursor);
  return out;
}

export const api = {
  /** Checks a candidate admin key without keeping it. */
  check: (key) => request('GET', '/admin/tiers', { key }),
  tiers: () => request('GET', '/admin/tiers'),
  /** Every customer, all pages (the overview's counts by tier and status). */
  customers: (filters = {}) => all('/admin/customers', filters, 'customers'),
  /** One page: {customers, next_cursor}; search, tier, status, cursor and limit as the Admin API takes them. */
  customerPage: (params) => request('GET', `/admin/customers${q(params)}`),
  customer: (c) => request('GET', `/admin/customers/${id(c)}`),
  createCustomer: (body) => request('POST', '/admin/customers', { body }),
  patchCustomer: (c, body) => request('PATCH', `/admin/customers/${id(c)}`, { body }),
  deactivate: (c) => request('DELETE', `/admin/customers/${id(c)}`),
  grant: (c, namespace) => request('POST', `/admin/customers/${id(c)}/namespaces`, { body: { namespace } }),
  withdraw: (c, ns) => request('DELETE', `/admin/customers/${id(c)}/namespaces/${id(ns)}`),
  keys: (c) => request('GET', `/admin/customers/${id(c)}/keys`).then((r) => r.keys),
  createKey: (c, body) => request('POST', `/admin/customers/${id(c)}/keys`, { body }),
  revokeKey: (c, k) => request('DELETE', `/admin/customers/${id(c)}/keys/${id(k)}`),
  rotateKey: (c, k, grace) => request('POST', `/admin/customers/${id(c)}/keys/${id(k)}/rotate`,
    { body: { grace_period_s: grace } }),
  usage: (c, period) => request('GET', `/admin/customers/${id(c)}/usage${q({ period })}`),
  daily: (c, from, to) => request('GET', `/admin/customers/${id(c)}/usage/daily${q({ from, to })}`),
  allUsage: (period) => request('GET', `/admin/usage${q({ period })}`),
  export: (period, format) => request('GET', `/admin/usage/export${q({ period, format })}`, { raw: true }),
  audit: (customerId, cursor) => request('GET', `/admin/audit${q({ customer_id: customerId, cursor, limit: 50 })}`),
  recentRefusals: () => request('GET', '/admin/refusals/recent'),
  webhooks: () => request('GET', '/admin/webhooks').then((r) => r.webhooks),
  webhook: (w) => request('GET', `/admin/webhooks/${id(w)}`),
  /** Answers the endpoint with its signing secret, the only time the API shows it. */
  createWebhook: (body) => request('POST', '/admin/webhooks', { body }),
  patchWebhook: (w, body) => request('PATCH', `/admin/webhooks/${id(w)}`, { body }),
  deleteWebhook: (w) => request('DELETE', `/admin/webhooks/${id(w)}`),
  deliveries: (w) => request('GET', `/admin/webhooks/${id(w)}/deliveries`).then((r) => r.deliveries),
  retryDelivery: (w, d) => request('POST', `/admin/webhooks/${id(w)}/deliveries/${id(d)}/retry`),
  testWebhook: (w) => request('POST', `/admin/webhooks/${id(w)}/test`),
};
