/**
 * The embed script in a real browser: Debian's headless Chromium fills and submits the form on a
 * page served from another origin, and the lead (or the bot's spam) lands in the inbox.
 */
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { InboxEntry } from '../../domain/inbox/inbox-entry.ts';
import { eventually, type RunningStack, startStackProcess } from '../support/local-stack-process.ts';
import { freePort } from '../support/ports.ts';

const chromiumPath = '/usr/bin/chromium';
const formKey = 'embed-e2e';
const consentText = 'I agree that my details are stored to answer my request.';
const thanks = 'Thank you! Your message has been sent.';

let stack: RunningStack | undefined;
let pageServer: Server | undefined;
let browser: Browser | undefined;
let context: BrowserContext | undefined;
let pageOrigin = '';

/** Whatever the browser said, to explain a failure that happened on the page rather than in the test. */
const browserLog: string[] = [];

const diagnostics = (): string =>
  `browser:\n${browserLog.join('\n')}\nstack output (tail):\n${stack?.output().slice(-4000) ?? ''}`;

const running = (): RunningStack => {
  if (!stack) throw new Error('the local stack is not running');
  return stack;
};

const api = async (path: string, token: string, init: RequestInit = {}) => {
  const res = await fetch(`${running().baseUrl}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${token}`, ...init.headers },
  });
  const text = await res.text();
  return { status: res.status, text, json: text ? (JSON.parse(text) as unknown) : undefined };
};

type InboxPage = { items: InboxEntry[]; nextCursor: string | null };

/** Polls an inbox list until an entry with this last name is on it. */
const findInList = (query: string, lastName: string): Promise<InboxEntry> =>
  eventually(async () => {
    const res = await api(`/v1/inbox?${query}`, running().salesToken);
    if (res.status !== 200) throw new Error(`GET /v1/inbox?${query} → ${res.status} ${res.text}`);
    return (res.json as InboxPage).items.find((entry) => entry.contact.lastName === lastName);
  });

const readEntry = async (id: string): Promise<InboxEntry> => {
  const res = await api(`/v1/inbox/${id}`, running().salesToken);
  expect(res.status, res.text).toBe(200);
  return res.json as InboxEntry;
};

/** Letters only, so the name is one search token whatever the normalisation does with digits. */
const uniqueName = (base: string): string =>
  base + Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) => String.fromCharCode(97 + (b % 26))).join('');

const openForm = async (): Promise<{ page: Page; url: string }> => {
  if (!context) throw new Error('no browser context');
  const page = await context.newPage();
  page.on('console', (message) => browserLog.push(`console.${message.type()}: ${message.text()}`));
  page.on('pageerror', (error) => browserLog.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) =>
    browserLog.push(`request failed: ${request.method()} ${request.url()} ${request.failure()?.errorText ?? ''}`),
  );
  page.on('response', (response) => browserLog.push(`response: ${response.status()} ${response.url()}`));
  const url = `${pageOrigin}/contact?utm_source=newsletter`;
  await page.goto(url);
  try {
    await page.getByRole('form', { name: 'Embedded contact form' }).waitFor({ timeout: 15_000 });
  } catch (error) {
    throw new Error(`the embed script rendered no form (${String(error)})\n${diagnostics()}`);
  }
  return { page, url };
};

/** Waits for the thank-you message; if the form shows anything else, fails with what the page said. */
const expectThanks = async (page: Page): Promise<void> => {
  try {
    await page.getByRole('status').filter({ hasText: thanks }).waitFor({ timeout: 15_000 });
  } catch (error) {
    const shown = await page
      .locator('.kontakt-status')
      .textContent()
      .catch(() => null);
    throw new Error(
      `no thank-you message (${String(error)}); the form says: ${JSON.stringify(shown)}\n${diagnostics()}`,
    );
  }
};

beforeAll(async () => {
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `This test needs Debian's Chromium at ${chromiumPath}. Install it with ` +
        '`apt-get update && apt-get install -y chromium` (as root; .ci/run does this when it is missing).',
    );
  }
  stack = await startStackProcess();

  const pagePort = await freePort();
  pageOrigin = `http://127.0.0.1:${pagePort}`;
  const html = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Customer site</title></head>
