// Change the password (POST /api/password/change/), which ends every session, this one too.
import { useState } from 'preact/hooks';
import { html, Page, Field, Form, Notice } from '../ui.js';
import { AccountNav } from '../nav.js';
import { T } from '../text.js';
import { call, signOut } from '../api.js';

export function Password() {
  const [old, setOld] = useState('');
  const [next, setNext] = useState('');
  const [done, setDone] = useState(false);
  if (done) {
    return html`<${Page} title=${T.password.title}>
      <${Notice} text=${T.password.done} />
      <p><a href="/account/">${T.signIn.title}</a></p>
    </${Page}>`;
  }
  async function change() {
    await call('POST', '/api/password/change/', { old_password: old, new_password: next });
    try { await signOut(); } catch { /* the session already ended with the change */ }
    setDone(true);
  }
  return html`
    <${Page} title=${T.password.title} nav=${html`<${AccountNav} />`}>
      <${Form} submit=${T.password.submit} action=${change}>
        <input type="text" name="username" autocomplete="username" hidden value="" />
        <${Field} label=${T.password.old} name="old_password" type="password" autocomplete="current-password"
                  value=${old} onInput=${setOld} />
        <${Field} label=${T.password.new} name="new_password" type="password" autocomplete="new-password"
                  value=${next} onInput=${setNext} />
      </${Form}>
    </${Page}>`;
}
