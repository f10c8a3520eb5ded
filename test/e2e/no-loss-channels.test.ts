// No lead is lost across the intake channels: Facebook deliveries repeated (as Meta repeats them)
// while the Graph API fails at first, and agency batches retried with the same Idempotency-Key; each
// lead ends in the inbox exactly once (or in a DLQ — none should here, as the Graph API recovers).
// Clients behave as real ones do on a busy machine: Meta delivers again on any answer but 200, an
// agency sends the same batch again when told to retry later.
import { createHmac, randomUUID } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetQueueAttributesCommand, GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localAwsEnv } from '../../infra/local/services.ts';
import { eventually } from '../support/eventually.ts';
import { type FakeGraphServer, startFakeGraphServer } from '../support/fake-graph-server.ts';
import { type RunningStack, startStackProcess } from '../support/local-stack-process.ts';
import { fetchWithRetries, metaRetries, neverAcceptable } from '../support/retrying-fetch.ts';

const pageId = '4100000000000001';
const config = { appSecret: 'no-loss-secret', verifyToken: 'no-loss-verify', pages: { [pageId]: 'token-no-loss' } };

let stack: RunningStack;
let graph: FakeGraphServer;

beforeAll(async () => {
  graph = await startFakeGraphServer();
  const file = join(await mkdtemp(join(tmpdir(), 'kontakt-fb-')), 'facebook.json');
  await writeFile(file, JSON.stringify(config));
  stack = await startStackProcess({
    env: { FACEBOOK_CONFIG_FILE: file, GRAPH_API_BASE_URL: graph.baseUrl, KONTAKT_RETRY_SECONDS: '1' },
  });
});

afterAll(async () => {
  await stack?.stop();
  await graph?.stop();
});

const json = async (res: Response) => ({ status: res.status, body: (await res.json()) as Record<string, unknown> });

const inboxCount = async (token: string): Promise<{ total: number; sources: string[] }> => {
  const res = await fetch(`${stack.baseUrl}/v1/inbox?q=${token}&limit=100`, {
    headers: { authorization: `Bearer ${stack.salesToken}` },
  });
  const page = (await res.json()) as { items: { source: string }[] };
  return { total: page.items.length, sources: page.items.map((i) => i.source) };
};

/** Messages of a queue, waiting, in flight or delayed; zero when everything sent to it was handled. */
const queueDepth = async (queue: string): Promise<number> => {
  const sqs = new SQSClient({
    endpoint: `http://127.0.0.1:${stack.ports.emulator}`,
    useQueueUrlAsEndpoint: false,
    region: localAwsEnv.AWS_REGION,
    credentials: { accessKeyId: localAwsEnv.AWS_ACCESS_KEY_ID, secretAccessKey: localAwsEnv.AWS_SECRET_ACCESS_KEY },
  });
  const url = (await sqs.send(new GetQueueUrlCommand({ QueueName: queue }))).QueueUrl;
  const res = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: [
        'ApproximateNumberOfMessages',
        'ApproximateNumberOfMessagesNotVisible',
        'ApproximateNumberOfMessagesDelayed',
      ],
    }),
  );
  const attributes = res.Attributes ?? {};
  return (
    Number(attributes.ApproximateNumberOfMessages ?? '0') +
    Number(attributes.ApproximateNumberOfMessagesNotVisible ?? '0') +
    Number(attributes.ApproximateNumberOfMessagesDelayed ?? '0')
  );
};

