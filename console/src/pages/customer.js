import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { href } from '../router.js';
import { Badge, Confirm, Failure, Loading, Notice, Page, Secret } from '../ui/common.js';
import { useLoad } from '../ui/load.js';
import { takeRemembered } from '../ui/once.js';
import { quota, rate, when } from '../ui/format.js';
import { Keys } from './keys.js';

const STATUS_ACTIONS = {
  suspend: {
    label: 'Suspend', body: { active: false },
    text: 'Every key of this customer will be refused (403) at the gate until it is enabled again.',
  },
  enable: {
    label: 'Enable', body: { active: true },
    text: 'The customer\u2019s active keys will be accepted by the gate again.',
  },
  deactivate: {
    label: 'Deactivate',
    text: 'Every key stops at once and the customer can never be changed again. Usage is kept for the retention '
      + 'period. This cannot be undone.',
  },
};

export function CustomerPage({ id }) {
  const customer = useLoad(() => api.customer(id), [id]);
  const tiers = useLoad(() => api.tiers(), []);
  const [issued, setIssued] = useState(() => takeRemembered(id));
  const [notice, setNotice] = useState('');
  const c = customer.data;
  const changed = (text) => { setNotice(text); customer.reload(); };

  return html`<${Page} title=${`Customer ${id}`} actions=${html`
      <a class="button" href=${href('/usage', { customer: id })}>Usage</a>
      <a class="button" href=${href('/audit', { customer: id })}>Audit log</a>`}>
    <${Notice} text=${notice} />
    ${issued && html`<${Secret} issued=${issued} onDone=${() => setIssued(null)} />`}
    <${Failure} error=${customer.error} what="The customer could not be loaded" />
    ${customer.loading && !c && html`<${Loading} />`}
    ${c && html`
      <div class="grid-2">
        <${Profile} c=${c} tiers=${tiers.data} onChanged=${changed} />
        <div>
          <${Status} c=${c} onChanged=${changed} />
          <${Namespaces} c=${c} onChanged=${changed} />
        </div>
      </div>
      <${Keys} c=${c} onIssued=${setIssued} onChanged=${changed} />`}
  <//>`;
}

function Profile({ c, tiers, onChanged }) {
  const [form, setForm] = useState({ name: c.name || '', email: c.email || '', tier: c.tier });
  const [error, setError] = useState(null);
  const locked = c.status === 'deactivated';
  const save = async (e) => {
    e.preventDefault();
    setError(null);
    const body = {};
    if (form.name !== (c.name || '')) body.name = form.name || null;
    if (form.email !== (c.email || '')) body.email = form.email || null;
    if (form.tier !== c.tier) body.tier = form.tier;
    try {
      await api.patchCustomer(c.customer_id, body);
      onChanged('Profile saved.');
    } catch (err) { setError(err); }
  };
  const l = c.limits;
  return html`<section class="card" aria-labelledby="profile-title">
    <h2 id="profile-title">Profile</h2>
    <dl class="facts">
      <dt>Customer id</dt><dd><code>${c.customer_id}</code></dd>
      <dt>Status</dt><dd><${Badge} status=${c.status} /></dd>
      <dt>Quota</dt><dd>${quota(l.quota)}</dd>
      <dt>Rate limit</dt><dd>${rate(l.rate_limit)}</dd>
      <dt>Overrides</dt><dd>${Object.keys(c.limit_overrides || {}).length ? html`<code>${JSON.stringify(c.limit_overrides)}</code>` : 'none (the tier\u2019s limits)'}</dd>
      <dt>Keys</dt><dd>${c.keys ? `${c.keys.active} active, ${c.keys.revoked} revoked, ${c.keys.expired} expired` : '—'}</dd>
      <dt>Created</dt><dd>${when(c.created_at)}</dd>
      <dt>Updated</dt><dd>${when(c.updated_at)}</dd>
      ${Object.keys(c.metadata || {}).length > 0 && html`<dt>Metadata</dt><dd><code>${JSON.stringify(c.metadata)}</code></dd>`}
    </dl>
    <form onSubmit=${save} class="form-grid">
      <fieldset disabled=${locked}>
        <legend>Edit</legend>
        <div class="field"><label for="p-name">Name</label>
          <input id="p-name" value=${form.name} onInput=${(e) => setForm({ ...form, name: e.target.value })} /></div>
        <div class="field"><label for="p-email">Email</label>
          <input id="p-email" type="email" value=${form.email} onInput=${(e) => setForm({ ...form, email: e.target.value })} /></div>
        <div class="field"><label for="p-tier">Tier</label>
          <select id="p-tier" onChange=${(e) => setForm({ ...form, tier: e.target.value })}>
            ${(tiers?.tiers || [{ name: c.tier, display_name: c.tier }]).map((t) => html`<option value=${t.name}
              selected=${t.name === form.tier}>${t.display_name}</option>`)}
          </select></div>
        <${Failure} error=${error} what="Not saved" />
        <button type="submit" class="primary">Save profile</button>
      </fieldset>
    </form>
  </section>`;
}

