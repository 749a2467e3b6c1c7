// The admin console: one script for every page under /admin/, which picks the page by path.
// Signing in happens on the account pages, which bring the visitor back here.
import { render } from 'preact';
import { html } from '../ui.js';
import { renew, signedIn } from '../api.js';
import { AdminPage } from './frame.js';
import { Dashboard } from './dashboard.js';
import { Users } from './users.js';
import { UserPage } from './user.js';
import { Events } from './events.js';
import { Webhooks } from './webhooks.js';
import { T } from '../text.js';

const PAGES = { '/admin/': Dashboard, '/admin/users/': Users, '/admin/events/': Events, '/admin/webhooks/': Webhooks };

function NotFound() {
  return html`<${AdminPage} title=${T.notFound.title}><p><a href="/admin/">${T.admin.dashboard}</a></p></${AdminPage}>`;
}

async function start() {
  const path = location.pathname;
  try { await renew(); } catch { /* offline: the page says so */ }
  if (!signedIn()) {
    location.replace(`/account/?next=${encodeURIComponent(path + location.search)}`);
    return;
  }
  const user = path.match(/^\/admin\/users\/(\d+)\/$/);
  const view = user ? html`<${UserPage} id=${user[1]} />` : html`<${PAGES[path] || NotFound} />`;
  const root = document.getElementById('app');
  root.textContent = '';
  render(view, root);
}

start();
