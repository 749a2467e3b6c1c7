// The account pages in a real browser (Debian's Chromium, puppeteer-core), against the real
// authd binary and a real SMTP server: the journeys a person makes, and the attacks a page on
// another site or a crafted link could try. One browser for the file; each journey its own
// profile (cookies), and none may see a CSP violation or a script error.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import * as OTPAuth from 'otpauth';
import {
  Authd, Smtp, PASSWORD, alertText, assertAccessible, fill, freshPage, freePort, heading,
  launchBrowser, press, scratch, waitForHeading,
} from './harness.mjs';

const NEW_PASSWORD = 'another-quite-long-passphrase';
let dir;
let smtp;
let authd;
let browser;

before(async () => {
  dir = scratch();
  smtp = await Smtp.start(dir);
  authd = await Authd.start(dir, {
    AUTHD_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
    AUTHD_EMAIL_FROM: 'no-reply@example.com',
  });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  smtp?.stop();
  await authd?.stop();
});

async function signIn(page, username, password = PASSWORD) {
  await fill(page, 'Username', username);
  await fill(page, 'Password', password);
  await press(page, 'Sign in');
}

async function registerByApi(username, extra = {}) {
  const r = await authd.api('POST', '/register/', { body: { username, password: PASSWORD, ...extra } });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body;
}

async function sessionCookie(page) {
  const cookies = await page.cookies(authd.url('/api/browser/refresh/'));
  return cookies.find((c) => c.name === 'authd_session');
}

