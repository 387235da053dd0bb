import { html } from 'htm/preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api.js';
import { go, href, parse } from '../router.js';
import { Badge, Failure, Loading, Page } from '../ui/common.js';
import { useLoad } from '../ui/load.js';
import { remember } from '../ui/once.js';
import { when } from '../ui/format.js';

const PAGE_SIZE = 20;
const TYPING_PAUSE_MS = 300;
const onList = () => { const { parts } = parse(); return parts.length === 1 && parts[0] === 'customers'; };

/**
 * Search (id, name or email), tier and status go to the server, which pages by cursor: "Next" follows the page's
 * next_cursor, "Previous" pops the stack of cursors that led here. A new search or filter starts at page 1.
 */
export function Customers({ params }) {
  const { q = '', tier = '', status = '' } = params;
  const filters = JSON.stringify([q, tier, status]);
  const [paging, setPaging] = useState({ filters, cursors: [], moved: false });
  const ours = paging.filters === filters;
  const cursors = ours ? paging.cursors : [];
  const cursor = cursors.length ? cursors[cursors.length - 1] : null;
  const asked = JSON.stringify([q, tier, status, cursor]);
  const list = useLoad(() => api.customerPage({ search: q, tier, status, cursor, limit: PAGE_SIZE })
    .then((page) => ({ ...page, asked })), [asked]);
  // Until the answer to this very question is in, the last page stays (aria-busy), and so does the pager.
  const loading = list.loading || (list.data !== null && list.data.asked !== asked);
  const tiers = useLoad(() => api.tiers(), []);
  const [creating, setCreating] = useState(false);
  const set = (change, replace) => go('/customers', { q, tier, status, ...change }, { replace });

  // The box shows what is typed at once; the route (and the request) follow when typing pauses. A pause that ends
  // after the list was left does nothing: it would replace the page just opened (a new customer's, with its secret)
  // by the list. Preact runs an effect's cleanup after the next paint, even on unmount, so the timer is cleared in a
  // layout effect (run at once), and the callback checks the route too (the hash may be changed before the unmount).
  const [text, setText] = useState(q);
  const typing = useRef(null);
  useLayoutEffect(() => () => clearTimeout(typing.current), []);
  useEffect(() => { if (document.activeElement?.id !== 'search') setText(q); }, [q]);
  const type = (value) => {
    setText(value);
    clearTimeout(typing.current);
    typing.current = setTimeout(() => { if (onList()) set({ q: value }, true); }, TYPING_PAUSE_MS);
  };

  // The pager stays once used with these filters, so a keyboard user's focus stays on its button.
  const shown = list.data?.customers || [];
  const next = loading ? null : list.data?.next_cursor || null;
  const pageNo = cursors.length + 1;
  const first = cursors.length * PAGE_SIZE + 1;
  const paged = pageNo > 1 || next || (ours && paging.moved);
  const move = (to) => { if (!loading) setPaging({ filters, cursors: to, moved: true }); };
  const noPrevious = pageNo <= 1;
  const noNext = !loading && !next;

  return html`<${Page} title="Customers" actions=${html`<button type="button" class="primary"
      aria-expanded=${creating} onClick=${() => setCreating(!creating)}>New customer</button>`}>
    ${creating && html`<${NewCustomer} tiers=${tiers.data} onCancel=${() => setCreating(false)} />`}
    <form class="filters" role="search" onSubmit=${(e) => { e.preventDefault(); clearTimeout(typing.current); set({ q: text }, true); }}>
      <div class="field">
        <label for="search">Search id, name or email</label>
        <input id="search" type="search" maxlength="200" value=${text} onInput=${(e) => type(e.target.value)} />
      </div>
      <div class="field">
        <label for="tier-filter">Tier</label>
        <select id="tier-filter" onChange=${(e) => set({ tier: e.target.value })}>
          <option value="" selected=${!tier}>Every tier</option>
          ${(tiers.data?.tiers || []).map((t) => html`<option value=${t.name} selected=${t.name === tier}>${t.display_name}</option>`)}
        </select>
      </div>
      <div class="field">
        <label for="status-filter">Status</label>
        <select id="status-filter" onChange=${(e) => set({ status: e.target.value })}>
          ${[['', 'Every status'], ['active', 'Active'], ['suspended', 'Suspended'], ['deactivated', 'Deactivated']]
            .map(([v, label]) => html`<option value=${v} selected=${v === status}>${label}</option>`)}
        </select>
      </div>
    </form>
    <${Failure} error=${list.error} what="Customers could not be loaded" />
    ${loading && !list.data ? html`<${Loading} what="Loading customers" />` : html`
      <p class="muted" role="status" aria-live="polite">${loading ? 'Loading customers…' : !paged
        ? `${shown.length} customer${shown.length === 1 ? '' : 's'}`
        : `Page ${pageNo}, customers ${shown.length ? `${first}–${first + shown.length - 1}` : 'none'}${next ? ', more follow' : ''}`}</p>
      <div class="table-wrap" aria-busy=${loading}><table class="customers stack">
        <caption class="sr-only">Customers</caption>
        <thead><tr><th scope="col">Customer</th><th scope="col">Name</th><th scope="col">Email</th>
          <th scope="col">Tier</th><th scope="col">Status</th><th scope="col">Created</th></tr></thead>
        <tbody>${shown.map((c) => html`<tr>
          <th scope="row" data-label="Customer"><a href=${href(`/customers/${encodeURIComponent(c.customer_id)}`)}>${c.customer_id}</a></th>
          <td data-label="Name">${c.name || '—'}</td><td data-label="Email">${c.email || '—'}</td><td data-label="Tier">${c.tier}</td>
          <td data-label="Status"><${Badge} status=${c.status} /></td><td data-label="Created">${when(c.created_at)}</td></tr>`)}</tbody>
      </table></div>
      ${paged && html`<nav class="pager" aria-label="Pages">
        <button type="button" aria-disabled=${noPrevious} onClick=${() => noPrevious || move(cursors.slice(0, -1))}>Previous page</button>
        <span>Page ${pageNo}</span>
        <button type="button" aria-disabled=${noNext} onClick=${() => next && move([...cursors, next])}>Next page</button>
      </nav>`}`}
  <//>`;
}

