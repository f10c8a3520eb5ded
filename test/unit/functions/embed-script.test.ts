/** The embed script: safe embedding of form settings, valid JS, and its behaviour run against a tiny fake DOM. */
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { demoWebform, type Webform } from '../../../domain/webforms/webform.ts';
import { renderEmbedScript } from '../../../functions/webforms/embed-script.ts';

/** Just the DOM the script uses; enough to run it in node:vm without a browser (the e2e test uses Chromium). */
class FakeElement {
  readonly attributes = new Map<string, string>();
  readonly children: FakeElement[] = [];
  parentNode: FakeElement | null = null;
  textContent = '';
  value = '';
  checked = false;
  disabled = false;
  focused = false;
  readonly listeners = new Map<string, (event: { preventDefault: () => void }) => unknown>();

  readonly tagName: string;

  constructor(tagName: string) {
    this.tagName = tagName;
  }

  get type(): string {
    return this.tagName === 'textarea' ? 'textarea' : (this.attributes.get('type') ?? 'text');
  }
  get nextSibling(): FakeElement | null {
    const siblings = this.parentNode?.children ?? [];
    return siblings[siblings.indexOf(this) + 1] ?? null;
  }
  setAttribute(name: string, value: string): void {
    this.attributes.set(name, String(value));
  }
  getAttribute(name: string): string | null {
    return this.attributes.get(name) ?? null;
  }
  removeAttribute(name: string): void {
    this.attributes.delete(name);
  }
  append(...nodes: FakeElement[]): void {
    for (const node of nodes) this.insertBefore(node, null);
  }
  insertBefore(node: FakeElement, before: FakeElement | null): void {
    node.parentNode = this;
    const at = before ? this.children.indexOf(before) : -1;
    if (at < 0) this.children.push(node);
    else this.children.splice(at, 0, node);
  }
  replaceWith(node: FakeElement): void {
    const parent = this.parentNode;
    if (!parent) return;
    node.parentNode = parent;
    parent.children.splice(parent.children.indexOf(this), 1, node);
    this.parentNode = null;
  }
  addEventListener(type: string, listener: (event: { preventDefault: () => void }) => unknown): void {
    this.listeners.set(type, listener);
  }
  focus(): void {
    this.focused = true;
  }
  /** Depth-first, like querySelectorAll. */
  all(): FakeElement[] {
    return this.children.flatMap((child) => [child, ...child.all()]);
  }
  find(predicate: (e: FakeElement) => boolean): FakeElement | undefined {
    return this.all().find(predicate);
  }
  byName(name: string): FakeElement | undefined {
    return this.find((e) => e.getAttribute('name') === name);
  }
  labelOf(input: FakeElement | undefined): string | undefined {
    return this.find((e) => e.tagName === 'label' && e.getAttribute('for') === input?.getAttribute('id'))?.textContent;
  }
}

type Sent = {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: Record<string, string>;
  buttonDisabled: boolean | undefined;
};
type Answer = { status: number; body?: unknown; headers?: Record<string, string> } | 'network-error';

const apiBase = 'https://api.kontakt.example';

