// Signing in with an OpenID provider in a real browser: the sign-in page's button, the
// provider's own pages (npm's oidc-provider, tests/oidc_provider/, on another site:
// 127.0.0.1 while authd is localhost, so the binding cookie crosses a real cross-site
// redirect), the landing page exchanging the code, `next` kept, the second factor still asked,
// and the provider listed on the security page.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as OTPAuth from 'otpauth';
import {
  Authd, alertText, assertAccessible, fill, freePort, freshPage, launchBrowser, press, scratch,
  waitForHeading,
} from './harness.mjs';

const PROVIDER = join(dirname(fileURLToPath(import.meta.url)), '..', 'oidc_provider', 'provider.mjs');
let provider;
let issuer;
let authd;
let browser;

async function startProvider() {
  const port = await freePort();
  const child = spawn('node', [PROVIDER, String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c) => { out += c; if (out.includes('listening')) resolve(); });
    child.on('exit', () => reject(new Error(`oidc-provider exited: ${out}`)));
  });
  return { child, issuer: `http://127.0.0.1:${port}` };
}

async function person(sub, claims) {
  const r = await fetch(`${issuer}/test/accounts`, { method: 'POST', body: JSON.stringify({ [sub]: claims }) });
  assert.equal(r.status, 200);
}

before(async () => {
  ({ child: provider, issuer } = await startProvider());
  authd = await Authd.start(scratch(), {
    AUTHD_OIDC_PROVIDERS: JSON.stringify([{
      id: 'corp', name: 'Corp SSO', issuer, client_id: 'authd-rs', client_secret: 'provider-test-secret',
    }, {
      id: 'corp_es', name: 'Partner SSO', issuer, client_id: 'authd-es', client_secret: 'provider-test-secret',
      allowed_email_domains: ['corp.example'],
    }]),
  });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await authd?.stop();
  provider?.kill();
});

// At the provider's page: who signs in.
async function atProvider(page, login) {
  await page.waitForSelector('::-p-text(Sign in at the test provider)');
  await page.type('input[name="login"]', login);
  await Promise.all([page.waitForNavigation(), page.click('button[type="submit"]')]);
}

test('a provider signs a new user in, lands on next, and shows on the security page', async () => {
  await person('pat-1', { email: 'pat@corp.example', email_verified: true, preferred_username: 'pat' });
  const { page, context, problems } = await freshPage(browser);
  // A page that needs a session sends the visitor to sign in, with `next`.
  await page.goto(authd.url('/account/sessions/'));
  await waitForHeading(page, 'Sign in');
  const button = await page.waitForSelector('a[data-provider="corp"]');
  assert.equal(await button.evaluate((e) => e.textContent), 'Sign in with Corp SSO');
  await assertAccessible(page, 'sign in with providers');
  await Promise.all([page.waitForNavigation(), button.click()]);
  assert.ok(page.url().startsWith(issuer), page.url());
  await atProvider(page, 'pat-1');
  await waitForHeading(page, 'Sessions');
  assert.equal(new URL(page.url()).pathname, '/account/sessions/');
  const cookies = await page.cookies(authd.url('/api/browser/refresh/'));
  assert.ok(cookies.find((c) => c.name === 'authd_session' && c.httpOnly));
  // The code went through the landing page, never into history as it was.
  assert.equal(await page.evaluate(() => document.cookie), '');

  await page.goto(authd.url('/account/'));
  await waitForHeading(page, 'Your account');
  await page.waitForSelector('.facts');
  assert.equal(await page.$eval('[data-field="username"]', (e) => e.textContent), 'pat');

  await page.goto(authd.url('/account/security/'));
  await waitForHeading(page, 'Two-factor authentication');
  const card = await page.waitForSelector('[data-identity="corp"]');
  assert.match(await card.evaluate((e) => e.textContent), /Corp SSO.*pat@corp\.example/);
  await assertAccessible(page, 'security: providers');
  // Its only way in: unlinking is refused, and says why.
  await press(page, 'Unlink: Corp SSO');
  assert.match(await alertText(page), /only way to sign in/);

  // Signed out, the same person comes back to the same account.
  await page.goto(authd.url('/account/'));
  await waitForHeading(page, 'Your account');
  await press(page, 'Sign out');
  await waitForHeading(page, 'Sign in');
  await Promise.all([page.waitForNavigation(), (await page.waitForSelector('a[data-provider="corp"]')).click()]);
  await atProvider(page, 'pat-1');
  await waitForHeading(page, 'Your account');
  await page.waitForSelector('.facts');
  assert.equal(await page.$eval('[data-field="username"]', (e) => e.textContent), 'pat');
  assert.deepEqual(problems, []);
  await context.close();
});

test('an address outside the allowed domains gets a page that says so', async () => {
  await person('out-1', { email: 'out@elsewhere.example', email_verified: true });
  const { page, context, problems } = await freshPage(browser);
  await page.goto(authd.url('/account/'));
  await Promise.all([page.waitForNavigation(), (await page.waitForSelector('a[data-provider="corp_es"]')).click()]);
  await atProvider(page, 'out-1');
  await waitForHeading(page, 'Sign-in failed');
  assert.match(await alertText(page), /only to verified addresses at corp\.example/);
  await assertAccessible(page, 'provider: refused');
  await Promise.all([page.waitForNavigation(), page.click('a[href="/account/"]')]);
  await waitForHeading(page, 'Sign in');
  assert.deepEqual(problems, []);
  await context.close();
});

test('the second factor is still asked after the provider', async () => {
  await person('mo-1', { email: 'mo@corp.example', email_verified: true, preferred_username: 'mo' });
  const { page, context, problems } = await freshPage(browser);
  await page.goto(authd.url('/account/'));
  await waitForHeading(page, 'Sign in');
  await Promise.all([page.waitForNavigation(), (await page.waitForSelector('a[data-provider="corp"]')).click()]);
  await atProvider(page, 'mo-1');
  await waitForHeading(page, 'Your account');
  // Mo turns on an authenticator app, signs out, and comes back through the provider.
  const access = await page.evaluate(async () => (await (await fetch('/api/browser/refresh/', {
    method: 'POST', headers: { 'X-Authd-Session': 'cookie' } })).json()).access);
  const begun = await authd.api('POST', '/api/mfa/totp/', { token: access });
  const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(begun.body.secret) });
  assert.equal((await authd.api('POST', '/api/mfa/totp/confirm/', { token: access, body: { code: totp.generate() } })).status, 200);
  await context.deleteCookie(...(await page.cookies(authd.url('/api/browser/refresh/'))));
  await page.goto(authd.url('/account/'));
  await waitForHeading(page, 'Sign in');
  await Promise.all([page.waitForNavigation(), (await page.waitForSelector('a[data-provider="corp"]')).click()]);
  await atProvider(page, 'mo-1');
  await waitForHeading(page, 'Two-step verification');
  await assertAccessible(page, 'provider: second step');
  await fill(page, 'Code from your authenticator app or a recovery code', totp.generate({ timestamp: Date.now() + 30000 }));
  await press(page, 'Verify');
  await waitForHeading(page, 'Your account');
  assert.deepEqual(problems, []);
  await context.close();
});