function NewCustomer({ tiers, onCancel }) {
  const [form, setForm] = useState({ customer_id: '', name: '', email: '', tier: '', namespaces: 'default' });
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const field = (name) => ({ value: form[name], onInput: (e) => setForm({ ...form, [name]: e.target.value }) });
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const body = {
      customer_id: form.customer_id.trim() || null, name: form.name.trim() || null, email: form.email.trim() || null,
      tier: form.tier || null, namespaces: form.namespaces.split(/[\s,]+/).filter(Boolean),
    };
    try {
      const created = await api.createCustomer(body);
      remember(created.api_key);
      go(`/customers/${encodeURIComponent(created.customer_id)}`);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  return html`<form class="card form-grid" onSubmit=${submit} aria-labelledby="new-customer-title">
    <h2 id="new-customer-title">New customer</h2>
    <div class="field"><label for="nc-id">Customer id (optional)</label>
      <input id="nc-id" ...${field('customer_id')} pattern="[a-z0-9][a-z0-9_\\-]{1,62}" aria-describedby="nc-id-help" />
      <small id="nc-id-help">Lowercase letters, digits, - and _. Left empty, Tollgate makes one (cus_…).</small></div>
    <div class="field"><label for="nc-name">Name</label><input id="nc-name" ...${field('name')} /></div>
    <div class="field"><label for="nc-email">Email</label><input id="nc-email" type="email" ...${field('email')} /></div>
    <div class="field"><label for="nc-tier">Tier</label>
      <select id="nc-tier" onChange=${(e) => setForm({ ...form, tier: e.target.value })}>
        <option value="" selected=${!form.tier}>Default (${tiers?.default_tier || '…'})</option>
        ${(tiers?.tiers || []).map((t) => html`<option value=${t.name} selected=${t.name === form.tier}>${t.display_name}</option>`)}
      </select></div>
    <div class="field"><label for="nc-ns">Namespaces</label>
      <input id="nc-ns" ...${field('namespaces')} aria-describedby="nc-ns-help" />
      <small id="nc-ns-help">Separated by commas or spaces.</small></div>
    <${Failure} error=${error} what="Not created" />
    <div class="actions">
      <button type="button" onClick=${onCancel}>Cancel</button>
      <button type="submit" class="primary" disabled=${busy}>Create customer and first key</button>
    </div>
  </form>`;
}