test('register, verify the address from the mail, sign in, use the pages, sign out', async () => {
  const { page, context, problems } = await freshPage(browser);
  await page.goto(authd.url('/account/register/'));
  assert.equal(await heading(page), 'Create an account');
  await assertAccessible(page, 'register');
  await fill(page, 'Username', 'alice');
  await fill(page, 'Email (optional)', 'alice@example.com');
  await fill(page, 'Password', PASSWORD);
  await press(page, 'Create account');
  await page.waitForSelector('::-p-text(Your account is ready)');
  await assertAccessible(page, 'register: done');

  const link = Smtp.link(await smtp.to('alice@example.com'));
  assert.ok(link.startsWith(authd.url('/account/verify/?token=')), link);
  await page.goto(link);
  await waitForHeading(page, 'Verify your email');
  await assertAccessible(page, 'verify');
  await press(page, 'Verify my address');
  await page.waitForSelector('::-p-text(Your address is verified.)');

  await page.goto(authd.url('/account/'));
  await waitForHeading(page, 'Sign in');
  await assertAccessible(page, 'sign in');
  await signIn(page, 'alice');
  await waitForHeading(page, 'Your account');
  await page.waitForSelector('.facts');  // loaded after the heading
  await assertAccessible(page, 'profile');
  assert.equal(await page.$eval('[data-field="username"]', (e) => e.textContent), 'alice');
  assert.match(await page.$eval('.facts', (e) => e.textContent), /alice@example\.com \(verified\)/);

  // The refresh token is an HttpOnly, Strict cookie; scripts see nothing, nothing is stored.
  const cookie = await sessionCookie(page);
  assert.ok(cookie, 'no session cookie');
  assert.equal(cookie.httpOnly, true);
  assert.equal(cookie.sameSite, 'Strict');
  assert.equal(cookie.path, '/api/browser/');
  assert.equal(await page.evaluate(() => document.cookie), '');
  assert.equal(await page.evaluate(() => localStorage.length + sessionStorage.length), 0);

  // A reload keeps the session (renewed from the cookie); names are saved.
  await page.reload();
  await waitForHeading(page, 'Your account');
  await page.waitForSelector('.facts');
  await fill(page, 'First name', 'Alice');
  await press(page, 'Save');
  await page.waitForSelector('::-p-text(Saved.)');
  const me = await authd.api('POST', '/api/token/', { body: { username: 'alice', password: PASSWORD } });
  assert.equal((await authd.api('GET', '/api/me/', { token: me.body.access })).body.first_name, 'Alice');

  // A new address is confirmed from the link mailed to it.
  await fill(page, 'New email', 'alice@example.org');
  await fill(page, 'Your password', PASSWORD);
  await press(page, 'Mail a confirmation link');
  await page.waitForSelector('::-p-text(A link to confirm the change was mailed)');
  const change = Smtp.link(await smtp.to('alice@example.org'));
  await page.goto(change);
  await waitForHeading(page, 'Verify your email');
  await press(page, 'Verify my address');
  await page.waitForSelector('::-p-text(Your address is verified.)');
  await page.goto(authd.url('/account/'));
  await waitForHeading(page, 'Your account');
  await page.waitForSelector('.facts');
  assert.match(await page.$eval('.facts', (e) => e.textContent), /alice@example\.org \(verified\)/);

  // Sessions: this device is marked; the other one (the API sign-in above) can be ended.
  await page.goto(authd.url('/account/sessions/'));
  await waitForHeading(page, 'Sessions');
  await page.waitForSelector('.card .badge');
  await assertAccessible(page, 'sessions');
  assert.equal(await page.$$eval('.card', (cards) => cards.length), 2);
  await press(page, 'Sign out all other sessions');
  await page.waitForFunction(() => document.querySelectorAll('.card').length === 1);
  assert.equal((await authd.api('POST', '/api/token/refresh/', { body: { refresh: me.body.refresh } })).status, 401);

  // Activity lists the sign-ins.
  await page.goto(authd.url('/account/activity/'));
  await waitForHeading(page, 'Security activity');
  await page.waitForSelector('::-p-text(login.succeeded)');
  await assertAccessible(page, 'activity');

  // Signing out ends the session on the server, not only in the browser.
  await press(page, 'Sign out');
  await waitForHeading(page, 'Sign in');
  assert.equal(await sessionCookie(page), undefined);
  const ended = await authd.api('POST', '/api/token/refresh/', { body: { refresh: cookie.value } });
  assert.equal(ended.status, 401);
  assert.equal(ended.body.detail, 'Token is blacklisted');

  // A page that needs a session sends the visitor to sign in, then back.
  await page.goto(authd.url('/account/sessions/'));
  await waitForHeading(page, 'Sign in');
  assert.equal(new URL(page.url()).search, '?next=%2Faccount%2Fsessions%2F');
  await signIn(page, 'alice');
  await waitForHeading(page, 'Sessions');
  await page.goto(authd.url('/account/password/'));
  await waitForHeading(page, 'Change password');
  await assertAccessible(page, 'password');
  await page.goto(authd.url('/account/nothing/'));
  await waitForHeading(page, 'Page not found');
  await assertAccessible(page, 'not found');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a wrong password is announced; a second factor is asked for and checked', async () => {
  await registerByApi('tess');
  const pair = (await authd.api('POST', '/api/token/', { body: { username: 'tess', password: PASSWORD } })).body;
  const begun = await authd.api('POST', '/api/mfa/totp/', { token: pair.access });
  assert.equal(begun.status, 200, JSON.stringify(begun.body));
  const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(begun.body.secret), digits: 6, period: 30 });
  const on = await authd.api('POST', '/api/mfa/totp/confirm/', { token: pair.access, body: { code: totp.generate() } });
  assert.equal(on.status, 200, JSON.stringify(on.body));

  const { page, context, problems } = await freshPage(browser);
  await page.goto(authd.url('/account/'));
  await signIn(page, 'tess', 'not-the-password');
  assert.equal(await alertText(page), 'No active account found with the given credentials');
  await assertAccessible(page, 'sign in: wrong password');

  await signIn(page, 'tess');
  await waitForHeading(page, 'Two-step verification');
  await assertAccessible(page, 'second step');
  const code = await page.waitForSelector('::-p-aria(Code from your authenticator app or a recovery code)');
  assert.equal(await code.evaluate((e) => e.getAttribute('autocomplete')), 'one-time-code');
  await code.type('000000');
  await press(page, 'Verify');
  await alertText(page);
  // A recovery code works as the second step too.
  await fill(page, 'Code from your authenticator app or a recovery code', on.body.recovery_codes[0]);
  await press(page, 'Verify');
  await waitForHeading(page, 'Your account');
  assert.deepEqual(problems, []);
  await context.close();
});

test('forgot password: the mailed link resets it, ends old sessions, and leaks no Referer', async () => {
  await registerByApi('rita', { email: 'rita@example.com' });
  const before = (await authd.api('POST', '/api/token/', { body: { username: 'rita', password: PASSWORD } })).body;
  const mails = 1;  // registration's verification mail

  const { page, context, problems } = await freshPage(browser);
  await page.goto(authd.url('/account/'));
  await page.click('::-p-text(Forgot your password?)');
  await waitForHeading(page, 'Reset your password');
  await assertAccessible(page, 'forgot');
  await fill(page, 'Email', 'rita@example.com');
  await press(page, 'Mail me a link');
  await page.waitForSelector('[role="status"]');

  const link = Smtp.link(await smtp.to('rita@example.com', mails));
  assert.ok(link.startsWith(authd.url('/account/reset/?token=')), link);
  const referers = [];
  page.on('request', (r) => referers.push(r.headers().referer));
  await page.goto(link);
  await waitForHeading(page, 'Choose a new password');
  await assertAccessible(page, 'reset');
  const field = await page.waitForSelector('::-p-aria(New password)');
  assert.equal(await field.evaluate((e) => e.getAttribute('autocomplete')), 'new-password');
  await field.type(NEW_PASSWORD);
  await press(page, 'Set password');
  await page.waitForSelector('::-p-text(Your password is set.)');
  // Every request the reset page made (its script, styles, the API call) went without a
  // Referer: the token in its URL reaches no one else.
  assert.ok(referers.length >= 3, String(referers.length));
  assert.deepEqual(referers.filter(Boolean), []);

  const old = await authd.api('POST', '/api/token/refresh/', { body: { refresh: before.refresh } });
  assert.equal(old.status, 401);
  await page.goto(authd.url('/account/'));
  await signIn(page, 'rita', NEW_PASSWORD);
  await waitForHeading(page, 'Your account');
  assert.deepEqual(problems, []);
  await context.close();
});