/** Runs the script on a fake page; `answers` are what fetch returns, in order. */
const runOnPage = (script: string, options: { withTarget?: boolean; search?: string; answers?: Answer[] } = {}) => {
  const body = new FakeElement('body');
  const scriptTag = new FakeElement('script');
  let target: FakeElement | undefined;
  if (options.withTarget !== false) {
    target = new FakeElement('div');
    target.setAttribute('data-kontakt-form', 'other');
    body.append(target);
    target = new FakeElement('div');
    target.setAttribute('data-kontakt-form', 'demo');
    body.append(target);
  }
  body.append(scriptTag, new FakeElement('footer'));
  const sent: Sent[] = [];
  const answers = [...(options.answers ?? [])];
  const assigned: string[] = [];
  /** the waits the script asked for between attempts; they pass at once here */
  const delays: number[] = [];
  const context = {
    setTimeout: (callback: () => void, ms: number) => {
      delays.push(ms);
      queueMicrotask(callback);
      return delays.length;
    },
    document: {
      currentScript: scriptTag,
      readyState: 'complete',
      referrer: 'https://search.example/?q=crm',
      createElement: (tag: string) => new FakeElement(tag),
      querySelectorAll: (selector: string) =>
        selector === '[data-kontakt-form]' ? body.all().filter((e) => e.attributes.has('data-kontakt-form')) : [],
      addEventListener: () => undefined,
    },
    location: {
      href: `https://customer.example/kontakt${options.search ?? ''}`,
      search: options.search ?? '',
      assign: (url: string) => assigned.push(url),
    },
    crypto: globalThis.crypto,
    URLSearchParams,
    fetch: async (url: string, init: { method: string; headers: Record<string, string>; body: string }) => {
      const buttonDisabled = body.find((e) => e.tagName === 'button')?.disabled;
      sent.push({ url, method: init.method, headers: init.headers, body: JSON.parse(init.body), buttonDisabled });
      const answer = answers.shift() ?? { status: 201, body: { id: '01TEST' } };
      if (answer === 'network-error') throw new TypeError('Failed to fetch');
      return { status: answer.status, headers: new Headers(answer.headers), json: async () => answer.body };
    },
  };
  runInNewContext(script, context);
  const form = body.find((e) => e.tagName === 'form');
  const byName = (name: string) => body.byName(name);
  /** An input the test is about to fill: missing is a failure, not undefined. */
  const field = (name: string): FakeElement => {
    const found = body.byName(name);
    if (!found) throw new Error(`no field named ${name}`);
    return found;
  };
  const submit = async () => {
    const listener = form?.listeners.get('submit');
    if (!listener) throw new Error('no submit listener on the form');
    let prevented = false;
    await listener({
      preventDefault: () => {
        prevented = true;
      },
    });
    return prevented;
  };
  return {
    context,
    target,
    scriptTag,
    form,
    sent,
    assigned,
    delays,
    submit,
    byName,
    field,
    labelOf: (input: FakeElement | undefined) => body.labelOf(input),
  };
};

const formWith = (overrides: Partial<Webform>): Webform => ({
  ...demoWebform(new Date('2026-05-04T08:00:00Z')),
  ...overrides,
});

const render = (form: Webform, fillToken = '1777881600000.c2lnbmF0dXJl') =>
  renderEmbedScript(form, { apiBase: `${apiBase}/`, fillToken });

describe('renderEmbedScript', () => {
  // quotes, a template placeholder and a line separator: everything that ends or bends a JS string
  const hostile = `</script><script>globalThis.pwned = 1</script><!-- "'\`${'$'}{x}\u2028`;

  it('is valid JavaScript of a few KB', () => {
    const script = render(formWith({}));
    expect(() => new Function(script)).not.toThrow();
    expect(script.length).toBeLessThan(12_000);
  });

  it('embeds the key, token, API base, name and consent text as data that cannot break out', () => {
    const form = formWith({
      key: 'demo',
      name: hostile,
      consentText: `"); globalThis.pwned = 1; ("${hostile}`,
      honeypotField: 'web"site</script>',
    });
    const script = renderEmbedScript(form, { apiBase: `${apiBase}"</script>`, fillToken: `t"</script>'` });
    expect(() => new Function(script)).not.toThrow();
    expect(script).not.toMatch(/<\/script|<!--|\u2028/i);

    const page = runOnPage(script);
    expect(page.context).not.toHaveProperty('pwned');
    expect(page.form?.getAttribute('aria-label')).toBe(hostile);
    expect(page.labelOf(page.byName('consent'))).toBe(form.consentText);
    expect(page.byName('_kontakt_ts')?.value).toBe(`t"</script>'`);
    expect(page.byName('web"site</script>')).toBeDefined();
  });

  it('keeps a hostile form key out of the code and URL-encodes it in the submission URL', async () => {
    const key = 'a"b</script>/c?d';
    const script = renderEmbedScript(formWith({ key }), { apiBase, fillToken: 't' });
    expect(() => new Function(script)).not.toThrow();
    expect(script).not.toMatch(/<\/script/i);
    const page = runOnPage(script, { withTarget: false });
    page.field('lastName').value = 'Muster';
    await page.submit();
    expect(page.sent[0]?.url).toBe(`${apiBase}/v1/webforms/${encodeURIComponent(key)}/submissions`);
  });
});

