// The user's sessions (GET /api/sessions/), this device marked; end one, or all the others.
import { useEffect, useState } from 'preact/hooks';
import { html, Page, Alert, formatTime } from '../ui.js';
import { AccountNav } from '../nav.js';
import { T } from '../text.js';
import { call, currentSession } from '../api.js';

export function Sessions() {
  const [sessions, setSessions] = useState(null);
  const [error, setError] = useState('');
  async function load() {
    setSessions(await call('GET', `/api/sessions/?current=${encodeURIComponent(currentSession() || '')}`));
  }
  useEffect(() => { load().catch((e) => setError(e.message)); }, []);
  async function end(jti) {
    setError('');
    try {
      await call('DELETE', `/api/sessions/${encodeURIComponent(jti)}/`);
      await load();
    } catch (e) { setError(e.message); }
  }
  async function endOthers() {
    setError('');
    try {
      for (const s of sessions.filter((x) => !x.current)) await call('DELETE', `/api/sessions/${encodeURIComponent(s.jti)}/`);
      await load();
    } catch (e) { setError(e.message); }
  }
  const nav = html`<${AccountNav} />`;
  if (!sessions) return html`<${Page} title=${T.sessions.title} nav=${nav}><${Alert} error=${error} /><p>${T.loading}</p></${Page}>`;
  const others = sessions.filter((s) => !s.current);
  return html`
    <${Page} title=${T.sessions.title} nav=${nav}>
      <${Alert} error=${error} />
      <ul class="cards">
        ${sessions.map((s) => html`
          <li class="card" data-jti=${s.jti}>
            <p><strong>${s.user_agent || T.sessions.device}</strong>
               ${s.current ? html` <span class="badge">${T.sessions.thisDevice}</span>` : null}</p>
            <p class="meta">${T.sessions.from} ${s.ip_address} · ${T.sessions.started} ${formatTime(s.issued_at)} ·
               ${T.sessions.lastUsed} ${s.last_used_at ? formatTime(s.last_used_at) : T.sessions.never}</p>
            ${s.current ? null : html`<button type="button" class="secondary" onClick=${() => end(s.jti)}
                                        aria-label=${`${T.sessions.revoke}: ${s.user_agent}`}>${T.sessions.revoke}</button>`}
          </li>`)}
      </ul>
      ${others.length
        ? html`<button type="button" onClick=${endOthers}>${T.sessions.revokeOthers}</button>`
        : html`<p>${T.sessions.none}</p>`}
    </${Page}>`;
}
