// CSV imports against the running local stack, as a client does them: create, PUT the file to the
// upload URL, start, poll the report, find the rows in the inbox. Bad input included: each gets its
// documented 4xx or a report that says why, and nothing is stored wrongly.
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, type RunningStack, startStackProcess } from '../support/local-stack-process.ts';

let stack: RunningStack;

// biome-ignore lint/suspicious/noExplicitAny: the tests read answers of many shapes; the assertions check them
type Answer = { status: number; json: any };

const call = async (method: string, path: string, body?: unknown): Promise<Answer> => {
  const res = await fetch(`${stack.baseUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${stack.salesToken}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
};

const newToken = (): string =>
  `zq${randomUUID()
    .replace(/[^a-z]/g, '')
    .slice(0, 10)}`;

/** A fixture with `{{token}}` replaced; latin1 round-trips every byte, so Windows-1252 files stay intact. */
const fixture = async (name: string, token = ''): Promise<Buffer> => {
  const bytes = await readFile(new URL(`../fixtures/csv/${name}`, import.meta.url));
  return Buffer.from(bytes.toString('latin1').replaceAll('{{token}}', token), 'latin1');
};

/** Create, upload, start; then the report once the worker has finished with it. */
const importFile = async (bytes: Buffer, filename: string) => {
  const created = await call('POST', '/v1/imports', { filename });
  const put = await fetch(created.json.uploadUrl, { method: 'PUT', body: bytes });
  const started = await call('POST', `/v1/imports/${created.json.id}/start`);
  const report = await eventually(async () => {
    const res = await call('GET', `/v1/imports/${created.json.id}`);
    return res.json.status === 'done' || res.json.status === 'failed' ? res.json : undefined;
  });
  return { created, put, started, report };
};

/**
 * The entries found by a token, once the worker has indexed the `expected` ones an import stored
 * (intake stores an entry alone; the duplicate-check worker writes what `q` finds).
 */
const inboxWith = async (token: string, expected: number) =>
  eventually(
    async () => {
      const items = (await call('GET', `/v1/inbox?q=${token}&limit=100`)).json.items;
      return items.length >= expected ? items : undefined;
    },
    { what: `${expected} imported entries found by ${token}` },
  );

beforeAll(async () => {
  stack = await startStackProcess();
});

afterAll(async () => {
  await stack?.stop();
});

describe('CSV imports', () => {
  it('imports a German Outlook export uploaded to the presigned URL; the rows land in the inbox, bad rows are reported', async () => {
    const token = newToken();

    const { created, put, started, report } = await importFile(await fixture('outlook-de.csv', token), 'outlook.csv');
    const entries = await inboxWith(token, 3);

    expect(created.status).toBe(201);
    expect(put.status).toBe(200);
    expect(started).toMatchObject({ status: 202, json: { status: 'queued' } });
    expect(report).toEqual({
      id: created.json.id,
      status: 'done',
      rowsTotal: 5,
      rowsImported: 3,
      rowsSkipped: 0,
      rowsFailed: 2,
      errors: [
        { row: 4, field: 'E-Mail-Adresse', message: 'not a valid email address' },
        { row: 5, field: 'row', message: expect.stringContaining('gives no way to reach anyone') },
      ],
    });
    expect(entries).toHaveLength(3);
    expect(entries.every((e: { source: string }) => e.source === 'csv')).toBe(true);
    expect(entries.find((e: { contact: { lastName: string } }) => e.contact.lastName === 'Mustermann')).toMatchObject({
      contact: {
        firstName: 'Max',
        companyName: `Muster ${token} GmbH`,
        city: 'Köln',
        email: 'max.mustermann@example.com',
      },
      message: 'Bitte Angebot; dringend',
    });
  });

  it('reads a Windows-1252 file (not UTF-8) with its umlauts intact', async () => {
    const token = newToken();

    const { report } = await importFile(await fixture('kontakte-windows-1252.csv', token), 'excel.csv');
    const entries = await inboxWith(token, 2);

    expect(report).toMatchObject({ status: 'done', rowsImported: 2, errors: [] });
    expect(entries.map((e: { contact: { lastName: string } }) => e.contact.lastName).sort()).toEqual([
      'Weiß',
      'Öztürk',
    ]);
  });

  it('skips every row of a file imported twice, once the first import’s rows were indexed', async () => {
    const token = newToken();
    const bytes = await fixture('outlook-en.csv', token);
    await importFile(bytes, 'first.csv');
    // the duplicate-check worker writes a row's guard when it indexes the row's entry (found by q then)
    await inboxWith(token, 2);

    const { report } = await importFile(bytes, 'again.csv');

    expect(report).toMatchObject({ status: 'done', rowsTotal: 2, rowsImported: 0, rowsSkipped: 2 });
    expect(await inboxWith(token, 2)).toHaveLength(2);
  });

  it('imports the rows before broken quoting, then fails naming the record', async () => {
    const token = newToken();

    const { report } = await importFile(await fixture('broken-quote.csv', token), 'broken.csv');

    expect(report).toMatchObject({
      status: 'failed',
      rowsImported: 2,
      errors: [{ row: 4, field: 'file', message: expect.stringContaining('never closed') }],
    });
    expect(await inboxWith(token, 2)).toHaveLength(2);
  });

  it('fails a PNG uploaded as an import, saying why', async () => {
    const { report } = await importFile(await fixture('pixel.png'), 'kontakte.csv');

    expect(report).toMatchObject({
      status: 'failed',
      rowsTotal: 0,
      rowsImported: 0,
      errors: [{ row: 1, field: 'file', message: 'the file is a PNG image, not a CSV text file' }],
    });
  });

  it('refuses bad requests: start before the upload (409), an unknown import (404), no filename (400)', async () => {
    const created = await call('POST', '/v1/imports', { filename: 'later.csv' });

    const early = await call('POST', `/v1/imports/${created.json.id}/start`);
    const unknown = await call('GET', '/v1/imports/01NOSUCHIMPORT');
    const unknownStart = await call('POST', '/v1/imports/01NOSUCHIMPORT/start');
    const noName = await call('POST', '/v1/imports', { mapping: { Name: 'lastName' } });
    const afterwards = await call('GET', `/v1/imports/${created.json.id}`);

    expect(early).toMatchObject({ status: 409, json: { detail: expect.stringContaining('has no file yet') } });
    expect(unknown.status).toBe(404);
    expect(unknownStart.status).toBe(404);
    expect(noName).toMatchObject({ status: 400, json: { errors: [{ field: 'filename' }] } });
    expect(afterwards.json).toMatchObject({ status: 'waiting_upload', rowsTotal: 0 });
  });

  it('imports a file whose headers are names a plain object owns (constructor, __proto__), and fails one with no usable header', async () => {
    const token = newToken();
    const odd = Buffer.from(
      `constructor;__proto__;E-Mail;Nachname\nx;y;${token}@example.com;Muster ${token}\n`,
      'utf8',
    );

    const { report } = await importFile(odd, 'odd.csv');
    const entries = await inboxWith(token, 1);
    const onlyOdd = await importFile(Buffer.from('constructor\nx\n', 'utf8'), 'worse.csv');

    expect(report).toMatchObject({ status: 'done', rowsImported: 1, rowsFailed: 0 });
    expect(entries).toHaveLength(1);
    expect(entries[0].raw.fields).toEqual({
      'column 1 (constructor)': 'x',
      'column 2 (__proto__)': 'y',
      'E-Mail': `${token}@example.com`,
      Nachname: `Muster ${token}`,
    });
    expect(onlyOdd.report).toMatchObject({
      status: 'failed',
      errors: [{ row: 1, field: 'file', message: expect.stringContaining('no column header is recognised') }],
    });
  });

  it('refuses a mapping that names a reserved or empty column with 400 naming it, storing no import', async () => {
    const reserved = await call('POST', '/v1/imports', { filename: 'a.csv', mapping: { constructor: 'email' } });
    const empty = await call('POST', '/v1/imports', { filename: 'a.csv', mapping: { '': 'email' } });
    const proto = await fetch(`${stack.baseUrl}/v1/imports`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.salesToken}`, 'content-type': 'application/json' },
      body: '{"filename":"a.csv","mapping":{"__proto__":"email"}}',
    });

    expect(reserved).toMatchObject({ status: 400, json: { errors: [{ field: 'mapping.constructor' }] } });
    expect(empty).toMatchObject({ status: 400, json: { errors: [{ field: 'mapping.(empty)' }] } });
    expect(proto.status).toBe(400);
  });
});
