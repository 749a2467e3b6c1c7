// Second factors (GET /api/mfa/): the authenticator app (enrol with the QR code or the key,
// confirm, turn off), recovery codes (shown once, copy or download, make new ones) and
// passkeys (add with a name, list, remove).
import { useEffect, useState } from 'preact/hooks';
import { html, Page, Field, Form, Alert, describe, formatTime } from '../ui.js';
import { AccountNav } from '../nav.js';
import { T } from '../text.js';
import { call, addPasskey, providers, linkProvider } from '../api.js';

function RecoveryCodes({ codes, onDone }) {
  const [copied, setCopied] = useState('');
  const text = `${codes.join('\n')}\n`;
  async function copy() {
    await navigator.clipboard.writeText(text);
    setCopied(T.security.copied);
  }
  function download() {
    const a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
    a.download = `${T.siteName}-recovery-codes.txt`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  }
  return html`
    <section aria-labelledby="codes-title" class="codes">
      <h2 id="codes-title">${T.security.codesTitle}</h2>
      <p>${T.security.codesOnce}</p>
      <ul class="code-list" data-recovery-codes>${codes.map((c) => html`<li><code>${c}</code></li>`)}</ul>
      <div class="actions">
        <button type="button" class="secondary" onClick=${copy}>${T.security.copy}</button>
        <button type="button" class="secondary" onClick=${download}>${T.security.download}</button>
        <button type="button" onClick=${onDone}>${T.security.done}</button>
      </div>
      <p role="status">${copied}</p>
    </section>`;
}

function Totp({ on, reload, showCodes }) {
  const [pending, setPending] = useState(null);
  const [code, setCode] = useState('');
  const [password, setPassword] = useState('');
  if (on) {
    return html`
      <p>${T.security.totpOn}</p>
      <${Form} submit=${T.security.totpDisable}
               action=${async () => { await call('DELETE', '/api/mfa/totp/', { password }); setPassword(''); await reload(); }}>
        <${Field} label=${T.security.proof} name="totp_password" type="password" autocomplete="current-password"
                  value=${password} onInput=${setPassword} />
      </${Form}>`;
  }
  if (!pending) {
    return html`
      <p>${T.security.totpOff}</p>
      <${Form} submit=${T.security.totpStart} action=${async () => setPending(await call('POST', '/api/mfa/totp/', {}))} />`;
  }
  const qr = `data:image/svg+xml;base64,${btoa(pending.qr_svg)}`;
  return html`
    <p>${T.security.totpScan}</p>
    <img class="qr" src=${qr} alt=${T.security.qrAlt} width="200" height="200" />
    <p>${T.security.key}: <code data-totp-secret>${pending.secret}</code></p>
    <${Form} submit=${T.security.totpConfirm}
             action=${async () => {
               const r = await call('POST', '/api/mfa/totp/confirm/', { code: code.trim() });
               setPending(null);
               setCode('');
               showCodes(r.recovery_codes);
               await reload();
             }}>
      <${Field} label=${T.security.code} name="totp_code" autocomplete="one-time-code" inputmode="numeric"
                value=${code} onInput=${setCode} />
    </${Form}>`;
}

function Passkeys({ passkeys, reload, showCodes }) {
  const [name, setName] = useState('');
  const [error, setError] = useState('');
  async function remove(id) {
    setError('');
    try { await call('DELETE', `/api/webauthn/credentials/${id}/`); await reload(); } catch (e) { setError(describe(e)); }
  }
  return html`
    <${Alert} error=${error} />
    ${passkeys.length === 0 ? html`<p>${T.security.passkeysNone}</p>` : html`
      <ul class="cards">${passkeys.map((p) => html`
        <li class="card" data-passkey=${p.id}>
          <p><strong>${p.name}</strong></p>
          <p class="meta">${T.security.created} ${formatTime(p.created_at)} · ${T.security.lastUsed}
             ${p.last_used_at ? formatTime(p.last_used_at) : T.security.never}</p>
          ${p.flagged ? html`<p class="alert">${T.security.flagged}</p>` : null}
          <button type="button" class="secondary" aria-label=${`${T.security.remove}: ${p.name}`}
                  onClick=${() => remove(p.id)}>${T.security.remove}</button>
        </li>`)}
      </ul>`}
    <${Form} submit=${T.security.passkeyAdd}
             action=${async () => {
               const added = await addPasskey(name.trim() || undefined);
               setName('');
               if (added.recovery_codes) showCodes(added.recovery_codes);
               await reload();
             }}>
      <${Field} label=${T.security.passkeyName} name="passkey_name" autocomplete="off" value=${name}
                onInput=${setName} required=${false} maxlength="64" />
    </${Form}>`;
}

