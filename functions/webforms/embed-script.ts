/** The embed script: a dependency-free browser script that renders a web form on any page and posts it as JSON. */
import { fillTokenField, type MappingTarget, type Webform } from '../../domain/webforms/webform.ts';

type FieldKind = 'text' | 'email' | 'tel' | 'date' | 'textarea';

/** Label, input kind and the browser's autofill hint for each target a posted field can map to. */
const fieldLooks: Record<Exclude<MappingTarget, 'consent'>, [label: string, kind: FieldKind, autocomplete: string]> = {
  salutation: ['Salutation', 'text', 'honorific-prefix'],
  title: ['Title', 'text', ''],
  firstName: ['First name', 'text', 'given-name'],
  lastName: ['Last name', 'text', 'family-name'],
  email: ['Email', 'email', 'email'],
  phone: ['Phone', 'tel', 'tel'],
  companyName: ['Company', 'text', 'organization'],
  street: ['Street', 'text', 'street-address'],
  addressLine2: ['Address line 2', 'text', 'address-line2'],
  postalCode: ['Postal code', 'text', 'postal-code'],
  city: ['City', 'text', 'address-level2'],
  country: ['Country', 'text', 'country-name'],
  birthday: ['Birthday', 'date', 'bday'],
  message: ['Message', 'textarea', ''],
};

/**
 * JSON is valid JS, but `</script>`, `<!--` and U+2028/U+2029 in it could still end or confuse a
 * script if a site inlines the snippet; as \u escapes they are the same string data.
 */
export const jsLiteral = (value: unknown): string =>
  JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** Only http(s) (or relative) thank-you URLs: a `javascript:` one would run on the customer's page. */
const safeThankYouUrl = (url: string | null): string | null => {
  if (!url) return null;
  try {
    return ['http:', 'https:'].includes(new URL(url, 'https://relative.invalid/').protocol) ? url : null;
  } catch {
    return null;
  }
};

/**
 * How the script retries a submission the API could not take just now (503 while a dependency is
 * down, 429, a gateway's 502/504, or no answer at all): the same body with the same
 * Idempotency-Key, so however many attempts arrive the lead is stored once. Waits double from
 * `baseMs` (or follow Retry-After when the answer carries one), each capped at `maxMs` and spread
 * by ±20% so a page full of visitors does not come back in step; after `attempts` the person is
 * asked to try again (which keeps the key as well). 1 + 2 + 4 s covers a restarted dependency
 * without leaving a visitor waiting long.
 */
export const submitRetry = { attempts: 4, baseMs: 1_000, maxMs: 8_000 } as const;

/**
 * The browser half. Plain ES2020 so every current browser runs it unbuilt; it only reads its
 * configuration `c` and builds the DOM with createElement/textContent, so no page data or form
 * setting is ever parsed as HTML. Errors are matched to inputs by the posted name the API reports.
 */
