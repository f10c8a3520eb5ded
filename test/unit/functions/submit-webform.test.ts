import { describe, expect, it } from 'vitest';
import type { InboxEntry } from '../../../domain/inbox/inbox-entry.ts';
import { demoWebform, type Webform } from '../../../domain/webforms/webform.ts';
import type { LeadReceivedV1 } from '../../../events/lead-received.v1.ts';
import type { HttpRequest } from '../../../functions/shared/http.ts';
import { createSubmissionGate } from '../../../functions/webforms/submission-limits.ts';
import { submitWebform } from '../../../functions/webforms/submit-webform.ts';
import { apiEvent } from '../../support/events.ts';

const demo = demoWebform(new Date('2026-05-01T00:00:00.000Z'));

const setup = (options: { form?: Partial<Webform>; publishFails?: boolean } = {}) => {
  const stored: InboxEntry[] = [];
  const published: LeadReceivedV1[] = [];
  const keyReads: string[] = [];
  const form: Webform = { ...demo, ...options.form };
  const submit = submitWebform({
    forms: { get: async (key) => (key === form.key ? { form, signingSecret: 'x'.repeat(43) } : null) },
    inbox: { create: async (entry) => void stored.push(entry) },
    idempotency: {
      find: async (_scope, key) => {
        keyReads.push(key);
        return null;
      },
      write: (_scope, key) => ({ key: { pk: key, sk: 'x' }, record: {}, nowEpoch: 0 }),
    },
    publisher: {
      publish: async (_url, event) => {
        if (options.publishFails) throw new Error('SQS down');
        published.push(event);
      },
    },
    duplicateCheckQueueUrl: 'queue',
    gate: createSubmissionGate(),
    now: () => new Date('2026-05-04T08:00:00.000Z'),
  });
  return { submit, stored, published, keyReads };
};

const request = (
  body: Record<string, string | number | boolean>,
  bodyKind: 'json' | 'form' = 'json',
  formKey = 'demo',
): HttpRequest<Record<string, string | number | boolean>, { formKey: string }, undefined> => ({
  body,
  bodyKind,
  path: { formKey },
  query: undefined,
  user: null,
  headers: {},
  event: apiEvent({ routeKey: 'POST /v1/webforms/{formKey}/submissions' }),
  requestId: 'r',
});

describe('submitWebform', () => {
  it('stores the entry with its raw payload before it requests the check', async () => {
    const { submit, stored, published } = setup();

    const res = await submit(request({ firstName: 'Max', lastName: 'Muster', email: 'max@example.com', age: 42 }));

    expect(res).toMatchObject({ status: 201, headers: { location: `/v1/inbox/${stored[0]?.id}` } });
    expect(stored[0]).toMatchObject({
      source: 'webform',
      priority: 'normal',
      contact: { firstName: 'Max', lastName: 'Muster', email: 'max@example.com' },
      raw: { formKey: 'demo', fields: { age: 42 } },
    });
    expect(published).toEqual([
      {
        type: 'lead-received',
        version: 1,
        inboxEntryId: stored[0]?.id,
        source: 'webform',
        requestedAt: '2026-05-04T08:00:00.000Z',
      },
    ]);
  });

  it('still acknowledges a stored lead when the check cannot be requested', async () => {
    const { submit, stored } = setup({ publishFails: true });

    const res = await submit(request({ lastName: 'Muster' }));

    expect(res.status).toBe(201);
    expect(stored).toHaveLength(1);
  });

  it('redirects an HTML form post to the thank-you page, and answers JSON with 201', async () => {
    const { submit } = setup({ form: { thankYouUrl: 'https://example.com/danke' } });

    expect(await submit(request({ lastName: 'Muster' }, 'form'))).toEqual({
      status: 303,
      headers: { location: 'https://example.com/danke' },
    });
    expect((await submit(request({ lastName: 'Muster' }, 'json'))).status).toBe(201);
  });

  it('names the posted field in errors and stores nothing', async () => {
    const { submit, stored } = setup({
      form: { fieldMapping: { 'your-mail': 'email', 'your-name': 'lastName' } },
    });

    await expect(submit(request({ 'your-mail': 'nope', 'your-name': 'X' }))).rejects.toMatchObject({
      code: 'validation-failed',
      errors: [{ field: 'your-mail', message: 'not a valid email address' }],
    });
    await expect(submit(request({ 'your-mail': '' }))).rejects.toMatchObject({
      code: 'validation-failed',
      errors: [{ field: 'your-mail', message: expect.stringContaining('your-name') }],
    });
    expect(stored).toEqual([]);
  });

  it('answers 404 for an unknown form', async () => {
    const { submit } = setup();
    await expect(submit(request({ lastName: 'X' }, 'json', 'unknown'))).rejects.toMatchObject({ code: 'not-found' });
  });

  it('keeps line breaks in the field mapped to the message, refuses them in a name, naming the posted field', async () => {
    const { submit, stored } = setup({
      form: { fieldMapping: { nachricht: 'message', name: 'lastName', mail: 'email' } },
    });

    const ok = await submit(request({ name: 'Muster', nachricht: 'Zeile 1\r\nZeile 2' }));
    const broken = submit(request({ name: 'Muster\r\nBcc: x@example.com', mail: 'a@b.de' }));

    expect(ok.status).toBe(201);
    expect(stored[0]?.message).toBe('Zeile 1\r\nZeile 2');
    await expect(broken).rejects.toMatchObject({
      code: 'validation-failed',
      errors: [{ field: 'name', message: expect.stringContaining('control characters') }],
    });
    expect(stored).toHaveLength(1);
  });

  it('drops a javascript: page address but keeps the lead', async () => {
    const { submit, stored } = setup();

    const res = await submit(request({ lastName: 'Muster', pageUrl: 'javascript:alert(1)' }));

    expect(res.status).toBe(201);
    expect(stored[0]?.tracking).toBeUndefined();
    expect(stored[0]?.raw).toMatchObject({ fields: { pageUrl: 'javascript:alert(1)' } });
  });

  it('stores a first submission with an Idempotency-Key without reading the key first (its transaction guards it)', async () => {
    const { submit, stored, keyReads } = setup();
    const withKey = request({ lastName: 'Muster', email: 'max@example.com' });

    const res = await submit({ ...withKey, headers: { 'idempotency-key': 'k-1' } });

    expect(res.status).toBe(201);
    expect(stored).toHaveLength(1);
    expect(keyReads).toEqual([]);
  });
});
