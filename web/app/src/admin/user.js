// One user: edit fields and flags (PATCH, with the API's rules on staff and superusers), mail a
// reset link, remove second factors, end sessions; the user's sessions, linked sign-in
// providers and recent events.
import { useEffect, useState } from 'preact/hooks';
import { html, Field, Form, Notice, Alert, describe, formatTime } from '../ui.js';
import { T } from '../text.js';
import { call } from '../api.js';
import { AdminPage } from './frame.js';
import { EventsTable } from './events_table.js';

function Check({ label, name, checked, onChange }) {
  return html`
    <div class="check">
      <input id=${`f-${name}`} type="checkbox" name=${name} checked=${checked} onChange=${(e) => onChange(e.currentTarget.checked)} />
      <label for=${`f-${name}`}>${label}</label>
    </div>`;
}

export function UserPage({ id }) {
  const U = T.admin.user;
  const [user, setUser] = useState(null);
  const [form, setForm] = useState(null);
  const [sessions, setSessions] = useState([]);
  const [identities, setIdentities] = useState([]);
  const [events, setEvents] = useState([]);
  const [notice, setNotice] = useState('');
  const [error, setError] = useState('');
  const [forbidden, setForbidden] = useState(false);

  async function load() {
    try {
      const [u, s, i, e] = await Promise.all([
        call('GET', `/api/admin/users/${id}/`),
        call('GET', `/api/admin/users/${id}/sessions/`),
        call('GET', `/api/admin/users/${id}/identities/`),
        call('GET', `/api/admin/events/?user=${id}&page_size=20`),
      ]);
      setUser(u);
      setForm({ email: u.email, first_name: u.first_name, last_name: u.last_name, is_active: u.is_active, is_staff: u.is_staff });
      setSessions(s);
      setIdentities(i);
      setEvents(e.results);
    } catch (e) {
      if (e.status === 403) setForbidden(true); else setError(describe(e));
    }
  }
  useEffect(() => { load(); }, []);
  async function act(method, path, message) {
    setNotice('');
    setError('');
    try {
      const r = await call(method, path);
      setNotice(message(r || {}));
      await load();
    } catch (e) { setError(describe(e)); }
  }
  if (!user) return html`<${AdminPage} title=${T.admin.users} forbidden=${forbidden}><${Alert} error=${error} /><p>${T.loading}</p></${AdminPage}>`;
  const set = (k) => (v) => setForm({ ...form, [k]: v });
  return html`
    <${AdminPage} title=${U.title(user.username)} forbidden=${forbidden}>
      <${Alert} error=${error} />
      <${Notice} text=${notice} />
      <p>${user.is_superuser ? html`<span class="badge">${U.superuser}</span> ` : null}${U.factors(user.mfa)}</p>
      <${Form} submit=${U.save} action=${async () => { await call('PATCH', `/api/admin/users/${id}/`, form); setNotice(U.saved); await load(); }}>
        <${Field} label=${U.email} name="email" type="email" autocomplete="off" value=${form.email} onInput=${set('email')} required=${false} />
        <${Field} label=${U.firstName} name="first_name" autocomplete="off" value=${form.first_name} onInput=${set('first_name')} required=${false} />
        <${Field} label=${U.lastName} name="last_name" autocomplete="off" value=${form.last_name} onInput=${set('last_name')} required=${false} />
        <${Check} label=${U.active} name="is_active" checked=${form.is_active} onChange=${set('is_active')} />
        <${Check} label=${U.staff} name="is_staff" checked=${form.is_staff} onChange=${set('is_staff')} />
      </${Form}>
      <h2>${U.actions}</h2>
      <div class="actions">
        <button type="button" class="secondary" onClick=${() => act('POST', `/api/admin/users/${id}/password-reset/`, () => U.resetSent)}>${U.sendReset}</button>
        <button type="button" class="secondary" onClick=${() => act('POST', `/api/admin/users/${id}/mfa/reset/`, () => U.mfaReset)}>${U.resetMfa}</button>
        <button type="button" class="secondary" onClick=${() => act('POST', `/api/admin/users/${id}/revoke/`, (r) => U.revoked(r.revoked))}>${U.revoke}</button>
      </div>
      <h2>${U.sessions}</h2>
      ${sessions.length === 0 ? html`<p>${U.noSessions}</p>` : html`
        <ul class="cards">${sessions.map((s) => html`
          <li class="card"><p><strong>${s.user_agent || T.sessions.device}</strong></p>
            <p class="meta">${T.sessions.from} ${s.ip_address} · ${T.sessions.started} ${formatTime(s.issued_at)}</p></li>`)}
        </ul>`}
      <h2>${U.identities}</h2>
      ${identities.length === 0 ? html`<p>${U.noIdentities}</p>` : html`
        <ul class="cards">${identities.map((i) => html`
          <li class="card" data-identity=${i.provider}><p><strong>${i.provider_name}</strong>${i.email ? html` · ${i.email}` : null}</p>
            <p class="meta">${T.security.linked} ${formatTime(i.created_at)} · ${T.security.lastUsed}
              ${i.last_used_at ? formatTime(i.last_used_at) : T.security.never}</p></li>`)}
        </ul>`}
      <h2>${U.events}</h2>
      <${EventsTable} events=${events} />
    </${AdminPage}>`;
}
