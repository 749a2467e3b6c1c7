// Sign in: the password, then a second factor when the account has one; then `next`.
import { useState } from 'preact/hooks';
import { html, Page, Field, Form } from '../ui.js';
import { T } from '../text.js';
import { signIn, secondFactor, safeNext } from '../api.js';

function done() {
  location.assign(safeNext(new URLSearchParams(location.search).get('next')));
}

export function SignIn() {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [mfaToken, setMfaToken] = useState(null);
  const [code, setCode] = useState('');

  async function first() {
    try {
      await signIn(username, password);
      done();
    } catch (e) {
      if (e.body && e.body.code === 'mfa_required') {
        setMfaToken(e.body.mfa_token);
        return;
      }
      throw e;
    }
  }

  if (mfaToken) {
    return html`
      <${Page} title=${T.signIn.secondTitle}>
        <${Form} submit=${T.signIn.codeSubmit} action=${async () => { await secondFactor(mfaToken, code.trim()); done(); }}
                 secondary=${html`<button type="button" class="secondary" onClick=${() => { setMfaToken(null); setCode(''); }}>${T.signIn.cancel}</button>`}>
          <${Field} label=${T.signIn.code} name="code" autocomplete="one-time-code" inputmode="text"
                    value=${code} onInput=${setCode} autofocus />
        </${Form}>
      </${Page}>`;
  }
  return html`
    <${Page} title=${T.signIn.title}>
      <${Form} submit=${T.signIn.submit} action=${first}>
        <${Field} label=${T.signIn.username} name="username" autocomplete="username" value=${username}
                  onInput=${setUsername} autocapitalize="none" spellcheck=${false} />
        <${Field} label=${T.signIn.password} name="password" type="password" autocomplete="current-password"
                  value=${password} onInput=${setPassword} />
      </${Form}>
      <p class="links">
        <a href="/account/register/">${T.signIn.register}</a>
        <a href="/account/forgot/">${T.signIn.forgot}</a>
      </p>
    </${Page}>`;
}
