const nf = new Intl.NumberFormat('en-US', { maximumFractionDigits: 3 });
export const num = (n) => (n === null || n === undefined ? '—' : nf.format(n));
export const pct = (u, used = 0) => (u === null || u === undefined ? 'n/a'
  : u === 0 && used > 0 ? '< 0.01%' : `${(u * 100).toFixed(u < 0.01 && u > 0 ? 2 : 1)}%`);
export const when = (t) => (t ? t.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC') : '—');
export const rate = (r) => `${num(r.requests)} / ${r.window_s === 1 ? 's' : `${r.window_s} s`} (burst ${num(r.burst)})`;
export const quota = (q) => `${num(q.units)} units / ${q.period}`;
export const currentMonth = () => new Date().toISOString().slice(0, 7);
export const currentYear = () => new Date().toISOString().slice(0, 4);
export const PERIOD = /^\d{4}(-(0[1-9]|1[0-2]))?$/;
