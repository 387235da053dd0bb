import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { Badge, Confirm, Failure, Loading } from '../ui/common.js';
import { useLoad } from '../ui/load.js';
import { when } from '../ui/format.js';

const GRACE = [[0, 'None: revoke the old key now'], [3600, '1 hour'], [86400, '1 day'], [604800, '7 days']];

/** The customer's keys: list (never a secret: the API has none), create, rotate with a grace period, revoke. */
export function Keys({ c, onIssued, onChanged }) {
  const keys = useLoad(() => api.keys(c.customer_id), [c.customer_id, c.updated_at]);
  const [dialog, setDialog] = useState(null); // {kind: 'revoke'|'rotate', key}
  const [grace, setGrace] = useState(0);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const locked = c.status === 'deactivated';
  const close = () => { setDialog(null); setError(null); setGrace(0); };
  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      const { kind, key } = dialog;
      if (kind === 'revoke') {
        await api.revokeKey(c.customer_id, key.key_id);
        onChanged(`Key ${key.key_id} revoked.`);
      } else {
        const issued = await api.rotateKey(c.customer_id, key.key_id, Number(grace));
        onIssued(issued);
        onChanged(`Key ${key.key_id} rotated: the new key is ${issued.key_id}.`);
      }
      close();
      keys.reload();
    } catch (err) { setError(err); } finally { setBusy(false); }
  };
  return html`<section class="card" aria-labelledby="keys-title">
    <h2 id="keys-title">Keys</h2>
    <${Failure} error=${keys.error} what="Keys could not be loaded" />
    ${keys.loading && !keys.data && html`<${Loading} what="Loading keys" />`}
    ${keys.data && html`<div class="table-wrap"><table class="keys stack">
      <caption class="sr-only">Keys of ${c.customer_id}</caption>
      <thead><tr><th scope="col">Key</th><th scope="col">Name</th><th scope="col">Prefix</th><th scope="col">Env</th>
        <th scope="col">Status</th><th scope="col">Namespaces</th><th scope="col">Created</th><th scope="col">Last used</th>
        <th scope="col">Revoked at / expires</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
      <tbody>${keys.data.map((k) => html`<tr>
        <th scope="row" data-label="Key"><span><code>${k.key_id}</code>${k.replaces && html`<small>replaces ${k.replaces}</small>`}</span></th>
        <td data-label="Name">${k.name || '—'}</td><td data-label="Prefix"><code>${k.prefix}…</code></td>
        <td data-label="Environment">${k.environment}</td>
        <td data-label="Status"><${Badge} status=${k.status} /></td>
        <td data-label="Namespaces">${k.namespaces.length ? k.namespaces.join(', ') : 'all'}</td>
        <td data-label="Created">${when(k.created_at)}</td><td data-label="Last used">${when(k.last_used_at)}</td>
        <td data-label="Revoked / expires">${k.revoked_at ? when(k.revoked_at) : k.expires_at ? `expires ${when(k.expires_at)}` : '—'}</td>
        <td class="row-actions">${k.status === 'active' && html`
          <button type="button" class="small" disabled=${locked} aria-label=${`Rotate key ${k.key_id}`}
            onClick=${() => setDialog({ kind: 'rotate', key: k })}>Rotate…</button>
          <button type="button" class="small danger" aria-label=${`Revoke key ${k.key_id}`}
            onClick=${() => setDialog({ kind: 'revoke', key: k })}>Revoke…</button>`}</td>
      </tr>`)}</tbody>
    </table></div>`}
    ${!locked && html`<${NewKey} c=${c} onIssued=${(k) => { onIssued(k); keys.reload(); onChanged(`Key ${k.key_id} created.`); }} />`}
    <${Confirm} open=${dialog?.kind === 'revoke'} title=${`Revoke key ${dialog?.key.key_id || ''}?`} confirm="Revoke key"
      danger busy=${busy} onConfirm=${run} onCancel=${close}>
      <p>The gate refuses this key from the next request on. The customer's other keys keep working.</p>
      <${Failure} error=${error} />
    <//>
    <${Confirm} open=${dialog?.kind === 'rotate'} title=${`Rotate key ${dialog?.key.key_id || ''}?`} confirm="Rotate key"
      busy=${busy} onConfirm=${run} onCancel=${close}>
      <p>A new key with the same name, environment and namespaces is issued and shown once.</p>
      <label for="grace">Grace period for the old key</label>
      <select id="grace" onChange=${(e) => setGrace(e.target.value)}>
        ${GRACE.map(([s, label]) => html`<option value=${s} selected=${String(s) === String(grace)}>${label}</option>`)}
      </select>
      <${Failure} error=${error} />
    <//>
  </section>`;
}

function NewKey({ c, onIssued }) {
  const [form, setForm] = useState({ name: '', environment: 'live', namespaces: '', expires: '' });
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const set = (name) => (e) => setForm({ ...form, [name]: e.target.value });
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const issued = await api.createKey(c.customer_id, {
        name: form.name.trim() || null, environment: form.environment,
        namespaces: form.namespaces.split(/[\s,]+/).filter(Boolean),
        expires_at: form.expires ? new Date(`${form.expires}T23:59:59Z`).toISOString() : null,
      });
      setForm({ name: '', environment: 'live', namespaces: '', expires: '' });
      onIssued(issued);
    } catch (err) { setError(err); } finally { setBusy(false); }
  };
  return html`<form class="form-grid new-key" onSubmit=${submit} aria-labelledby="new-key-title">
    <h3 id="new-key-title">Create a key</h3>
    <div class="field"><label for="k-name">Name</label><input id="k-name" value=${form.name} onInput=${set('name')} /></div>
    <div class="field"><label for="k-env">Environment</label>
      <select id="k-env" onChange=${set('environment')}>
        ${['live', 'test'].map((v) => html`<option value=${v} selected=${v === form.environment}>${v}</option>`)}</select></div>
    <div class="field"><label for="k-ns">Namespaces (empty: all of the customer's)</label>
      <input id="k-ns" value=${form.namespaces} onInput=${set('namespaces')} /></div>
    <div class="field"><label for="k-exp">Expires (UTC end of day, optional)</label>
      <input id="k-exp" type="date" value=${form.expires} onInput=${set('expires')} /></div>
    <${Failure} error=${error} what="No key created" />
    <div class="actions"><button type="submit" class="primary" disabled=${busy}>Create key</button></div>
  </form>`;
}
