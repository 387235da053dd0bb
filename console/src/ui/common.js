import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { num, pct } from './format.js';

export function Page({ title, actions, children }) {
  useEffect(() => { document.title = `${title} · Tollgate console`; }, [title]);
  return html`<section class="page" aria-labelledby="page-title">
    <header class="page-head">
      <h1 id="page-title" tabindex="-1">${title}</h1>
      ${actions && html`<div class="actions">${actions}</div>`}
    </header>
    ${children}
  </section>`;
}

/** An error as the API's problem document has it: its detail and code, and each field's error when there are several. */
export function Failure({ error, what }) {
  if (!error) return null;
  const fields = error.errors || [];
  return html`<div class="error" role="alert"><p>${what ? `${what}: ` : ''}${error.message}${error.code
    ? html` <code>${error.code}</code>` : ''}</p>${fields.length > 1 && html`<ul>${fields.map((f) => html`<li>
      <code>${f.field}</code>: ${f.message}</li>`)}</ul>`}</div>`;
}

export const Loading = ({ what = 'Loading' }) => html`<p class="muted" role="status">${what}…</p>`;

/** A status line announced to screen readers. */
export const Notice = ({ text }) => html`<p class="notice" role="status" aria-live="polite">${text || ''}</p>`;

export function Badge({ status }) {
  return html`<span class=${`badge badge-${status}`}>${status}</span>`;
}

export function Utilization({ value, used, label }) {
  const shown = value === null || value === undefined ? 0 : Math.min(1, value);
  const level = value >= 0.9 ? 'high' : value >= 0.7 ? 'mid' : 'low';
  return html`<div class="util">
    <div class="util-track" role="meter" aria-label=${label || 'Quota utilization'}
      aria-valuemin="0" aria-valuemax="100" aria-valuenow=${value === null ? undefined : Math.round(value * 100)}
      aria-valuetext=${pct(value, used)}>
      <div class=${`util-fill util-${level}`} style=${{ width: `${shown * 100}%` }}></div>
    </div>
    <span class="util-text">${pct(value, used)}</span>
  </div>`;
}

/** A modal confirmation (native dialog: focus stays inside, Escape cancels). */
export function Confirm({ open, title, children, confirm = 'Confirm', danger, busy, onConfirm, onCancel }) {
  const ref = useRef(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return html`<dialog ref=${ref} aria-labelledby="dialog-title" onCancel=${(e) => { e.preventDefault(); onCancel(); }}>
    <form method="dialog" onSubmit=${(e) => { e.preventDefault(); onConfirm(); }}>
      <h2 id="dialog-title">${title}</h2>
      ${children}
      <div class="actions">
        <button type="button" onClick=${onCancel}>Cancel</button>
        <button type="submit" class=${danger ? 'danger' : 'primary'} disabled=${busy}>${confirm}</button>
      </div>
    </form>
  </dialog>`;
}

/** A key's secret, shown this once: copy it now, it cannot be shown again. */
export function Secret({ issued, onDone }) {
  return html`<${ShownOnce} title=${`New key ${issued.name ? `“${issued.name}”` : ''} (${issued.key_id})`}
    value=${issued.key} noun="key" kept="Tollgate keeps only its hash and cannot show it again." onDone=${onDone} />`;
}

/**
 * A secret the Admin API answers once (a key, a webhook's signing secret): shown in this component's props only,
 * so it is gone when the page that holds it is left.
 */
export function ShownOnce({ title, value, noun, kept, onDone }) {
  const [copied, setCopied] = useState('');
  const field = useRef(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied('Copied to the clipboard.');
    } catch {
      field.current.select();
      setCopied(`Copying was refused: the ${noun} is selected, press Ctrl+C.`);
    }
  };
  return html`<div class="secret" role="region" aria-labelledby="secret-title">
    <h2 id="secret-title">${title}</h2>
    <p class="warning"><strong>Copy this ${noun} now.</strong> It is shown only once: ${kept} Store it somewhere
      safe before you leave this page.</p>
    <div class="secret-row">
      <label for="secret-value" class="sr-only">The new ${noun}</label>
      <input id="secret-value" ref=${field} readonly value=${value} data-secret
        autocomplete="off" spellcheck="false" onFocus=${(e) => e.target.select()} />
      <button type="button" class="primary" onClick=${copy}>Copy ${noun}</button>
    </div>
    <p role="status" aria-live="polite" class="muted">${copied}</p>
    <button type="button" onClick=${onDone}>I have stored it, hide it</button>
  </div>`;
}

/** A sortable-less plain table of label → number pairs. */
/** SLA attainment against the tier's target, e.g. "99.98 % of 99.95 % (met)", with the failed requests. */
export function Sla({ sla }) {
  if (!sla) return html`<span class="muted">—</span>`;
  return html`<span class=${sla.met ? 'sla-met' : 'sla-missed'}>
    ${sla.attained} % of ${sla.target} % <strong>${sla.met ? 'met' : 'not met'}</strong></span>
    <small class="muted"> ${num(sla.failed_requests)} failed of ${num(sla.eligible_requests)}</small>`;
}

export function Pairs({ caption, head, rows, empty = 'None.' }) {
  if (!rows.length) return html`<div><h3>${caption}</h3><p class="muted">${empty}</p></div>`;
  return html`<div class="table-wrap"><table>
    <caption>${caption}</caption>
    <thead><tr><th scope="col">${head[0]}</th><th scope="col" class="num">${head[1]}</th></tr></thead>
    <tbody>${rows.map(([k, v]) => html`<tr><th scope="row">${k}</th><td class="num">${num(v)}</td></tr>`)}</tbody>
  </table></div>`;
}