describe('the rendered form', () => {
  it('renders a labelled input per mapped field, the consent box, the honeypot and the hidden fields', () => {
    const page = runOnPage(render(formWith({})), {
      search: '?utm_source=newsletter&utm_campaign=spring&other=x',
    });
    expect(page.target?.children[0]).toBe(page.form);
    const labels: Record<string, string> = {
      firstName: 'First name',
      lastName: 'Last name',
      email: 'Email',
      phone: 'Phone',
      company: 'Company',
      street: 'Street',
      postalCode: 'Postal code',
      city: 'City',
      message: 'Message',
    };
    for (const [name, label] of Object.entries(labels)) expect(page.labelOf(page.byName(name)), name).toBe(label);
    expect(page.byName('email')?.type).toBe('email');
    expect(page.byName('phone')?.type).toBe('tel');
    expect(page.byName('message')?.tagName).toBe('textarea');
    expect(page.byName('consent')?.type).toBe('checkbox');

    const honeypot = page.byName('website');
    expect(honeypot?.getAttribute('tabindex')).toBe('-1');
    expect(honeypot?.getAttribute('autocomplete')).toBe('off');
    expect(honeypot?.getAttribute('aria-hidden')).toBe('true');
    expect(honeypot?.parentNode?.getAttribute('aria-hidden')).toBe('true');
    expect(honeypot?.parentNode?.getAttribute('style')).toContain('left:-10000px');

    expect(page.byName('_kontakt_ts')?.type).toBe('hidden');
    expect(page.byName('pageUrl')?.value).toBe(
      'https://customer.example/kontakt?utm_source=newsletter&utm_campaign=spring&other=x',
    );
    expect(page.byName('referrer')?.value).toBe('https://search.example/?q=crm');
    expect(page.byName('utm_source')?.value).toBe('newsletter');
    expect(page.byName('utm_campaign')?.value).toBe('spring');
    expect(page.byName('utm_medium')).toBeUndefined();
    expect(page.form?.find((e) => e.tagName === 'button')?.getAttribute('type')).toBe('submit');
  });

  it('has no consent box when the form has no consent text', () => {
    const page = runOnPage(render(formWith({ consentText: null })));
    expect(page.byName('consent')).toBeUndefined();
  });

  it('inserts its own container right after its script tag when the page has no target', () => {
    const page = runOnPage(render(formWith({})), { withTarget: false });
    expect(page.scriptTag.nextSibling?.getAttribute('data-kontakt-form')).toBe('demo');
    expect(page.scriptTag.nextSibling?.children[0]).toBe(page.form);
  });
});

