// The pieces every page is made of: the frame (skip link, navigation, one <h1>), labelled
// fields, announced errors, and forms that show when they are busy.
import { h } from 'preact';
import { useState } from 'preact/hooks';
import htm from 'htm';
import { T } from './text.js';
import { ApiError } from './api.js';

export const html = htm.bind(h);

export function Page({ title, nav, children, home = '/account/', brand = T.siteName, wide = false }) {
  document.title = `${title} · ${T.siteName}`;
  return html`
    <a class="skip" href="#main">${T.nav.skip}</a>
    <header class="top">
      <a class="brand" href=${home}>${document.body.dataset.logo
        ? html`<img class="logo" src=${document.body.dataset.logo} alt="" height="28" />` : null}${brand}</a>
      ${nav}
    </header>
    <main id="main" tabindex="-1" class=${wide ? 'wide' : undefined}>
      <h1>${title}</h1>
      ${children}
    </main>`;
}

export function Field({ label, name, type = 'text', autocomplete, value, onInput, required = true, ...rest }) {
  const id = `f-${name}`;
  return html`
    <div class="field">
      <label for=${id}>${label}</label>
      <input id=${id} name=${name} type=${type} autocomplete=${autocomplete} required=${required}
             value=${value} onInput=${(e) => onInput(e.currentTarget.value)} ...${rest} />
    </div>`;
}

export function Alert({ error }) {
  if (!error) return null;
  return html`<p class="alert" role="alert">${error}</p>`;
}

export function Notice({ text }) {
  if (!text) return null;
  return html`<p class="notice" role="status">${text}</p>`;
}

// What to tell a person about a failure: the API's message, or a passkey ceremony's outcome.
export function describe(err) {
  if (err instanceof ApiError) return err.message;
  if (err && err.name === 'InvalidStateError') return T.errors.passkeyKnown;
  if (err && (err.name === 'NotAllowedError' || err.name === 'AbortError')) return T.errors.passkey;
  return T.errors.generic;
}

// A form whose submit runs `action`; its error is announced, the button disabled meanwhile.
export function Form({ action, submit, children, secondary }) {
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  async function onSubmit(e) {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      await action();
    } catch (err) {
      setError(describe(err));
    } finally {
      setBusy(false);
    }
  }
  return html`
    <form onSubmit=${onSubmit} novalidate=${false}>
      <${Alert} error=${error} />
      ${children}
      <div class="actions">
        <button type="submit" disabled=${busy}>${submit}</button>
        ${secondary}
      </div>
    </form>`;
}

// A wide table's box, scrolling sideways on narrow screens; focusable, so a keyboard can scroll it.
export function Scroll({ label, children }) {
  return html`<div class="scroll" tabindex="0" role="region" aria-label=${label}>${children}</div>`;
}

export function formatTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}
