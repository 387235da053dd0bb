import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { num } from './format.js';

const H = 220;
const PAD = { left: 56, right: 8, top: 10, bottom: 28 };

function niceMax(v) {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  return [1, 2, 2.5, 5, 10].map((m) => m * p).find((m) => m >= v);
}

/** Units per day as an SVG bar chart (scales with its box), with the same numbers as a table for screen readers. */
export function DailyChart({ days, caption }) {
  const box = useRef(null);
  const [W, setW] = useState(720); // drawn at the box's real width, so that text keeps its size on a phone
  useEffect(() => {
    const observer = new ResizeObserver(([entry]) => setW(Math.max(240, Math.floor(entry.contentRect.width))));
    observer.observe(box.current);
    return () => observer.disconnect();
  }, []);
  const max = niceMax(Math.max(0, ...days.map((d) => d.units)));
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const step = plotW / Math.max(1, days.length);
  const barW = Math.max(1, step * 0.7);
  const y = (v) => PAD.top + plotH - (v / max) * plotH;
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => f * max);
  const labelEvery = Math.ceil(days.length / Math.max(2, Math.floor(plotW / 70)));
  const total = days.reduce((s, d) => s + d.units, 0);
  return html`<figure class="chart" ref=${box}>
    <figcaption>${caption}</figcaption>
    <svg viewBox=${`0 0 ${W} ${H}`} width=${W} height=${H} role="img"
      aria-label=${`${caption}: ${num(total)} units over ${days.length} days, at most ${num(Math.max(0, ...days.map((d) => d.units)))} a day`}>
      ${ticks.map((t) => html`<g>
        <line x1=${PAD.left} x2=${W - PAD.right} y1=${y(t)} y2=${y(t)} class="grid" />
        <text x=${PAD.left - 6} y=${y(t) + 4} text-anchor="end" class="axis">${num(t)}</text>
      </g>`)}
      ${days.map((d, i) => html`<g>
        <rect x=${PAD.left + i * step + (step - barW) / 2} y=${y(d.units)} width=${barW}
          height=${Math.max(0, PAD.top + plotH - y(d.units))} class="bar"><title>${d.date}: ${num(d.units)} units, ${num(d.requests)} requests</title></rect>
        ${i % labelEvery === 0 && html`<text x=${PAD.left + i * step + step / 2} y=${H - 8} text-anchor="middle"
          class="axis">${d.date.slice(5)}</text>`}
      </g>`)}
    </svg>
    <details>
      <summary>Units by day as a table</summary>
      <div class="table-wrap"><table>
        <thead><tr><th scope="col">Day</th><th scope="col" class="num">Units</th><th scope="col" class="num">Requests</th></tr></thead>
        <tbody>${days.filter((d) => d.units || d.requests).map((d) => html`<tr><th scope="row">${d.date}</th>
          <td class="num">${num(d.units)}</td><td class="num">${num(d.requests)}</td></tr>`)}</tbody>
      </table></div>
    </details>
  </figure>`;
}

/** Every day from..to (inclusive, yyyy-mm-dd), filled with zeros where the API has no entry. */
export function fillDays(from, to, days) {
  const byDate = new Map(days.map((d) => [d.date, d]));
  const out = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86400000) {
    const date = new Date(t).toISOString().slice(0, 10);
    out.push(byDate.get(date) || { date, units: 0, requests: 0 });
  }
  return out;
}
