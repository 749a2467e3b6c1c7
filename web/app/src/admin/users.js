// GET /api/admin/users/: search, sort and pages (DRF's page numbers), each row a link.
import { useEffect, useState } from 'preact/hooks';
import { html, Scroll, Alert, describe, formatTime } from '../ui.js';
import { T } from '../text.js';
import { call } from '../api.js';
import { AdminPage } from './frame.js';

const PAGE_SIZE = 25;

export function Users() {
  const params = new URLSearchParams(location.search);
  const [search, setSearch] = useState(params.get('search') || '');
  const [ordering, setOrdering] = useState(params.get('ordering') || 'id');
  const [page, setPage] = useState(Number(params.get('page')) || 1);
  const [result, setResult] = useState(null);
  const [error, setError] = useState('');
  const [forbidden, setForbidden] = useState(false);

  async function load(q = search, o = ordering, p = page) {
    const query = new URLSearchParams({ page: String(p), page_size: String(PAGE_SIZE), ordering: o });
    if (q.trim()) query.set('search', q.trim());
    history.replaceState(null, '', `?${query}`);
    try {
      setResult(await call('GET', `/api/admin/users/?${query}`));
      setError('');
    } catch (e) {
      if (e.status === 403) setForbidden(true); else setError(describe(e));
    }
  }
  useEffect(() => { load(); }, []);
  const pages = result ? Math.max(1, Math.ceil(result.count / PAGE_SIZE)) : 1;
  const C = T.admin.columns;
  const go = (p) => { setPage(p); load(search, ordering, p); };
  return html`
    <${AdminPage} title=${T.admin.users} forbidden=${forbidden}>
      <form class="toolbar" role="search" onSubmit=${(e) => { e.preventDefault(); setPage(1); load(search, ordering, 1); }}>
        <div class="field">
          <label for="f-search">${T.admin.search}</label>
          <input id="f-search" type="search" name="search" value=${search} onInput=${(e) => setSearch(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="f-ordering">${T.admin.sortBy}</label>
          <select id="f-ordering" name="ordering" value=${ordering}
                  onChange=${(e) => { setOrdering(e.currentTarget.value); setPage(1); load(search, e.currentTarget.value, 1); }}>
            ${T.admin.orderings.map(([value, label]) => html`<option value=${value}>${label}</option>`)}
          </select>
        </div>
        <button type="submit">${T.admin.searchSubmit}</button>
      </form>
      <${Alert} error=${error} />
      ${!result ? html`<p>${T.loading}</p>` : result.results.length === 0 ? html`<p>${T.admin.none}</p>` : html`
        <${Scroll} label=${T.admin.users}>
        <table>
          <thead><tr><th scope="col">${C.username}</th><th scope="col">${C.email}</th><th scope="col">${C.joined}</th>
            <th scope="col">${C.lastLogin}</th><th scope="col">${C.active}</th><th scope="col">${C.staff}</th></tr></thead>
          <tbody>
            ${result.results.map((u) => html`<tr>
              <td><a href=${`/admin/users/${u.id}/`}>${u.username}</a></td><td>${u.email}</td>
              <td>${formatTime(u.date_joined)}</td><td>${u.last_login ? formatTime(u.last_login) : T.admin.never}</td>
              <td>${u.is_active ? T.admin.yes : T.admin.no}</td><td>${u.is_staff ? T.admin.yes : T.admin.no}</td></tr>`)}
          </tbody>
        </table>
        </${Scroll}>
        <nav class="pager" aria-label=${T.admin.users}>
          <button type="button" class="secondary" disabled=${page <= 1} onClick=${() => go(page - 1)}>${T.admin.previous}</button>
          <span>${T.admin.page(page, pages)}</span>
          <button type="button" class="secondary" disabled=${page >= pages} onClick=${() => go(page + 1)}>${T.admin.next}</button>
        </nav>`}
    </${AdminPage}>`;
}
