// The signed-in user's account: who they are, their names (GET/PATCH /api/me/), and their
// address: a change is confirmed from a link mailed to the new one (POST /api/email/change/),
// an unverified one can have its link sent again (POST /api/email/verify/resend/).
import { useEffect, useState } from 'preact/hooks';
import { html, Page, Field, Form, Notice, Alert, describe, formatTime } from '../ui.js';
import { AccountNav } from '../nav.js';
import { T } from '../text.js';
import { call } from '../api.js';

function EmailChange() {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [sent, setSent] = useState('');
  return html`
    <section aria-labelledby="email-title">
      <h2 id="email-title">${T.profile.emailTitle}</h2>
      <${Notice} text=${sent} />
      <${Form} submit=${T.profile.emailSubmit}
               action=${async () => {
                 setSent('');
                 await call('POST', '/api/email/change/', { new_email: email.trim(), password });
                 setPassword('');
                 setSent(T.profile.emailSent(email.trim()));
               }}>
        <${Field} label=${T.profile.newEmail} name="new_email" type="email" autocomplete="email"
                  value=${email} onInput=${setEmail} />
        <${Field} label=${T.profile.password} name="email_password" type="password" autocomplete="current-password"
                  value=${password} onInput=${setPassword} />
      </${Form}>
    </section>`;
}

export function Profile() {
  const [me, setMe] = useState(null);
  const [first, setFirst] = useState('');
  const [last, setLast] = useState('');
  const [saved, setSaved] = useState('');
  const [error, setError] = useState('');
  useEffect(() => {
    call('GET', '/api/me/').then((m) => { setMe(m); setFirst(m.first_name); setLast(m.last_name); })
      .catch((e) => setError(describe(e)));
  }, []);
  const nav = html`<${AccountNav} />`;
  if (!me) return html`<${Page} title=${T.profile.title} nav=${nav}><${Alert} error=${error} /><p>${T.loading}</p></${Page}>`;
  async function save() {
    setSaved('');
    const m = await call('PATCH', '/api/me/', { first_name: first, last_name: last });
    setMe(m);
    setSaved(T.profile.saved);
  }
  async function resend() {
    setSaved('');
    setError('');
    try {
      await call('POST', '/api/email/verify/resend/');
      setSaved(T.profile.resent);
    } catch (e) { setError(describe(e)); }
  }
  const email = me.email
    ? `${me.email} (${me.email_verified ? T.profile.verified : T.profile.unverified})`
    : T.profile.none;
  return html`
    <${Page} title=${T.profile.title} nav=${nav}>
      <dl class="facts">
        <dt>${T.profile.username}</dt><dd data-field="username">${me.username}</dd>
        <dt>${T.profile.email}</dt><dd>${email}</dd>
        <dt>${T.profile.joined}</dt><dd>${formatTime(me.date_joined)}</dd>
      </dl>
      ${me.email && !me.email_verified
        ? html`<p><button type="button" class="secondary" onClick=${resend}>${T.profile.resend}</button></p>` : null}
      <${Alert} error=${error} />
      <${Notice} text=${saved} />
      <${Form} submit=${T.profile.save} action=${save}>
        <${Field} label=${T.profile.firstName} name="first_name" autocomplete="given-name" value=${first}
                  onInput=${setFirst} required=${false} />
        <${Field} label=${T.profile.lastName} name="last_name" autocomplete="family-name" value=${last}
                  onInput=${setLast} required=${false} />
      </${Form}>
      <${EmailChange} />
    </${Page}>`;
}