// A passkey authenticator in Chromium itself (the DevTools WebAuthn domain): resident keys,
// user verification, presence given without a touch.
async function virtualAuthenticator(page) {
  const cdp = await page.createCDPSession();
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true,
      isUserVerified: true, automaticPresenceSimulation: true,
    },
  });
  return { cdp, authenticatorId };
}

test('two-factor page: an authenticator app and a passkey, then signing in with each', async () => {
  await registerByApi('paula');
  const { page, context, problems } = await freshPage(browser);
  const authenticator = await virtualAuthenticator(page);
  await page.goto(authd.url('/account/'));
  await signIn(page, 'paula');
  await waitForHeading(page, 'Your account');
  await page.click('::-p-text(Two-factor)');
  await waitForHeading(page, 'Two-factor authentication');
  await assertAccessible(page, 'two-factor');

  // The app: the QR code and the key, then a code from the key read off the page.
  await press(page, 'Set up an authenticator app');
  const secret = await (await page.waitForSelector('[data-totp-secret]')).evaluate((e) => e.textContent);
  const qr = await page.waitForSelector('img.qr');
  await page.waitForFunction((img) => img.complete && img.naturalWidth > 0, {}, qr);
  await assertAccessible(page, 'two-factor: app enrolment');
  const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), digits: 6, period: 30 });
  await fill(page, 'Code from the app', totp.generate());
  await press(page, 'Turn on');
  await page.waitForSelector('[data-recovery-codes]');
  const codes = await page.$$eval('[data-recovery-codes] li', (li) => li.map((e) => e.textContent));
  assert.equal(codes.length, 10);
  await assertAccessible(page, 'two-factor: recovery codes');
  await press(page, 'I have saved them');
  await page.waitForSelector('::-p-text(On: sign-ins ask for a code)');
  assert.match(await page.$eval('[data-recovery-left]', (e) => e.textContent), /^10 unused/);

  // A passkey, named.
  await fill(page, 'Name for the new passkey', 'Work laptop');
  await press(page, 'Add a passkey');
  // Listed once registered (a text query would also match the name field's own value).
  await page.waitForFunction(() => [...document.querySelectorAll('[data-passkey] strong')]
    .some((e) => e.textContent === 'Work laptop'));
  await assertAccessible(page, 'two-factor: a passkey');

  // Password, then the passkey as the second step. The authenticator answers only when told
  // (presence off), so the sign-in page's autofill request waits meanwhile.
  const { cdp, authenticatorId } = authenticator;
  const presence = (enabled) => cdp.send('WebAuthn.setAutomaticPresenceSimulation', { authenticatorId, enabled });
  await presence(false);
  await press(page, 'Sign out');
  await waitForHeading(page, 'Sign in');
  await signIn(page, 'paula');
  await waitForHeading(page, 'Two-step verification');
  try {
    await press(page, 'Use a passkey instead');
  } catch (e) {
    throw new Error(`${e.message}; on ${page.url()}: ${await page.evaluate(() => document.body.innerText)}`);
  }
  await presence(true);
  await waitForHeading(page, 'Your account');
  const pair = (await authd.api('POST', '/api/token/mfa/', {
    body: { mfa_token: (await authd.api('POST', '/api/token/', { body: { username: 'paula', password: PASSWORD } })).body.mfa_token,
            code: codes[1] },  // the app's code of this window was spent turning it on
  }));
  assert.equal(pair.status, 200, JSON.stringify(pair.body));

  // The passkey alone, from the button.
  await presence(false);
  await press(page, 'Sign out');
  await waitForHeading(page, 'Sign in');
  await press(page, 'Sign in with a passkey');
  await presence(true);
  await waitForHeading(page, 'Your account');

  // The passkey alone, offered in the username field's suggestions (conditional mediation):
  // the authenticator, present, picks it as soon as the sign-in page asks.
  const signIns = async () => (await authd.api('GET', '/api/me/events/', { token: pair.body.access }))
    .body.results.filter((e) => e.type === 'login.succeeded').map((e) => e.details.method);
  const before = (await signIns()).length;
  await press(page, 'Sign out');
  for (let i = 0; (await signIns()).length === before; i++) {
    assert.ok(i < 200, 'no sign-in from the suggestions');
    await new Promise((r) => setTimeout(r, 50));
  }
  await waitForHeading(page, 'Your account');

  const methods = await signIns();
  assert.deepEqual(methods.slice(0, 4), ['passkey', 'passkey', 'password+recovery_code', 'password+passkey']);

  // Removing the passkey and turning the app off leave no second factor.
  await page.goto(authd.url('/account/security/'));
  await press(page, 'Remove: Work laptop');
  await page.waitForSelector('::-p-text(No passkeys yet.)');
  await fill(page, 'Your password', PASSWORD);
  await press(page, 'Turn off the authenticator app');
  await page.waitForSelector('::-p-text(Set up an authenticator app)');
  const summary = await authd.api('GET', '/api/mfa/', { token: pair.body.access });
  assert.deepEqual(summary.body, { totp: false, passkeys: 0, recovery_codes_left: 0 });
  assert.deepEqual(problems, []);
  await context.close();
});

