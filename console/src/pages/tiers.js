import { html } from 'htm/preact';
import { api } from '../api.js';
import { Failure, Loading, Page } from '../ui/common.js';
import { useLoad } from '../ui/load.js';
import { href } from '../router.js';
import { num, quota, rate } from '../ui/format.js';

export function Tiers() {
  const tiers = useLoad(() => api.tiers(), []);
  return html`<${Page} title="Tiers">
    <${Failure} error=${tiers.error} what="The catalog could not be loaded" />
    ${tiers.loading && html`<${Loading} />`}
    ${tiers.data && html`<div class="table-wrap"><table>
      <caption>The tier catalog; new customers get <strong>${tiers.data.default_tier}</strong> unless told otherwise.</caption>
      <thead><tr><th scope="col">Tier</th><th scope="col">Name</th><th scope="col" class="num">Price</th>
        <th scope="col">Quota</th><th scope="col">Rate limit</th><th scope="col" class="num">SLA</th><th scope="col">Customers</th></tr></thead>
      <tbody>${tiers.data.tiers.map((t) => html`<tr>
        <th scope="row"><code>${t.name}</code>${t.name === tiers.data.default_tier && html` <span class="badge">default</span>`}</th>
        <td>${t.display_name}</td>
        <td class="num">${num(t.price.amount)} ${t.price.currency} / ${t.price.period}</td>
        <td>${quota(t.quota)}</td><td>${rate(t.rate_limit)}</td><td class="num">${t.sla}%</td>
        <td><a href=${href('/customers', { tier: t.name })}>Customers on ${t.name}</a></td>
      </tr>`)}</tbody>
    </table></div>`}
  <//>`;
}
