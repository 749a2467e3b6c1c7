// Sign in: a password then a second factor when the account has one (a code, or a passkey), or
// a passkey alone, from the button or from the username field's suggestions, or an OpenID
// provider (a button each; their sign-in lands on /account/oidc/, OidcLanding); then `next`.
import { useEffect, useState } from 'preact/hooks';
import {
  WebAuthnAbortService, browserSupportsWebAuthn, browserSupportsWebAuthnAutofill,
} from '@simplewebauthn/browser';
import { html, Page, Field, Form, Alert, describe } from '../ui.js';
import { T } from '../text.js';
import {
  signIn, secondFactor, secondFactorPasskey, signInWithPasskey, safeNext, providers, exchangeSignInCode,
} from '../api.js';

// AUTHD_LOGIN_FIELDS=username,email: the field takes either (the shell says so).
const LOGIN_BY_EMAIL = document.body.dataset.loginByEmail === 'true';

function done() {
  location.assign(safeNext(new URLSearchParams(location.search).get('next')));
}

function SecondStep({ challenge, restart }) {
  const [code, setCode] = useState('');
  const [error, setError] = useState('');
  const passkey = challenge.methods.includes('webauthn') && browserSupportsWebAuthn();
  async function withPasskey() {
    setError('');
    try { await secondFactorPasskey(challenge.mfa_token); done(); } catch (e) { setError(describe(e)); }
  }
  return html`
    <${Page} title=${T.signIn.secondTitle}>
      <${Alert} error=${error} />
      ${passkey ? html`
        <button type="button" onClick=${withPasskey}>${T.signIn.usePasskey}</button>
        <p class="or">${T.signIn.or}</p>` : null}
      <${Form} submit=${T.signIn.codeSubmit}
               action=${async () => { await secondFactor(challenge.mfa_token, code.trim()); done(); }}
               secondary=${html`<button type="button" class="secondary" onClick=${restart}>${T.signIn.cancel}</button>`}>
        <${Field} label=${T.signIn.code} name="code" autocomplete="one-time-code" value=${code} onInput=${setCode} />
      </${Form}>
    </${Page}>`;
}

// A button per configured provider: a plain link, since the sign-in is a navigation.
function ProviderButtons() {
  const [list, setList] = useState([]);
  useEffect(() => { providers().then(setList).catch(() => setList([])); }, []);
  if (list.length === 0) return null;
  const next = encodeURIComponent(safeNext(new URLSearchParams(location.search).get('next')));
  return html`
    <p class="or">${T.signIn.or}</p>
    <ul class="providers">${list.map((p) => html`
      <li><a class="button secondary" data-provider=${p.id}
             href=${`/api/oidc/${encodeURIComponent(p.id)}/authorize/?next=${next}`}>${T.signIn.withProvider(p.name)}</a></li>`)}
    </ul>`;
}

// /account/oidc/?code=&next=: a provider's sign-in came back; the code becomes the session
// (or the second step first). The code leaves the address bar and history at once.
export function OidcLanding() {
  const [challenge, setChallenge] = useState(null);
  const [error, setError] = useState('');
  useEffect(() => {
    const query = new URLSearchParams(location.search);
    const code = query.get('code') || '';
    history.replaceState(null, '', `/account/oidc/?next=${encodeURIComponent(safeNext(query.get('next')))}`);
    exchangeSignInCode(code).then(done).catch((e) => {
      if (e.body && e.body.code === 'mfa_required') setChallenge(e.body);
      else setError(describe(e));
    });
  }, []);
  if (challenge) {
    return html`<${SecondStep} challenge=${challenge} restart=${() => location.assign('/account/')} />`;
  }
  return html`
    <${Page} title=${T.signIn.title}>
      <${Alert} error=${error} />
      ${error ? html`<p><a href="/account/">${T.signIn.again}</a></p>` : html`<p>${T.loading}</p>`}
    </${Page}>`;
}

export function SignIn() {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [challenge, setChallenge] = useState(null);
  const [error, setError] = useState('');

  // Conditional mediation: the browser lists this site's passkeys in the username field's
  // suggestions; choosing one signs in. It waits quietly until then.
  useEffect(() => {
    let live = true;
    browserSupportsWebAuthnAutofill().then((ok) => {
      if (!ok || !live) return;
      signInWithPasskey({ autofill: true }).then(done).catch(() => { /* dismissed, or a button took over */ });
    });
    // Leaving the form (for the second step) ends the waiting request.
    return () => { live = false; WebAuthnAbortService.cancelCeremony(); };
  }, []);

  async function first() {
    try {
      await signIn(username, password);
      done();
    } catch (e) {
      if (e.body && e.body.code === 'mfa_required') {
        setChallenge(e.body);
        return;
      }
      throw e;
    }
  }
  async function passkey() {
    setError('');
    try { await signInWithPasskey(); done(); } catch (e) { setError(describe(e)); }
  }

  if (challenge) return html`<${SecondStep} challenge=${challenge} restart=${() => setChallenge(null)} />`;
  return html`
    <${Page} title=${T.signIn.title}>
      <${Alert} error=${error} />
      <${Form} submit=${T.signIn.submit} action=${first}>
        <${Field} label=${LOGIN_BY_EMAIL ? T.signIn.usernameOrEmail : T.signIn.username} name="username"
                  autocomplete="username webauthn" value=${username}
                  onInput=${setUsername} autocapitalize="none" spellcheck=${false} />
        <${Field} label=${T.signIn.password} name="password" type="password" autocomplete="current-password"
                  value=${password} onInput=${setPassword} />
      </${Form}>
      ${browserSupportsWebAuthn() ? html`
        <p class="or">${T.signIn.or}</p>
        <button type="button" class="secondary" onClick=${passkey}>${T.signIn.passkey}</button>` : null}
      <${ProviderButtons} />
      <p class="links">
        <a href="/account/register/">${T.signIn.register}</a>
        <a href="/account/forgot/">${T.signIn.forgot}</a>
      </p>
    </${Page}>`;
}
