import { html } from 'htm/preact';
import { api } from '../api.js';
import { href } from '../router.js';
import { Failure, Loading, Page, Pairs, Utilization } from '../ui/common.js';
import { useLoad } from '../ui/load.js';
import { num } from '../ui/format.js';

const TOP = 10;

function count(list, field) {
  const out = new Map();
  list.forEach((c) => out.set(c[field], (out.get(c[field]) || 0) + 1));
  return [...out.entries()].sort((a, b) => b[1] - a[1]);
}

export function Overview() {
  const customers = useLoad(() => api.customers(), []);
  const usage = useLoad(() => api.allUsage(), []);
  const refusals = useLoad(() => api.recentRefusals(), []);
  const top = (usage.data?.customers || []).filter((u) => u.utilization !== null && u.units_used > 0)
    .sort((a, b) => b.utilization - a.utilization || b.units_used - a.units_used).slice(0, TOP);
  const r = refusals.data;
  return html`<${Page} title="Overview">
    <div class="grid-3">
      <section class="card" aria-labelledby="by-tier-title">
        <h2 id="by-tier-title">Customers by tier</h2>
        <${Failure} error=${customers.error} />
        ${customers.loading ? html`<${Loading} />` : customers.data && html`
          <p class="big">${num(customers.data.length)} <span class="muted">customers</span></p>
          <${Pairs} caption="By tier" head=${['Tier', 'Customers']} rows=${count(customers.data, 'tier')} />
          <${Pairs} caption="By status" head=${['Status', 'Customers']} rows=${count(customers.data, 'status')} />`}
      </section>
      <section class="card" aria-labelledby="top-title">
        <h2 id="top-title">Top customers by utilization${usage.data ? `, ${usage.data.period}` : ''}</h2>
        <${Failure} error=${usage.error} />
        ${usage.loading ? html`<${Loading} />` : top.length === 0 ? html`<p class="muted">No usage yet in this period.</p>` : html`
          <ol class="top">${top.map((u) => html`<li>
            <a href=${href('/usage', { customer: u.customer_id, period: usage.data.period })}>${u.customer_id}</a>
            <span class="muted">${num(u.units_used)} of ${num(u.quota)} units</span>
            <${Utilization} value=${u.utilization} used=${u.units_used} label=${`Utilization of ${u.customer_id}`} />
          </li>`)}</ol>`}
      </section>
      <section class="card" aria-labelledby="refusals-title">
        <h2 id="refusals-title">Refusals in the last hour</h2>
        <${Failure} error=${refusals.error} />
        ${refusals.loading ? html`<${Loading} />` : r && html`
          <p class="big">${num(r.total)} <span class="muted">refused requests</span></p>
          <${Pairs} caption="By code" head=${['Code', 'Refused']} rows=${Object.entries(r.by_code).sort((a, b) => b[1] - a[1])} empty="No refusal in the last hour." />
          <${Pairs} caption="By customer" head=${['Customer', 'Refused']} rows=${Object.entries(r.by_customer).sort((a, b) => b[1] - a[1]).slice(0, TOP)} empty="—" />
          <p class="muted"><small>Counted by this Tollgate node since ${r.since.slice(0, 16).replace('T', ' ')} UTC.</small></p>`}
      </section>
    </div>
  <//>`;
}
