// The signed-in user's navigation, and signing out.
import { html } from './ui.js';
import { T } from './text.js';
import { signOut } from './api.js';

const LINKS = [
  ['/account/', T.nav.account],
  ['/account/password/', T.nav.password],
  ['/account/security/', T.nav.security],
  ['/account/sessions/', T.nav.sessions],
  ['/account/activity/', T.nav.activity],
];

export function AccountNav() {
  async function out() {
    try { await signOut(); } finally { location.assign('/account/'); }
  }
  const here = location.pathname;
  return html`
    <nav aria-label=${T.nav.main}>
      <ul>
        ${LINKS.map(([href, label]) => html`
          <li><a href=${href} aria-current=${here === href ? 'page' : undefined}>${label}</a></li>`)}
        <li><button type="button" class="link" onClick=${out}>${T.nav.signOut}</button></li>
      </ul>
    </nav>`;
}