function Status({ c, onChanged }) {
  const [action, setAction] = useState(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      if (action === 'deactivate') await api.deactivate(c.customer_id);
      else await api.patchCustomer(c.customer_id, STATUS_ACTIONS[action].body);
      const done = { suspend: 'suspended', enable: 'enabled', deactivate: 'deactivated' }[action];
      setAction(null);
      onChanged(`Customer ${done}.`);
    } catch (err) { setError(err); } finally { setBusy(false); }
  };
  const a = action && STATUS_ACTIONS[action];
  return html`<section class="card" aria-labelledby="status-title">
    <h2 id="status-title">Status: <${Badge} status=${c.status} /></h2>
    ${c.status === 'deactivated' ? html`<p class="muted">Deactivated ${when(c.deactivated_at)}; it can no longer be changed.</p>` : html`
      <div class="actions">
        ${c.status === 'active' && html`<button type="button" onClick=${() => setAction('suspend')}>Suspend…</button>`}
        ${c.status === 'suspended' && html`<button type="button" onClick=${() => setAction('enable')}>Enable…</button>`}
        <button type="button" class="danger" onClick=${() => setAction('deactivate')}>Deactivate…</button>
      </div>`}
    <${Confirm} open=${Boolean(a)} title=${a ? `${a.label} ${c.customer_id}?` : ''} confirm=${a ? a.label : ''}
      danger=${action !== 'enable'} busy=${busy} onConfirm=${run} onCancel=${() => { setAction(null); setError(null); }}>
      <p>${a?.text}</p>
      <${Failure} error=${error} />
    <//>
  </section>`;
}

function Namespaces({ c, onChanged }) {
  const [ns, setNs] = useState('');
  const [error, setError] = useState(null);
  const locked = c.status === 'deactivated';
  const act = async (fn, text) => {
    setError(null);
    try { await fn(); onChanged(text); } catch (err) { setError(err); }
  };
  const add = (e) => {
    e.preventDefault();
    const name = ns.trim();
    if (name) act(() => api.grant(c.customer_id, name).then(() => setNs('')), `Namespace ${name} granted.`);
  };
  return html`<section class="card" aria-labelledby="ns-title">
    <h2 id="ns-title">Namespaces</h2>
    <ul class="chips">${c.namespaces.map((n) => html`<li><code>${n}</code>
      <button type="button" class="small" disabled=${locked} aria-label=${`Withdraw namespace ${n}`}
        onClick=${() => act(() => api.withdraw(c.customer_id, n), `Namespace ${n} withdrawn.`)}>Remove</button></li>`)}
    </ul>
    ${c.namespaces.length === 0 && html`<p class="muted">None: every request is refused with namespace_denied.</p>`}
    <form class="inline" onSubmit=${add}>
      <label for="ns-add">Namespace to add</label>
      <input id="ns-add" value=${ns} disabled=${locked} pattern="[a-z0-9][a-z0-9_\\-]{0,62}" onInput=${(e) => setNs(e.target.value)} />
      <button type="submit" disabled=${locked}>Add namespace</button>
    </form>
    <${Failure} error=${error} />
  </section>`;
}
