import './style.css';
import { html } from 'htm/preact';
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { session, whenUnauthorized } from './api.js';
import { useRoute } from './router.js';
import { Login } from './pages/login.js';
import { Overview } from './pages/overview.js';
import { Customers } from './pages/customers.js';
import { CustomerPage } from './pages/customer.js';
import { Usage } from './pages/usage.js';
import { Tiers } from './pages/tiers.js';
import { Audit } from './pages/audit.js';
import { WebhookPage, Webhooks } from './pages/webhooks.js';

const NAV = [
  ['/', 'Overview'], ['/customers', 'Customers'], ['/usage', 'Usage'], ['/tiers', 'Tiers'], ['/webhooks', 'Webhooks'],
  ['/audit', 'Audit'],
];

function pageFor({ parts, params }) {
  const [top, id] = parts;
  switch (top) {
    case undefined: return html`<${Overview} />`;
    case 'customers': return id ? html`<${CustomerPage} id=${id} key=${id} />` : html`<${Customers} params=${params} />`;
    case 'usage': return html`<${Usage} params=${params} />`;
    case 'tiers': return html`<${Tiers} />`;
    case 'webhooks': return id ? html`<${WebhookPage} id=${id} key=${id} />` : html`<${Webhooks} />`;
    case 'audit': return html`<${Audit} params=${params} />`;
    default: return html`<p role="alert">No such page. <a href="#/">Back to the overview</a>.</p>`;
  }
}

function App() {
  const [signedIn, setSignedIn] = useState(Boolean(session.key()));
  const [expired, setExpired] = useState('');
  const route = useRoute();
  useEffect(() => whenUnauthorized(() => {
    session.signOut();
    setExpired('The admin key was refused (401): it may have been removed. Sign in again.');
    setSignedIn(false);
  }), []);
  useEffect(() => { document.getElementById('page-title')?.focus(); }, [route.parts.join('/')]);
  if (!signedIn) {
    return html`<main id="main"><${Login} notice=${expired} onSignedIn=${() => { setExpired(''); setSignedIn(true); }} /></main>`;
  }
  const current = `/${route.parts[0] || ''}`;
  return html`
    <a class="skip" href="#main" onClick=${(e) => { e.preventDefault(); document.getElementById('page-title')?.focus(); }}>Skip to content</a>
    <header class="topbar">
      <a class="brand" href="#/">Tollgate</a>
      <nav aria-label="Main">
        <ul>${NAV.map(([path, label]) => html`<li><a href=${`#${path}`}
          aria-current=${current === path ? 'page' : undefined}>${label}</a></li>`)}</ul>
      </nav>
      <button type="button" class="signout" onClick=${() => { session.signOut(); setSignedIn(false); }}>Sign out</button>
    </header>
    <main id="main">${pageFor(route)}</main>`;
}

render(html`<${App} />`, document.getElementById('app'));
