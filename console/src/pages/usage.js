import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { go, href } from '../router.js';
import { DailyChart, fillDays } from '../ui/chart.js';
import { Failure, Loading, Page, Pairs, Sla, Utilization } from '../ui/common.js';
import { useLoad } from '../ui/load.js';
import { PERIOD, currentMonth, currentYear, num } from '../ui/format.js';

const sorted = (obj) => Object.entries(obj || {}).sort((a, b) => b[1] - a[1]);

export function Usage({ params }) {
  const { customer = '', period = '' } = params;
  return html`<${Page} title=${customer ? `Usage of ${customer}` : 'Usage'}>
    <${PeriodPicker} customer=${customer} period=${period} />
    ${customer ? html`<${CustomerUsage} id=${customer} period=${period} />` : html`<${AllUsage} period=${period} />`}
  <//>`;
}

function PeriodPicker({ customer, period }) {
  const [text, setText] = useState(period);
  const [who, setWho] = useState(customer);
  const [invalid, setInvalid] = useState(false);
  const apply = (e) => {
    e.preventDefault();
    if (text && !PERIOD.test(text)) { setInvalid(true); return; }
    setInvalid(false);
    go('/usage', { customer: who.trim(), period: text });
  };
  return html`<form class="filters" onSubmit=${apply} aria-label="Usage period">
    <div class="field"><label for="u-customer">Customer id (empty: every customer)</label>
      <input id="u-customer" value=${who} onInput=${(e) => setWho(e.target.value)} /></div>
    <div class="field"><label for="u-period">Period (YYYY-MM or YYYY; empty: the current quota period)</label>
      <input id="u-period" value=${text} placeholder=${currentMonth()} aria-invalid=${invalid || undefined}
        aria-describedby=${invalid ? 'u-period-error' : undefined} onInput=${(e) => setText(e.target.value)} />
      ${invalid && html`<small id="u-period-error" class="error" role="alert">A month like ${currentMonth()} or a year like ${currentYear()}.</small>`}</div>
    <div class="actions">
      <button type="submit" class="primary">Show usage</button>
      <button type="button" onClick=${() => go('/usage', { customer: who.trim(), period: currentMonth() })}>This month</button>
      <button type="button" onClick=${() => go('/usage', { customer: who.trim(), period: currentYear() })}>This year</button>
    </div>
  </form>`;
}

function ExportButton({ period }) {
  const [state, setState] = useState({ busy: false, error: null });
  const download = async (format) => {
    setState({ busy: true, error: null });
    try {
      const res = await api.export(period, format);
      const blob = await res.blob();
      const name = /filename="?([^";]+)"?/.exec(res.headers.get('Content-Disposition') || '')?.[1]
        || `tollgate-usage-${period || 'current'}.${format}`;
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = name;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
      setState({ busy: false, error: null });
    } catch (error) { setState({ busy: false, error }); }
  };
  return html`<div class="actions">
    <button type="button" class="primary" disabled=${state.busy} onClick=${() => download('csv')}>Download billing export (CSV)</button>
    <button type="button" disabled=${state.busy} onClick=${() => download('json')}>Download as JSON</button>
    <${Failure} error=${state.error} what="Export failed" />
  </div>`;
}

