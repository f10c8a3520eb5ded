// The Facebook channel against DynamoDB Local, the emulator's SQS and a fake Graph server: the
// webhook's handler queues signed leads, the worker's handler stores each lead once.

import { createHmac, randomUUID } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSBatchResponse } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FacebookLeadReceivedV1 } from '../../events/facebook-lead-received.v1.ts';
import { LeadReceivedV1 } from '../../events/lead-received.v1.ts';
import { facebookLeads } from '../../functions/facebook/facebook-lead.entity.ts';
import { createInboxEntryRepository } from '../../functions/inbox/inbox-entry.repository.ts';
import { documentClient, mentioning, tableName, takeMessage, useLocalAwsEnv } from '../support/aws.ts';
import { useConsumerEnv } from '../support/consumer-env.ts';
import { apiEvent, lambdaContext, sqsEvent } from '../support/events.ts';
import { type FakeGraphServer, startFakeGraphServer } from '../support/fake-graph-server.ts';
import { indexPendingEntries } from '../support/indexing.ts';

const config = {
  appSecret: 'integration-app-secret',
  verifyToken: 'integration-verify-token',
  pages: { '2000000000000001': 'token-of-page-1' },
};
const pageId = '2000000000000001';

const doc = documentClient();
const inbox = createInboxEntryRepository(doc, tableName);
let graph: FakeGraphServer;
// imported once the environment is set: the handlers read it at import, as at a cold start
let webhook: typeof import('../../functions/facebook/facebook-webhook.handler.ts')['handler'];
let worker: typeof import('../../functions/facebook/facebook-worker.handler.ts')['handler'];

/** A word no other test uses, so `q` finds exactly this test's entries. */
const uniqueName = (): string =>
  `Zq${randomUUID()
    .replace(/[^a-z]/g, '')
    .slice(0, 10)}`;
/** Leadgen ids beyond 2^53, as Meta's are: digits a JavaScript number would lose. */
const newLeadgenId = (): string => `9${String(Date.now())}${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`;

const receivedEvent = (leadgenId: string, page = pageId): FacebookLeadReceivedV1 => ({
  type: 'facebook-lead-received',
  version: 1,
  leadgenId,
  pageId: page,
  formId: '3000000000000001',
  createdTime: 1714809600,
  receivedAt: new Date().toISOString(),
});

const deliver = async (...events: FacebookLeadReceivedV1[]): Promise<SQSBatchResponse> =>
  await worker(sqsEvent(events.map((e, i) => ({ id: `m${i}`, body: JSON.stringify(e) }))), lambdaContext());

const entriesNamed = async (name: string) => {
  // the worker indexes what intake stored: searched only once it has
  await indexPendingEntries(doc, tableName);
  return (await inbox.list({ limit: 10, q: name.toLowerCase() })).items;
};

beforeAll(async () => {
  graph = await startFakeGraphServer();
  const file = join(await mkdtemp(join(tmpdir(), 'kontakt-fb-it-')), 'facebook.json');
  await writeFile(file, JSON.stringify(config));
  useLocalAwsEnv();
  Object.assign(process.env, { FACEBOOK_CONFIG_FILE: file, GRAPH_API_BASE_URL: graph.baseUrl });
  useConsumerEnv('facebook-leads');
  webhook = (await import('../../functions/facebook/facebook-webhook.handler.ts')).handler;
  worker = (await import('../../functions/facebook/facebook-worker.handler.ts')).handler;
});

afterAll(async () => {
  await graph?.stop();
});

describe('the webhook handler', () => {
  it('puts each signed leadgen change on the facebook-leads queue, ids digit for digit', async () => {
    const leadgenId = newLeadgenId();
    // Meta writes the id as a bare number, too large for a double
    const body = `{"object":"page","entry":[{"id":"${pageId}","time":1714809600,"changes":[{"field":"leadgen","value":{"leadgen_id":${leadgenId},"page_id":${pageId},"form_id":3000000000000001,"created_time":1714809600}}]}]}`;
    const signature = `sha256=${createHmac('sha256', config.appSecret).update(body).digest('hex')}`;

    const res = await webhook(
      apiEvent({ routeKey: 'POST /v1/facebook/webhook', body, headers: { 'x-hub-signature-256': signature } }),
      lambdaContext(),
    );
    const message = await takeMessage('facebook-leads', mentioning(leadgenId));

    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body ?? '')).toEqual({ received: 1, skipped: 0 });
    expect(message).toMatchObject({
      type: 'facebook-lead-received',
      version: 1,
      leadgenId,
      pageId,
      formId: '3000000000000001',
      createdTime: 1714809600,
    });
  });
});

