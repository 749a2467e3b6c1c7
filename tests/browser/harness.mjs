// What the browser journeys run against: the real authd binary on a free loopback port with a
// fresh SQLite file, a real SMTP server (tests/smtp_server.py, aiosmtpd) whose messages land
// as JSON files, and Debian's Chromium driven by puppeteer-core, one per test file.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';
import { createRequire } from 'node:module';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');
export const AUTHD_BIN = process.env.AUTHD_BIN || join(ROOT, 'build', 'authd');
// authd refuses AUTHD_* variables it does not know: the harness's own are not passed on.
const { AUTHD_BIN: _bin, ...INHERITED } = process.env;
export const PASSWORD = 'correct-horse-battery-staple';

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function waitForLine(child, pattern, what, timeoutMs = 15000) {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`${what} did not start:\n${seen}`)), timeoutMs);
    const onData = (chunk) => {
      seen += chunk;
      const m = seen.match(pattern);
      if (m) { clearTimeout(timer); resolve(m); }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`${what} exited with ${code}:\n${seen}`)); });
  });
}

// A temporary directory removed when the process ends.
export function scratch() {
  const dir = mkdtempSync(join(tmpdir(), 'authd-browser-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export class Smtp {
  static async start(dir) {
    const port = await freePort();
    const inbox = join(dir, `mail-${port}`);
    const child = spawn('/usr/bin/python3', [join(ROOT, 'tests', 'smtp_server.py'), String(port), inbox],
                        { stdio: ['ignore', 'pipe', 'pipe'] });
    await waitForLine(child, /smtp listening/, 'the SMTP server');
    return Object.assign(new Smtp(), { port, inbox, child });
  }

  // The latest message to `address`, waiting up to 20 s for one: {to, subject, text}.
  async to(address, after = 0) {
    const deadline = Date.now() + 20000;
    for (;;) {
      let names = [];
      try { names = readdirSync(this.inbox).filter((n) => n.endsWith('.json')).sort(); } catch { /* none yet */ }
      const found = names.map((n) => JSON.parse(readFileSync(join(this.inbox, n), 'utf8')))
        .filter((m) => m.to.includes(address));
      if (found.length > after) return found[found.length - 1];
      if (Date.now() > deadline) throw new Error(`no message to ${address}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  // The one link of a message's text.
  static link(message) {
    const links = message.text.match(/https?:\/\/\S+/g) || [];
    if (links.length !== 1) throw new Error(`expected one link: ${links}`);
    return links[0];
  }

  stop() { this.child.kill('SIGTERM'); }
}

export class Authd {
  static async start(dir, env = {}) {
    const port = await freePort();
    // localhost, not 127.0.0.1: a passkey's RP ID must be a domain name (the origin stays a
    // secure context either way), and Chromium resolves localhost to loopback itself.
    const base = `http://localhost:${port}`;
    const fullEnv = {
      ...INHERITED,
      AUTHD_LISTEN: `127.0.0.1:${port}`,
      AUTHD_DATABASE_URL: `sqlite://${join(dir, `authd-${port}.db`)}`,
      AUTHD_PUBLIC_URL: base,
      AUTHD_ARGON2_MEMORY_KIB: '1024',
      AUTHD_ARGON2_ITERATIONS: '1',
      ...env,
    };
    const child = spawn(AUTHD_BIN, ['serve'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: fullEnv });
    let log = '';
    child.stdout.on('data', (c) => { log += c; });
    child.stderr.on('data', (c) => { log += c; });
    await waitForLine(child, /authd listening on/, 'authd');
    return Object.assign(new Authd(), { port, base, child, env: fullEnv, dir, log: () => log });
  }

  url(path) { return this.base + path; }

  // An `authd` command on the same database (createsuperuser, ...); its stdout.
  cli(args, env = {}) {
    const r = spawnSync(AUTHD_BIN, args, { cwd: this.dir, env: { ...this.env, ...env }, encoding: 'utf8', timeout: 30000 });
    if (r.status !== 0) throw new Error(`authd ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout;
  }

  // Stops the server; under `make test-asan` a sanitizer report in its log fails the suite.
  async stop() {
    if (this.child.exitCode === null) {
      const exited = new Promise((r) => this.child.once('exit', r));
      this.child.kill('SIGTERM');
      await exited;
    }
    const report = this.log().search(/ERROR: (Address|Leak|Thread|Memory)Sanitizer|runtime error: /);
    if (report >= 0) throw new Error(`sanitizer report in authd's log:\n${this.log().slice(report, report + 4000)}`);
  }

  async api(method, path, { body, token } = {}) {
    const headers = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (token) headers.Authorization = `Bearer ${token}`;
    const r = await fetch(this.url(path), { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await r.text();
    return { status: r.status, body: text ? JSON.parse(text) : null };
  }

}

export async function launchBrowser() {
  return puppeteer.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
}

// A fresh browser profile (cookies and all) with its CSP violations and script errors
// collected: every journey ends by asserting there were none.
export async function freshPage(browser) {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  const problems = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 4\d\d/.test(m.text())) problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(String(e)));
  return { page, context, problems };
}

// Types into the field labelled `label` (found by its <label>, as a person would).
export async function fill(page, label, value) {
  const input = await page.waitForSelector(`::-p-aria(${label})`);
  await input.click({ clickCount: 3 });
  await input.type(value);
}

export async function press(page, name) {
  const button = await page.waitForSelector(`::-p-aria(${name}[role="button"])`);
  await button.click();
}

export async function heading(page) {
  await page.waitForSelector('h1');
  return page.$eval('h1', (e) => e.textContent);
}

export async function waitForHeading(page, text) {
  await page.waitForFunction((t) => document.querySelector('h1')?.textContent === t, {}, text);
}

export async function alertText(page) {
  const el = await page.waitForSelector('[role="alert"]');
  return el.evaluate((e) => e.textContent);
}

// axe-core (npm) on the page as it is now: no serious or critical violations. Its source is
// evaluated through DevTools, which the page's CSP does not govern; nothing is loosened for it.
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
export const checkedStates = [];
export async function assertAccessible(page, state) {
  if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) await page.evaluate(AXE);
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  checkedStates.push(state);
  if (bad.length) {
    const lines = bad.map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
    throw new Error(`accessibility violations on ${state}:\n${lines.join('\n')}`);
  }
}