function AllUsage({ period }) {
  const all = useLoad(() => api.allUsage(period || undefined), [period]);
  const rows = all.data?.customers || [];
  return html`
    <${Failure} error=${all.error} what="Usage could not be loaded" />
    ${all.loading && html`<${Loading} what="Loading usage" />`}
    ${all.data && html`<section class="card" aria-labelledby="all-title">
      <h2 id="all-title">Every customer, period ${all.data.period}</h2>
      <${ExportButton} period=${all.data.period} />
      <div class="table-wrap"><table>
        <caption class="sr-only">Usage by customer</caption>
        <thead><tr><th scope="col">Customer</th><th scope="col" class="num">Units</th><th scope="col" class="num">Requests</th>
          <th scope="col">Utilization</th><th scope="col" class="num">Refused</th><th scope="col">SLA attainment</th></tr></thead>
        <tbody>${rows.map((u) => html`<tr>
          <th scope="row"><a href=${href('/usage', { customer: u.customer_id, period: all.data.period })}>${u.customer_id}</a></th>
          <td class="num">${num(u.units_used)}</td><td class="num">${num(u.requests)}</td>
          <td><${Utilization} value=${u.utilization} used=${u.units_used} label=${`Utilization of ${u.customer_id}`} /></td>
          <td class="num">${num(Object.values(u.rejected).reduce((s, n) => s + n, 0))}</td>
          <td><${Sla} sla=${u.sla} /></td></tr>`)}</tbody>
      </table></div>
    </section>`}`;
}

function CustomerUsage({ id, period }) {
  const usage = useLoad(() => api.usage(id, period || undefined), [id, period]);
  const keys = useLoad(() => api.keys(id).catch(() => []), [id]);
  const u = usage.data;
  const names = new Map((keys.data || []).map((k) => [k.key_id, k.name]));
  return html`
    <${Failure} error=${usage.error} what="Usage could not be loaded" />
    ${usage.loading && html`<${Loading} what="Loading usage" />`}
    ${u && html`
      <section class="card" aria-labelledby="quota-title">
        <h2 id="quota-title">Period ${u.period} <small class="muted">(${u.period_start.slice(0, 10)} to ${u.period_end.slice(0, 10)}, end exclusive)</small></h2>
        <p><strong>${num(u.units_used)}</strong> of ${num(u.quota)} units (quota per ${u.quota_period}), ${num(u.requests)} billed requests.</p>
        <${Utilization} value=${u.utilization} used=${u.units_used} label=${`Utilization of the ${u.quota_period}ly quota`} />
        ${u.utilization === null && html`<p class="muted">No utilization for this period: the quota is per ${u.quota_period}.</p>`}
        <p>SLA attainment: <${Sla} sla=${u.sla} />; error budget left ${u.sla.error_budget_remaining < 0 ? 'none (overspent)' : `${Math.round(u.sla.error_budget_remaining * 100)} %`}.</p>
        <p><a href=${href(`/customers/${encodeURIComponent(id)}`)}>Customer ${id}</a></p>
        <${ExportButton} period=${u.period} />
      </section>
      <section class="card" aria-labelledby="daily-title">
        <h2 id="daily-title">Units by day</h2>
        <${Daily} id=${id} u=${u} />
      </section>
      <div class="grid-3">
        <${Pairs} caption="Units by operation" head=${['Operation', 'Units']} rows=${sorted(u.breakdown)} />
        <${Pairs} caption="Units by key" head=${['Key', 'Units']}
          rows=${sorted(u.by_key).map(([k, v]) => [names.get(k) ? `${k} (${names.get(k)})` : k, v])} />
        <${Pairs} caption="Refusals by code" head=${['Code', 'Refused requests']} rows=${sorted(u.rejected)} />
      </div>`}`;
}

function Daily({ id, u }) {
  const today = new Date().toISOString().slice(0, 10);
  const from = u.period_start.slice(0, 10);
  const last = new Date(Date.parse(u.period_end) - 86400000).toISOString().slice(0, 10);
  const to = last < today ? last : today;
  const daily = useLoad(() => (from > to ? Promise.resolve({ days: [] }) : api.daily(id, from, to)), [id, from, to]);
  if (daily.error) return html`<${Failure} error=${daily.error} what="Daily usage could not be loaded" />`;
  if (!daily.data) return html`<${Loading} what="Loading daily usage" />`;
  if (from > to) return html`<p class="muted">This period has not started.</p>`;
  return html`<${DailyChart} days=${fillDays(from, to, daily.data.days)} caption=${`Units by day, ${from} to ${to} (UTC)`} />`;
}