test('?next= only ever leads to a page of this site', async () => {
  await registerByApi('nina');
  for (const next of ['//evil.example/x', 'https://evil.example/', '/\\evil.example', 'javascript:alert(1)',
                      '/%2F%2Fevil.example']) {
    const { page, context, problems } = await freshPage(browser);
    await page.goto(authd.url(`/account/?next=${encodeURIComponent(next)}`));
    await signIn(page, 'nina');
    await page.waitForFunction(() => !location.search.includes('next'));
    const landed = new URL(page.url());
    assert.equal(landed.origin, authd.base, next);
    assert.deepEqual(problems, []);
    await context.close();
  }
});

test('a page on another origin cannot use the session', async () => {
  await registerByApi('carl');
  const { page, context, problems } = await freshPage(browser);
  await page.goto(authd.url('/account/'));
  await signIn(page, 'carl');
  await waitForHeading(page, 'Your account');
  const cookie = await sessionCookie(page);

  // The attacker's page: served from another origin, in the same browser profile.
  const evilPort = await freePort();
  const evil = createServer((req, res) => {
    res.setHeader('Content-Type', 'text/html');
    res.end(`<!doctype html><title>evil</title>
      <form id="f" method="post" action="${authd.url('/api/browser/logout/')}"></form>`);
  });
  await new Promise((r) => evil.listen(evilPort, '127.0.0.1', r));
  try {
    const attacker = await context.newPage();
    await attacker.goto(`http://127.0.0.1:${evilPort}/`);
    // A script asking for a token with the cookie: refused before it is sent (no CORS grant).
    const fetched = await attacker.evaluate(async (url) => {
      try {
        const r = await fetch(url, { method: 'POST', credentials: 'include', headers: { 'X-Authd-Session': 'cookie' } });
        return `status ${r.status}: ${await r.text()}`;
      } catch (e) {
        return `refused: ${e.name}`;
      }
    }, authd.url('/api/browser/refresh/'));
    assert.equal(fetched, 'refused: TypeError');
    // A plain form post (what CSRF usually is): 403, and the session lives on.
    await Promise.all([attacker.waitForNavigation(), attacker.$eval('#f', (f) => f.submit())]);
    assert.match(await attacker.content(), /csrf_failed/);
    await attacker.close();
  } finally {
    evil.close();
  }
  const alive = await authd.api('POST', '/api/token/refresh/', { body: { refresh: cookie.value } });
  assert.equal(alive.status, 200);
  await page.reload();
  await waitForHeading(page, 'Your account');
  assert.deepEqual(problems, []);
  await context.close();
});

test('every page is served with the headers that keep it safe', async () => {
  for (const path of ['/account/', '/account/register/', '/account/reset/?token=x', '/account/sessions/']) {
    const r = await fetch(authd.url(path));
    assert.equal(r.status, 200, path);
    const csp = r.headers.get('content-security-policy');
    assert.ok(csp.includes("frame-ancestors 'none'") && csp.includes("script-src 'self'"), csp);
    assert.ok(!csp.includes('unsafe-inline') && !csp.includes('unsafe-eval'), csp);
    assert.equal(r.headers.get('referrer-policy'), 'no-referrer');
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
  }
  // The first load's script, compressed as sent: at most 100 KB.
  const js = await fetch(authd.url('/account/'))
    .then((r) => r.text()).then((html) => html.match(/src="([^"]+)"/)[1]);
  const r = await fetch(authd.url(js), { headers: { 'Accept-Encoding': 'br' } });
  assert.equal(r.headers.get('content-encoding'), 'br');
  const size = Number(r.headers.get('content-length'));
  assert.ok(size > 1000 && size <= 100 * 1024, String(size));
});
