// Audit events as a table: the audit page's and a user's page's.
import { html, Scroll, formatTime } from '../ui.js';
import { T } from '../text.js';

export function EventsTable({ events }) {
  const C = T.admin.eventColumns;
  if (events.length === 0) return html`<p>${T.admin.none}</p>`;
  return html`
    <${Scroll} label=${T.admin.events}>
    <table>
      <thead><tr><th scope="col">${C.when}</th><th scope="col">${C.type}</th><th scope="col">${C.outcome}</th>
        <th scope="col">${C.actor}</th><th scope="col">${C.user}</th><th scope="col">${C.from}</th></tr></thead>
      <tbody>
        ${events.map((e) => html`<tr data-event=${e.id}>
          <td>${formatTime(e.time)}</td><td>${e.type}</td><td>${e.outcome}</td><td>${e.actor}</td>
          <td>${e.user_id === null ? '' : html`<a href=${`/admin/users/${e.user_id}/`}>${e.user_id}</a>`}</td>
          <td>${e.client_address}</td></tr>`)}
      </tbody>
    </table>
    </${Scroll}>`;
}
