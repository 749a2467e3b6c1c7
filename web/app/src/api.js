// The pages' only way to the server: the public JSON API, plus the browser session
// (X-Authd-Session: cookie). The refresh token lives in an HttpOnly cookie the script never
// sees; the access token lives here, in memory, and is renewed from the cookie when it is
// missing or refused. Nothing is written to localStorage or sessionStorage.
import { startAuthentication, startRegistration } from '@simplewebauthn/browser';
import { T } from './text.js';

const BROWSER = { 'X-Authd-Session': 'cookie' };
let access = null;
let sessionId = null;

export class ApiError extends Error {
  constructor(status, body) {
    super(messageOf(body) || T.errors.generic);
    this.status = status;
    this.body = body || {};
  }
}

// DRF's shapes: {"detail": ...}, or {"field": ["message", ...], ...}.
function messageOf(body) {
  if (!body || typeof body !== 'object') return '';
  if (typeof body.detail === 'string') return body.detail;
  const parts = [];
  for (const [field, value] of Object.entries(body)) {
    const list = Array.isArray(value) ? value : [value];
    for (const m of list) if (typeof m === 'string') parts.push(field === 'non_field_errors' ? m : `${field}: ${m}`);
  }
  return parts.join(' ');
}

async function send(method, path, { body, headers = {} } = {}) {
  const init = { method, headers: { Accept: 'application/json', ...headers }, credentials: 'same-origin' };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let r;
  try {
    r = await fetch(path, init);
  } catch {
    throw new ApiError(0, { detail: T.errors.network });
  }
  const text = await r.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { json = null; }
  if (!r.ok) throw new ApiError(r.status, json);
  return json;
}

function started(answer) {
  access = answer.access;
  sessionId = answer.session;
  return answer;
}

// A new access token from the session cookie; false when there is no live session.
export async function renew() {
  try {
    started(await send('POST', '/api/browser/refresh/', { headers: BROWSER }));
    return true;
  } catch (e) {
    if (e.status === 401 || e.status === 403) { access = null; return false; }
    throw e;
  }
}

export function signedIn() { return access !== null; }
export function currentSession() { return sessionId; }

// The first step: {access} when done, or throws ApiError whose body.code is "mfa_required"
// (body.mfa_token, body.methods) when a second factor is asked for.
export async function signIn(username, password) {
  return started(await send('POST', '/api/token/', { body: { username, password }, headers: BROWSER }));
}

export async function secondFactor(mfaToken, code) {
  return started(await send('POST', '/api/token/mfa/', { body: { mfa_token: mfaToken, code }, headers: BROWSER }));
}

// The providers to sign in with: [{id, name}].
export function providers() { return send('GET', '/api/oidc/providers/'); }

// A provider's sign-in ends on /account/oidc/ with a one-time code: the session, or an
// ApiError whose body.code is "mfa_required" as signIn's.
export async function exchangeSignInCode(code) {
  return started(await send('POST', '/api/oidc/exchange/', { body: { code }, headers: BROWSER }));
}

// Links another provider to the signed-in account: off to the provider, back to `next`.
export async function linkProvider(id, next) {
  const r = await call('POST', `/api/oidc/${encodeURIComponent(id)}/link/`, { next });
  location.assign(r.authorization_url);
}

// The second step with a passkey instead of a code.
export async function secondFactorPasskey(mfaToken) {
  const options = await send('POST', '/api/token/mfa/webauthn/options/', { body: { mfa_token: mfaToken } });
  const credential = await startAuthentication({ optionsJSON: options });
  return started(await send('POST', '/api/token/mfa/', { body: { mfa_token: mfaToken, credential }, headers: BROWSER }));
}

// Passwordless: a discoverable passkey alone. With `autofill`, the browser offers the passkeys
// in the username field's suggestions (conditional mediation) and this waits for a choice.
export async function signInWithPasskey({ autofill = false } = {}) {
  const options = await send('POST', '/api/webauthn/login/options/', { body: {} });
  const credential = await startAuthentication({ optionsJSON: options, useBrowserAutofill: autofill });
  return started(await send('POST', '/api/webauthn/login/', { body: { credential }, headers: BROWSER }));
}

// Adds a passkey to the signed-in account: {id, name, ..., recovery_codes when it is the
// account's first second factor}.
export async function addPasskey(name) {
  const options = await call('POST', '/api/webauthn/register/options/', {});
  const credential = await startRegistration({ optionsJSON: options });
  return call('POST', '/api/webauthn/register/', { credential, name });
}

export async function signOut() {
  await send('POST', '/api/browser/logout/', { headers: BROWSER });
  access = null;
  sessionId = null;
}

// An authenticated call; a refused access token is renewed once and the call repeated.
export async function call(method, path, body) {
  if (access === null && !(await renew())) throw new ApiError(401, {});
  try {
    return await send(method, path, { body, headers: { Authorization: `Bearer ${access}` } });
  } catch (e) {
    if (e.status !== 401 || !(await renew())) throw e;
    return send(method, path, { body, headers: { Authorization: `Bearer ${access}` } });
  }
}

// Calls that need no session: registration, recovery, verification.
export function post(path, body) { return send('POST', path, { body }); }

// Where to go after signing in: `next` only when it is a path of this site (never "//host",
// "/\host" or "https://..."), else the account page.
export function safeNext(next, fallback = '/account/') {
  if (typeof next !== 'string' || !/^\/(?![/\\])/.test(next) || /[\u0000-\u001f\\]/.test(next)) return fallback;
  try {
    const url = new URL(next, location.origin);
    return url.origin === location.origin ? url.pathname + url.search + url.hash : fallback;
  } catch {
    return fallback;
  }
}
