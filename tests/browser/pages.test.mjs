// Every page in both themes and at a phone's width: axe-core finds no serious or critical
// violation in any of them, nothing scrolls sideways at 360 px, no CSP violation or script
// error. With UPDATE_SCREENSHOTS=1 the screenshots the README shows are written to docs/ui/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as OTPAuth from 'otpauth';
import {
  Authd, PASSWORD, assertAccessible, fill, freshPage, launchBrowser, press, scratch, waitForHeading,
} from './harness.mjs';

const DOCS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'ui');
const MODES = {
  light: { width: 1100, height: 760, scheme: 'light' },
  dark: { width: 1100, height: 760, scheme: 'dark' },
  phone: { width: 360, height: 740, scheme: 'light' },
};
// [file name, heading, path, modes kept in docs/ui/]
const PAGES = [
  ['sign-in', 'Sign in', '/account/', ['light', 'dark', 'phone']],
  ['register', 'Create an account', '/account/register/', ['light']],
  ['profile', 'Your account', '/account/', ['light', 'dark', 'phone']],
  ['two-factor', 'Two-factor authentication', '/account/security/', ['light', 'phone']],
  ['sessions', 'Sessions', '/account/sessions/', ['light']],
  ['activity', 'Security activity', '/account/activity/', []],
  ['admin-dashboard', 'Dashboard', '/admin/', ['light', 'dark']],
  ['admin-users', 'Users', '/admin/users/', ['light', 'phone']],
  ['admin-user', 'User alice', '/admin/users/2/', ['light']],
  ['admin-audit', 'Audit log', '/admin/events/', ['light']],
  ['admin-webhooks', 'Webhooks', '/admin/webhooks/', []],
];

let dir;
let authd;
let browser;

before(async () => {
  dir = scratch();
  authd = await Authd.start(dir, { AUTHD_SITE_NAME: 'Example Co' });
  authd.cli(['createsuperuser', '--noinput', '--username', 'root', '--email', 'root@example.com'],
            { AUTHD_SUPERUSER_PASSWORD: PASSWORD });
  // Something to show: alice (user 2) with names, the app, a few sign-ins and failures.
  await authd.api('POST', '/register/', { body: { username: 'alice', password: PASSWORD, email: 'alice@example.com', first_name: 'Alice', last_name: 'Liddell' } });
  for (const name of ['bob', 'carol', 'dave']) await authd.api('POST', '/register/', { body: { username: name, password: PASSWORD } });
  const pair = (await authd.api('POST', '/api/token/', { body: { username: 'alice', password: PASSWORD } })).body;
  await authd.api('POST', '/api/token/', { body: { username: 'alice', password: 'not-it' } });
  const begun = await authd.api('POST', '/api/mfa/totp/', { token: pair.access });
  const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(begun.body.secret) });
  await authd.api('POST', '/api/mfa/totp/confirm/', { token: pair.access, body: { code: totp.generate() } });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await authd?.stop();
});

async function signInAs(page, username) {
  await page.goto(authd.url('/account/'));
  await fill(page, 'Username', username);
  await fill(page, 'Password', PASSWORD);
  await press(page, 'Sign in');
  await waitForHeading(page, 'Your account');
}

for (const [mode, { width, height, scheme }] of Object.entries(MODES)) {
  test(`every page, ${mode}`, async () => {
    const { page, context, problems } = await freshPage(browser);
    await page.setViewport({ width, height });
    await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: scheme }]);
    for (const [name, title, path, kept] of PAGES) {
      if (name === 'profile') await signInAs(page, 'root');
      await page.goto(authd.url(path));
      await waitForHeading(page, title);
      await page.waitForFunction(() => !document.body.textContent.includes('Loading…'));
      await assertAccessible(page, `${name} (${mode})`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `${name} scrolls sideways by ${overflow}px at ${width}px`);
      if (process.env.UPDATE_SCREENSHOTS && kept.includes(mode)) {
        mkdirSync(DOCS, { recursive: true });
        await page.screenshot({ path: join(DOCS, `${name}-${mode}.png`), fullPage: mode !== 'phone' });
      }
    }
    assert.deepEqual(problems, []);
    await context.close();
  });
}

test('keyboard only: skip link, sign in with Enter, every control reachable', async () => {
  const { page, context, problems } = await freshPage(browser);
  await page.goto(authd.url('/account/'));
  await waitForHeading(page, 'Sign in');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Skip to content');
  const focused = [];
  for (let i = 0; i < 10; i++) {
    await page.keyboard.press('Tab');
    focused.push(await page.evaluate(() => document.activeElement.getAttribute('name') || document.activeElement.textContent));
  }
  for (const want of ['username', 'password', 'Sign in', 'Sign in with a passkey', 'Create an account', 'Forgot your password?']) {
    assert.ok(focused.includes(want), `${want} not reached by Tab: ${focused}`);
  }
  await page.focus('#f-username');
  await page.keyboard.type('bob');
  await page.keyboard.press('Tab');
  await page.keyboard.type(PASSWORD);
  await page.keyboard.press('Enter');
  await waitForHeading(page, 'Your account');
  // Focus is visible: each control reached by Tab draws an outline.
  for (let i = 0; i < 4; i++) {
    await page.keyboard.press('Tab');
    const [what, outline] = await page.evaluate(() => [document.activeElement.textContent,
                                                        getComputedStyle(document.activeElement).outlineStyle]);
    assert.notEqual(outline, 'none', what);
  }
  assert.deepEqual(problems, []);
  await context.close();
});

test('branding: the site name, a logo and an accent colour from the settings; sign-in by email', async () => {
  const logo = join(dir, 'logo.svg');
  writeFileSync(logo, '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><circle cx="20" cy="20" r="18" fill="#c2185b"/></svg>');
  const branded = await Authd.start(dir, {
    AUTHD_SITE_NAME: 'Acme <Identity>', AUTHD_SITE_LOGO_FILE: logo, AUTHD_SITE_ACCENT_COLOR: '#c2185b',
    AUTHD_LOGIN_FIELDS: 'username,email',
  });
  try {
    const { page, context, problems } = await freshPage(browser);
    await page.goto(branded.url('/account/'));
    await waitForHeading(page, 'Sign in');
    assert.equal(await page.title(), 'Sign in · Acme <Identity>');  // escaped in the HTML, text here
    assert.equal(await page.$eval('.brand', (a) => a.textContent), 'Acme <Identity>');
    await page.waitForSelector('::-p-aria(Username or email)');  // AUTHD_LOGIN_FIELDS
    const img = await page.waitForSelector('.brand img.logo');
    await page.waitForFunction((i) => i.complete && i.naturalWidth === 40, {}, img);
    const button = await page.$eval('button[type="submit"]', (b) => getComputedStyle(b).backgroundColor);
    assert.equal(button, 'rgb(194, 24, 91)');
    await assertAccessible(page, 'branded sign in');
    assert.deepEqual(problems, []);
    await context.close();
  } finally {
    await branded.stop();
  }
});
