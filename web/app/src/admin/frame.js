// The console's frame: its navigation, and the one rule of every page: data only for staff,
// as the API decides (a 403 shows a message and nothing else).
import { html, Page } from '../ui.js';
import { T } from '../text.js';
import { signOut } from '../api.js';

const LINKS = [
  ['/admin/', T.admin.dashboard],
  ['/admin/users/', T.admin.users],
  ['/admin/events/', T.admin.events],
  ['/admin/webhooks/', T.admin.webhooks],
];

function AdminNav() {
  const here = location.pathname;
  async function out() {
    try { await signOut(); } finally { location.assign('/account/'); }
  }
  return html`
    <nav aria-label=${T.admin.nav}>
      <ul>
        ${LINKS.map(([href, label]) => html`
          <li><a href=${href} aria-current=${here === href ? 'page' : undefined}>${label}</a></li>`)}
        <li><a href="/account/">${T.admin.account}</a></li>
        <li><button type="button" class="link" onClick=${out}>${T.nav.signOut}</button></li>
      </ul>
    </nav>`;
}

export function AdminPage({ title, children, forbidden }) {
  return html`
    <${Page} title=${title} nav=${html`<${AdminNav} />`} home="/admin/" brand=${`${T.siteName} · ${T.admin.brand}`} wide>
      ${forbidden ? html`<p class="alert" role="alert">${T.admin.staffOnly}</p>` : children}
    </${Page}>`;
}
