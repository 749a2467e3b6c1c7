// Create an account (POST /register/), then sign in.
import { useState } from 'preact/hooks';
import { html, Page, Field, Form, Notice } from '../ui.js';
import { T } from '../text.js';
import { post } from '../api.js';

export function Register() {
  const [username, setUsername] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [done, setDone] = useState(false);

  if (done) {
    return html`<${Page} title=${T.register.title}>
      <${Notice} text=${T.register.done} />
      <p><a href="/account/">${T.signIn.title}</a></p>
    </${Page}>`;
  }
  async function create() {
    const body = { username, password };
    if (email.trim()) body.email = email.trim();
    await post('/register/', body);
    setDone(true);
  }
  return html`
    <${Page} title=${T.register.title}>
      <${Form} submit=${T.register.submit} action=${create}>
        <${Field} label=${T.register.username} name="username" autocomplete="username" value=${username}
                  onInput=${setUsername} autocapitalize="none" spellcheck=${false} />
        <${Field} label=${T.register.email} name="email" type="email" autocomplete="email" value=${email}
                  onInput=${setEmail} required=${false} />
        <${Field} label=${T.register.password} name="password" type="password" autocomplete="new-password"
                  value=${password} onInput=${setPassword} />
      </${Form}>
      <p class="links"><a href="/account/">${T.register.signIn}</a></p>
    </${Page}>`;
}
