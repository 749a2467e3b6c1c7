// The user's own security events (GET /api/me/events/), newest first.
import { useEffect, useState } from 'preact/hooks';
import { html, Scroll, Page, Alert, formatTime } from '../ui.js';
import { AccountNav } from '../nav.js';
import { T } from '../text.js';
import { call } from '../api.js';

export function Activity() {
  const [events, setEvents] = useState(null);
  const [error, setError] = useState('');
  useEffect(() => {
    call('GET', '/api/me/events/').then((page) => setEvents(page.results)).catch((e) => setError(e.message));
  }, []);
  const nav = html`<${AccountNav} />`;
  return html`
    <${Page} title=${T.activity.title} nav=${nav}>
      <${Alert} error=${error} />
      ${events === null ? html`<p>${T.loading}</p>` : events.length === 0 ? html`<p>${T.activity.none}</p>` : html`
        <${Scroll} label=${T.activity.title}>
        <table>
          <thead><tr><th scope="col">${T.activity.when}</th><th scope="col">${T.activity.what}</th>
                     <th scope="col">${T.activity.outcome}</th><th scope="col">${T.activity.from}</th></tr></thead>
          <tbody>
            ${events.map((e) => html`<tr><td>${formatTime(e.time)}</td><td>${e.type}</td><td>${e.outcome}</td>
                                         <td>${e.client_address}</td></tr>`)}
          </tbody>
        </table>
        </${Scroll}>`}
    </${Page}>`;
}
