import { createHmac } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import type { InboxEntry } from '../../../domain/inbox/inbox-entry.ts';
import type { FacebookLeadReceivedV1 } from '../../../events/facebook-lead-received.v1.ts';
import type { LeadReceivedV1 } from '../../../events/lead-received.v1.ts';
import { fetchFacebookLead, MissingPageTokenError } from '../../../functions/facebook/fetch-facebook-lead.ts';
import { createGraphClient, GraphApiError, type GraphLead } from '../../../functions/facebook/graph-client.ts';
import type { IdempotencyWrite } from '../../../functions/inbox/inbox-entry.repository.ts';

const config = { appSecret: 'unit-app-secret', verifyToken: 'v', pages: { '123': 'token-of-page-123' } };
// never called: storeLead reads the table only when the guard was taken, which the fake inbox never reports
const unusedDoc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' }));

const event = (overrides: Partial<FacebookLeadReceivedV1> = {}): FacebookLeadReceivedV1 => ({
  type: 'facebook-lead-received',
  version: 1,
  leadgenId: '444',
  pageId: '123',
  formId: '555',
  adId: '666',
  createdTime: 1714809600,
  receivedAt: '2026-05-04T08:00:01.000Z',
  ...overrides,
});

const setup = (
  options: { stored?: boolean; graph?: () => Promise<GraphLead>; pagesAfterRefresh?: Record<string, string> } = {},
) => {
  const refreshes: boolean[] = [];
  const entries: { entry: InboxEntry; guard: IdempotencyWrite | undefined }[] = [];
  const only = (guards: IdempotencyWrite | readonly IdempotencyWrite[] | undefined) =>
    guards === undefined || 'key' in guards ? guards : guards[0];
  const published: LeadReceivedV1[] = [];
  const graphCalls: { leadgenId: string; token: string }[] = [];
  const worker = fetchFacebookLead({
    config: async (load = {}) => {
      if (load.refresh !== true) return config;
      refreshes.push(true);
      return { ...config, pages: { ...config.pages, ...options.pagesAfterRefresh } };
    },
    leads: { isStored: async () => options.stored ?? false },
    graph: {
      fetchLead: async (leadgenId, token) => {
        graphCalls.push({ leadgenId, token });
        return options.graph
          ? options.graph()
          : {
              created_time: '2026-05-04T07:59:58+0000',
              form_id: '555',
              ad_id: '666',
              field_data: [
                { name: 'full_name', values: ['Erika Mustermann'] },
                { name: 'email', values: ['erika@example.com'] },
                { name: 'budget?', values: ['10000'] },
              ],
            };
      },
    },
    inbox: { create: async (entry, guards) => void entries.push({ entry, guard: only(guards) }) },
    doc: unusedDoc,
    tableName: 'table',
    publisher: { publish: async (_url, e) => void published.push(e) },
    duplicateCheckQueueUrl: 'duplicate-check',
    now: () => new Date('2026-05-04T08:00:05.000Z'),
  });
  return { worker, entries, published, graphCalls, refreshes };
};