const browserCode = `((c) => {
  'use strict';
  const me = document.currentScript;
  const el = (tag, attrs, text) => {
    const e = document.createElement(tag);
    for (const k of Object.keys(attrs)) e.setAttribute(k, attrs[k]);
    if (text) e.textContent = text;
    return e;
  };
  const uuid = () => {
    if (crypto.randomUUID) return crypto.randomUUID();
    // randomUUID needs a secure context; plain-http pages still have getRandomValues
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64;
    b[8] = (b[8] & 63) | 128;
    const h = Array.from(b, (x) => (x + 256).toString(16).slice(1)).join('');
    return [h.slice(0, 8), h.slice(8, 12), h.slice(12, 16), h.slice(16, 20), h.slice(20)].join('-');
  };
  // no answer, or an answer that says "not now": worth the same request again a little later
  const retryable = (res) => !res || res.status === 503 || res.status === 429 || res.status === 502 || res.status === 504;
  const delayFor = (res, attempt) => {
    const told = res && res.headers && res.headers.get ? Number(res.headers.get('retry-after')) : NaN;
    const ms = told > 0 ? told * 1000 : c.retry.baseMs * Math.pow(2, attempt - 1);
    return Math.round(Math.min(ms, c.retry.maxMs) * (0.8 + Math.random() * 0.4));
  };
  const wait = (ms) => new Promise((done) => setTimeout(done, ms));
  const render = (target) => {
    if (target.getAttribute('data-kontakt-rendered')) return;
    target.setAttribute('data-kontakt-rendered', 'true');
    const id = 'kontakt-' + Math.random().toString(36).slice(2, 10) + '-';
    const form = el('form', { class: 'kontakt-form', 'aria-label': c.name, method: 'post' });
    const inputs = [];
    const named = {};
    const field = (name, label, input, checkbox) => {
      const wrap = el('div', { class: checkbox ? 'kontakt-field kontakt-consent' : 'kontakt-field' });
      const err = el('span', { id: input.getAttribute('id') + '-error', class: 'kontakt-error' });
      const lab = el('label', { for: input.getAttribute('id') }, label);
      if (checkbox) wrap.append(input, lab, err);
      else wrap.append(lab, input, err);
      form.append(wrap);
      inputs.push(input);
      named[name] = [input, err];
    };
    c.fields.forEach((f, i) => {
      const attrs = { id: id + i, name: f[0] };
      if (f[3]) attrs.autocomplete = f[3];
      if (f[2] !== 'textarea') attrs.type = f[2];
      else attrs.rows = '5';
      field(f[0], f[1], el(f[2] === 'textarea' ? 'textarea' : 'input', attrs), false);
    });
    if (c.consent) {
      field(c.consent[0], c.consent[1], el('input', { id: id + 'consent', name: c.consent[0], type: 'checkbox', value: 'yes' }), true);
    }
    const trap = el('div', { 'aria-hidden': 'true', style: 'position:absolute;left:-10000px;top:auto;width:1px;height:1px;overflow:hidden' });
    const bait = el('input', { id: id + 'hp', name: c.honeypot, type: 'text', tabindex: '-1', autocomplete: 'off', 'aria-hidden': 'true' });
    trap.append(el('label', { for: id + 'hp' }, 'Leave this field empty'), bait);
    form.append(trap);
    inputs.push(bait);
    const hidden = {};
    hidden[c.tokenField] = c.token;
    hidden.pageUrl = location.href;
    hidden.referrer = document.referrer;
    const query = new URLSearchParams(location.search);
    for (const u of ['utm_source', 'utm_medium', 'utm_campaign', 'utm_term', 'utm_content']) {
      if (query.get(u)) hidden[u] = query.get(u);
    }
    for (const k of Object.keys(hidden)) {
      const h = el('input', { type: 'hidden', name: k });
      h.value = hidden[k];
      form.append(h);
      inputs.push(h);
    }
    const button = el('button', { type: 'submit', class: 'kontakt-submit' }, 'Send');
    const status = el('p', { class: 'kontakt-status', role: 'alert' });
    form.append(button, status);
    let key = null;
    let sent = null;
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      if (button.disabled) return;
      const body = {};
      for (const i of inputs) {
        if (i.type !== 'checkbox') body[i.getAttribute('name')] = String(i.value);
        else if (i.checked) body[i.getAttribute('name')] = 'yes';
      }
      const json = JSON.stringify(body);
      // a retry of the same fill keeps its key so the API answers it once; changed input is a new request
      if (json !== sent) {
        key = uuid();
        sent = json;
      }
      for (const n of Object.keys(named)) {
        named[n][0].removeAttribute('aria-invalid');
        named[n][0].removeAttribute('aria-describedby');
        named[n][1].textContent = '';
      }
      status.textContent = '';
      button.disabled = true;
      form.setAttribute('aria-busy', 'true');
      let res = null;
      for (let attempt = 1; ; attempt++) {
        try {
          res = await fetch(c.apiBase + '/v1/webforms/' + encodeURIComponent(c.key) + '/submissions', {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'idempotency-key': key },
            body: json,
          });
        } catch (e) {
          res = null;
        }
        if (!retryable(res) || attempt >= c.retry.attempts) break;
        status.textContent = 'Sending…';
        await wait(delayFor(res, attempt));
      }
      button.disabled = false;
      form.removeAttribute('aria-busy');
      if (res && res.status === 201) {
        if (c.thankYouUrl) return location.assign(c.thankYouUrl);
        const thanks = el('p', { class: 'kontakt-thanks', role: 'status', tabindex: '-1' }, 'Thank you! Your message has been sent.');
        form.replaceWith(thanks);
        thanks.focus();
        return;
      }
      if (!res || res.status >= 500 || res.status === 429) {
        // the same fill sent again keeps its key, so it is still stored once
        status.textContent = 'Your message could not be sent. Please try again.';
        return;
      }
      if (res.status !== 400) {
        status.textContent = 'Sorry, this form cannot be sent right now.';
        return;
      }
      let problem = null;
      try {
        problem = await res.json();
      } catch (e) {
        problem = null;
      }
      const other = [];
      let first = null;
      for (const e of (problem && Array.isArray(problem.errors) ? problem.errors : [])) {
        const name = String(e.field);
        const hit = named[name] || named[name.split('.').pop()];
        if (!hit) {
          other.push(String(e.message));
          continue;
        }
        hit[1].textContent = (hit[1].textContent ? hit[1].textContent + ' ' : '') + String(e.message);
        hit[0].setAttribute('aria-invalid', 'true');
        hit[0].setAttribute('aria-describedby', hit[1].getAttribute('id'));
        if (!first) first = hit[0];
      }
      status.textContent = ['Please check your input.'].concat(other).join(' ');
      if (first) first.focus();
    });
    target.append(form);
  };
  const start = () => {
    let targets = Array.from(document.querySelectorAll('[data-kontakt-form]')).filter(
      (t) => t.getAttribute('data-kontakt-form') === c.key,
    );
    if (targets.length === 0 && me && me.parentNode) {
      const box = el('div', { 'data-kontakt-form': c.key });
      me.parentNode.insertBefore(box, me.nextSibling);
      targets = [box];
    }
    targets.forEach(render);
  };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})`.replace(/^ +/gm, '');

/** The script for one form; `fillToken` is the signed time it was served, checked against minFillSeconds. */
export const renderEmbedScript = (form: Webform, options: { apiBase: string; fillToken: string }): string => {
  const fields: [name: string, label: string, kind: FieldKind, autocomplete: string][] = [];
  let consent: [name: string, text: string] | null = null;
  for (const [name, target] of Object.entries(form.fieldMapping)) {
    if (target === 'consent') {
      // without a text there is nothing to consent to, and the API records no consent either
      if (form.consentText) consent = [name, form.consentText];
      continue;
    }
    const [label, kind, autocomplete] = fieldLooks[target];
    fields.push([name, label, kind, autocomplete]);
  }
  const config = {
    key: form.key,
    name: form.name,
    apiBase: options.apiBase.replace(/\/+$/, ''),
    token: options.fillToken,
    tokenField: fillTokenField,
    honeypot: form.honeypotField,
    thankYouUrl: safeThankYouUrl(form.thankYouUrl),
    retry: submitRetry,
    fields,
    consent,
  };
  return `/* Kontakt web form "${form.key.replace(/[^\w-]/g, '_')}" */\n${browserCode}(${jsLiteral(config)});\n`;
};
