// The signed-in user's account: who they are, and their names (GET/PATCH /api/me/).
import { useEffect, useState } from 'preact/hooks';
import { html, Page, Field, Form, Notice, formatTime } from '../ui.js';
import { AccountNav } from '../nav.js';
import { T } from '../text.js';
import { call } from '../api.js';

export function Profile() {
  const [me, setMe] = useState(null);
  const [first, setFirst] = useState('');
  const [last, setLast] = useState('');
  const [saved, setSaved] = useState('');
  useEffect(() => {
    call('GET', '/api/me/').then((m) => { setMe(m); setFirst(m.first_name); setLast(m.last_name); });
  }, []);
  if (!me) return html`<${Page} title=${T.profile.title} nav=${html`<${AccountNav} />`}><p>${T.loading}</p></${Page}>`;
  async function save() {
    setSaved('');
    const m = await call('PATCH', '/api/me/', { first_name: first, last_name: last });
    setMe(m);
    setSaved(T.profile.saved);
  }
  const email = me.email
    ? `${me.email} (${me.email_verified ? T.profile.verified : T.profile.unverified})`
    : T.profile.none;
  return html`
    <${Page} title=${T.profile.title} nav=${html`<${AccountNav} />`}>
      <dl class="facts">
        <dt>${T.profile.username}</dt><dd data-field="username">${me.username}</dd>
        <dt>${T.profile.email}</dt><dd>${email}</dd>
        <dt>${T.profile.joined}</dt><dd>${formatTime(me.date_joined)}</dd>
      </dl>
      <${Notice} text=${saved} />
      <${Form} submit=${T.profile.save} action=${save}>
        <${Field} label=${T.profile.firstName} name="first_name" autocomplete="given-name" value=${first}
                  onInput=${setFirst} required=${false} />
        <${Field} label=${T.profile.lastName} name="last_name" autocomplete="family-name" value=${last}
                  onInput=${setLast} required=${false} />
      </${Form}>
    </${Page}>`;
}
