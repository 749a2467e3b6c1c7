// GET /api/admin/stats/: the figures, and sign-ins per day as a small bar chart (SVG drawn
// here, so nothing inline needs the CSP loosened).
import { useEffect, useState } from 'preact/hooks';
import { html, Alert, describe } from '../ui.js';
import { T } from '../text.js';
import { call } from '../api.js';
import { AdminPage } from './frame.js';

function Chart({ daily }) {
  const max = Math.max(1, ...daily.map((d) => d.succeeded + d.failed));
  const w = 12;
  const h = 120;
  return html`
    <figure class="chart">
      <svg viewBox=${`0 0 ${daily.length * w} ${h}`} role="img" aria-labelledby="chart-caption" preserveAspectRatio="none">
        ${daily.map((d, i) => {
          const ok = (d.succeeded / max) * (h - 4);
          const bad = (d.failed / max) * (h - 4);
          return html`<g>
            <title>${`${d.start.slice(0, 10)}: ${d.succeeded} ${T.admin.stats.succeeded}, ${d.failed} ${T.admin.stats.failed}`}</title>
            <rect class="ok" x=${i * w + 1} y=${h - ok} width=${w - 2} height=${ok} />
            <rect class="bad" x=${i * w + 1} y=${h - ok - bad} width=${w - 2} height=${bad} />
          </g>`;
        })}
      </svg>
      <figcaption id="chart-caption">${T.admin.stats.chart}:
        <span class="key ok">${T.admin.stats.succeeded}</span> <span class="key bad">${T.admin.stats.failed}</span></figcaption>
    </figure>`;
}

export function Dashboard() {
  const [stats, setStats] = useState(null);
  const [error, setError] = useState('');
  const [forbidden, setForbidden] = useState(false);
  useEffect(() => {
    call('GET', '/api/admin/stats/').then(setStats).catch((e) => (e.status === 403 ? setForbidden(true) : setError(describe(e))));
  }, []);
  const S = T.admin.stats;
  const figures = stats && [
    [S.users, stats.users], [S.sessions, stats.active_sessions],
    [S.signIns24, stats.sign_ins.last_24_hours.succeeded], [S.failures24, stats.sign_ins.last_24_hours.failed],
    [S.signIns30, stats.sign_ins.last_30_days.succeeded], [S.failures30, stats.sign_ins.last_30_days.failed],
    [S.mail, stats.mail_backlog], [S.hooks, stats.webhook_backlog],
  ];
  return html`
    <${AdminPage} title=${T.admin.dashboard} forbidden=${forbidden}>
      <${Alert} error=${error} />
      ${!stats ? html`<p>${T.loading}</p>` : html`
        <dl class="figures">
          ${figures.map(([label, value]) => html`<div><dt>${label}</dt><dd>${value}</dd></div>`)}
        </dl>
        <${Chart} daily=${stats.sign_ins.daily} />`}
    </${AdminPage}>`;
}