describe('no lead is lost across channels', () => {
  it('keeps every Facebook and agency lead exactly once through repeats, retries and Graph failures', async () => {
    const run = `nlc${randomUUID()
      .replace(/[^a-z]/g, '')
      .slice(0, 7)}`;

    // Facebook: 15 leads, each delivered 3 times at once; the Graph API fails each lead's first 2 fetches.
    const leadgenIds = Array.from({ length: 15 }, (_, i) => `8${Date.now()}${String(i).padStart(3, '0')}`);
    for (const [i, id] of leadgenIds.entries()) {
      graph.addLead(id, {
        accessToken: 'token-no-loss',
        fieldData: [
          { name: 'full_name', values: [`Face Book${i}`] },
          { name: 'company_name', values: [run] },
          { name: 'email', values: [`fb${i}.${run}@example.com`] },
        ],
      });
      graph.failFirst(id, 2);
    }
    const webhookSeen: number[] = [];
    const agencySeen: number[] = [];
    const deliveries = leadgenIds.flatMap((id) => {
      const body = `{"object":"page","entry":[{"id":"${pageId}","time":1714809600,"changes":[{"field":"leadgen","value":{"leadgen_id":${id},"page_id":${pageId},"form_id":6100000000000001,"created_time":1714809600}}]}]}`;
      const signature = `sha256=${createHmac('sha256', config.appSecret).update(body).digest('hex')}`;
      return Array.from({ length: 3 }, () =>
        fetchWithRetries(
          `${stack.baseUrl}/v1/facebook/webhook`,
          { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature } },
          { retryOn: metaRetries, seen: webhookSeen },
        ).then((r) => r.status),
      );
    });

    // Agencies: 3 batches of 10 leads, each batch sent 3 times at once with the same Idempotency-Key.
    const agency = await json(
      await fetch(`${stack.baseUrl}/v1/agencies`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.adminToken}` },
        body: JSON.stringify({ name: `Agency ${run}` }),
      }),
    );
    const key = await json(
      await fetch(`${stack.baseUrl}/v1/agencies/${agency.body.id}/keys`, {
        method: 'POST',
        headers: { authorization: `Bearer ${stack.adminToken}` },
      }),
    );
    const batches = Array.from({ length: 3 }, (_, b) => ({
      idempotencyKey: randomUUID(),
      leads: Array.from({ length: 10 }, (_, i) => ({
        ...(i % 2 === 0 ? { externalId: `ext-${b}-${i}` } : {}),
        contact: { lastName: `Agent${b}x${i}`, companyName: run, email: `ag${b}.${i}.${run}@example.com` },
      })),
    }));
    const agencyPosts = batches.flatMap((batch) =>
      Array.from({ length: 3 }, () =>
        fetchWithRetries(
          `${stack.baseUrl}/v1/agency/leads`,
          {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              authorization: `Bearer ${String(key.body.key)}`,
              'idempotency-key': batch.idempotencyKey,
            },
            body: JSON.stringify({ leads: batch.leads }),
          },
          { seen: agencySeen },
        ).then(json),
      ),
    );

    const [fbStatuses, agencyAnswers] = await Promise.all([Promise.all(deliveries), Promise.all(agencyPosts)]);
    // settled: every Facebook delivery handled (its queue empty, nothing in flight), so no late duplicate can come
    const final = await eventually(
      async () => {
        const counted = await inboxCount(run);
        const waiting = await queueDepth('facebook-leads');
        return counted.total >= 45 && waiting === 0 ? counted : undefined;
      },
      { timeoutMs: 200_000, what: '45 leads in the inbox and the facebook-leads queue drained' },
    );

    expect(fbStatuses.every((s) => s === 200)).toBe(true);
    expect(agencyAnswers.every((a) => a.status === 200)).toBe(true);
    // retried answers count too: the agency route never answers a 5xx (busy is a 429), the webhook never a 500
    expect(agencySeen.filter((s) => s >= 500)).toEqual([]);
    expect(neverAcceptable(webhookSeen)).toEqual([]);
    expect(final.total).toBe(45);
    expect(final.sources.filter((s) => s === 'facebook')).toHaveLength(15);
    expect(final.sources.filter((s) => s === 'lead_agency')).toHaveLength(30);
    for (const id of leadgenIds) expect(graph.requestsFor(id), id).toBeGreaterThanOrEqual(3);
    expect(await queueDepth('facebook-leads-dlq')).toBe(0);
    expect((await inboxCount(run)).total).toBe(45);
  });
});
