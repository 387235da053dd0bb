import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api.js';
import { go, href } from '../router.js';
import { Failure, Loading, Page } from '../ui/common.js';
import { when } from '../ui/format.js';

const show = (v) => (v === null || v === undefined ? '—' : typeof v === 'object' ? JSON.stringify(v) : String(v));

export function Audit({ params }) {
  const customer = params.customer || '';
  const [text, setText] = useState(customer);
  const [state, setState] = useState({ entries: [], cursor: null, loading: true, error: null });
  const latest = useRef(0); // only the latest request's answer is shown: a slower, older one is dropped
  const load = (cursor) => {
    const ticket = ++latest.current;
    setState((s) => ({ ...s, loading: true, error: null }));
    api.audit(customer || undefined, cursor || undefined).then(
      (page) => ticket === latest.current && setState((s) => ({
        entries: cursor ? [...s.entries, ...page.entries] : page.entries,
        cursor: page.next_cursor, loading: false, error: null })),
      (error) => ticket === latest.current && setState((s) => ({ ...s, loading: false, error })));
  };
  const shown = useRef(customer); // the filter whose entries are on the page
  useEffect(() => { // a new filter starts from an empty list, never showing the old filter's entries
    // only a changed filter resets the field: on the first render the effect runs after paint, and resetting then
    // would wipe what was typed in the meantime
    if (shown.current !== customer) setText(customer);
    shown.current = customer;
    setState({ entries: [], cursor: null, loading: true, error: null });
    load(null);
  }, [customer]);
  return html`<${Page} title="Audit log">
    <form class="filters" role="search" onSubmit=${(e) => { e.preventDefault(); go('/audit', { customer: text.trim() }); }}>
      <div class="field"><label for="a-customer">Customer id</label>
        <input id="a-customer" value=${text} onInput=${(e) => setText(e.target.value)} /></div>
      <div class="actions"><button type="submit" class="primary">Filter</button>
        ${customer && html`<a class="button" href="#/audit">Every customer</a>`}</div>
    </form>
    <${Failure} error=${state.error} what="The audit log could not be loaded" />
    <div class="table-wrap"><table class="audit stack">
      <caption class="sr-only">Audit entries, newest first</caption>
      <thead><tr><th scope="col">When</th><th scope="col">Actor</th><th scope="col">Via</th><th scope="col">Action</th><th scope="col">Customer</th>
        <th scope="col">Key</th><th scope="col">Changes</th></tr></thead>
      <tbody>${state.entries.map((e) => html`<tr>
        <td data-label="When">${when(e.at)}</td><td data-label="Actor"><code>${e.actor}</code></td>
        <td data-label="Via">${e.via}</td>
        <td data-label="Action">${e.action}</td>
        <td data-label="Customer">${e.customer_id
          ? html`<a href=${href(`/customers/${encodeURIComponent(e.customer_id)}`)}>${e.customer_id}</a>` : '—'}</td>
        <td data-label="Key">${e.key_id ? html`<code>${e.key_id}</code>` : '—'}</td>
        <td data-label="Changes"><ul class="changes">${Object.entries(e.changes).map(([f, c]) => html`<li><code>${f}</code>: ${show(c.before)} → ${show(c.after)}</li>`)}</ul></td>
      </tr>`)}</tbody>
    </table></div>
    ${state.loading ? html`<${Loading} what="Loading entries" />` : html`<p class="muted" role="status">${state.entries.length} entries${state.cursor ? '' : ', no older ones'}.</p>`}
    ${state.cursor && !state.loading && html`<button type="button" onClick=${() => load(state.cursor)}>Older entries</button>`}
  <//>`;
}
