// GET /api/admin/events/: the audit log, filtered by type, user, actor and dates; older pages by
// cursor.
import { useEffect, useState } from 'preact/hooks';
import { html, Alert, describe } from '../ui.js';
import { T } from '../text.js';
import { call } from '../api.js';
import { AdminPage } from './frame.js';
import { EventsTable } from './events_table.js';

const FILTERS = ['type', 'user', 'actor', 'since', 'until'];

export function Events() {
  const params = new URLSearchParams(location.search);
  const [filters, setFilters] = useState(Object.fromEntries(FILTERS.map((f) => [f, params.get(f) || ''])));
  const [events, setEvents] = useState(null);
  const [next, setNext] = useState(null);
  const [error, setError] = useState('');
  const [forbidden, setForbidden] = useState(false);

  async function load(cursor = null) {
    const query = new URLSearchParams();
    for (const f of FILTERS) if (filters[f].trim()) query.set(f, filters[f].trim());
    history.replaceState(null, '', `?${query}`);
    if (cursor) query.set('cursor', cursor);
    try {
      const page = await call('GET', `/api/admin/events/?${query}`);
      setEvents(cursor ? [...events, ...page.results] : page.results);
      setNext(page.next);
      setError('');
    } catch (e) {
      if (e.status === 403) setForbidden(true); else setError(describe(e));
    }
  }
  useEffect(() => { load(); }, []);
  const F = T.admin.filters;
  const types = { type: 'text', user: 'number', actor: 'text', since: 'date', until: 'date' };
  return html`
    <${AdminPage} title=${T.admin.events} forbidden=${forbidden}>
      <form class="toolbar" onSubmit=${(e) => { e.preventDefault(); load(); }}>
        ${FILTERS.map((f) => html`
          <div class="field">
            <label for=${`f-${f}`}>${F[f]}</label>
            <input id=${`f-${f}`} name=${f} type=${types[f]} value=${filters[f]}
                   onInput=${(e) => setFilters({ ...filters, [f]: e.currentTarget.value })} />
          </div>`)}
        <button type="submit">${F.apply}</button>
      </form>
      <${Alert} error=${error} />
      ${events === null ? html`<p>${T.loading}</p>` : html`
        <${EventsTable} events=${events} />
        ${next ? html`<button type="button" class="secondary" onClick=${() => load(next)}>${T.admin.older}</button>` : null}`}
    </${AdminPage}>`;
}