<body>
<h1>Contact us</h1>
<div data-kontakt-form="${formKey}"></div>
<script src="${stack.baseUrl}/v1/webforms/${formKey}/embed.js"></script>
</body>
</html>`;
  pageServer = createServer((req, res) => {
    if (req.url?.startsWith('/contact')) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(html);
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  const server = pageServer;
  await new Promise<void>((listening) => server.listen(pagePort, '127.0.0.1', listening));

  const created = await api('/v1/webforms', stack.adminToken, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      key: formKey,
      name: 'Embedded contact form',
      allowedOrigins: [pageOrigin],
      fieldMapping: {
        firstName: 'firstName',
        lastName: 'lastName',
        email: 'email',
        company: 'companyName',
        message: 'message',
        consent: 'consent',
      },
      consentText,
      honeypotField: 'website',
      minFillSeconds: 1,
    }),
  });
  expect(created.status, `POST /v1/webforms → ${created.status} ${created.text}`).toBe(201);

  browser = await chromium.launch({
    executablePath: chromiumPath,
    // CI runs as root, where Chromium's sandbox cannot start; the machine has no network, so
    // everything that would phone home is off.
    args: [
      '--no-sandbox',
      '--headless',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});

afterEach(async () => {
  await context?.close();
  context = undefined;
  browserLog.length = 0;
});

afterAll(async () => {
  await browser?.close();
  const server = pageServer;
  if (server) {
    server.closeAllConnections();
    await new Promise<void>((closed) => server.close(() => closed()));
  }
  await stack?.stop();
});

describe('the embed script in headless Chromium, on a page of another origin', () => {
  it('is served as uncached JavaScript', async () => {
    const res = await fetch(`${running().baseUrl}/v1/webforms/${formKey}/embed.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/javascript/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const script = await res.text();
    expect(script, 'the script body').toContain(formKey);
    expect(() => new Function(script)).not.toThrow();
  });

  it('a person fills and sends the form, and the lead is in the inbox with consent and tracking', async () => {
    context = await browser?.newContext();
    const { page, url } = await openForm();
    const lastName = uniqueName('Embedtest');

    await page.getByLabel('First name').fill('Erika');
    await page.getByLabel('Last name').fill(lastName);
    await page.getByLabel('Email').fill(`${lastName.toLowerCase()}@example.com`);
    await page.getByLabel('Company').fill('Muster GmbH');
    await page.getByLabel('Message').fill('Bitte um ein Angebot für 20 Lizenzen.');
    await page.getByLabel(consentText).check();
    // the signed fill-time token was issued when the script was served; people take longer than 1 s
    await page.waitForTimeout(1_500);
    await page.getByRole('button', { name: 'Send' }).click();
    await expectThanks(page);
    expect(await page.locator('form').count()).toBe(0);

    const listed = await findInList(`q=${encodeURIComponent(lastName)}`, lastName);
    const entry = await readEntry(listed.id);
    expect(entry.source).toBe('webform');
    expect(entry.contact).toMatchObject({
      firstName: 'Erika',
      lastName,
      email: `${lastName.toLowerCase()}@example.com`,
      companyName: 'Muster GmbH',
    });
    expect(entry.message).toBe('Bitte um ein Angebot für 20 Lizenzen.');
    expect(entry.consent?.text).toBe(consentText);
    expect(Number.isNaN(Date.parse(entry.consent?.givenAt ?? ''))).toBe(false);
    expect(entry.tracking?.pageUrl).toBe(url);
    expect(entry.tracking?.utm?.source).toBe('newsletter');
    expect(entry.processingStatus).toBe('new');
    expect(entry.archiveReason).toBeNull();
  });

  it('a lost answer and a 503 are retried by the script itself with the same key, and the lead is stored once', async () => {
    context = await browser?.newContext();
    const { page } = await openForm();
    const lastName = uniqueName('Retrytest');
    const submissions = `${running().baseUrl}/v1/webforms/${formKey}/submissions`;
    const keys: string[] = [];
    let attempt = 0;
    // the faults the real stack answers during an outage: the lead stored but its answer lost on
    // the way (a reset connection), then a 503 with Retry-After; the third attempt goes through
    await page.route(submissions, async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      keys.push((await route.request().headerValue('idempotency-key')) ?? '');
      attempt += 1;
      if (attempt === 1) {
        await route.fetch();
        return route.abort('connectionreset');
      }
      if (attempt === 2) {
        return route.fulfill({
          status: 503,
          headers: {
            'content-type': 'application/problem+json',
            'retry-after': '1',
            'access-control-allow-origin': pageOrigin,
            'access-control-expose-headers': 'Location, Retry-After',
          },
          body: JSON.stringify({ type: '/problems/service-unavailable', status: 503 }),
        });
      }
      return route.continue();
    });

    await page.getByLabel('Last name').fill(lastName);
    await page.getByLabel('Email').fill(`${lastName.toLowerCase()}@example.com`);
    await page.waitForTimeout(1_500);
    await page.getByRole('button', { name: 'Send' }).click();
    await expectThanks(page);

    expect(keys).toHaveLength(3);
    expect(new Set(keys).size).toBe(1);
    const listed = await findInList(`q=${encodeURIComponent(lastName)}`, lastName);
    const all = await api(`/v1/inbox?q=${encodeURIComponent(lastName)}`, running().salesToken);
    expect((all.json as InboxPage).items.filter((entry) => entry.contact.lastName === lastName)).toEqual([
      expect.objectContaining({ id: listed.id }),
    ]);
  });

  it('a bot that fills the honeypot and sends at once sees the same thanks, and is stored as spam', async () => {
    context = await browser?.newContext();
    const { page } = await openForm();
    const lastName = uniqueName('Bottest');

    await page.getByLabel('Last name').fill(lastName);
    await page.getByLabel('Email').fill(`${lastName.toLowerCase()}@example.com`);
    // people never see the honeypot; a bot fills every input it finds in the markup
    await page.evaluate(`document.querySelector('input[name="website"]').value = 'https://cheap-pills.example'`);
    await page.getByRole('button', { name: 'Send' }).click();
    await expectThanks(page);

    const spam = await findInList('archiveReason=spam', lastName);
    const entry = await readEntry(spam.id);
    expect(entry.source).toBe('webform');
    expect(entry.processingStatus).toBe('archived');
    expect(entry.archiveReason).toBe('spam');
  });
});
