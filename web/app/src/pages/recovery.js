// Pages reached from mail or without a session: forgot password, the reset link's page
// (/account/reset/?token=), the verification link's page (/account/verify/?token=).
import { useState } from 'preact/hooks';
import { html, Page, Field, Form, Notice, Alert } from '../ui.js';
import { T } from '../text.js';
import { post } from '../api.js';

function token() { return new URLSearchParams(location.search).get('token') || ''; }

export function Forgot() {
  const [email, setEmail] = useState('');
  const [done, setDone] = useState(false);
  return html`
    <${Page} title=${T.forgot.title}>
      ${done ? html`<${Notice} text=${T.forgot.done} />` : html`
        <${Form} submit=${T.forgot.submit} action=${async () => { await post('/api/password/reset/', { email }); setDone(true); }}>
          <${Field} label=${T.forgot.email} name="email" type="email" autocomplete="email" value=${email} onInput=${setEmail} />
        </${Form}>`}
      <p class="links"><a href="/account/">${T.signIn.title}</a></p>
    </${Page}>`;
}

export function Reset() {
  const [password, setPassword] = useState('');
  const [done, setDone] = useState(false);
  const t = token();
  return html`
    <${Page} title=${T.reset.title}>
      ${!t ? html`<${Alert} error=${T.reset.missing} />` : done ? html`
        <${Notice} text=${T.reset.done} /><p><a href="/account/">${T.signIn.title}</a></p>` : html`
        <${Form} submit=${T.reset.submit}
                 action=${async () => { await post('/api/password/reset/confirm/', { token: t, new_password: password }); setDone(true); }}>
          <${Field} label=${T.reset.password} name="new_password" type="password" autocomplete="new-password"
                    value=${password} onInput=${setPassword} />
        </${Form}>`}
    </${Page}>`;
}

export function Verify() {
  const [done, setDone] = useState(false);
  const t = token();
  return html`
    <${Page} title=${T.verify.title}>
      ${!t ? html`<${Alert} error=${T.verify.missing} />` : done ? html`
        <${Notice} text=${T.verify.done} /><p><a href="/account/">${T.notFound.back}</a></p>` : html`
        <${Form} submit=${T.verify.submit} action=${async () => { await post('/api/email/verify/', { token: t }); setDone(true); }} />`}
    </${Page}>`;
}