// The OpenID providers' accounts linked to this one: unlink (refused for the last way in),
// and link the providers not linked yet.
function Identities({ identities, offered, reload }) {
  const [error, setError] = useState('');
  const linked = new URLSearchParams(location.search).get('linked');
  async function unlink(id) {
    setError('');
    try { await call('DELETE', `/api/me/identities/${id}/`); await reload(); } catch (e) { setError(describe(e)); }
  }
  async function link(id) {
    setError('');
    try { await linkProvider(id, '/account/security/'); } catch (e) { setError(describe(e)); }
  }
  const unlinked = offered.filter((p) => !identities.some((i) => i.provider === p.id));
  const linkedName = (offered.find((p) => p.id === linked) || {}).name;
  return html`
    <${Alert} error=${error} />
    ${linkedName ? html`<p class="notice" role="status">${T.security.linkedNow(linkedName)}</p>` : null}
    ${identities.length === 0 ? html`<p>${T.security.identitiesNone}</p>` : html`
      <ul class="cards">${identities.map((i) => html`
        <li class="card" data-identity=${i.provider}>
          <p><strong>${i.provider_name}</strong>${i.email ? html` · ${i.email}` : null}</p>
          <p class="meta">${T.security.linked} ${formatTime(i.created_at)} · ${T.security.lastUsed}
             ${i.last_used_at ? formatTime(i.last_used_at) : T.security.never}</p>
          <button type="button" class="secondary" aria-label=${`${T.security.unlink}: ${i.provider_name}`}
                  onClick=${() => unlink(i.id)}>${T.security.unlink}</button>
        </li>`)}
      </ul>`}
    ${unlinked.length > 0 ? html`
      <div class="actions">${unlinked.map((p) => html`
        <button type="button" class="secondary" data-link=${p.id} onClick=${() => link(p.id)}>${T.security.link(p.name)}</button>`)}
      </div>` : null}`;
}

export function Security() {
  const [summary, setSummary] = useState(null);
  const [passkeys, setPasskeys] = useState([]);
  const [identities, setIdentities] = useState([]);
  const [offered, setOffered] = useState([]);
  const [codes, setCodes] = useState(null);
  const [renewCode, setRenewCode] = useState('');
  const [error, setError] = useState('');
  async function reload() {
    const [s, p, i, o] = await Promise.all([
      call('GET', '/api/mfa/'), call('GET', '/api/webauthn/credentials/'), call('GET', '/api/me/identities/'),
      providers()]);
    setIdentities(i);
    setOffered(o);
    setSummary(s);
    setPasskeys(p);
  }
  useEffect(() => { reload().catch((e) => setError(describe(e))); }, []);
  const nav = html`<${AccountNav} />`;
  if (!summary) return html`<${Page} title=${T.security.title} nav=${nav}><${Alert} error=${error} /><p>${T.loading}</p></${Page}>`;
  if (codes) return html`<${Page} title=${T.security.title} nav=${nav}><${RecoveryCodes} codes=${codes} onDone=${() => setCodes(null)} /></${Page}>`;
  return html`
    <${Page} title=${T.security.title} nav=${nav}>
      <${Alert} error=${error} />
      <section aria-labelledby="totp-title">
        <h2 id="totp-title">${T.security.totpTitle}</h2>
        <${Totp} on=${summary.totp} reload=${reload} showCodes=${setCodes} />
      </section>
      <section aria-labelledby="passkeys-title">
        <h2 id="passkeys-title">${T.security.passkeysTitle}</h2>
        <${Passkeys} passkeys=${passkeys} reload=${reload} showCodes=${setCodes} />
      </section>
      ${identities.length > 0 || offered.length > 0 ? html`
        <section aria-labelledby="identities-title">
          <h2 id="identities-title">${T.security.identitiesTitle}</h2>
          <${Identities} identities=${identities} offered=${offered} reload=${reload} />
        </section>` : null}
      <section aria-labelledby="recovery-title">
        <h2 id="recovery-title">${T.security.recoveryTitle}</h2>
        <p data-recovery-left>${summary.recovery_codes_left > 0 || summary.totp || summary.passkeys > 0
          ? T.security.recoveryLeft(summary.recovery_codes_left) : T.security.recoveryNone}</p>
        ${summary.totp ? html`
          <${Form} submit=${T.security.recoveryRenew}
                   action=${async () => { const r = await call('POST', '/api/mfa/recovery-codes/', { code: renewCode.trim() }); setRenewCode(''); setCodes(r.recovery_codes); await reload(); }}>
            <${Field} label=${T.security.recoveryProof} name="renew_code" autocomplete="one-time-code"
                      value=${renewCode} onInput=${setRenewCode} />
          </${Form}>` : null}
      </section>
    </${Page}>`;
}
