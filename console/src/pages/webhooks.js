import { html } from 'htm/preact';
import { useLayoutEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { go, href } from '../router.js';
import { Badge, Confirm, Failure, Loading, Notice, Page, ShownOnce } from '../ui/common.js';
import { useLoad } from '../ui/load.js';
import { when } from '../ui/format.js';

/** The event types an endpoint can subscribe to (docs/webhooks.md); webhook.test is sent only by "Send test". */
const EVENTS = [
  ['usage.threshold', 'a customer\u2019s usage reaches a share of its quota'],
  ['sla.at_risk', 'half, then all, of a customer\u2019s SLA error budget is spent'],
  ['rate_limit.sustained', 'a customer is refused with 429 for longer than the set time'],
  ['key.created', 'a key is created'],
  ['key.revoked', 'a key is revoked'],
  ['key.expiring', 'a key expires within 7 days'],
  ['customer.created', 'a customer is created'],
  ['customer.tier_changed', 'a customer\u2019s tier changes'],
  ['customer.suspended', 'a customer is suspended'],
  ['customer.deactivated', 'a customer is deactivated'],
];
const REFRESH_MS = 2000;

const status = (w) => (w.enabled ? 'enabled' : 'disabled');
const link = (w) => href(`/webhooks/${encodeURIComponent(w.id)}`);

/** Every endpoint, and a new one's signing secret, which lives in this page's state only: gone once it is left. */
export function Webhooks() {
  const list = useLoad(() => api.webhooks(), []);
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState(null);
  return html`<${Page} title="Webhooks" actions=${html`<button type="button" class="primary"
      aria-expanded=${creating} onClick=${() => setCreating(!creating)}>New endpoint</button>`}>
    <p class="muted">Events are POSTed to each endpoint, signed as Standard Webhooks do (see docs/webhooks.md).</p>
    ${created && html`<${ShownOnce} title=${`Signing secret of ${created.id}`} value=${created.secret}
      noun="signing secret" kept="Tollgate keeps it to sign the deliveries but never shows it again."
      onDone=${() => setCreated(null)} />`}
    ${creating && html`<${NewEndpoint} onCancel=${() => setCreating(false)}
      onCreated=${(w) => { setCreated(w); setCreating(false); list.reload(); }} />`}
    <${Failure} error=${list.error} what="The endpoints could not be loaded" />
    ${list.loading && !list.data && html`<${Loading} what="Loading endpoints" />`}
    ${list.data && (list.data.length === 0 ? html`<p class="muted" role="status">No endpoint yet.</p>` : html`
      <div class="table-wrap"><table class="webhooks stack">
        <caption class="sr-only">Webhook endpoints, oldest first</caption>
        <thead><tr><th scope="col">Endpoint</th><th scope="col">URL</th><th scope="col">Events</th>
          <th scope="col">Description</th><th scope="col">Status</th><th scope="col">Created</th></tr></thead>
        <tbody>${list.data.map((w) => html`<tr>
          <th scope="row" data-label="Endpoint"><a href=${link(w)}><code>${w.id}</code></a></th>
          <td data-label="URL"><code>${w.url}</code></td>
          <td data-label="Events">${w.events.join(', ')}</td>
          <td data-label="Description">${w.description || '—'}</td>
          <td data-label="Status"><${Badge} status=${status(w)} /></td>
          <td data-label="Created">${when(w.created_at)}</td></tr>`)}</tbody>
      </table></div>`)}
  <//>`;
}

/** The events checked, in the order of EVENTS. */
const chosen = (events) => EVENTS.map(([t]) => t).filter((t) => events.includes(t));

/**
 * The form an endpoint is created and edited with: URL, description and the checkbox list of EVENTS, filled once
 * from `initial` (nothing reloaded later writes into it). `send(form)` makes the call; a refusal keeps the form as
 * typed and shows the problem, each refused field marked.
 */
function EndpointForm({ prefix, title, initial, submitLabel, refused, send, onCancel }) {
  const [form, setForm] = useState(initial);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const invalid = (field) => (error?.errors || []).some((e) => e.field === field) || undefined;
  const toggle = (type) => setForm({
    ...form, events: form.events.includes(type) ? form.events.filter((t) => t !== type) : [...form.events, type],
  });
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await send({ url: form.url.trim(), description: form.description.trim(), events: chosen(form.events) });
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  const titleId = `${prefix}-title`;
  return html`<form class="card form-grid" onSubmit=${submit} aria-labelledby=${titleId}>
    <h2 id=${titleId}>${title}</h2>
    <div class="field"><label for=${`${prefix}-url`}>URL</label>
      <input id=${`${prefix}-url`} type="url" required value=${form.url} aria-describedby=${`${prefix}-url-help`}
        aria-invalid=${invalid('url')} onInput=${(e) => setForm({ ...form, url: e.target.value })} />
      <small id=${`${prefix}-url-help`}>https; plain http and private addresses only with webhooks.allow_private.</small></div>
    <div class="field"><label for=${`${prefix}-description`}>Description (optional)</label>
      <input id=${`${prefix}-description`} maxlength="500" value=${form.description} aria-invalid=${invalid('description')}
        onInput=${(e) => setForm({ ...form, description: e.target.value })} /></div>
    <fieldset class="checks">
      <legend>Events</legend>
      ${EVENTS.map(([type, what]) => html`<label class="check"><input type="checkbox" checked=${form.events.includes(type)}
        onChange=${() => toggle(type)} /> <code>${type}</code> <span class="muted">${what}</span></label>`)}
    </fieldset>
    <${Failure} error=${error} what=${refused} />
    <div class="actions">
      <button type="button" onClick=${onCancel}>Cancel</button>
      <button type="submit" class="primary" disabled=${busy}>${submitLabel}</button>
    </div>
  </form>`;
}

function NewEndpoint({ onCancel, onCreated }) {
  const send = async ({ url, description, events }) => {
    onCreated(await api.createWebhook(description ? { url, events, description } : { url, events }));
  };
  return html`<${EndpointForm} prefix="wh" title="New endpoint" initial=${{ url: '', description: '', events: [] }}
    submitLabel="Create endpoint" refused="Not created" send=${send} onCancel=${onCancel} />`;
}

/**
 * Edits an endpoint's URL, events and description, prefilled from the endpoint as it was when the form opened.
 * Only the fields changed since are sent (an emptied description as null: cleared); a refusal changes nothing.
 */
function EditEndpoint({ w, onCancel, onSaved }) {
  const [initial] = useState(() => ({ url: w.url, description: w.description || '', events: chosen(w.events) }));
  const send = async (form) => {
    const body = {};
    if (form.url !== initial.url) body.url = form.url;
    if (form.events.join() !== initial.events.join()) body.events = form.events;
    if (form.description !== initial.description) body.description = form.description || null;
    if (Object.keys(body).length === 0) {
      onSaved('Nothing changed.');
      return;
    }
    await api.patchWebhook(w.id, body);
    onSaved('Endpoint saved.');
  };
  return html`<${EndpointForm} prefix="wh-edit" title="Edit endpoint" initial=${initial} submitLabel="Save endpoint"
    refused="Not saved" send=${send} onCancel=${onCancel} />`;
}

/** One endpoint: edit, enable or disable it, delete it, send a test event, and its deliveries with a retry each. */
export function WebhookPage({ id }) {
  const endpoint = useLoad(() => api.webhook(id), [id]);
  const deliveries = useLoad(() => api.deliveries(id), [id]);
  const [notice, setNotice] = useState('');
  const [error, setError] = useState(null);
  const [deleting, setDeleting] = useState(false);
  const [editing, setEditing] = useState(false);
  const [busy, setBusy] = useState(false);
  const w = endpoint.data;
  // while a delivery is pending its row is read again every 2 s, until it is delivered or failed; a layout effect,
  // so that leaving the page clears the timer at once (an effect's cleanup would wait for the next paint)
  const pending = (deliveries.data || []).some((d) => d.status === 'pending');
  useLayoutEffect(() => {
    if (!pending || deliveries.loading) return undefined;
    const timer = setTimeout(deliveries.reload, REFRESH_MS);
    return () => clearTimeout(timer);
  }, [pending, deliveries.loading, deliveries.data]);
  const act = async (fn, text, reload) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
      setNotice(text);
      reload.forEach((r) => r.reload());
    } catch (err) { setError(err); } finally { setBusy(false); }
  };
  const remove = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.deleteWebhook(id);
      go('/webhooks');
    } catch (err) { setError(err); setBusy(false); }
  };
  return html`<${Page} title=${`Webhook ${id}`} actions=${html`<a class="button" href="#/webhooks">Every endpoint</a>`}>
    <${Notice} text=${notice} />
    <${Failure} error=${endpoint.error} what="The endpoint could not be loaded" />
    ${endpoint.loading && !w && html`<${Loading} />`}
    ${w && html`<section class="card" aria-labelledby="endpoint-title">
      <h2 id="endpoint-title">Endpoint: <${Badge} status=${status(w)} /></h2>
      <dl class="facts">
        <dt>URL</dt><dd><code>${w.url}</code></dd>
        <dt>Events</dt><dd>${w.events.join(', ')}</dd>
        <dt>Description</dt><dd>${w.description || '—'}</dd>
        ${w.disabled_reason && html`<dt>Disabled by Tollgate</dt><dd>${w.disabled_reason}</dd>`}
        <dt>Created</dt><dd>${when(w.created_at)}</dd>
      </dl>
      <div class="actions">
        <button type="button" class="primary" disabled=${busy}
          onClick=${() => act(() => api.testWebhook(id), 'Test event queued.', [deliveries])}>Send test event</button>
        <button type="button" disabled=${busy} onClick=${() => act(() => api.patchWebhook(id, { enabled: !w.enabled }),
          w.enabled ? 'Endpoint disabled: its deliveries wait.' : 'Endpoint enabled.', [endpoint, deliveries])}>
          ${w.enabled ? 'Disable' : 'Enable'}</button>
        <button type="button" aria-expanded=${editing} disabled=${endpoint.loading}
          onClick=${() => setEditing(!editing)}>Edit…</button>
        <button type="button" class="danger" onClick=${() => setDeleting(true)}>Delete…</button>
      </div>
      <${Failure} error=${!deleting && error} />
    </section>`}
    ${w && editing && html`<${EditEndpoint} w=${w} onCancel=${() => setEditing(false)}
      onSaved=${(text) => { setEditing(false); setNotice(text); endpoint.reload(); }} />`}
    <${Confirm} open=${deleting} title=${`Delete ${id}?`} confirm="Delete endpoint" danger busy=${busy}
      onConfirm=${remove} onCancel=${() => { setDeleting(false); setError(null); }}>
      <p>The endpoint and its deliveries are deleted; pending deliveries are never sent. This cannot be undone.</p>
      <${Failure} error=${deleting && error} />
    <//>
    <${Deliveries} id=${id} deliveries=${deliveries} busy=${busy}
      onRetry=${(d) => act(() => api.retryDelivery(id, d.id), `Delivery ${d.id} is pending again.`, [deliveries])} />
  <//>`;
}

