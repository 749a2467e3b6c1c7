// The admin console in a real browser: an admin made by `authd createsuperuser` signs in,
// reads the dashboard, finds a user, deactivates them (whose next API call is refused), sees it
// in the audit log, and sends a webhook delivery again; a user who is not staff sees no data.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import {
  Authd, PASSWORD, assertAccessible, fill, freshPage, freePort, launchBrowser, press, scratch,
  waitForHeading,
} from './harness.mjs';

let dir;
let authd;
let browser;
let receiver;
const received = [];

before(async () => {
  dir = scratch();
  // A webhook receiver that accepts everything: deliveries end "delivered".
  const port = await freePort();
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => { received.push(JSON.parse(body)); res.end(); });
  });
  await new Promise((r) => receiver.listen(port, '127.0.0.1', r));
  authd = await Authd.start(dir, {
    AUTHD_WEBHOOKS: JSON.stringify([{ url: `http://127.0.0.1:${port}/hook`,
                                      secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', events: ['user.*'] }]),
  });
  authd.cli(['createsuperuser', '--noinput', '--username', 'root', '--email', 'root@example.com'],
            { AUTHD_SUPERUSER_PASSWORD: PASSWORD });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  receiver?.close();
  await authd?.stop();
});

async function signIn(page, username) {
  await fill(page, 'Username', username);
  await fill(page, 'Password', PASSWORD);
  await press(page, 'Sign in');
}

async function register(username) {
  const r = await authd.api('POST', '/register/', { body: { username, password: PASSWORD } });
  assert.equal(r.status, 201);
  return r.body;
}

test('an admin finds a user, deactivates them, and the audit log shows it', async () => {
  const victim = await register('victor');
  await register('wendy');
  const victimPair = (await authd.api('POST', '/api/token/', { body: { username: 'victor', password: PASSWORD } })).body;
  await authd.api('POST', '/api/token/', { body: { username: 'victor', password: 'wrong-password' } });

  const { page, context, problems } = await freshPage(browser);
  await page.goto(authd.url('/admin/'));
  await waitForHeading(page, 'Sign in');  // sent to sign in, and back
  await signIn(page, 'root');
  await waitForHeading(page, 'Dashboard');
  await page.waitForSelector('.figures');
  const figures = await page.$$eval('.figures div', (ds) => Object.fromEntries(
    ds.map((d) => [d.querySelector('dt').textContent, d.querySelector('dd').textContent])));
  assert.equal(figures.Users, '3');
  assert.equal(figures['Failed sign-ins, last 24 hours'], '1');
  assert.equal(figures['Sign-ins, last 24 hours'], '2');  // victor's and root's
  assert.equal(await page.$$eval('.chart rect.ok', (r) => r.length), 30);
  await assertAccessible(page, 'admin: dashboard');

  await page.click('::-p-text(Users)');
  await waitForHeading(page, 'Users');
  await fill(page, 'Search users', 'vic');
  await press(page, 'Search');
  await page.waitForFunction(() => document.querySelectorAll('tbody tr').length === 1);
  await assertAccessible(page, 'admin: users');
  await page.select('#f-ordering', '-username');
  await Promise.all([page.waitForNavigation(), page.click('::-p-text(victor)')]);
  await waitForHeading(page, 'User victor');
  await assertAccessible(page, 'admin: a user');
  assert.equal(await page.$$eval('.card', (c) => c.length), 1);  // victor's session
  await page.click('::-p-aria(Active (may sign in))');
  await press(page, 'Save changes');
  await page.waitForSelector('::-p-text(Saved.)');

  // The user's next call is refused, and their session is over.
  const detail = await authd.api('GET', '/user_detail/', { token: victimPair.access });
  assert.equal(detail.status, 401);
  assert.equal(detail.body.code, 'user_inactive');
  assert.equal((await authd.api('POST', '/api/token/refresh/', { body: { refresh: victimPair.refresh } })).status, 401);
  assert.equal(await page.$$eval('.card', (c) => c.length), 0);

  await page.click('::-p-text(Audit log)');
  await waitForHeading(page, 'Audit log');
  await fill(page, 'User id', String(victim.id));
  await press(page, 'Filter');
  await page.waitForFunction(() => [...document.querySelectorAll('tbody td')].some((td) => td.textContent === 'admin.user_updated'));
  const types = await page.$$eval('tbody tr td:nth-child(2)', (tds) => tds.map((td) => td.textContent));
  await assertAccessible(page, 'admin: audit log');
  for (const t of ['admin.user_updated', 'login.failed', 'login.succeeded', 'user.registered']) assert.ok(types.includes(t), t);

  // Deliveries of user.* events reached the receiver; one is sent again from the console.
  await page.click('::-p-text(Webhooks)');
  await waitForHeading(page, 'Webhooks');
  for (let i = 0; received.length < 2; i++) {
    assert.ok(i < 200, 'no deliveries');
    await new Promise((r) => setTimeout(r, 50));
  }
  await page.select('#f-status', 'delivered');
  await page.waitForSelector('tbody tr');
  const before = received.length;
  const first = await page.$eval('tbody tr', (tr) => tr.dataset.delivery);
  await press(page, `Retry: ${first}`);
  await page.waitForSelector('::-p-text(Queued again.)');
  await assertAccessible(page, 'admin: webhooks');
  for (let i = 0; received.length === before; i++) {
    assert.ok(i < 200, 'the retried delivery did not arrive');
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.deepEqual(problems, []);
  await context.close();
});

test('a user who is not staff sees a message and no data', async () => {
  await register('nora');
  const { page, context, problems } = await freshPage(browser);
  const answers = [];
  page.on('response', (r) => { if (r.url().includes('/api/admin/')) answers.push(r.status()); });
  await page.goto(authd.url('/admin/users/'));
  await waitForHeading(page, 'Sign in');
  await signIn(page, 'nora');
  await waitForHeading(page, 'Users');
  await page.waitForSelector('[role="alert"]');
  assert.match(await page.$eval('[role="alert"]', (e) => e.textContent), /for staff/);
  await assertAccessible(page, 'admin: not staff');
  assert.equal(await page.$('table'), null);
  assert.deepEqual(answers, [403]);  // refused by the API, not only hidden
  for (const path of ['/admin/', '/admin/events/', '/admin/webhooks/', '/admin/users/1/']) {
    await page.goto(authd.url(path));
    await page.waitForSelector('[role="alert"]');
    assert.equal(await page.$('table, .figures'), null, path);
  }
  assert.deepEqual(problems, []);
  await context.close();
});
