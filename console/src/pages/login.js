import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { api, session } from '../api.js';

export function Login({ notice, onSignedIn }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e) => {
    e.preventDefault();
    const candidate = key.trim();
    if (!candidate) { setError('Type the admin key.'); return; }
    setBusy(true);
    setError('');
    try {
      await api.check(candidate);
      session.signIn(candidate);
      setKey('');
      onSignedIn();
    } catch (err) {
      setError(err.status === 401
        ? 'This admin key was refused. Check it and try again: it is the key printed at the first start or set in TOLLGATE_ADMIN_KEY, not a customer\u2019s API key.'
        : err.message);
    } finally {
      setBusy(false);
    }
  };
  return html`<section class="login" aria-labelledby="page-title">
    <h1 id="page-title" tabindex="-1">Tollgate console</h1>
    <p>Sign in with an admin key. It is kept only in this browser tab (session storage) and sent only to this
      server's Admin API; closing the tab forgets it.</p>
    ${notice && html`<p class="notice" role="status">${notice}</p>`}
    <form onSubmit=${submit} novalidate>
      <label for="admin-key">Admin key</label>
      <input id="admin-key" name="admin-key" type="password" autocomplete="off" spellcheck="false" required
        value=${key} onInput=${(e) => setKey(e.target.value)} aria-invalid=${error ? 'true' : undefined}
        aria-describedby=${error ? 'login-error' : undefined} />
      ${error && html`<p id="login-error" class="error" role="alert">${error}</p>`}
      <button type="submit" class="primary" disabled=${busy}>${busy ? 'Checking…' : 'Sign in'}</button>
    </form>
  </section>`;
}