describe('the worker handler', () => {
  it('stores the fetched lead in the inbox with its guard and requests its duplicate check', async () => {
    const name = uniqueName();
    const leadgenId = newLeadgenId();
    graph.addLead(leadgenId, {
      accessToken: 'token-of-page-1',
      fieldData: [
        { name: 'full_name', values: [`Erika ${name}`] },
        { name: 'email', values: [`${name.toLowerCase()}@example.com`] },
        { name: 'phone_number', values: ['+4915112345678'] },
        { name: 'wie_viele_mitarbeiter?', values: ['10-50'] },
      ],
    });

    const res = await deliver(receivedEvent(leadgenId));
    const [entry, ...others] = await entriesNamed(name);
    const guard = await doc.send(new GetCommand({ TableName: tableName, Key: facebookLeads.key(leadgenId) }));
    const check = LeadReceivedV1.parse(await takeMessage('duplicate-check', mentioning(entry?.id ?? 'none')));

    expect(res.batchItemFailures).toEqual([]);
    expect(others).toEqual([]);
    expect(entry).toMatchObject({
      source: 'facebook',
      priority: 'normal',
      processingStatus: 'new',
      contact: {
        firstName: 'Erika',
        lastName: name,
        email: `${name.toLowerCase()}@example.com`,
        phone: '+4915112345678',
      },
      message: 'wie_viele_mitarbeiter?: 10-50',
      raw: { leadgenId, pageId, formId: '3000000000000001', createdTime: '2026-05-04T08:00:00+0000' },
    });
    expect(guard.Item).toMatchObject({ _et: 'facebook-lead', inboxEntryId: entry?.id });
    expect(check).toMatchObject({ type: 'lead-received', inboxEntryId: entry?.id, source: 'facebook' });
  });

  it('stores a lead delivered again, or twice at once, exactly once, and asks Graph no more after it is stored', async () => {
    const name = uniqueName();
    const leadgenId = newLeadgenId();
    graph.addLead(leadgenId, { accessToken: 'token-of-page-1', fieldData: [{ name: 'full_name', values: [name] }] });

    const together = await deliver(receivedEvent(leadgenId), receivedEvent(leadgenId));
    const requestsAfterFirst = graph.requestsFor(leadgenId);
    const again = await deliver(receivedEvent(leadgenId));

    expect(together.batchItemFailures).toEqual([]);
    expect(again.batchItemFailures).toEqual([]);
    expect(await entriesNamed(name)).toHaveLength(1);
    expect(graph.requestsFor(leadgenId)).toBe(requestsAfterFirst);
  });

  it('fails the record while Graph fails, stores nothing, and stores the lead once Graph answers', async () => {
    const name = uniqueName();
    const leadgenId = newLeadgenId();
    graph.addLead(leadgenId, { accessToken: 'token-of-page-1', fieldData: [{ name: 'full_name', values: [name] }] });
    graph.failFirst(leadgenId, 1);

    const first = await deliver(receivedEvent(leadgenId));
    const afterFailure = await entriesNamed(name);
    const retried = await deliver(receivedEvent(leadgenId));

    expect(first.batchItemFailures).toEqual([{ itemIdentifier: 'm0' }]);
    expect(afterFailure).toEqual([]);
    expect(retried.batchItemFailures).toEqual([]);
    expect(await entriesNamed(name)).toHaveLength(1);
  });

  it('fails only the record whose page has no token, never its neighbours', async () => {
    const name = uniqueName();
    const good = newLeadgenId();
    const orphan = newLeadgenId();
    graph.addLead(good, { accessToken: 'token-of-page-1', fieldData: [{ name: 'full_name', values: [name] }] });

    const res = await deliver(receivedEvent(orphan, '2000000000000999'), receivedEvent(good));

    expect(res.batchItemFailures).toEqual([{ itemIdentifier: 'm0' }]);
    expect(graph.requestsFor(orphan)).toBe(0);
    expect(await entriesNamed(name)).toHaveLength(1);
  });
});
