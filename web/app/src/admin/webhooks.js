// GET /api/admin/webhooks/deliveries/: failed deliveries first (other statuses on request),
// each with a retry (POST .../{id}/retry/).
import { useEffect, useState } from 'preact/hooks';
import { html, Scroll, Alert, Notice, describe, formatTime } from '../ui.js';
import { T } from '../text.js';
import { call } from '../api.js';
import { AdminPage } from './frame.js';

export function Webhooks() {
  const D = T.admin.deliveries;
  const [status, setStatus] = useState(new URLSearchParams(location.search).get('status') || 'failed');
  const [deliveries, setDeliveries] = useState(null);
  const [next, setNext] = useState(null);
  const [notice, setNotice] = useState('');
  const [error, setError] = useState('');
  const [forbidden, setForbidden] = useState(false);

  async function load(s = status, cursor = null) {
    history.replaceState(null, '', `?status=${encodeURIComponent(s)}`);
    try {
      const page = await call('GET', `/api/admin/webhooks/deliveries/?status=${encodeURIComponent(s)}${cursor ? `&cursor=${cursor}` : ''}`);
      setDeliveries(cursor ? [...deliveries, ...page.results] : page.results);
      setNext(page.next);
    } catch (e) {
      if (e.status === 403) setForbidden(true); else setError(describe(e));
    }
  }
  useEffect(() => { load(); }, []);
  async function retry(id) {
    setNotice('');
    setError('');
    try { await call('POST', `/api/admin/webhooks/deliveries/${id}/retry/`); setNotice(D.retried); await load(); } catch (e) { setError(describe(e)); }
  }
  return html`
    <${AdminPage} title=${T.admin.webhooks} forbidden=${forbidden}>
      <div class="toolbar">
        <div class="field">
          <label for="f-status">${D.status}</label>
          <select id="f-status" value=${status} onChange=${(e) => { setStatus(e.currentTarget.value); load(e.currentTarget.value); }}>
            ${D.statuses.map(([v, label]) => html`<option value=${v}>${label}</option>`)}
          </select>
        </div>
      </div>
      <${Alert} error=${error} />
      <${Notice} text=${notice} />
      ${deliveries === null ? html`<p>${T.loading}</p>` : deliveries.length === 0 ? html`<p>${T.admin.none}</p>` : html`
        <${Scroll} label=${T.admin.webhooks}>
        <table>
          <thead><tr><th scope="col">${D.url}</th><th scope="col">${D.event}</th><th scope="col">${D.attempts}</th>
            <th scope="col">${D.last}</th><th scope="col">${D.error}</th><th scope="col"><span class="visually-hidden">${D.retry}</span></th></tr></thead>
          <tbody>
            ${deliveries.map((d) => html`<tr data-delivery=${d.id}>
              <td>${d.url}</td><td>${d.event_type}</td><td>${d.attempts}</td>
              <td>${d.last_attempt_at ? formatTime(d.last_attempt_at) : ''}</td><td>${d.last_error}</td>
              <td>${d.status === 'pending' ? '' : html`<button type="button" class="secondary" aria-label=${`${D.retry}: ${d.id}`}
                    onClick=${() => retry(d.id)}>${D.retry}</button>`}</td></tr>`)}
          </tbody>
        </table>
        </${Scroll}>
        ${next ? html`<button type="button" class="secondary" onClick=${() => load(status, next)}>${T.admin.older}</button>` : null}`}
    </${AdminPage}>`;
}
