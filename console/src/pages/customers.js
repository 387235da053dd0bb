import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { go, href } from '../router.js';
import { Badge, Failure, Loading, Page } from '../ui/common.js';
import { useLoad } from '../ui/load.js';
import { remember } from '../ui/once.js';
import { when } from '../ui/format.js';

const PAGE_SIZE = 20;

function matches(c, text) {
  if (!text) return true;
  const t = text.toLowerCase();
  return [c.customer_id, c.name, c.email].some((v) => v && v.toLowerCase().includes(t));
}

/** Tier and status filter on the server; the search (id, name or email) and the pages in the browser. */
export function Customers({ params }) {
  const { q = '', tier = '', status = '' } = params;
  const page = Math.max(1, Number(params.page) || 1);
  const list = useLoad(() => api.customers({ tier, status }), [tier, status]);
  const tiers = useLoad(() => api.tiers(), []);
  const [creating, setCreating] = useState(false);
  const set = (change, replace) => go('/customers', { q, tier, status, ...change, page: change.page }, { replace });

  const found = (list.data || []).filter((c) => matches(c, q));
  const pages = Math.max(1, Math.ceil(found.length / PAGE_SIZE));
  const shown = found.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE);

  return html`<${Page} title="Customers" actions=${html`<button type="button" class="primary"
      aria-expanded=${creating} onClick=${() => setCreating(!creating)}>New customer</button>`}>
    ${creating && html`<${NewCustomer} tiers=${tiers.data} onCancel=${() => setCreating(false)} />`}
    <form class="filters" role="search" onSubmit=${(e) => e.preventDefault()}>
      <div class="field">
        <label for="search">Search id, name or email</label>
        <input id="search" type="search" value=${q} onInput=${(e) => set({ q: e.target.value }, true)} />
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
    ${list.loading ? html`<${Loading} what="Loading customers" />` : html`
      <p class="muted" role="status" aria-live="polite">${found.length} customer${found.length === 1 ? '' : 's'}${
        pages > 1 ? `, page ${page} of ${pages}` : ''}</p>
      <div class="table-wrap"><table class="customers stack">
        <caption class="sr-only">Customers</caption>
        <thead><tr><th scope="col">Customer</th><th scope="col">Name</th><th scope="col">Email</th>
          <th scope="col">Tier</th><th scope="col">Status</th><th scope="col">Created</th></tr></thead>
        <tbody>${shown.map((c) => html`<tr>
          <th scope="row" data-label="Customer"><a href=${href(`/customers/${encodeURIComponent(c.customer_id)}`)}>${c.customer_id}</a></th>
          <td data-label="Name">${c.name || '—'}</td><td data-label="Email">${c.email || '—'}</td><td data-label="Tier">${c.tier}</td>
          <td data-label="Status"><${Badge} status=${c.status} /></td><td data-label="Created">${when(c.created_at)}</td></tr>`)}</tbody>
      </table></div>
      ${pages > 1 && html`<nav class="pager" aria-label="Pages">
        <a href=${href('/customers', { q, tier, status, page: page - 1 })} aria-disabled=${page <= 1}
          class=${page <= 1 ? 'disabled' : ''} tabindex=${page <= 1 ? -1 : undefined}>Previous page</a>
        <span>Page ${page} of ${pages}</span>
        <a href=${href('/customers', { q, tier, status, page: page + 1 })} aria-disabled=${page >= pages}
          class=${page >= pages ? 'disabled' : ''} tabindex=${page >= pages ? -1 : undefined}>Next page</a>
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