function Deliveries({ id, deliveries, busy, onRetry }) {
  const rows = deliveries.data || [];
  return html`<section class="card" aria-labelledby="deliveries-title">
    <h2 id="deliveries-title">Deliveries</h2>
    <div class="actions"><button type="button" onClick=${deliveries.reload}>Refresh deliveries</button></div>
    <${Failure} error=${deliveries.error} what="The deliveries could not be loaded" />
    ${deliveries.loading && !deliveries.data && html`<${Loading} what="Loading deliveries" />`}
    ${deliveries.data && (rows.length === 0 ? html`<p class="muted">No delivery yet.</p>` : html`
      <div class="table-wrap"><table class="deliveries stack">
        <caption class="sr-only">The newest 100 deliveries to ${id}, newest first</caption>
        <thead><tr><th scope="col">Created</th><th scope="col">Event</th><th scope="col">Status</th>
          <th scope="col" class="num">Attempts</th><th scope="col">Last attempt</th><th scope="col">Last answer</th>
          <th scope="col">Next attempt</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
        <tbody>${rows.map((d) => html`<tr>
          <td data-label="Created">${when(d.created_at)}</td>
          <td data-label="Event"><span>${d.type} <small><code>${d.event_id}</code></small></span></td>
          <td data-label="Status"><${Badge} status=${d.status} /></td>
          <td data-label="Attempts" class="num">${d.attempts}</td>
          <td data-label="Last attempt">${when(d.last_attempt_at)}</td>
          <td data-label="Last answer"><span class="answer">${d.last_status ?? ''}${d.last_error
            ? html` <code>${d.last_error}</code>` : ''}${d.last_status === null && !d.last_error ? '—' : ''}</span></td>
          <td data-label="Next attempt">${when(d.next_attempt_at)}</td>
          <td class="row-actions"><button type="button" class="small" disabled=${busy}
            aria-label=${`Retry delivery ${d.id}`} onClick=${() => onRetry(d)}>Retry</button></td>
        </tr>`)}</tbody>
      </table></div>`)}
  </section>`;
}