describe('submitting', () => {
  it('posts every field as a string with an idempotency key and shows the thank-you message on 201', async () => {
    const page = runOnPage(render(formWith({})), { search: '?utm_source=newsletter' });
    page.field('lastName').value = 'Muster';
    page.field('email').value = 'max@example.com';
    page.field('consent').checked = true;
    expect(await page.submit()).toBe(true);

    const [request] = page.sent;
    expect(request?.url).toBe(`${apiBase}/v1/webforms/demo/submissions`);
    expect(request?.method).toBe('POST');
    expect(request?.buttonDisabled).toBe(true);
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers['idempotency-key']).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(request?.body).toMatchObject({
      lastName: 'Muster',
      email: 'max@example.com',
      firstName: '',
      consent: 'yes',
      website: '',
      _kontakt_ts: '1777881600000.c2lnbmF0dXJl',
      pageUrl: 'https://customer.example/kontakt?utm_source=newsletter',
      utm_source: 'newsletter',
    });
    for (const value of Object.values(request?.body ?? {})) expect(typeof value).toBe('string');

    expect(page.form?.parentNode).toBeNull();
    const thanks = page.target?.children[0];
    expect(thanks?.textContent).toMatch(/thank you/i);
    expect(thanks?.getAttribute('role')).toBe('status');
  });

  it('leaves an unticked consent box out', async () => {
    const page = runOnPage(render(formWith({})));
    page.field('lastName').value = 'Muster';
    await page.submit();
    expect(page.sent[0]?.body).not.toHaveProperty('consent');
  });

  it('navigates to the thank-you URL when the form has one, but never to a javascript: URL', async () => {
    const page = runOnPage(render(formWith({ thankYouUrl: 'https://customer.example/danke' })));
    await page.submit();
    expect(page.assigned).toEqual(['https://customer.example/danke']);

    const hostile = runOnPage(render(formWith({ thankYouUrl: 'javascript:alert(1)' })));
    await hostile.submit();
    expect(hostile.assigned).toEqual([]);
    expect(hostile.target?.children[0]?.textContent).toMatch(/thank you/i);
  });

  it('retries a network error and a 503 by itself with the same key, waiting longer each time, and thanks once', async () => {
    const page = runOnPage(render(formWith({})), {
      answers: ['network-error', { status: 503 }, { status: 201, body: { id: '01TEST' } }],
    });
    page.field('lastName').value = 'Muster';

    await page.submit();

    const keys = page.sent.map((r) => r.headers['idempotency-key']);
    expect(keys).toHaveLength(3);
    expect(new Set(keys).size).toBe(1);
    expect(page.sent.map((r) => r.body)).toEqual([page.sent[0]?.body, page.sent[0]?.body, page.sent[0]?.body]);
    // 1 s, then 2 s, each spread by ±20%
    expect(page.delays).toHaveLength(2);
    expect(page.delays[0]).toBeGreaterThanOrEqual(800);
    expect(page.delays[0]).toBeLessThanOrEqual(1200);
    expect(page.delays[1]).toBeGreaterThanOrEqual(1600);
    expect(page.delays[1]).toBeLessThanOrEqual(2400);
    expect(page.form?.parentNode).toBeNull();
    expect(page.target?.children[0]?.textContent).toMatch(/thank you/i);
  });

  it('waits as long as Retry-After says (within its cap), and retries a 429 the same way', async () => {
    const page = runOnPage(render(formWith({})), {
      answers: [
        { status: 503, headers: { 'retry-after': '3' } },
        { status: 429, headers: { 'retry-after': '3600' } },
        { status: 201 },
      ],
    });
    page.field('lastName').value = 'Muster';

    await page.submit();

    expect(page.sent).toHaveLength(3);
    expect(page.delays[0]).toBeGreaterThanOrEqual(2400);
    expect(page.delays[0]).toBeLessThanOrEqual(3600);
    expect(page.delays[1]).toBeLessThanOrEqual(8000 * 1.2);
  });

  it('gives up after four attempts, asks the person to try again, and a second click keeps the key', async () => {
    const page = runOnPage(render(formWith({})), {
      answers: [{ status: 503 }, { status: 503 }, { status: 503 }, 'network-error', { status: 201 }],
    });
    page.field('lastName').value = 'Muster';
    const button = page.form?.find((e) => e.tagName === 'button');
    const status = page.form?.find((e) => e.getAttribute('class') === 'kontakt-status');

    await page.submit();
    expect(page.sent).toHaveLength(4);
    expect(status?.textContent).toMatch(/try again/i);
    expect(button?.disabled).toBe(false);
    expect(page.form?.parentNode).toBe(page.target);

    await page.submit();
    expect(page.sent).toHaveLength(5);
    expect(new Set(page.sent.map((r) => r.headers['idempotency-key'])).size).toBe(1);
    expect(page.form?.parentNode).toBeNull();
  });

  it('does not retry an answer that will not change: a 500 or a 400', async () => {
    const bug = runOnPage(render(formWith({})), { answers: [{ status: 500 }] });
    bug.field('lastName').value = 'Muster';
    await bug.submit();
    const invalid = runOnPage(render(formWith({})), { answers: [{ status: 400, body: { errors: [] } }] });
    invalid.field('lastName').value = 'Muster';
    await invalid.submit();

    expect(bug.sent).toHaveLength(1);
    expect(invalid.sent).toHaveLength(1);
  });

  it('uses a new key for a changed fill', async () => {
    const page = runOnPage(render(formWith({})), { answers: [{ status: 500 }, { status: 201 }] });
    page.field('lastName').value = 'Muster';
    await page.submit();
    page.field('lastName').value = 'Mustermann';
    await page.submit();
    expect(page.sent[0]?.headers['idempotency-key']).not.toBe(page.sent[1]?.headers['idempotency-key']);
  });

  it('shows the problem’s messages next to the named fields on 400', async () => {
    const page = runOnPage(render(formWith({})), {
      answers: [
        {
          status: 400,
          body: {
            type: '/problems/validation',
            status: 400,
            errors: [
              { field: 'email', message: 'not a valid email address' },
              { field: 'body.phone', message: 'not a phone number' },
              { field: 'Idempotency-Key', message: 'must be 1 to 255 printable characters' },
            ],
          },
        },
      ],
    });
    page.field('email').value = 'nope';
    page.field('phone').value = 'call me';
    await page.submit();

    const email = page.byName('email');
    const error = page.form?.find((e) => e.getAttribute('id') === email?.getAttribute('aria-describedby'));
    expect(email?.getAttribute('aria-invalid')).toBe('true');
    expect(error?.textContent).toBe('not a valid email address');
    expect(error?.parentNode).toBe(email?.parentNode);
    expect(email?.focused).toBe(true);
    expect(page.byName('phone')?.getAttribute('aria-invalid')).toBe('true');
    const status = page.form?.find((e) => e.getAttribute('class') === 'kontakt-status');
    expect(status?.textContent).toContain('must be 1 to 255 printable characters');
    expect(page.form?.parentNode).toBe(page.target);
  });
});
