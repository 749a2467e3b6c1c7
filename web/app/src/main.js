// The account pages: one script for every page under /account/, which picks the page by path.
// Pages that need a signed-in user send a visitor without a session to sign in first, with
// `next` bringing them back.
import { render } from 'preact';
import { html, Page } from './ui.js';
import { T } from './text.js';
import { renew, signedIn } from './api.js';
import { SignIn, OidcLanding } from './pages/sign_in.js';
import { Register } from './pages/register.js';
import { Profile } from './pages/profile.js';
import { Password } from './pages/password.js';
import { Sessions } from './pages/sessions.js';
import { Activity } from './pages/activity.js';
import { Security } from './pages/security.js';
import { Forgot, Reset, Verify } from './pages/recovery.js';

const PUBLIC = {
  '/account/register/': Register,
  '/account/forgot/': Forgot,
  '/account/reset/': Reset,
  '/account/verify/': Verify,
  '/account/oidc/': OidcLanding,
};
const SIGNED_IN = {
  '/account/': Profile,
  '/account/password/': Password,
  '/account/security/': Security,
  '/account/sessions/': Sessions,
  '/account/activity/': Activity,
};

function NotFound() {
  return html`<${Page} title=${T.notFound.title}><p><a href="/account/">${T.notFound.back}</a></p></${Page}>`;
}

async function start() {
  const root = document.getElementById('app');
  const path = location.pathname;
  let view = PUBLIC[path];
  if (!view) {
    try { await renew(); } catch { /* offline: the sign-in page says so when used */ }
    if (SIGNED_IN[path]) {
      if (signedIn()) {
        view = SIGNED_IN[path];
      } else if (path === '/account/') {
        view = SignIn;
      } else {
        location.replace(`/account/?next=${encodeURIComponent(path)}`);
        return;
      }
    } else {
      view = NotFound;
    }
  }
  root.textContent = '';
  render(html`<${view} />`, root);
}

start();