describe('the Facebook worker', () => {
  it('fetches the lead with its page’s token and stores it with its leadgen-id guard, then asks for the check', async () => {
    const { worker, entries, published, graphCalls } = setup();

    await worker(event());

    expect(graphCalls).toEqual([{ leadgenId: '444', token: 'token-of-page-123' }]);
    expect(entries).toHaveLength(1);
    expect(entries[0]?.entry).toMatchObject({
      title: 'Erika Mustermann',
      source: 'facebook',
      priority: 'normal',
      processingStatus: 'new',
      responsibleUserId: null,
      contact: { firstName: 'Erika', lastName: 'Mustermann', email: 'erika@example.com' },
      message: 'budget?: 10000',
      raw: {
        leadgenId: '444',
        pageId: '123',
        formId: '555',
        adId: '666',
        createdTime: '2026-05-04T07:59:58+0000',
        fieldData: [
          { name: 'full_name', values: ['Erika Mustermann'] },
          { name: 'email', values: ['erika@example.com'] },
          { name: 'budget?', values: ['10000'] },
        ],
      },
    });
    expect(entries[0]?.guard).toMatchObject({
      key: { pk: 'FBLEAD#444', sk: 'FBLEAD' },
      record: { _et: 'facebook-lead', inboxEntryId: entries[0]?.entry.id },
    });
    expect(published).toEqual([expect.objectContaining({ type: 'lead-received', inboxEntryId: entries[0]?.entry.id })]);
  });

  it('does nothing, not even a Graph call, for a lead stored already', async () => {
    const { worker, entries, graphCalls } = setup({ stored: true });

    await worker(event());

    expect(graphCalls).toEqual([]);
    expect(entries).toEqual([]);
  });

  it('fails the record, without asking Graph, when the page has no access token even after a fresh read', async () => {
    const { worker, entries, graphCalls, refreshes } = setup();

    await expect(worker(event({ pageId: '999' }))).rejects.toBeInstanceOf(MissingPageTokenError);
    expect(refreshes).toHaveLength(1);
    expect(graphCalls).toEqual([]);
    expect(entries).toEqual([]);
  });

  it('finds the token of a page added to the configuration since the container started', async () => {
    const { worker, entries, graphCalls } = setup({ pagesAfterRefresh: { '999': 'token-of-new-page' } });

    await worker(event({ pageId: '999' }));

    expect(graphCalls).toEqual([{ leadgenId: '444', token: 'token-of-new-page' }]);
    expect(entries).toHaveLength(1);
  });

  it('fails the record and stores nothing when Graph fails', async () => {
    const { worker, entries } = setup({
      graph: async () => {
        throw new GraphApiError('Graph answered 500 for lead 444');
      },
    });

    await expect(worker(event())).rejects.toBeInstanceOf(GraphApiError);
    expect(entries).toEqual([]);
  });

  it('stores a lead with an invalid email and no reachable field, keeping the email in raw and message', async () => {
    const { worker, entries } = setup({
      graph: async () => ({ field_data: [{ name: 'email', values: ['erika(at)example'] }] }),
    });

    await worker(event({ formId: undefined, adId: undefined }));

    expect(entries[0]?.entry).toMatchObject({
      title: 'Inquiry',
      contact: {},
      message: 'email: erika(at)example',
      raw: {
        formId: null,
        adId: null,
        createdTime: '2024-05-04T08:00:00.000Z',
        fieldData: [{ name: 'email', values: ['erika(at)example'] }],
        invalidFields: ['email'],
      },
    });
  });
});

describe('the Graph client', () => {
  const answering = (status: number, body: unknown, seen: URL[] = []) =>
    createGraphClient({
      baseUrl: 'https://graph.example/v21.0/',
      fetch: async (input) => {
        seen.push(new URL(String(input)));
        return new Response(JSON.stringify(body), { status });
      },
    });

  it('asks for the lead’s fields with the page token and the app-secret proof', async () => {
    const seen: URL[] = [];

    const lead = await answering(
      200,
      { id: '444', field_data: [{ name: 'email', values: ['a@b.de'] }] },
      seen,
    ).fetchLead('444', 'page-token', 'app-secret');

    expect(lead.field_data).toEqual([{ name: 'email', values: ['a@b.de'] }]);
    expect(seen[0]?.origin + (seen[0]?.pathname ?? '')).toBe('https://graph.example/v21.0/444');
    expect(Object.fromEntries(seen[0]?.searchParams ?? [])).toEqual({
      access_token: 'page-token',
      appsecret_proof: createHmac('sha256', 'app-secret').update('page-token').digest('hex'),
      fields: 'id,created_time,field_data,form_id,ad_id',
    });
  });

  it('throws a Graph error naming Meta’s code but never the access token', async () => {
    const client = answering(400, { error: { message: 'Invalid OAuth access token', code: 190, fbtrace_id: 'AbC' } });

    const error = await client.fetchLead('444', 'secret-page-token', 'app-secret').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(GraphApiError);
    expect(String(error)).toContain('400');
    expect(String(error)).toContain('code 190');
    expect(String(error)).not.toContain('secret-page-token');
  });

  it('throws when Graph cannot be reached in time', async () => {
    const client = createGraphClient({
      baseUrl: 'https://graph.example/v21.0',
      timeoutMs: 20,
      fetch: (_input, init) =>
        new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason))),
    });

    await expect(client.fetchLead('444', 't', 's')).rejects.toThrow('no answer in 20 ms');
  });
});
