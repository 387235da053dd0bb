// Hash routes (#/customers/acme?tab=keys): the server serves one page, and nothing of the route reaches it.
import { useEffect, useState } from 'preact/hooks';

export function parse(hash = location.hash) {
  const [path, query = ''] = hash.replace(/^#/, '').split('?');
  const parts = (path || '/').split('/').filter(Boolean).map(decodeURIComponent);
  return { parts, params: Object.fromEntries(new URLSearchParams(query)) };
}

export function href(path, params = {}) {
  const s = new URLSearchParams();
  Object.entries(params).forEach(([k, v]) => { if (v !== undefined && v !== null && v !== '') s.set(k, v); });
  const text = s.toString();
  return `#${path}${text ? `?${text}` : ''}`;
}

export function go(path, params, { replace = false } = {}) {
  if (replace) location.replace(href(path, params));
  else location.hash = href(path, params);
}

export function useRoute() {
  const [route, setRoute] = useState(parse());
  useEffect(() => {
    const on = () => setRoute(parse());
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}
